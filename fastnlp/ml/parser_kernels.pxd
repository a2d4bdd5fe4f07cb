# Kernels of the transition-based parser model (TransitionBasedParser).
from libc.stdint cimport uint64_t
#
# Sizes: B states, T tokens (all docs of a batch, concatenated), F feature slots,
# H hidden units, P maxout pieces (HP = H * P), O output moves.
# table_tfhp holds, for every token and slot, the lower layer's contribution
# (precomputed once per batch); rows_bf holds, per state and slot, the token's row in
# table_tfhp or -1 for "no token" (the slot's learned padding vector is used then).


cdef void sum_state_features(float* hidden_bhp, const float* table_tfhp,
                             const float* pad_fhp, const float* bias_hp,
                             const int* rows_bf, int B, int F, int HP) noexcept nogil

cdef void maxout_forward(float* out_bh, int* which_bh, const float* in_bhp,
                         int B, int H, int P) noexcept nogil

cdef void maxout_backward(float* d_in_bhp, const float* d_out_bh, const int* which_bh,
                          int B, int H, int P) noexcept nogil

cdef void scatter_state_features(float* d_table_tfhp, float* d_pad_fhp, float* d_bias_hp,
                                 const float* d_hidden_bhp, const int* rows_bf,
                                 int B, int F, int HP) noexcept nogil

cdef void linear_forward(float* out_bo, const float* in_bh, const float* W_oh,
                         const float* b_o, int B, int H, int O) noexcept nogil

cdef void linear_backward(float* d_in_bh, float* dW_oh, float* db_o, const float* d_out_bo,
                          const float* in_bh, const float* W_oh,
                          int B, int H, int O) noexcept nogil

cdef float gold_softmax_loss(float* d_scores_bo, const float* scores_bo,
                             const int* valid_bo, const float* costs_bo,
                             int B, int O) noexcept nogil

cdef void best_valid_moves(int* moves_b, const float* scores_bo, const int* valid_bo,
                           int B, int O) noexcept nogil

cdef uint64_t mix64(uint64_t z) noexcept nogil

cdef void dropout_forward(float* x_n, float* mask_n, int n, float rate,
                          uint64_t* rng) noexcept nogil

cdef void multiply_by(float* x_n, const float* mask_n, int n) noexcept nogil
