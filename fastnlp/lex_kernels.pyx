# cython: infer_types=True
"""C versions of the stock lexical attribute getters of `fastnlp.lang.lex_attrs`.

The kernels read a str's code points in place (`PyUnicode_READ`) and give exactly the
values of the Python getters, which stay the specification: `str.isalpha` & co. use
CPython's own character predicates (a 128-entry table of their answers for ASCII), and
the Unicode categories behind is_punct/is_currency come from a per-code-point table
filled from `unicodedata` on a code point's first sight (`ensure_classes`, GIL held).
"""
from libc.stdint cimport uint8_t, uint32_t
from libc.stdlib cimport calloc

import unicodedata
from .lang.lex_attrs import _BRACKETS, _LEFT_PUNCT, _QUOTES, _RIGHT_PUNCT


cdef extern from "Python.h":
    bint PyUnicode_IS_ASCII(object o)
    int PyUnicode_KIND(object o)
    void* PyUnicode_DATA(object o)
    Py_ssize_t PyUnicode_GET_LENGTH(object o)
    Py_UCS4 PyUnicode_READ(int kind, const void* data, Py_ssize_t index) nogil
    bint Py_UNICODE_ISALPHA(Py_UCS4 ch) nogil
    bint Py_UNICODE_ISDIGIT(Py_UCS4 ch) nogil
    bint Py_UNICODE_ISSPACE(Py_UCS4 ch) nogil
    bint Py_UNICODE_ISUPPER(Py_UCS4 ch) nogil
    bint Py_UNICODE_ISLOWER(Py_UCS4 ch) nogil
    bint Py_UNICODE_ISTITLE(Py_UCS4 ch) nogil


# CPython's character predicates, as bits (ASCII answers are cached in _PROPS_ASCII).
cdef enum CharProp:
    P_ALPHA = 1 << 0
    P_DIGIT = 1 << 1
    P_SPACE = 1 << 2
    P_UPPER = 1 << 3
    P_LOWER = 1 << 4
    P_TITLE = 1 << 5

DEF N_CODE_POINTS = 0x110000
DEF SHAPE_MAX_RUN = 4           # as shape(text, max_run=4) in lex_attrs
DEF NO_KIND = 0xFFFFFFFF        # not a code point: differs from every shape kind

cdef uint8_t _PROPS_ASCII[128]
cdef uint8_t* _CLASS_C = <uint8_t*>calloc(N_CODE_POINTS, sizeof(uint8_t))
if _CLASS_C == NULL:
    raise MemoryError("lex_kernels: cannot allocate the character class table")


cdef inline uint8_t _props_slow(Py_UCS4 ch) noexcept nogil:
    return ((P_ALPHA if Py_UNICODE_ISALPHA(ch) else 0)
            | (P_DIGIT if Py_UNICODE_ISDIGIT(ch) else 0)
            | (P_SPACE if Py_UNICODE_ISSPACE(ch) else 0)
            | (P_UPPER if Py_UNICODE_ISUPPER(ch) else 0)
            | (P_LOWER if Py_UNICODE_ISLOWER(ch) else 0)
            | (P_TITLE if Py_UNICODE_ISTITLE(ch) else 0))


cdef inline uint8_t _props(Py_UCS4 ch) noexcept nogil:
    return _PROPS_ASCII[ch] if ch < 128 else _props_slow(ch)


cdef uint8_t _classify(Py_UCS4 ch) except 0:
    """The class byte of one code point, from unicodedata and the lex_attrs sets."""
    char = chr(ch)
    category = unicodedata.category(char)
    return (C_KNOWN
            | (C_PUNCT if category.startswith("P") else 0)
            | (C_CURRENCY if category == "Sc" else 0)
            | (C_QUOTE if char in _QUOTES else 0)
            | (C_LEFT if char in _LEFT_PUNCT else 0)
            | (C_RIGHT if char in _RIGHT_PUNCT else 0)
            | (C_BRACKET if char in _BRACKETS else 0))


cdef int _init_tables() except -1:
    cdef Py_UCS4 ch
    for ch in range(128):
        _PROPS_ASCII[ch] = _props_slow(ch)
        _CLASS_C[ch] = _classify(ch)
    for char in _QUOTES | _LEFT_PUNCT | _RIGHT_PUNCT | _BRACKETS:
        _CLASS_C[ord(char)] = _classify(ord(char))
    return 0


_init_tables()


cdef const uint8_t* class_table() noexcept:
    return _CLASS_C


cdef int ensure_classes(str text) except -1:
    """Fill the class table for every code point of `text` not seen before."""
    if PyUnicode_IS_ASCII(text):
        return 0
    cdef int kind = PyUnicode_KIND(text)
    cdef const void* data = PyUnicode_DATA(text)
    cdef Py_ssize_t i
    cdef Py_UCS4 ch
    for i in range(PyUnicode_GET_LENGTH(text)):
        ch = PyUnicode_READ(kind, data, i)
        if _CLASS_C[ch] == 0:
            _CLASS_C[ch] = _classify(ch)
    return 0


cdef inline bint _is_sign(Py_UCS4 ch) noexcept nogil:
    return ch == u"+" or ch == u"-" or ch == 0xB1 or ch == u"~"     # "+-±~"


cdef bint _like_num(int kind, const void* data, Py_ssize_t n) noexcept nogil:
    """lex_attrs.like_num: strip leading signs, drop commas and the first dot, then
    all digits, or digits/digits with exactly one slash."""
    cdef Py_ssize_t i = 0
    cdef Py_UCS4 ch
    cdef bint dot_seen = False
    cdef int slashes = 0
    cdef Py_ssize_t before = 0, after = 0, other = 0
    while i < n and _is_sign(PyUnicode_READ(kind, data, i)):
        i += 1
    while i < n:
        ch = PyUnicode_READ(kind, data, i)
        i += 1
        if ch == u",":
            continue
        if ch == u"." and not dot_seen:
            dot_seen = True
            continue
        if ch == u"/":
            slashes += 1
        elif _props(ch) & P_DIGIT:
            if slashes == 0:
                before += 1
            else:
                after += 1
        else:
            other += 1
    if other != 0 or before == 0:
        return False
    return slashes == 0 or (slashes == 1 and after > 0)


cdef uint32_t lex_features(int kind, const void* data, Py_ssize_t n,
                           const uint8_t* class_c) noexcept nogil:
    """The LexFeature mask of one string; class_c must be filled for its code points."""
    cdef Py_ssize_t i
    cdef Py_UCS4 ch
    cdef uint8_t p, all_props = 0xFF, any_props = 0, all_class = 0xFF
    cdef bint ascii = True, has_at = False, has_dot_colon = False
    cdef bint upper_or_title = False, lower_or_title = False
    cdef bint title_ok = True, prev_cased = False
    for i in range(n):
        ch = PyUnicode_READ(kind, data, i)
        p = _props(ch)
        all_props &= p
        any_props |= p
        all_class &= class_c[ch]
        ascii = ascii and ch < 128
        has_at = has_at or ch == u"@"
        has_dot_colon = has_dot_colon or ch == u"." or ch == u":"
        if p & (P_UPPER | P_TITLE):
            upper_or_title = True
            title_ok = title_ok and not prev_cased
            prev_cased = True
        elif p & P_LOWER:
            title_ok = title_ok and prev_cased
            prev_cased = True
        else:
            prev_cased = False
        if p & (P_LOWER | P_TITLE):
            lower_or_title = True
    cdef uint32_t mask = F_ASCII if ascii else 0
    if n == 0:
        return mask
    if n == 1:      # CPython's one-character shortcuts
        p = any_props
        if p & P_LOWER:
            mask |= F_LOWER
        if p & P_UPPER:
            mask |= F_UPPER
        if p & (P_UPPER | P_TITLE):
            mask |= F_TITLE
    else:
        if any_props & P_LOWER and not (any_props & (P_UPPER | P_TITLE)):
            mask |= F_LOWER
        if any_props & P_UPPER and not (any_props & (P_LOWER | P_TITLE)):
            mask |= F_UPPER
        if title_ok and any_props & (P_UPPER | P_TITLE | P_LOWER):
            mask |= F_TITLE
    if all_props & P_ALPHA:
        mask |= F_ALPHA
    if all_props & P_DIGIT:
        mask |= F_DIGIT
    if all_props & P_SPACE:
        mask |= F_SPACE
    if all_class & C_PUNCT:
        mask |= F_PUNCT
    if all_class & C_CURRENCY:
        mask |= F_CURRENCY
    if all_class & C_QUOTE:
        mask |= F_QUOTE
    if n == 1:
        if all_class & C_BRACKET:
            mask |= F_BRACKET
        if all_class & C_LEFT:
            mask |= F_LEFT_PUNCT
        if all_class & C_RIGHT:
            mask |= F_RIGHT_PUNCT
    if any_props & P_DIGIT and _like_num(kind, data, n):
        mask |= F_LIKE_NUM
    ch = PyUnicode_READ(kind, data, 0)
    if n >= 4 and has_dot_colon and not has_at and ch != u"@" and ch != u"#":
        mask |= F_MAYBE_URL
    if has_at:
        mask |= F_MAYBE_EMAIL
    return mask


cdef inline Py_ssize_t _write_utf8(Py_UCS4 code_point, char* out) noexcept nogil:
    cdef uint32_t ch = code_point
    if ch < 0x80:
        out[0] = <char>ch
        return 1
    if ch < 0x800:
        out[0] = <char>(0xC0 | (ch >> 6))
        out[1] = <char>(0x80 | (ch & 0x3F))
        return 2
    if ch < 0x10000:
        out[0] = <char>(0xE0 | (ch >> 12))
        out[1] = <char>(0x80 | ((ch >> 6) & 0x3F))
        out[2] = <char>(0x80 | (ch & 0x3F))
        return 3
    out[0] = <char>(0xF0 | (ch >> 18))
    out[1] = <char>(0x80 | ((ch >> 12) & 0x3F))
    out[2] = <char>(0x80 | ((ch >> 6) & 0x3F))
    out[3] = <char>(0x80 | (ch & 0x3F))
    return 4


cdef Py_ssize_t lex_shape_utf8(int kind, const void* data, Py_ssize_t n,
                               char* out_b) noexcept nogil:
    """lex_attrs.shape as UTF-8 into out_b (room for 4 * n bytes); returns its byte length."""
    cdef Py_ssize_t i, n_b = 0
    cdef int run = 0
    cdef Py_UCS4 ch, shape_kind, last = NO_KIND
    cdef uint8_t p
    for i in range(n):
        ch = PyUnicode_READ(kind, data, i)
        p = _props(ch)
        if p & P_ALPHA:
            shape_kind = u"X" if p & P_UPPER else u"x"
        elif p & P_DIGIT:
            shape_kind = u"d"
        else:
            shape_kind = ch
        run = run + 1 if shape_kind == last else 1
        last = shape_kind
        if run <= SHAPE_MAX_RUN:
            n_b += _write_utf8(shape_kind, out_b + n_b)
    return n_b


cdef Py_ssize_t utf8_head(const char* utf8, Py_ssize_t n_bytes, Py_ssize_t n_chars) noexcept nogil:
    """Byte length of the first n_chars code points of a UTF-8 string."""
    cdef Py_ssize_t b = 0
    while b < n_bytes and n_chars > 0:
        b += 1
        while b < n_bytes and (<uint8_t>utf8[b] & 0xC0) == 0x80:
            b += 1
        n_chars -= 1
    return b


cdef Py_ssize_t utf8_tail(const char* utf8, Py_ssize_t n_bytes, Py_ssize_t n_chars) noexcept nogil:
    """Byte offset where the last n_chars code points of a UTF-8 string begin."""
    cdef Py_ssize_t b = n_bytes
    while b > 0 and n_chars > 0:
        b -= 1
        while b > 0 and (<uint8_t>utf8[b] & 0xC0) == 0x80:
            b -= 1
        n_chars -= 1
    return b


_FLAG_NAMES = {
    "is_alpha": F_ALPHA, "is_ascii": F_ASCII, "is_digit": F_DIGIT, "is_lower": F_LOWER,
    "is_upper": F_UPPER, "is_title": F_TITLE, "is_space": F_SPACE, "is_punct": F_PUNCT,
    "is_bracket": F_BRACKET, "is_quote": F_QUOTE, "is_left_punct": F_LEFT_PUNCT,
    "is_right_punct": F_RIGHT_PUNCT, "is_currency": F_CURRENCY, "like_num": F_LIKE_NUM,
    "maybe_url": F_MAYBE_URL, "maybe_email": F_MAYBE_EMAIL,
}


def generic_values(str text):
    """The C kernels' values for `text`, by getter name (for tests and debugging)."""
    ensure_classes(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef const void* data = PyUnicode_DATA(text)
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    cdef uint32_t mask = lex_features(kind, data, n, _CLASS_C)
    values = {name: bool(mask & bit) for name, bit in _FLAG_NAMES.items()}
    cdef bytearray shape_b = bytearray(4 * n)
    cdef Py_ssize_t n_b = lex_shape_utf8(kind, data, n, shape_b)
    values["shape"] = shape_b[:n_b].decode("utf8", "surrogatepass")
    utf8 = text.encode("utf8", "surrogatepass")
    values["prefix"] = utf8[:utf8_head(utf8, len(utf8), 1)].decode("utf8", "surrogatepass")
    values["suffix"] = utf8[utf8_tail(utf8, len(utf8), 3):].decode("utf8", "surrogatepass")
    return values
