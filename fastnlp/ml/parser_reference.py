"""Plain numpy versions of the parser kernels: the specification they are tested against."""
import numpy


def sum_state_features(table_tfhp, pad_fhp, bias_hp, rows_bf):
    B, F = rows_bf.shape
    out = numpy.tile(bias_hp, (B, 1)).astype("float32")
    for f in range(F):
        rows = rows_bf[:, f]
        picked = numpy.where((rows >= 0)[:, None], table_tfhp[numpy.maximum(rows, 0), f],
                             pad_fhp[f][None, :]) if len(table_tfhp) else \
            numpy.tile(pad_fhp[f], (B, 1))
        out += picked
    return out


def maxout(in_bhp):
    which = in_bhp.argmax(axis=2).astype("int32")
    return in_bhp.max(axis=2), which


def maxout_backward(d_out_bh, which_bh, P):
    B, H = d_out_bh.shape
    d_in = numpy.zeros((B, H, P), dtype="float32")
    b, h = numpy.meshgrid(numpy.arange(B), numpy.arange(H), indexing="ij")
    d_in[b, h, which_bh] = d_out_bh
    return d_in


def scatter_state_features(d_hidden_bhp, rows_bf, T):
    B, F = rows_bf.shape
    HP = d_hidden_bhp.shape[1]
    d_table = numpy.zeros((T, F, HP), dtype="float32")
    d_pad = numpy.zeros((F, HP), dtype="float32")
    for b in range(B):
        for f in range(F):
            row = rows_bf[b, f]
            if row < 0:
                d_pad[f] += d_hidden_bhp[b]
            else:
                d_table[row, f] += d_hidden_bhp[b]
    return d_table, d_pad, d_hidden_bhp.sum(axis=0)


def linear(in_bh, W_oh, b_o):
    return in_bh @ W_oh.T + b_o


def linear_backward(d_out_bo, in_bh, W_oh):
    return d_out_bo @ W_oh, d_out_bo.T @ in_bh, d_out_bo.sum(axis=0)


def gold_softmax_loss(scores_bo, valid_bo, costs_bo):
    B, O = scores_bo.shape
    d_scores = numpy.zeros((B, O), dtype="float32")
    loss = 0.0
    for b in range(B):
        valid = valid_bo[b].astype(bool)
        if not valid.any():
            continue
        scores = numpy.where(valid, scores_bo[b], -numpy.inf)
        probs = numpy.exp(scores - scores.max())
        probs /= probs.sum()
        gold = valid & (costs_bo[b] <= costs_bo[b][valid].min())
        gold_mass = probs[gold].sum()
        d_scores[b] = probs - numpy.where(gold, probs / gold_mass, 0.0)
        d_scores[b][~valid] = 0.0
        loss -= numpy.log(max(gold_mass, 1e-8))
    return loss, d_scores


def best_valid_moves(scores_bo, valid_bo):
    masked = numpy.where(valid_bo.astype(bool), scores_bo, -numpy.inf)
    moves = masked.argmax(axis=1).astype("int32")
    moves[~valid_bo.astype(bool).any(axis=1)] = -1
    return moves
