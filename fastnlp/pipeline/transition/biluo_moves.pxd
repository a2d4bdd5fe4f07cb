from .transition_system cimport TransitionSystem


cpdef enum BiluoAction:
    BEGIN = 0
    IN = 1
    LAST = 2
    UNIT = 3
    OUT = 4
    N_BILUO_ACTIONS


cdef class BiluoMoves(TransitionSystem):
    pass
