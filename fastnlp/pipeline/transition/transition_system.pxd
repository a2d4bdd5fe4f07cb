# Base of the transition systems: a table of moves (one FnlpMove per action x label),
# each with its own nogil is_valid / apply / cost functions, and the per-state loops
# the batch calls. Subclasses (ArcEager, BiluoMoves) fill the table and own the gold.
from .state cimport FnlpGold, FnlpMove, FnlpState


cdef class Gold:
    """Owner of one FnlpGold (malloc'd arrays, freed in __dealloc__)."""
    cdef FnlpGold c
    cdef readonly int length
    cdef readonly int n_missing     # tokens whose annotation is unknown
    cdef readonly int n_unknown_labels  # gold labels outside the label set (mapped/ignored)

    cdef int alloc_parse(self, int length) except -1
    cdef int alloc_ner(self, int length, int n_labels) except -1


cdef class TransitionSystem:
    cdef FnlpMove* c                # n_moves rows
    cdef readonly int n_moves
    cdef int* templates_f           # feature templates (FeatureTemplate values)
    cdef readonly int n_feats
    cdef int* oracle_order_m        # move indices in the order the static oracle tries them
    cdef readonly object strings
    cdef readonly list labels
    cdef readonly dict label_freqs

    cdef int fill_move(self, FnlpMove* move, int action) except -1
    cdef int set_valid(self, const FnlpState* st, int* valid_m) noexcept nogil
    cdef int set_costs(self, const FnlpState* st, const FnlpGold* gold,
                       int* valid_m, float* costs_m) noexcept nogil
    cdef int best_valid(self, const FnlpState* st, const float* scores_m) noexcept nogil
    cdef int first_zero_cost(self, const FnlpState* st, const FnlpGold* gold) noexcept nogil
    cdef void finalize_state(self, FnlpState* st) noexcept nogil
    cdef int write_doc(self, const FnlpState* st, object doc) except -1
