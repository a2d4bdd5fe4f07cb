# Closing a sentence in arc-eager: joining its headless stack tokens into one tree
# (closing.pyx). The arc-eager moves call these while st.closing is set.
from libc.stdint cimport uint64_t

from .state cimport FnlpGold, FnlpState


cdef void settle(FnlpState* st, uint64_t root_label) noexcept nogil
cdef int needs_closing(const FnlpState* st) noexcept nogil

cdef int closing_right_valid(const FnlpState* st) noexcept nogil
cdef int closing_left_valid(const FnlpState* st) noexcept nogil
cdef int closing_reduce_valid(const FnlpState* st) noexcept nogil
cdef int closing_break_valid(const FnlpState* st) noexcept nogil

cdef void closing_right_apply(FnlpState* st, uint64_t label, uint64_t root_label) noexcept nogil
cdef void closing_left_apply(FnlpState* st, uint64_t label, uint64_t root_label) noexcept nogil
cdef void closing_reduce_apply(FnlpState* st, uint64_t root_label) noexcept nogil
cdef void closing_break_apply(FnlpState* st, uint64_t root_label) noexcept nogil

cdef int closing_right_cost(const FnlpState* st, const FnlpGold* gold,
                            uint64_t label) noexcept nogil
cdef int closing_left_cost(const FnlpState* st, const FnlpGold* gold,
                           uint64_t label) noexcept nogil
cdef int closing_reduce_cost(const FnlpState* st, const FnlpGold* gold) noexcept nogil
cdef int closing_break_cost(const FnlpState* st, const FnlpGold* gold) noexcept nogil
