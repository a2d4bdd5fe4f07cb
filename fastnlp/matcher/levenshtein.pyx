# cython: boundscheck=False, wraparound=False
"""Edit distance for the FUZZY predicates: Levenshtein (insert, delete, substitute), with
an optional bound past which the exact distance is not needed."""
from libc.stdlib cimport free, malloc


cpdef long levenshtein(str a, str b, k=None) except -1:
    """The edit distance of `a` and `b`; with a bound `k`, any distance over `k` is k + 1."""
    cdef long bound = -1 if k is None else k
    cdef Py_ssize_t n = len(a), m = len(b), i, j
    if n < m:
        a, b = b, a
        n, m = m, n
    if bound >= 0 and n - m > bound:
        return bound + 1
    if m == 0:
        return n if bound < 0 or n <= bound else bound + 1
    cdef long* row = <long*>malloc((m + 1) * sizeof(long))
    if row == NULL:
        raise MemoryError()
    cdef long diagonal, above, best, cost
    cdef Py_UCS4 ca
    try:
        for j in range(m + 1):
            row[j] = j
        for i in range(1, n + 1):
            ca = a[i - 1]
            diagonal = row[0]
            row[0] = i
            best = i
            for j in range(1, m + 1):
                above = row[j]
                cost = diagonal + (0 if ca == b[j - 1] else 1)
                if above + 1 < cost:
                    cost = above + 1
                if row[j - 1] + 1 < cost:
                    cost = row[j - 1] + 1
                row[j] = cost
                diagonal = above
                if cost < best:
                    best = cost
            if bound >= 0 and best > bound:
                return bound + 1
        best = row[m]
        return best if bound < 0 or best <= bound else bound + 1
    finally:
        free(row)


def levenshtein_compare(input_text: str, pattern_text: str, fuzzy: int = -1) -> bool:
    """Whether `input_text` is within the allowed edits of `pattern_text`: `fuzzy` edits,
    or by default (-1) at least 2 and up to 30% of the pattern's length, as in spaCy."""
    max_edits = fuzzy if fuzzy >= 0 else max(2, round(0.3 * len(pattern_text)))
    return levenshtein(input_text, pattern_text, max_edits) <= max_edits
