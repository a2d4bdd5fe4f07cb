"""Tokenizer: whitespace scanning, chunk cache and lexeme lookup in C; affixes on a miss.

The text is read code point by code point straight from the str buffer. Each
whitespace-delimited chunk is keyed by a 64-bit FNV-1a hash of its code points and
looked up in a cache holding its lexeme sequence; special cases are in the cache
from the start. On a miss, when the rules promise so (`plain_chunks_whole`), a chunk of
only ASCII letters or only ASCII digits is one token, and ASCII letters followed by one
of . , ; : ! ? are the letters (looked up as a chunk of their own) plus the mark; any
other chunk goes through the affix engine (`tokenizer_affixes.AffixSplitter`). The
whole class is tested against `tokenizer_reference`, a separate plain specification.
Chunks first cached inside `memory_zone()` leave the cache when the zone ends.
"""
from contextlib import contextmanager
from .strings cimport without_keys
from cpython.unicode cimport PyUnicode_DATA, PyUnicode_KIND, PyUnicode_READ, Py_UNICODE_ISSPACE

import re
from pathlib import Path

import srsly
from .attrs import NORM, ORTH
from .tokenizer_affixes import special_case_pieces

cdef extern from *:
    """
    #define FASTNLP_FNV_OFFSET 0xcbf29ce484222325ULL
    #define FASTNLP_FNV_PRIME 0x100000001b3ULL
    """
    const hash_t FNV_OFFSET "FASTNLP_FNV_OFFSET"
    const hash_t FNV_PRIME "FASTNLP_FNV_PRIME"

# preshed reserves keys 0 (empty) and 1 (deleted)
cdef enum:
    MIN_KEY = 2

cdef enum PlainKind:
    PLAIN_NONE = 0
    PLAIN_ALPHA = 1         # [A-Za-z]+
    PLAIN_DIGIT = 2         # [0-9]+
    PLAIN_START = 3
    PLAIN_ALPHA_MARK = 4    # [A-Za-z]+ then one of . , ; : ! ?

_PATTERN_ARGS = ("prefix_search", "suffix_search", "infix_finditer", "token_match", "url_match")


cdef inline hash_t _mix(hash_t key, Py_UCS4 c) noexcept nogil:
    return (key ^ <hash_t>c) * FNV_PRIME


cdef inline hash_t _finish(hash_t key) noexcept nogil:
    return key + MIN_KEY if key < MIN_KEY else key


cdef inline int _plain_step(int state, Py_UCS4 c) noexcept nogil:
    """Track whether a chunk is all ASCII letters or all ASCII digits."""
    if (c >= 97 and c <= 122) or (c >= 65 and c <= 90):
        return PLAIN_ALPHA if state == PLAIN_START or state == PLAIN_ALPHA else PLAIN_NONE
    if c >= 48 and c <= 57:
        return PLAIN_DIGIT if state == PLAIN_START or state == PLAIN_DIGIT else PLAIN_NONE
    if state == PLAIN_ALPHA and (c == 46 or c == 44 or c == 59 or c == 58 or c == 33 or c == 63):
        return PLAIN_ALPHA_MARK
    return PLAIN_NONE


cpdef hash_t chunk_key(str string):
    """The cache key of a chunk (FNV-1a over its code points)."""
    cdef hash_t key = FNV_OFFSET
    cdef Py_UCS4 c
    for c in string:
        key = _mix(key, c)
    return _finish(key)


cdef class Tokenizer:
    def __init__(self, Vocab vocab, rules=None, prefix_search=None, suffix_search=None,
                 infix_finditer=None, token_match=None, url_match=None, *,
                 bint plain_chunks_whole=False):
        """Make a tokenizer.

        rules: {string: [{ORTH: ..., NORM: ...}, ...]} special cases.
        prefix_search / suffix_search: like `re.compile(...).match` / `.search`,
            returning a match for the prefix (suffix) of a string, or None.
        infix_finditer: like `re.compile(...).finditer`.
        token_match / url_match: return a truthy value if a string stays one token.
        plain_chunks_whole: promise that the rules keep a chunk of only ASCII letters or
            only ASCII digits whole (unless it is a special case), and split two or more
            ASCII letters followed by one of . , ; : ! ? into the letters and the mark
            (unless the whole is a special case); such chunks then skip the regexes.
        """
        self.vocab = vocab
        self._special_cases = {}
        self._plain_chunks_whole = plain_chunks_whole
        self._rules = AffixSplitter({}, prefix_search, suffix_search, infix_finditer,
                                    token_match, url_match)
        for string, substrings in (rules or {}).items():
            self._add_special(string, substrings)
        self._reset_cache()

    def __call__(self, str text):
        """Tokenize a text into a Doc whose text equals `text` exactly."""
        cdef Doc doc = Doc(self.vocab)
        self._tokenize_into(doc, text)
        return doc

    def pipe(self, texts, int batch_size=1000):
        """Tokenize a stream of texts, yielding Docs in order."""
        for text in texts:
            yield self(text)

    cdef int _tokenize_into(self, Doc doc, str text) except -1:
        cdef int kind = PyUnicode_KIND(text)
        cdef void* data = PyUnicode_DATA(text)
        cdef Py_ssize_t n = len(text)
        cdef Py_ssize_t i = 0
        cdef Py_ssize_t j, k
        cdef Py_UCS4 c
        cdef hash_t key, head_key
        cdef int plain
        cdef bint has_space, is_space
        cdef const CachedC* cached
        while i < n:
            c = PyUnicode_READ(kind, data, i)
            is_space = Py_UNICODE_ISSPACE(c)
            key = FNV_OFFSET
            plain = PLAIN_START
            j = i
            head_key = key
            while j < n:
                c = PyUnicode_READ(kind, data, j)
                if Py_UNICODE_ISSPACE(c) != is_space:
                    break
                head_key = key
                key = _mix(key, c)
                plain = _plain_step(plain, c)
                j += 1
            key = _finish(key)
            has_space = (not is_space and j < n and PyUnicode_READ(kind, data, j) == 32)
            cached = <const CachedC*>self._cache.get(key)
            if cached == NULL:
                if is_space:
                    cached = self._store(key, [(text[i:j], None)])
                elif plain == PLAIN_ALPHA_MARK and j - i >= 3 and self._plain_chunks_whole:
                    cached = self._store_head_mark(text, i, j, key, _finish(head_key))
                else:
                    cached = self._split_new(text, i, j, key,
                                             plain == PLAIN_ALPHA or plain == PLAIN_DIGIT)
            for k in range(cached.length - 1):
                doc.push_back(cached.lexemes[k], False)
                if cached.norms[k] != 0:
                    doc.c[doc.length - 1].norm = cached.norms[k]
            k = cached.length - 1
            doc.push_back(cached.lexemes[k], has_space)
            if cached.norms[k] != 0:
                doc.c[doc.length - 1].norm = cached.norms[k]
            i = j + 1 if has_space else j
        return 0

    cdef const CachedC* _split_new(self, str text, Py_ssize_t start, Py_ssize_t end,
                                   hash_t key, bint plain) except NULL:
        chunk = text[start:end]
        if plain and self._plain_chunks_whole:
            return self._store(key, [(chunk, None)])
        return self._store(key, self._rules.split(chunk, None))

    cdef const CachedC* _store_head_mark(self, str text, Py_ssize_t start, Py_ssize_t end,
                                         hash_t key, hash_t head_key) except NULL:
        """Cache letters + mark as the letters' own entry followed by the mark."""
        cdef const CachedC* head = <const CachedC*>self._cache.get(head_key)
        if head == NULL:
            head = self._split_new(text, start, end - 1, head_key, True)
        cdef CachedC* cached = self._alloc_cached(head.length + 1)
        cdef int k
        for k in range(head.length):
            cached.lexemes[k] = head.lexemes[k]
            cached.norms[k] = head.norms[k]
        cached.lexemes[head.length] = self.vocab.get(text[end - 1:end])
        cached.norms[head.length] = 0
        self._remember(key, cached)
        return cached

    cdef CachedC* _alloc_cached(self, int n) except NULL:
        """One allocation holding the struct and its two arrays."""
        cdef size_t size = sizeof(CachedC) + n * (sizeof(LexemeC*) + sizeof(attr_t))
        cdef Pool mem = self._zone_mem if self._zone_mem is not None else self._cache_mem
        cdef char* block = <char*>mem.alloc(1, size)
        cdef CachedC* cached = <CachedC*>block
        cached.length = n
        cached.norms = <attr_t*>(block + sizeof(CachedC))
        cached.lexemes = <const LexemeC**>(block + sizeof(CachedC) + n * sizeof(attr_t))
        return cached

    cdef const CachedC* _store(self, hash_t key, list pieces) except NULL:
        cdef int n = len(pieces)
        cdef CachedC* cached = self._alloc_cached(n)
        cdef int k
        for k, (orth, norm) in enumerate(pieces):
            cached.lexemes[k] = self.vocab.get(orth)
            cached.norms[k] = self.vocab.strings.add(norm) if norm else 0
        self._remember(key, cached)
        return cached

    cdef int _remember(self, hash_t key, CachedC* cached) except -1:
        self._cache.set(key, cached)
        if self._zone_mem is not None:
            self._zone_keys.push_back(key)
        return 0

    @contextmanager
    def memory_zone(self, mem=None):
        """A block whose newly cached chunks are forgotten when it ends.

        Use it through `Language.memory_zone`, which also opens the vocab's zone; the
        rules cannot change inside it. A zone inside a zone joins it.
        """
        if self._zone_mem is not None:
            yield self._zone_mem
            return
        self._zone_mem = mem if mem is not None else Pool()
        try:
            yield self._zone_mem
        finally:
            self._end_zone()

    def _end_zone(self):
        self._cache = without_keys(self._cache, self._zone_keys, &self._n_deleted)
        self._zone_keys.clear()
        self._zone_mem = None

    def _reset_cache(self):
        """Drop every cached chunk and put the special cases back."""
        if self._zone_mem is not None:
            raise RuntimeError("Tokenizer: the rules (special cases, prefixes, suffixes, "
                               "infixes, token_match, url_match) cannot change inside a "
                               "memory zone; change them before nlp.memory_zone()")
        self._cache_mem = Pool()
        self._cache = PreshMap()
        self._n_deleted = 0
        self._rules.special_cases = {
            string: special_case_pieces(string, substrings, ORTH, NORM)
            for string, substrings in self._special_cases.items()}
        for string, pieces in self._rules.special_cases.items():
            self._store(chunk_key(string), list(pieces))

    def _add_special(self, string, substrings):
        special_case_pieces(string, substrings, ORTH, NORM)
        self._special_cases[string] = [dict(attrs) for attrs in substrings]

    def add_special_case(self, str string, substrings):
        """Always split `string` into `substrings` ([{ORTH: ..., NORM: ...}, ...])."""
        self._add_special(string, substrings)
        self._reset_cache()

    property rules:
        """The special cases: {string: [{ORTH: ..., NORM: ...}, ...]}."""
        def __get__(self):
            return {string: [dict(a) for a in subs] for string, subs in self._special_cases.items()}

        def __set__(self, rules):
            self._special_cases = {}
            for string, substrings in (rules or {}).items():
                self._add_special(string, substrings)
            self._reset_cache()

    property prefix_search:
        def __get__(self):
            return self._rules.prefix_search

        def __set__(self, value):
            self._rules.prefix_search = value
            self._reset_cache()

    property suffix_search:
        def __get__(self):
            return self._rules.suffix_search

        def __set__(self, value):
            self._rules.suffix_search = value
            self._reset_cache()

    property infix_finditer:
        def __get__(self):
            return self._rules.infix_finditer

        def __set__(self, value):
            self._rules.infix_finditer = value
            self._reset_cache()

    property token_match:
        def __get__(self):
            return self._rules.token_match

        def __set__(self, value):
            self._rules.token_match = value
            self._reset_cache()

    property url_match:
        def __get__(self):
            return self._rules.url_match

        def __set__(self, value):
            self._rules.url_match = value
            self._reset_cache()

    property plain_chunks_whole:
        def __get__(self):
            return self._plain_chunks_whole

        def __set__(self, bint value):
            self._plain_chunks_whole = value
            self._reset_cache()

    def explain(self, str text):
        """[(rule, substring), ...] saying which rule made each token.

        Rules: PREFIX, SUFFIX, INFIX, SPECIAL, TOKEN_MATCH, URL_MATCH, TOKEN.
        Whitespace is not reported.
        """
        trace = []
        for chunk in text.split():
            self._rules.split(chunk, trace)
        return trace

    def to_bytes(self, *, exclude=tuple()):
        """Serialize the rules (special cases and patterns); the cache is not kept."""
        msg = {"plain_chunks_whole": self._plain_chunks_whole}
        if "rules" not in exclude:
            msg["rules"] = [[string, [_attrs_to_msg(a) for a in subs]]
                            for string, subs in self._special_cases.items()]
        for name in _PATTERN_ARGS:
            if name not in exclude:
                msg[name] = _function_to_msg(name, getattr(self._rules, name))
        return srsly.msgpack_dumps(msg)

    def from_bytes(self, bytes_data, *, exclude=tuple()):
        """Load rules written by `to_bytes`."""
        msg = srsly.msgpack_loads(bytes_data)
        self._plain_chunks_whole = msg.get("plain_chunks_whole", False)
        for name in _PATTERN_ARGS:
            if name in msg and name not in exclude:
                setattr(self._rules, name, _function_from_msg(msg[name]))
        if "rules" in msg and "rules" not in exclude:
            self._special_cases = {}
            for string, substrings in msg["rules"]:
                self._add_special(string, [_attrs_from_msg(a) for a in substrings])
        self._reset_cache()
        return self

    def to_disk(self, path, *, exclude=tuple()):
        Path(path).write_bytes(self.to_bytes(exclude=exclude))

    def from_disk(self, path, *, exclude=tuple()):
        return self.from_bytes(Path(path).read_bytes(), exclude=exclude)

    def __reduce__(self):
        return (_unpickle_tokenizer, (self.vocab, self.to_bytes()))


def _unpickle_tokenizer(vocab, bytes_data):
    return Tokenizer(vocab).from_bytes(bytes_data)


def _attrs_to_msg(attrs):
    out = {}
    for key, value in attrs.items():
        if key == ORTH or key == "ORTH":
            out["ORTH"] = value
        elif key == NORM or key == "NORM":
            out["NORM"] = value
        else:
            raise ValueError(f"Special cases may set only ORTH and NORM, not {key!r}")
    return out


def _attrs_from_msg(attrs):
    out = {ORTH: attrs["ORTH"]}
    if attrs.get("NORM") is not None:
        out[NORM] = attrs["NORM"]
    return out


def _function_to_msg(name, function):
    """A compiled regex's bound method as (pattern, flags, method name)."""
    if function is None:
        return None
    pattern = getattr(function, "__self__", None)
    if not isinstance(pattern, re.Pattern):
        raise ValueError(f"Cannot serialize {name}: it is not a method of a compiled regex")
    return {"pattern": pattern.pattern, "flags": int(pattern.flags),
            "method": function.__name__}


def _function_from_msg(msg):
    if msg is None:
        return None
    return getattr(re.compile(msg["pattern"], msg["flags"]), msg["method"])
