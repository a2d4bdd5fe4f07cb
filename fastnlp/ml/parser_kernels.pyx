# cython: infer_types=True
"""C kernels of the TransitionBasedParser model, with thin numpy wrappers for tests.

The numpy reference (`fastnlp/ml/parser_reference.py`) is the specification; tests
compare every kernel with it.
"""
cimport numpy as np
from blis.cy cimport sgemm
from libc.math cimport exp, log
from libc.stdint cimport uint64_t
from libc.string cimport memcpy, memset

import numpy

np.import_array()

# Below this many gold probability mass the loss is clipped (log of ~0).
cdef float MIN_GOLD_PROB = 1e-8
cdef float NEG_INF = -1e30


cdef void sum_state_features(float* hidden_bhp, const float* table_tfhp,
                             const float* pad_fhp, const float* bias_hp,
                             const int* rows_bf, int B, int F, int HP) noexcept nogil:
    """hidden[b] = bias + sum over slots f of table[rows[b, f], f] (pad[f] if rows is -1)."""
    cdef int b, f, i, row
    cdef float* out
    cdef const float* src
    for b in range(B):
        out = hidden_bhp + b * HP
        memcpy(out, bias_hp, HP * sizeof(float))
        for f in range(F):
            row = rows_bf[b * F + f]
            if row < 0:
                src = pad_fhp + f * HP
            else:
                src = table_tfhp + (<long>row * F + f) * HP
            for i in range(HP):
                out[i] += src[i]


cdef void maxout_forward(float* out_bh, int* which_bh, const float* in_bhp,
                         int B, int H, int P) noexcept nogil:
    """out[b, h] = max over pieces p of in[b, h, p]; which[b, h] = the argmax."""
    cdef int b, h, p, best
    cdef const float* pieces
    for b in range(B):
        for h in range(H):
            pieces = in_bhp + (b * H + h) * P
            best = 0
            for p in range(1, P):
                if pieces[p] > pieces[best]:
                    best = p
            out_bh[b * H + h] = pieces[best]
            which_bh[b * H + h] = best


cdef void maxout_backward(float* d_in_bhp, const float* d_out_bh, const int* which_bh,
                          int B, int H, int P) noexcept nogil:
    """Route each output gradient to the piece that won; the other pieces get zero."""
    memset(d_in_bhp, 0, <long>B * H * P * sizeof(float))
    cdef int b, h
    for b in range(B):
        for h in range(H):
            d_in_bhp[(b * H + h) * P + which_bh[b * H + h]] = d_out_bh[b * H + h]


cdef void scatter_state_features(float* d_table_tfhp, float* d_pad_fhp, float* d_bias_hp,
                                 const float* d_hidden_bhp, const int* rows_bf,
                                 int B, int F, int HP) noexcept nogil:
    """Backward of sum_state_features: add d_hidden into the rows each state read."""
    cdef int b, f, i, row
    cdef const float* d_out
    cdef float* dst
    for b in range(B):
        d_out = d_hidden_bhp + b * HP
        for i in range(HP):
            d_bias_hp[i] += d_out[i]
        for f in range(F):
            row = rows_bf[b * F + f]
            if row < 0:
                dst = d_pad_fhp + f * HP
            else:
                dst = d_table_tfhp + (<long>row * F + f) * HP
            for i in range(HP):
                dst[i] += d_out[i]


cdef void linear_forward(float* out_bo, const float* in_bh, const float* W_oh,
                         const float* b_o, int B, int H, int O) noexcept nogil:
    """out = in @ W.T + b."""
    cdef int b
    for b in range(B):
        memcpy(out_bo + b * O, b_o, O * sizeof(float))
    if B > 0:
        sgemm(False, True, B, O, H, 1.0, in_bh, H, W_oh, H, 1.0, out_bo, O)


cdef void linear_backward(float* d_in_bh, float* dW_oh, float* db_o, const float* d_out_bo,
                          const float* in_bh, const float* W_oh,
                          int B, int H, int O) noexcept nogil:
    """d_in = d_out @ W; dW += d_out.T @ in; db += sum of d_out over the batch."""
    if B == 0:
        return
    sgemm(False, False, B, H, O, 1.0, d_out_bo, O, W_oh, H, 0.0, d_in_bh, H)
    sgemm(True, False, O, H, B, 1.0, d_out_bo, O, in_bh, H, 1.0, dW_oh, H)
    cdef int b, o
    for b in range(B):
        for o in range(O):
            db_o[o] += d_out_bo[b * O + o]


cdef float gold_softmax_loss(float* d_scores_bo, const float* scores_bo,
                             const int* valid_bo, const float* costs_bo,
                             int B, int O) noexcept nogil:
    """Softmax over each state's valid moves; the gold moves are the valid ones of least
    cost. Loss = -log P(gold); d_scores = P - P * [gold] / P(gold), zero for invalid moves.
    Returns the summed loss.
    """
    cdef int b, o
    cdef float max_score, min_cost, total, gold_total, prob, loss = 0.0
    cdef const float* scores
    cdef const float* costs
    cdef const int* valid
    cdef float* d_scores
    for b in range(B):
        scores = scores_bo + b * O
        costs = costs_bo + b * O
        valid = valid_bo + b * O
        d_scores = d_scores_bo + b * O
        max_score = NEG_INF
        min_cost = 1e30
        for o in range(O):
            if valid[o]:
                if scores[o] > max_score:
                    max_score = scores[o]
                if costs[o] < min_cost:
                    min_cost = costs[o]
        total = 0.0
        gold_total = 0.0
        for o in range(O):
            if valid[o]:
                prob = exp(scores[o] - max_score)
                total += prob
                if costs[o] <= min_cost:
                    gold_total += prob
        if total <= 0.0:
            memset(d_scores, 0, O * sizeof(float))
            continue
        for o in range(O):
            if not valid[o]:
                d_scores[o] = 0.0
                continue
            prob = exp(scores[o] - max_score) / total
            if costs[o] <= min_cost:
                d_scores[o] = prob - prob * total / gold_total
            else:
                d_scores[o] = prob
        loss -= log(max(gold_total / total, MIN_GOLD_PROB))
    return loss


cdef void best_valid_moves(int* moves_b, const float* scores_bo, const int* valid_bo,
                           int B, int O) noexcept nogil:
    """The highest-scoring valid move of each state (-1 if none is valid)."""
    cdef int b, o, best
    for b in range(B):
        best = -1
        for o in range(O):
            if valid_bo[b * O + o] and (best == -1 or
                                        scores_bo[b * O + o] > scores_bo[b * O + best]):
                best = o
        moves_b[b] = best


# Python wrappers (tests and the reference comparison) ----------------------------------

def _f32(array):
    return numpy.ascontiguousarray(array, dtype="float32")


def _i32(array):
    return numpy.ascontiguousarray(array, dtype="int32")


def py_sum_state_features(table_tfhp, pad_fhp, bias_hp, rows_bf):
    cdef np.ndarray[float, ndim=3] table = _f32(table_tfhp)
    cdef np.ndarray[float, ndim=2] pad = _f32(pad_fhp)
    cdef np.ndarray[float, ndim=1] bias = _f32(bias_hp)
    cdef np.ndarray[int, ndim=2] rows = _i32(rows_bf)
    cdef int B = rows.shape[0], F = rows.shape[1], HP = bias.shape[0]
    if table.shape[1] != F or table.shape[2] != HP or pad.shape[0] != F:
        raise ValueError("py_sum_state_features: table, pad and rows disagree on F or HP")
    if rows.size and rows.max() >= table.shape[0]:
        raise ValueError("py_sum_state_features: a row index is past the table")
    cdef np.ndarray[float, ndim=2] out = numpy.zeros((B, HP), dtype="float32")
    sum_state_features(&out[0, 0] if B else NULL, &table[0, 0, 0] if table.shape[0] else NULL,
                       &pad[0, 0], &bias[0], &rows[0, 0] if B else NULL, B, F, HP)
    return out


def py_maxout(in_bhp):
    cdef np.ndarray[float, ndim=3] X = _f32(in_bhp)
    cdef int B = X.shape[0], H = X.shape[1], P = X.shape[2]
    cdef np.ndarray[float, ndim=2] out = numpy.zeros((B, H), dtype="float32")
    cdef np.ndarray[int, ndim=2] which = numpy.zeros((B, H), dtype="int32")
    if B:
        maxout_forward(&out[0, 0], &which[0, 0], &X[0, 0, 0], B, H, P)
    return out, which


def py_maxout_backward(d_out_bh, which_bh, int P):
    cdef np.ndarray[float, ndim=2] dY = _f32(d_out_bh)
    cdef np.ndarray[int, ndim=2] which = _i32(which_bh)
    cdef int B = dY.shape[0], H = dY.shape[1]
    cdef np.ndarray[float, ndim=3] dX = numpy.zeros((B, H, P), dtype="float32")
    if B:
        maxout_backward(&dX[0, 0, 0], &dY[0, 0], &which[0, 0], B, H, P)
    return dX


def py_scatter_state_features(d_hidden_bhp, rows_bf, int T):
    cdef np.ndarray[float, ndim=2] dH = _f32(d_hidden_bhp)
    cdef np.ndarray[int, ndim=2] rows = _i32(rows_bf)
    cdef int B = rows.shape[0], F = rows.shape[1], HP = dH.shape[1]
    cdef np.ndarray[float, ndim=3] d_table = numpy.zeros((max(T, 1), F, HP), dtype="float32")
    cdef np.ndarray[float, ndim=2] d_pad = numpy.zeros((F, HP), dtype="float32")
    cdef np.ndarray[float, ndim=1] d_bias = numpy.zeros((HP,), dtype="float32")
    if B:
        scatter_state_features(&d_table[0, 0, 0], &d_pad[0, 0], &d_bias[0], &dH[0, 0],
                               &rows[0, 0], B, F, HP)
    return d_table[:T], d_pad, d_bias


def py_linear(in_bh, W_oh, b_o):
    cdef np.ndarray[float, ndim=2] X = _f32(in_bh)
    cdef np.ndarray[float, ndim=2] W = _f32(W_oh)
    cdef np.ndarray[float, ndim=1] bias = _f32(b_o)
    cdef int B = X.shape[0], H = X.shape[1], O = W.shape[0]
    cdef np.ndarray[float, ndim=2] out = numpy.zeros((B, O), dtype="float32")
    if B:
        linear_forward(&out[0, 0], &X[0, 0], &W[0, 0], &bias[0], B, H, O)
    return out


def py_linear_backward(d_out_bo, in_bh, W_oh):
    cdef np.ndarray[float, ndim=2] dY = _f32(d_out_bo)
    cdef np.ndarray[float, ndim=2] X = _f32(in_bh)
    cdef np.ndarray[float, ndim=2] W = _f32(W_oh)
    cdef int B = X.shape[0], H = X.shape[1], O = W.shape[0]
    cdef np.ndarray[float, ndim=2] dX = numpy.zeros((B, H), dtype="float32")
    cdef np.ndarray[float, ndim=2] dW = numpy.zeros((O, H), dtype="float32")
    cdef np.ndarray[float, ndim=1] db = numpy.zeros((O,), dtype="float32")
    if B:
        linear_backward(&dX[0, 0], &dW[0, 0], &db[0], &dY[0, 0], &X[0, 0], &W[0, 0], B, H, O)
    return dX, dW, db


def py_gold_softmax_loss(scores_bo, valid_bo, costs_bo):
    cdef np.ndarray[float, ndim=2] S = _f32(scores_bo)
    cdef np.ndarray[int, ndim=2] V = _i32(valid_bo)
    cdef np.ndarray[float, ndim=2] C = _f32(costs_bo)
    cdef int B = S.shape[0], O = S.shape[1]
    cdef np.ndarray[float, ndim=2] dS = numpy.zeros((B, O), dtype="float32")
    cdef float loss = 0.0
    if B:
        loss = gold_softmax_loss(&dS[0, 0], &S[0, 0], &V[0, 0], &C[0, 0], B, O)
    return loss, dS


cdef uint64_t mix64(uint64_t z) noexcept nogil:
    """A 64-bit mixing function (the splitmix64 finalizer): close inputs give unrelated
    outputs, so it turns keys into generator seeds."""
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL
    return z ^ (z >> 31)


cdef inline uint64_t splitmix64(uint64_t* state) noexcept nogil:
    state[0] += 0x9E3779B97F4A7C15ULL
    return mix64(state[0])


cdef void dropout_forward(float* x_n, float* mask_n, int n, float rate,
                          uint64_t* rng) noexcept nogil:
    """Inverted dropout: each unit is kept with probability 1 - rate and scaled by
    1 / (1 - rate), else zeroed; mask_n records the factor. rng advances."""
    cdef float keep_scale = 1.0 / (1.0 - rate)
    cdef double threshold = rate * 18446744073709551616.0   # rate * 2**64
    cdef int i
    for i in range(n):
        mask_n[i] = keep_scale if <double>splitmix64(rng) >= threshold else 0.0
        x_n[i] *= mask_n[i]


cdef void multiply_by(float* x_n, const float* mask_n, int n) noexcept nogil:
    cdef int i
    for i in range(n):
        x_n[i] *= mask_n[i]


def py_dropout(x, float rate, uint64_t seed):
    """(x with dropout, the mask) for a float32 array x and 0 <= rate < 1."""
    cdef np.ndarray[float, ndim=1] X = _f32(x).ravel().copy()
    cdef np.ndarray[float, ndim=1] M = numpy.ones_like(X)
    cdef uint64_t rng = seed
    if X.shape[0]:
        dropout_forward(&X[0], &M[0], X.shape[0], rate, &rng)
    return X.reshape(numpy.shape(x)), M.reshape(numpy.shape(x))


def py_best_valid_moves(scores_bo, valid_bo):
    cdef np.ndarray[float, ndim=2] S = _f32(scores_bo)
    cdef np.ndarray[int, ndim=2] V = _i32(valid_bo)
    cdef int B = S.shape[0], O = S.shape[1]
    cdef np.ndarray[int, ndim=1] moves = numpy.zeros((B,), dtype="int32")
    if B:
        best_valid_moves(&moves[0], &S[0, 0], &V[0, 0], B, O)
    return moves
