from libc.stdint cimport uint8_t, uint32_t


# Bits of the mask `lex_features` returns: one per stock flag getter of
# fastnlp.lang.lex_attrs, plus two cheap pre-tests for the regex getters.
cpdef enum LexFeature:
    F_ALPHA = 1 << 0
    F_ASCII = 1 << 1
    F_DIGIT = 1 << 2
    F_LOWER = 1 << 3
    F_UPPER = 1 << 4
    F_TITLE = 1 << 5
    F_SPACE = 1 << 6
    F_PUNCT = 1 << 7
    F_BRACKET = 1 << 8
    F_QUOTE = 1 << 9
    F_LEFT_PUNCT = 1 << 10
    F_RIGHT_PUNCT = 1 << 11
    F_CURRENCY = 1 << 12
    F_LIKE_NUM = 1 << 13
    F_MAYBE_URL = 1 << 14       # like_url may be true: run the regexes
    F_MAYBE_EMAIL = 1 << 15     # like_email may be true: run the regex


# Bits of the per-code-point class table (one byte per code point, 0 = not yet known).
cpdef enum CharClass:
    C_PUNCT = 1 << 0            # Unicode category P*
    C_CURRENCY = 1 << 1         # category Sc
    C_QUOTE = 1 << 2
    C_LEFT = 1 << 3
    C_RIGHT = 1 << 4
    C_BRACKET = 1 << 5
    C_KNOWN = 1 << 7


cdef int ensure_classes(str text) except -1
cdef uint32_t lex_features(int kind, const void* data, Py_ssize_t n,
                           const uint8_t* class_c) noexcept nogil
cdef Py_ssize_t lex_shape_utf8(int kind, const void* data, Py_ssize_t n,
                               char* out_b) noexcept nogil
cdef Py_ssize_t utf8_head(const char* utf8, Py_ssize_t n_bytes, Py_ssize_t n_chars) noexcept nogil
cdef Py_ssize_t utf8_tail(const char* utf8, Py_ssize_t n_bytes, Py_ssize_t n_chars) noexcept nogil
cdef const uint8_t* class_table() noexcept
