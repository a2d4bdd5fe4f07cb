# cython: infer_types=True
"""C kernel for Alignment.from_strings: one walk over both token lists' characters.

`align_words` (wrapper) checks the lists and allocates the outputs; `align_kernel`
(nogil) walks the two tokenizations in step, skipping whitespace (str.isspace), and
emits the (x token, y token) pair of every shared character once. Both columns of
the pair list are non-decreasing, so it is at once x2y (sorted by x) and y2x (by y).
The numpy version in `fastnlp.training.alignment` is the reference it is tested against.
"""
from libc.stdint cimport int32_t, int64_t
from libc.stdlib cimport free, malloc

import numpy

cimport numpy as cnp

cnp.import_array()


cdef extern from "Python.h":
    int PyUnicode_KIND(object o)
    void* PyUnicode_DATA(object o)
    Py_ssize_t PyUnicode_GET_LENGTH(object o)
    Py_UCS4 PyUnicode_READ(int kind, const void* data, Py_ssize_t index) nogil
    bint Py_UNICODE_ISSPACE(Py_UCS4 ch) nogil


cdef struct WordC:
    # One token's characters, read in place from its str.
    const void* data
    Py_ssize_t length
    int kind


cdef struct Cursor:
    # Position in a token list: token t, character c inside it.
    Py_ssize_t t
    Py_ssize_t c


cdef inline bint _next_char(const WordC* words_t, Py_ssize_t T, Cursor* at,
                            Py_UCS4* ch) noexcept nogil:
    """Move `at` to the next non-space character at or after it; False at the end."""
    while at.t < T:
        if at.c >= words_t[at.t].length:
            at.t += 1
            at.c = 0
            continue
        ch[0] = PyUnicode_READ(words_t[at.t].kind, words_t[at.t].data, at.c)
        if not Py_UNICODE_ISSPACE(ch[0]):
            return True
        at.c += 1
    return False


cdef Py_ssize_t align_kernel(const WordC* x_words_x, Py_ssize_t X,
                             const WordC* y_words_y, Py_ssize_t Y,
                             int32_t* pair_x_p, int32_t* pair_y_p,
                             Py_ssize_t* mismatch_at) noexcept nogil:
    """Fill the pairs (room for X + Y); return their number, or -1 with mismatch_at set
    to the index of the first non-space character where the two texts differ."""
    cdef Cursor x_at, y_at
    x_at.t = x_at.c = y_at.t = y_at.c = 0
    cdef Py_UCS4 x_ch = 0, y_ch = 0
    cdef Py_ssize_t P = 0, k = 0
    cdef bint x_more, y_more
    while True:
        x_more = _next_char(x_words_x, X, &x_at, &x_ch)
        y_more = _next_char(y_words_y, Y, &y_at, &y_ch)
        if not x_more or not y_more or x_ch != y_ch:
            if x_more or y_more:
                mismatch_at[0] = k
                return -1
            return P
        if P == 0 or pair_x_p[P - 1] != x_at.t or pair_y_p[P - 1] != y_at.t:
            pair_x_p[P] = <int32_t>x_at.t
            pair_y_p[P] = <int32_t>y_at.t
            P += 1
        k += 1
        x_at.c += 1
        y_at.c += 1


cdef void row_bounds(const int32_t* ids_p, Py_ssize_t P, int32_t* lengths_n,
                     int64_t* bounds_n1, Py_ssize_t N) noexcept nogil:
    """Row sizes (how often each id 0..N-1 occurs) and their running sums (N + 1)."""
    cdef Py_ssize_t i
    for i in range(N):
        lengths_n[i] = 0
    for i in range(P):
        lengths_n[ids_p[i]] += 1
    bounds_n1[0] = 0
    for i in range(N):
        bounds_n1[i + 1] = bounds_n1[i] + lengths_n[i]


cdef int _fill_words(list words, WordC* words_t) except -1:
    cdef Py_ssize_t t
    for t, word in enumerate(words):
        if not isinstance(word, str):
            raise TypeError(f"Alignment: token {t} is {type(word).__name__}, not str")
        words_t[t].data = PyUnicode_DATA(word)
        words_t[t].length = PyUnicode_GET_LENGTH(word)
        words_t[t].kind = PyUnicode_KIND(word)
    return 0


def align_words(list x_words, list y_words):
    """Align two token lists of the same text.

    Returns (mismatch_at, x2y_data, x_lengths, x_bounds, y2x_data, y_lengths, y_bounds):
    mismatch_at is -1 and the arrays are set (int32 data and lengths, int64 bounds) when
    the texts agree; otherwise it is the first differing non-space character's index
    and the arrays are None.
    """
    cdef Py_ssize_t X = len(x_words), Y = len(y_words)
    cdef WordC* words_t = <WordC*>malloc(max(1, X + Y) * sizeof(WordC))
    if words_t == NULL:
        raise MemoryError("Alignment: cannot allocate the token table")
    cdef cnp.ndarray pairs = numpy.empty(2 * (X + Y) + X + Y, dtype=numpy.int32)
    cdef cnp.ndarray bounds = numpy.empty(X + Y + 2, dtype=numpy.int64)
    cdef int32_t* pairs_p = <int32_t*>cnp.PyArray_DATA(pairs)
    cdef int64_t* bounds_p = <int64_t*>cnp.PyArray_DATA(bounds)
    cdef Py_ssize_t P, mismatch_at = -1
    try:
        _fill_words(x_words, words_t)
        _fill_words(y_words, words_t + X)
        with nogil:
            P = align_kernel(words_t, X, words_t + X, Y, pairs_p, pairs_p + X + Y,
                             &mismatch_at)
            if P >= 0:
                row_bounds(pairs_p, P, pairs_p + 2 * (X + Y), bounds_p, X)
                row_bounds(pairs_p + X + Y, P, pairs_p + 2 * (X + Y) + X, bounds_p + X + 1, Y)
    finally:
        free(words_t)
    if P < 0:
        return mismatch_at, None, None, None, None, None, None
    return (-1, pairs[X + Y:X + Y + P], pairs[2 * (X + Y):2 * (X + Y) + X], bounds[:X + 1],
            pairs[:P], pairs[2 * (X + Y) + X:], bounds[X + 1:])
