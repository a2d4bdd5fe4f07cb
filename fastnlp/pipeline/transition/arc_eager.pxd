from libc.stdint cimport uint64_t

from ...tokens.doc cimport Doc
from .state cimport FnlpState

from .transition_system cimport Gold, TransitionSystem


cpdef enum ArcEagerAction:
    SHIFT = 0
    REDUCE = 1
    LEFT = 2
    RIGHT = 3
    BREAK = 4


cdef class ArcEager(TransitionSystem):
    cdef readonly uint64_t root_label
    cdef readonly uint64_t fallback_label
    cdef readonly bint projective_gold     # lift non-projective gold trees in init_gold
    cdef readonly set deco_labels          # hashes of labels carrying "||" decoration

    cdef int fill_sent_starts(self, Gold gold, sent_starts) except -1
