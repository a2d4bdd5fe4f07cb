"""Head-cycle detection over absolute heads, in C.

`find_head_cycle` (see heads.pxd) walks each token's chain of heads once: tokens are
marked while on the chain being walked and again once their chain is known to end, so
the check is linear in the number of tokens. Callers check the range of the heads
first, with their own message; a head outside the doc just ends its chain here.
"""
from libc.stdlib cimport free, malloc

# find_head_cycle's marks: not yet walked, on the chain being walked, chain ends.
cdef enum:
    UNSEEN = 0
    ON_PATH = 1
    ENDS = 2


cdef int find_head_cycle(const int* heads_n, int n, unsigned char* mark_n,
                         int* entry) noexcept nogil:
    cdef int i, j
    for i in range(n):
        mark_n[i] = UNSEEN
    for i in range(n):
        j = i
        while 0 <= j < n and mark_n[j] == UNSEEN and heads_n[j] != j:
            mark_n[j] = ON_PATH
            j = heads_n[j]
        if 0 <= j < n and mark_n[j] == ON_PATH:
            entry[0] = j
            return i
        j = i
        while 0 <= j < n and mark_n[j] == ON_PATH:
            mark_n[j] = ENDS
            j = heads_n[j]
    return -1


def head_cycle(heads):
    """None if every chain of heads ends (at a root, a token that is its own head, or a
    missing head: None or -1), else (first, entry): the smallest token whose chain
    loops and the first token of that chain on the loop. Heads are absolute indices;
    one outside the doc ends its chain (check the range first)."""
    cdef int n = len(heads)
    cdef int* heads_n = <int*>malloc(max(n, 1) * sizeof(int))
    cdef unsigned char* mark_n = <unsigned char*>malloc(max(n, 1))
    cdef int i, first, entry = -1
    if heads_n == NULL or mark_n == NULL:
        free(heads_n)
        free(mark_n)
        raise MemoryError()
    try:
        for i in range(n):
            head = heads[i]
            # Values beyond the int range end their chain like any head outside the doc.
            heads_n[i] = -1 if head is None or not -1 <= head < n else head
        with nogil:
            first = find_head_cycle(heads_n, n, mark_n, &entry)
    finally:
        free(heads_n)
        free(mark_n)
    return None if first < 0 else (first, entry)
