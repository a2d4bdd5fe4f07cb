"""Head-cycle detection over absolute heads, in C.

`find_head_cycle` (see heads.pxd) walks each token's chain of heads at most once: the
walk that starts at token i stamps the tokens it passes with i + 1, so reaching a token
stamped by an earlier walk means the chain ends (that walk found no loop), and reaching
one of its own stamps means a loop. The check is linear in the number of tokens.
Callers check the range of the heads first, with their own message; a head outside the
doc just ends its chain here.
"""
from libc.string cimport memset
from libc.stdlib cimport free, malloc


cdef int find_head_cycle(const int* heads_n, int n, int* mark_n, int* entry) noexcept nogil:
    cdef int i, j
    memset(mark_n, 0, max(n, 0) * sizeof(int))
    for i in range(n):
        j = i
        while 0 <= j < n and mark_n[j] == 0 and heads_n[j] != j:
            mark_n[j] = i + 1
            j = heads_n[j]
        if 0 <= j < n and mark_n[j] == i + 1:
            entry[0] = j
            return i
    return -1


def head_cycle(heads):
    """None if every chain of heads ends (at a root, a token that is its own head, or a
    missing head: None or -1), else (first, entry): the smallest token whose chain
    loops and the first token of that chain on the loop. Heads are absolute indices;
    one outside the doc ends its chain (check the range first)."""
    cdef int n = len(heads)
    cdef int* heads_n = <int*>malloc(max(n, 1) * sizeof(int))
    cdef int* mark_n = <int*>malloc(max(n, 1) * sizeof(int))
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
