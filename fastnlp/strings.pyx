# cython: infer_types=True
"""StringStore: strings <-> 64-bit ids, MurmurHash64A (seed 1) over UTF-8, as spaCy.

Strings in the shared symbol table (attribute names, POS, common labels) map to their
small symbol id instead of a hash, exactly as in spaCy, so `.spacy` files interoperate.
"""
from libc.string cimport memcpy
from murmurhash.mrmr cimport hash64

import srsly

from .errors import FormatError, one_line
from .symbols import SYMBOL_IDS, SYMBOL_NAMES

STRINGS_BYTES_SOURCE = "<StringStore bytes>"


def check_strings(strings, source):
    """Raise FormatError naming `source` unless `strings` is a list of UTF-8-encodable text."""
    if not isinstance(strings, list):
        raise FormatError(f"expected a list of strings, got {type(strings).__name__}", source)
    for string in strings:
        if not isinstance(string, str):
            raise FormatError(f"expected a list of strings, found {type(string).__name__}",
                              source)
        try:
            string.encode("utf8")
        except UnicodeEncodeError:
            raise FormatError(f"string {string!r} is not valid Unicode (a lone surrogate)",
                              source) from None

cdef int N_SYMBOLS = len(SYMBOL_NAMES)


cdef hash_t hash_utf8(const char* utf8, int length) noexcept nogil:
    return hash64(<void*>utf8, length, 1)


cpdef hash_t hash_string(str string) except? 0:
    """The id of a string: its symbol id if it is a symbol, else its hash."""
    symbol = SYMBOL_IDS.get(string)
    if symbol is not None:
        return symbol
    cdef bytes utf8 = string.encode("utf8")
    return hash_utf8(utf8, len(utf8))


cdef class StringStore:
    def __init__(self, strings=None):
        self.mem = Pool()
        self._map = PreshMap()
        if strings is not None:
            for string in strings:
                self.add(string)

    cdef hash_t intern_utf8(self, const char* utf8, int length) except? 0:
        """Store a UTF-8 string (not a symbol) and return its hash."""
        if length == 0:
            return 0
        cdef hash_t key = hash_utf8(utf8, length)
        if self._map.get(key) != NULL:
            return key
        cdef Utf8Str* entry = <Utf8Str*>self.mem.alloc(1, sizeof(Utf8Str))
        entry.chars = <char*>self.mem.alloc(length, 1)
        memcpy(entry.chars, utf8, length)
        entry.length = length
        self._map.set(key, entry)
        self.keys.push_back(key)
        return key

    cdef str decode(self, hash_t key):
        if key < <hash_t>N_SYMBOLS:
            return SYMBOL_NAMES[key]
        cdef const Utf8Str* entry = <Utf8Str*>self._map.get(key)
        if entry == NULL:
            raise KeyError(f"[StringStore] no string for id {key}")
        return entry.chars[:entry.length].decode("utf8")

    def add(self, str string):
        """Add a string and return its id."""
        symbol = SYMBOL_IDS.get(string)
        if symbol is not None:
            return symbol
        cdef bytes utf8 = string.encode("utf8")
        return self.intern_utf8(utf8, len(utf8))

    def __getitem__(self, key):
        """A string gives its id; an id gives its string."""
        if isinstance(key, str):
            return hash_string(key)
        return self.decode(<hash_t>key)

    def as_int(self, key):
        return hash_string(key) if isinstance(key, str) else int(key)

    def as_string(self, key):
        return key if isinstance(key, str) else self.decode(<hash_t>key)

    def __contains__(self, key):
        cdef hash_t k
        if isinstance(key, str):
            if key in SYMBOL_IDS:
                return True
            k = hash_string(key)
        else:
            k = <hash_t>key
            if k < <hash_t>N_SYMBOLS:
                return True
        return self._map.get(k) != NULL

    def __len__(self):
        return self.keys.size()

    def __iter__(self):
        cdef hash_t key
        for key in self.keys:
            yield self.decode(key)

    def __reduce__(self):
        return (StringStore, (list(self),))

    def to_bytes(self):
        return srsly.json_dumps(list(self))

    def from_bytes(self, bytes_data):
        """Read StringStore.to_bytes (a JSON list); anything else is one FormatError line."""
        try:
            strings = srsly.json_loads(bytes_data)
        except Exception as err:  # ujson's ValueError, UnicodeDecodeError, ...
            raise FormatError(f"not StringStore bytes: {one_line(err)}",
                              STRINGS_BYTES_SOURCE) from None
        check_strings(strings, STRINGS_BYTES_SOURCE)
        for string in strings:
            self.add(string)
        return self

    def to_disk(self, path):
        srsly.write_json(path, list(self))

    def from_disk(self, path):
        for string in srsly.read_json(path):
            self.add(string)
        return self
