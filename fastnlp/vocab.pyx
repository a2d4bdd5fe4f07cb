"""Vocab: the word types seen so far and their lexical attributes.

A new word type's attributes come from the getters table (`lex_attr_getters`, attr id ->
callable). Getters that are the stock ones of `fastnlp.lang.lex_attrs` run as C kernels
(`fastnlp.lex_kernels`) giving the same values; any other getter is called. Word types first
seen inside `memory_zone()` are dropped, with their strings, when the zone ends.
"""
from contextlib import contextmanager

from cpython.dict cimport PyDict_Next
from cpython.ref cimport PyObject
from libc.stdlib cimport free, malloc, realloc

import srsly
from .attrs cimport LANG, LOWER, NORM, PREFIX, SHAPE, SUFFIX
from .lex_kernels cimport (F_ALPHA, F_ASCII, F_BRACKET, F_CURRENCY, F_DIGIT, F_LEFT_PUNCT,
                           F_LIKE_NUM, F_LOWER, F_MAYBE_EMAIL, F_MAYBE_URL, F_PUNCT, F_QUOTE,
                           F_RIGHT_PUNCT, F_SPACE, F_TITLE, F_UPPER, class_table,
                           ensure_classes, lex_features, lex_shape_utf8, utf8_head, utf8_tail)
from .lexeme cimport Lexeme
from .strings cimport hash_string, hash_utf8, without_keys
from .typedefs cimport flags_t, hash_t
from .lang import get_lang_class
from .lang import lex_attrs as _lex_attrs
from .lang.lex_attrs import LEX_ATTRS
from .errors import FormatError, one_line
from .strings import check_strings
from .symbols import SYMBOL_IDS, UNIVERSAL_POS

VOCAB_BYTES_SOURCE = "<Vocab bytes>"

cdef extern from "Python.h":
    int PyUnicode_KIND(object o)
    void* PyUnicode_DATA(object o)
    Py_ssize_t PyUnicode_GET_LENGTH(object o)
    const char* PyUnicode_AsUTF8AndSize(object o, Py_ssize_t* size) except NULL

DEF N_FLAG_ATTRS = 64           # attr ids below this are bits of LexemeC.flags
DEF MAX_UTF8_PER_CHAR = 4
DEF PREFIX_CHARS = 1            # as lex_attrs.prefix / suffix
DEF SUFFIX_CHARS = 3

# Symbol names are stored as their symbol id, never interned (StringStore.add).
cdef PreshMap _SYMBOL_BY_HASH = PreshMap()      # hash of a symbol's UTF-8 -> symbol id + 1
for _name, _symbol in SYMBOL_IDS.items():
    if _name:
        _utf8 = _name.encode("utf8")
        _SYMBOL_BY_HASH.set(hash_utf8(_utf8, len(_utf8)), <void*><size_t>(_symbol + 1))

# Stock flag getters -> the LexFeature bit the C kernel computes for them.
_STOCK_FLAGS = {id(getter): (getter, bit) for getter, bit in (
    (str.isalpha, F_ALPHA), (str.isascii, F_ASCII), (str.isdigit, F_DIGIT),
    (str.islower, F_LOWER), (str.isupper, F_UPPER), (str.istitle, F_TITLE),
    (str.isspace, F_SPACE), (_lex_attrs.is_punct, F_PUNCT),
    (_lex_attrs.is_bracket, F_BRACKET), (_lex_attrs.is_quote, F_QUOTE),
    (_lex_attrs.is_left_punct, F_LEFT_PUNCT), (_lex_attrs.is_right_punct, F_RIGHT_PUNCT),
    (_lex_attrs.is_currency, F_CURRENCY), (_lex_attrs.like_num, F_LIKE_NUM))}
# Stock string getters -> their kind; valid only under the string attr ids.
_STOCK_STRINGS = {id(getter): (getter, kind) for getter, kind in (
    (_lex_attrs.lower, G_LOWER), (_lex_attrs.norm, G_LOWER), (_lex_attrs.shape, G_SHAPE),
    (_lex_attrs.prefix, G_PREFIX), (_lex_attrs.suffix, G_SUFFIX))}
_STRING_ATTRS = frozenset((LOWER, NORM, SHAPE, PREFIX, SUFFIX))


def _step_kind(attr_id, getter):
    """(GetterKind, feature bit) for one entry of a getters table."""
    if attr_id < N_FLAG_ATTRS:
        stock = _STOCK_FLAGS.get(id(getter))
        if stock is not None and stock[0] is getter:
            return G_FLAG, stock[1]
        if getter is _lex_attrs.like_url:
            return G_LIKE_URL, 0
        if getter is _lex_attrs.like_email:
            return G_LIKE_EMAIL, 0
        if type(getter) is _lex_attrs.IsStop:
            return G_IS_STOP, 0
    elif attr_id in _STRING_ATTRS:
        stock = _STOCK_STRINGS.get(id(getter))
        if stock is not None and stock[0] is getter:
            return stock[1], 0
    return G_PYTHON, 0


cdef class Vocab:
    def __init__(self, strings=None, lex_attr_getters=None, lang="", tag_map=None):
        self.mem = Pool()
        self._by_orth = PreshMap()
        if isinstance(strings, StringStore):
            self.strings = strings
        else:
            self.strings = StringStore(strings or [])
        self.lex_attr_getters = dict(LEX_ATTRS if lex_attr_getters is None else lex_attr_getters)
        self.lang = lang
        self.length = 0
        self.tag_map = {}
        for tag, features in (tag_map or {}).items():
            pos = features.get("pos", features.get("POS"))
            if pos not in UNIVERSAL_POS:
                raise ValueError(f"Vocab: tag_map[{tag!r}] has pos {pos!r}, not a universal "
                                 "POS tag (ADJ, ADP, ..., X)")
            self.tag_map[tag] = {"pos": pos}
            self.strings.add(tag)

    def __dealloc__(self):
        free(self._steps)
        free(self._scratch)

    cdef const LexemeC* get(self, str string) except NULL:
        cdef attr_t orth = hash_string(string)
        cdef const LexemeC* lex = <LexemeC*>self._by_orth.get(orth)
        if lex != NULL:
            return lex
        return self._new_lexeme(string, orth)

    cdef const LexemeC* get_by_orth(self, attr_t orth) except NULL:
        cdef const LexemeC* lex = <LexemeC*>self._by_orth.get(orth)
        if lex != NULL:
            return lex
        return self._new_lexeme(self.strings.decode(orth), orth)

    cdef int _build_steps(self) except -1:
        """Turn lex_attr_getters into the step list _new_lexeme runs."""
        source = self.lex_attr_getters
        items = tuple(source.items())
        cdef GetterStep* steps = <GetterStep*>malloc(max(1, len(items)) * sizeof(GetterStep))
        if steps == NULL:
            raise MemoryError("Vocab: cannot allocate the getter steps")
        for i, (attr_id, getter) in enumerate(items):
            kind, feature = _step_kind(attr_id, getter)
            steps[i].attr_id = attr_id
            steps[i].kind = kind
            steps[i].feature = feature
            steps[i].key = <PyObject*>attr_id
            steps[i].getter = <PyObject*>getter
        free(self._steps)
        self._steps = steps
        self._n_steps = len(items)
        self._steps_source = (source, items)    # keeps the borrowed keys and getters alive
        return 0

    cdef int _check_steps(self) except -1:
        """Rebuild the steps if lex_attr_getters was replaced or changed in place."""
        source = self.lex_attr_getters
        if self._steps_source is None or type(source) is not dict \
                or source is not self._steps_source[0] or len(source) != self._n_steps:
            return self._build_steps()
        cdef Py_ssize_t pos = 0
        cdef PyObject* key
        cdef PyObject* getter
        cdef int i = 0
        while PyDict_Next(source, &pos, &key, &getter):
            if <void*>key != self._steps[i].key or <void*>getter != self._steps[i].getter:
                return self._build_steps()
            i += 1
        return 0

    cdef attr_t _intern(self, const char* utf8, Py_ssize_t n_bytes) except? 0:
        """StringStore.add for a UTF-8 buffer: a symbol's id, else the interned hash."""
        if n_bytes == 0:
            return 0
        cdef size_t symbol = <size_t>_SYMBOL_BY_HASH.get(hash_utf8(utf8, n_bytes))
        if symbol != 0:
            return symbol - 1
        return self.strings.intern_utf8(utf8, n_bytes)

    cdef attr_t _intern_str(self, object value) except? 0:
        """StringStore.add(value), without a bytes copy for an exact str."""
        cdef Py_ssize_t n_bytes
        cdef const char* utf8
        if type(value) is not str:
            return self.strings.add(value)
        utf8 = PyUnicode_AsUTF8AndSize(value, &n_bytes)
        return self._intern(utf8, n_bytes)

    cdef const LexemeC* _new_lexeme(self, str string, attr_t orth) except NULL:
        self._check_steps()
        cdef Py_ssize_t n_bytes
        cdef const char* utf8 = PyUnicode_AsUTF8AndSize(string, &n_bytes)
        cdef Py_ssize_t n = PyUnicode_GET_LENGTH(string)
        cdef int kind = PyUnicode_KIND(string)
        cdef const void* data = PyUnicode_DATA(string)
        ensure_classes(string)
        cdef uint32_t features = lex_features(kind, data, n, class_table())
        cdef Pool mem = self._zone_mem if self._zone_mem is not None else self.mem
        cdef LexemeC* lex = <LexemeC*>mem.alloc(1, sizeof(LexemeC))
        self._intern(utf8, n_bytes)
        lex.orth = orth
        lex.length = n
        lex.id = self.length
        if self.lang is not self._lang_key:
            self._lang_id = self.strings.add(self.lang) if self.lang else 0
            self._lang_key = self.lang
        lex.lang = self._lang_id
        cdef flags_t flags = 0
        cdef bint on
        cdef Py_ssize_t start, size
        cdef const GetterStep* step
        lower = None
        for i in range(self._n_steps):
            step = &self._steps[i]
            if step.kind == G_FLAG:
                on = (features & step.feature) != 0
            elif step.kind == G_LIKE_URL:
                on = (features & F_MAYBE_URL) != 0 and (<object>step.getter)(string)
            elif step.kind == G_LIKE_EMAIL:
                on = (features & F_MAYBE_EMAIL) != 0 and (<object>step.getter)(string)
            elif step.kind == G_IS_STOP:
                if lower is None:
                    lower = string.lower()
                on = lower in (<object>step.getter).words
            elif step.kind == G_LOWER:
                if lower is None:
                    lower = string.lower()
                _set_string_attr(lex, step.attr_id, self._intern_str(lower))
                continue
            elif step.kind == G_SHAPE:
                size = MAX_UTF8_PER_CHAR * n
                if size > self._scratch_size:
                    _grow(&self._scratch, &self._scratch_size, size)
                size = lex_shape_utf8(kind, data, n, self._scratch)
                _set_string_attr(lex, step.attr_id, self._intern(self._scratch, size))
                continue
            elif step.kind == G_PREFIX:
                size = utf8_head(utf8, n_bytes, PREFIX_CHARS)
                _set_string_attr(lex, step.attr_id, self._intern(utf8, size))
                continue
            elif step.kind == G_SUFFIX:
                start = utf8_tail(utf8, n_bytes, SUFFIX_CHARS)
                _set_string_attr(lex, step.attr_id, self._intern(utf8 + start, n_bytes - start))
                continue
            elif step.attr_id < N_FLAG_ATTRS:
                on = bool((<object>step.getter)(string))
            else:
                value = (<object>step.getter)(string)
                if step.attr_id in _STRING_ATTRS:
                    _set_string_attr(lex, step.attr_id, self._intern_str(value))
                continue
            if on:
                flags |= (<flags_t>1) << step.attr_id
        lex.flags = flags
        if lex.norm == 0:
            lex.norm = orth
        if lex.lower == 0:
            lex.lower = orth
        self._by_orth.set(orth, lex)
        self.length += 1
        if self._zone_mem is not None:
            self._transient_orths.push_back(orth)
        return lex

    @contextmanager
    def memory_zone(self, mem=None):
        """A block whose new word types and strings are dropped when it ends.

        As in spaCy, Docs, Tokens and Lexemes made inside the zone must not be used after
        it; a zone inside a zone joins it.
        """
        with self.strings.memory_zone(mem) as zone_mem:
            outermost = self._zone_mem is None
            self._zone_mem = zone_mem
            try:
                yield zone_mem
            finally:
                if outermost:
                    self._end_zone()

    def _end_zone(self):
        self._by_orth = without_keys(self._by_orth, self._transient_orths, &self._n_deleted)
        self.length -= self._transient_orths.size()
        self._transient_orths.clear()
        self._zone_mem = None

    @property
    def in_memory_zone(self):
        return self._zone_mem is not None

    def __getitem__(self, key):
        """A Lexeme view for a string or an orth id."""
        cdef attr_t orth
        if isinstance(key, str):
            orth = self.get(key).orth
        else:
            orth = key
        return Lexeme(self, orth)

    def __contains__(self, key):
        cdef attr_t orth = hash_string(key) if isinstance(key, str) else key
        return self._by_orth.get(orth) != NULL

    def __len__(self):
        return self.length

    def __iter__(self):
        cdef attr_t orth
        for orth in list(self._by_orth.keys()):
            yield Lexeme(self, orth)

    def set_norm(self, str string, str norm):
        """Override the NORM of one word type (e.g. "n't" -> "not")."""
        cdef LexemeC* lex = <LexemeC*>self.get(string)
        lex.norm = self.strings.add(norm, allow_transient=False)

    def to_bytes(self):
        return srsly.msgpack_dumps({"strings": list(self.strings), "lang": self.lang,
                                    "tag_map": self.tag_map})

    def from_bytes(self, bytes_data):
        """Read Vocab.to_bytes; bytes that are not that raise one FormatError line."""
        try:
            msg = srsly.msgpack_loads(bytes_data)
        except Exception as err:  # msgpack's various errors
            raise FormatError(f"not Vocab bytes: {one_line(err)}",
                              VOCAB_BYTES_SOURCE) from None
        if not isinstance(msg, dict) or not isinstance(msg.get("strings"), list):
            raise FormatError("not Vocab bytes: expected a table with a list of strings",
                              VOCAB_BYTES_SOURCE)
        lang = msg.get("lang", self.lang)
        tag_map = msg.get("tag_map", self.tag_map)
        if not isinstance(lang, str):
            raise FormatError(f"lang is {type(lang).__name__}, not text", VOCAB_BYTES_SOURCE)
        if not isinstance(tag_map, dict) or not all(
                isinstance(tag, str) and isinstance(features, dict)
                for tag, features in tag_map.items()):
            raise FormatError("tag_map is not a table of tags to feature tables",
                              VOCAB_BYTES_SOURCE)
        check_strings(msg["strings"], VOCAB_BYTES_SOURCE)
        for string in msg["strings"]:
            self.strings.add(string)
        self.lang = lang
        self.tag_map = tag_map
        return self

    def __reduce__(self):
        return (_unpickle_vocab, (list(self.strings), self.lang, self.tag_map))


def _unpickle_vocab(strings, lang, tag_map=None):
    try:
        getters = get_lang_class(lang).Defaults.lex_attr_getters if lang else None
    except ValueError:  # no language data for this code: the generic getters
        getters = None
    return Vocab(strings=strings, lex_attr_getters=getters, lang=lang, tag_map=tag_map)


cdef inline void _set_string_attr(LexemeC* lex, int attr_id, attr_t value) noexcept:
    if attr_id == LOWER:
        lex.lower = value
    elif attr_id == NORM:
        lex.norm = value
    elif attr_id == SHAPE:
        lex.shape = value
    elif attr_id == PREFIX:
        lex.prefix = value
    elif attr_id == SUFFIX:
        lex.suffix = value


cdef int _grow(char** buffer, Py_ssize_t* size, Py_ssize_t needed) except -1:
    """Resize a scratch buffer to at least `needed` bytes."""
    cdef Py_ssize_t new_size = max(needed, 2 * size[0], 64)
    cdef char* grown = <char*>realloc(buffer[0], new_size)
    if grown == NULL:
        raise MemoryError(f"Vocab: cannot grow a scratch buffer to {new_size} bytes")
    buffer[0] = grown
    size[0] = new_size
    return 0
