# StateBatch: the API the TransitionBasedParser model and its trainer call.
#
# A batch owns B states, one per doc (docs concatenated: state b's token i is row
# offset_b + i of the batch's token array, the rows the model's precomputed table uses).
# Sizes: B states, F feature templates (system.n_feats), M moves (system.n_moves).
#
# Rows. Every buffer below has one row per *active* (non-final) state, in the order of
# `active_b[0 .. n_active)`; `apply` and `greedy_step` apply one move per row and then
# drop the states that became final, so the next step's buffers have n_active rows.
# `active_b[r]` says which state (and doc) row r is, e.g. to scatter gradients.
#
# Decoding loop (no Python per step needed; everything is nogil):
#     while batch.n_active > 0:
#         batch.set_context_tokens(ids_bf, F)        # ids_bf: n_active x F
#         ... model: scores_bm = f(ids_bf)            # n_active x M
#         batch.greedy_step(scores_bm, moves_b)      # best valid move per row, applied
#     batch.set_annotations()                        # Python: writes the docs
# Training step: set_context_tokens, model forward, set_costs(costs_bm, valid_bm)
# (gold from the constructor), loss/gradient from scores, costs and valid, then
# apply(moves_b) with the moves to follow (e.g. the best valid ones).
#
# Errors: functions returning -1 have raised a Python exception (bad sizes, a move that
# is invalid in its state, costs asked without gold); the batch is unchanged then.
from .state cimport FnlpGold, FnlpState
from .transition_system cimport TransitionSystem


cdef class StateBatch:
    cdef readonly TransitionSystem system
    cdef FnlpState* states_b
    cdef const FnlpGold** golds_b       # NULL without gold
    cdef int* active_b
    cdef readonly int n_states
    cdef readonly int n_active
    cdef readonly int n_tokens          # rows of the concatenated token array
    cdef int n_ready                    # states initialised (freed in __dealloc__)
    cdef readonly list docs
    cdef list gold_refs
    cdef dict row_maps                  # state -> the int32 array its row_of points into

    # ids_bf[r * F + f]: batch row of the token that template f picks for active row r,
    # or -1. n_feats must equal system.n_feats.
    cdef int set_context_tokens(self, int* ids_bf, int n_feats) except -1 nogil
    # valid_bm[r * M + m] = 1 if move m is valid for active row r. Returns 0.
    cdef int set_valid(self, int* valid_bm) noexcept nogil
    # costs_bm[r * M + m]: the move's cost against the row's gold (a large value for
    # invalid moves), valid_bm as set_valid. Needs gold.
    cdef int set_costs(self, float* costs_bm, int* valid_bm) except -1 nogil
    # Apply moves_b[r] to active row r (-1: leave the state as it is); then drop final
    # states. Returns the new n_active.
    cdef int apply(self, const int* moves_b) except -1 nogil
    # For each active row, the valid move with the highest score in scores_bm (written
    # to moves_b[r]), applied; then drop final states. Returns the new n_active.
    cdef int greedy_step(self, const float* scores_bm, int* moves_b) except -1 nogil
    # Apply each row's first zero-cost move in the oracle order. Needs gold.
    cdef int oracle_step(self, int* moves_b) except -1 nogil
    cdef int drop_final(self) noexcept nogil
    # Training: stop following states closing a stack deeper than FNLP_MAX_EXACT_CLOSING
    # (no exact costs there); returns n_active.
    cdef int drop_unteachable(self) noexcept nogil
