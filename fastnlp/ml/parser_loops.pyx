# cython: infer_types=True
"""The transition loops of the parser model: greedy decoding and training, in C.

Both loops run every step of every state of a batch without the GIL: the states pick
their feature tokens, the kernels (parser_kernels.pyx) sum the precomputed lower-layer
rows, take the maxout and score the moves, and the states apply the chosen moves. In
training each step also gets the oracle's costs, and the gradient of the gold-softmax
loss flows straight back into the ParserBatch's accumulators (no per-step history is
kept: the costs come from the oracle, not from later steps).
"""
cimport numpy as np
from libc.stdint cimport uint64_t

import numpy
from ..pipeline.transition.batch cimport StateBatch
from ..pipeline.transition.state cimport FnlpState
from .parser_kernels cimport (best_valid_moves, dropout_forward, gold_softmax_loss,
                              linear_backward, linear_forward, maxout_backward,
                              maxout_forward, mix64, multiply_by, scatter_state_features,
                              sum_state_features)

np.import_array()


cdef struct Sizes:
    int F
    int H
    int P
    int O
    int use_upper


cdef class _Buffers:
    """Scratch arrays for one batch, sized for all states (B rows at most)."""
    cdef np.ndarray ids_bf, hidden_bhp, hidden_bh, which_bh, scores_bo, moves_b
    cdef np.ndarray valid_bo, costs_bo, d_scores_bo, d_hidden_bh, d_hidden_bhp, mask_bh

    def __init__(self, int B, Sizes s, bint train):
        B = max(B, 1)
        self.ids_bf = numpy.zeros((B, s.F), dtype="int32")
        self.hidden_bhp = numpy.zeros((B, s.H * s.P), dtype="float32")
        self.hidden_bh = numpy.zeros((B, s.H), dtype="float32")
        self.which_bh = numpy.zeros((B, s.H), dtype="int32")
        self.scores_bo = numpy.zeros((B, s.O), dtype="float32")
        self.moves_b = numpy.zeros((B,), dtype="int32")
        if train:
            self.valid_bo = numpy.zeros((B, s.O), dtype="int32")
            self.costs_bo = numpy.zeros((B, s.O), dtype="float32")
            self.d_scores_bo = numpy.zeros((B, s.O), dtype="float32")
            self.d_hidden_bh = numpy.zeros((B, s.H), dtype="float32")
            self.d_hidden_bhp = numpy.zeros((B, s.H * s.P), dtype="float32")
            self.mask_bh = numpy.ones((B, s.H), dtype="float32")


cdef float* _fptr(np.ndarray array):
    return <float*>np.PyArray_DATA(array)


cdef int* _iptr(np.ndarray array):
    return <int*>np.PyArray_DATA(array)


cdef Sizes _sizes(batch, StateBatch states) except *:
    cdef Sizes s
    s.F = batch.nF
    s.H = batch.nH if batch.use_upper else batch.nO
    s.P = batch.nP
    s.O = batch.nO
    s.use_upper = batch.use_upper
    if states.system.n_feats != s.F:
        raise ValueError(f"parser model has {s.F} feature slots but the transition system "
                         f"uses {states.system.n_feats}; nr_feature_tokens disagree")
    if states.system.n_moves != s.O:
        raise ValueError(f"parser model scores {s.O} moves but the transition system has "
                         f"{states.system.n_moves}; re-initialize after adding labels")
    if batch.window is None and states.n_tokens != batch.table_tfhp.shape[0]:
        raise ValueError("the state batch and the model batch cover different tokens")
    return s


def _contig(array, dtype):
    return numpy.ascontiguousarray(array, dtype=dtype)


def decode(batch, StateBatch states, int until=-1):
    """Run greedy decoding to the end for every state; returns the number of steps.

    until >= 0 (a one-state batch over a window of a long doc): stop before a step
    whose buffer features could reach token `until` (B0 + 2 >= until), unless the
    window runs to the end of the doc.
    """
    cdef Sizes s = _sizes(batch, states)
    if until >= 0 and states.n_states != 1:
        raise ValueError("decode: `until` needs a batch of one state")
    cdef FnlpState* st = &states.states_b[0]
    if until >= st.length:
        until = -1
    cdef _Buffers buf = _Buffers(states.n_active, s, False)
    table = _contig(batch.table_tfhp, "float32")
    pad = _contig(batch.pad_fhp, "float32")
    bias = _contig(batch.bias_hp, "float32")
    cdef const float* table_p = _fptr(table)
    cdef const float* pad_p = _fptr(pad)
    cdef const float* bias_p = _fptr(bias)
    cdef const float* W_p = NULL
    cdef const float* b_p = NULL
    if s.use_upper:
        upper_W = _contig(batch.upper_W, "float32")
        upper_b = _contig(batch.upper_b, "float32")
        W_p = _fptr(upper_W)
        b_p = _fptr(upper_b)
    cdef int* ids = _iptr(buf.ids_bf)
    cdef float* hid_bhp = _fptr(buf.hidden_bhp)
    cdef float* hid_bh = _fptr(buf.hidden_bh)
    cdef int* which = _iptr(buf.which_bh)
    cdef float* scores = _fptr(buf.scores_bo) if s.use_upper else hid_bh
    cdef int* moves = _iptr(buf.moves_b)
    cdef int B, n_steps = 0
    with nogil:
        while states.n_active > 0:
            if until >= 0 and st.b0 + 2 >= until:
                break
            B = states.n_active
            states.set_context_tokens(ids, s.F)
            sum_state_features(hid_bhp, table_p, pad_p, bias_p, ids, B, s.F, s.H * s.P)
            maxout_forward(hid_bh, which, hid_bhp, B, s.H, s.P)
            if s.use_upper:
                linear_forward(scores, hid_bh, W_p, b_p, B, s.H, s.O)
            states.greedy_step(scores, moves)
            n_steps += 1
    return n_steps


def train(batch, StateBatch states, int max_steps=-1, float dropout=0.0, uint64_t seed=0):
    """Follow the model's best valid moves to the end (or for max_steps steps, if >= 0),
    scoring every step against the oracle's costs; gradients go into batch's
    accumulators. Returns the summed loss.

    With an upper layer, `dropout` drops hidden units (after the maxout) at that rate at
    every step; the moves followed are the best under the dropped-out scores, as the
    gradient is. Each (step, state) draws its mask from its own generator, seeded from
    `seed`, the step and the state's index, so a state's masks do not depend on when
    the other states of the batch finish."""
    cdef Sizes s = _sizes(batch, states)
    if not batch.is_train:
        raise ValueError("parser_loops.train needs a batch from begin_update")
    if not 0.0 <= dropout < 1.0:
        raise ValueError(f"dropout must be in [0, 1), got {dropout}")
    cdef bint drop_hidden = s.use_upper and dropout > 0.0
    cdef uint64_t rng
    cdef int r
    cdef _Buffers buf = _Buffers(states.n_active, s, True)
    table = _contig(batch.table_tfhp, "float32")
    pad = _contig(batch.pad_fhp, "float32")
    bias = _contig(batch.bias_hp, "float32")
    for name in ("d_table_tfhp", "d_pad_fhp", "d_bias_hp"):
        if not getattr(batch, name).flags["C_CONTIGUOUS"]:
            raise ValueError(f"ParserBatch.{name} must be C-contiguous")
    cdef float* d_table_p = _fptr(batch.d_table_tfhp)
    cdef float* d_pad_p = _fptr(batch.d_pad_fhp)
    cdef float* d_bias_p = _fptr(batch.d_bias_hp)
    cdef const float* table_p = _fptr(table)
    cdef const float* pad_p = _fptr(pad)
    cdef const float* bias_p = _fptr(bias)
    cdef const float* W_p = NULL
    cdef const float* b_p = NULL
    cdef float* dW_p = NULL
    cdef float* db_p = NULL
    if s.use_upper:
        upper_W = _contig(batch.upper_W, "float32")
        upper_b = _contig(batch.upper_b, "float32")
        W_p = _fptr(upper_W)
        b_p = _fptr(upper_b)
        dW_p = _fptr(batch.d_upper_W)
        db_p = _fptr(batch.d_upper_b)
    cdef int* ids = _iptr(buf.ids_bf)
    cdef float* hid_bhp = _fptr(buf.hidden_bhp)
    cdef float* hid_bh = _fptr(buf.hidden_bh)
    cdef int* which = _iptr(buf.which_bh)
    cdef float* scores = _fptr(buf.scores_bo) if s.use_upper else hid_bh
    cdef int* moves = _iptr(buf.moves_b)
    cdef int* valid = _iptr(buf.valid_bo)
    cdef float* costs = _fptr(buf.costs_bo)
    cdef float* d_scores = _fptr(buf.d_scores_bo)
    cdef float* d_hid_bh = _fptr(buf.d_hidden_bh) if s.use_upper else d_scores
    cdef float* d_hid_bhp = _fptr(buf.d_hidden_bhp)
    cdef float* mask = _fptr(buf.mask_bh)
    cdef int B, n_steps = 0
    cdef double loss = 0.0
    with nogil:
        while states.n_active > 0 and n_steps != max_steps:
            n_steps += 1
            B = states.n_active
            states.set_context_tokens(ids, s.F)
            sum_state_features(hid_bhp, table_p, pad_p, bias_p, ids, B, s.F, s.H * s.P)
            maxout_forward(hid_bh, which, hid_bhp, B, s.H, s.P)
            if drop_hidden:
                for r in range(B):
                    rng = mix64(seed ^ mix64((<uint64_t>n_steps << 32)
                                             | <unsigned int>states.active_b[r]))
                    dropout_forward(hid_bh + r * s.H, mask + r * s.H, s.H, dropout, &rng)
            if s.use_upper:
                linear_forward(scores, hid_bh, W_p, b_p, B, s.H, s.O)
            states.set_costs(costs, valid)
            loss += gold_softmax_loss(d_scores, scores, valid, costs, B, s.O)
            if s.use_upper:
                linear_backward(d_hid_bh, dW_p, db_p, d_scores, hid_bh, W_p, B, s.H, s.O)
            if drop_hidden:
                multiply_by(d_hid_bh, mask, B * s.H)
            maxout_backward(d_hid_bhp, d_hid_bh, which, B, s.H, s.P)
            scatter_state_features(d_table_p, d_pad_p, d_bias_p, d_hid_bhp, ids, B, s.F,
                                   s.H * s.P)
            best_valid_moves(moves, scores, valid, B, s.O)
            states.apply(moves)
            states.drop_unteachable()
    return loss
