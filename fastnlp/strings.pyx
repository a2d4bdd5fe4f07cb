# cython: infer_types=True
"""StringStore: strings <-> 64-bit ids, MurmurHash64A (seed 1) over UTF-8, as spaCy.

Strings in the shared symbol table (attribute names, POS, common labels) map to their
small symbol id instead of a hash, exactly as in spaCy, so `.spacy` files interoperate.
"""
from contextlib import contextmanager

from libc.string cimport memcpy
from murmurhash.mrmr cimport hash64
from preshed.maps cimport map_clear, map_iter

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


cdef PreshMap without_keys(PreshMap table, const vector[hash_t]& keys, Py_ssize_t* n_deleted):
    """`table` less `keys`: cleared in place, or a fresh copy once dead cells pile up.

    `n_deleted` counts the cells cleared since the table was last copied; a memory zone
    ends by this, so that a long run of zones does not slow every later lookup.
    """
    cdef hash_t key
    cdef size_t k
    for k in range(keys.size()):
        key = keys[k]
        if table.get(key) != NULL:
            map_clear(table.c_map, key)
            n_deleted[0] += 1
    if n_deleted[0] * 4 <= <Py_ssize_t>table.c_map.length:
        return table
    cdef PreshMap fresh = PreshMap()
    cdef int i = 0
    cdef void* value
    while map_iter(table.c_map, &i, &key, &value):
        fresh.set(key, value)
    n_deleted[0] = 0
    return fresh


cdef class StringStore:
    def __init__(self, strings=None):
        self.mem = Pool()
        self._map = PreshMap()
        if strings is not None:
            for string in strings:
                self.add(string, allow_transient=False)

    cdef hash_t intern_utf8(self, const char* utf8, int length) except? 0:
        """Store a UTF-8 string (not a symbol) and return its hash; transient in a zone."""
        return self._intern(utf8, length, True)

    cdef hash_t _intern(self, const char* utf8, int length, bint allow_transient) except? 0:
        if length == 0:
            return 0
        cdef hash_t key = hash_utf8(utf8, length)
        cdef Utf8Str* entry = <Utf8Str*>self._map.get(key)
        cdef bint transient = allow_transient and self._zone_mem is not None
        if entry != NULL:
            if not transient and self._transient is not None \
                    and self._transient.get(key) != NULL:
                map_clear(self._transient.c_map, key)    # made permanent: copy out of the zone
                self._n_transient -= 1
            else:
                return key
        cdef Pool mem = self._zone_mem if transient else self.mem
        entry = <Utf8Str*>mem.alloc(1, sizeof(Utf8Str))
        entry.chars = <char*>mem.alloc(length, 1)
        memcpy(entry.chars, utf8, length)
        entry.length = length
        self._map.set(key, entry)
        if transient:
            self._transient.set(key, <void*>1)
            self._transient_keys.push_back(key)
            self._n_transient += 1
        else:
            self.keys.push_back(key)
        return key

    @contextmanager
    def memory_zone(self, mem=None):
        """A block whose new strings are removed when it ends (spaCy's memory zone).

        Strings added with `allow_transient=False` stay. Using anything made inside the
        zone after it ends is undefined, as in spaCy; a zone inside a zone joins it.
        """
        if self._zone_depth == 0:
            self._zone_mem = mem if mem is not None else Pool()
            self._transient = PreshMap()
        self._zone_depth += 1
        try:
            yield self._zone_mem
        finally:
            self._zone_depth -= 1
            if self._zone_depth == 0:
                self._end_zone()

    def _end_zone(self):
        cdef hash_t key
        cdef vector[hash_t] dead
        for key in self._transient_keys:
            if self._transient.get(key) != NULL:
                dead.push_back(key)
        self._map = without_keys(self._map, dead, &self._n_deleted)
        self._transient_keys.clear()
        self._n_transient = 0
        self._transient = None
        self._zone_mem = None

    @property
    def in_memory_zone(self):
        return self._zone_mem is not None

    cdef str decode(self, hash_t key):
        if key < <hash_t>N_SYMBOLS:
            return SYMBOL_NAMES[key]
        cdef const Utf8Str* entry = <Utf8Str*>self._map.get(key)
        if entry == NULL:
            raise KeyError(f"[StringStore] no string for id {key}")
        return entry.chars[:entry.length].decode("utf8")

    def add(self, str string, allow_transient=None):
        """Add a string and return its id.

        In a memory zone the string is transient unless `allow_transient` is False.
        """
        symbol = SYMBOL_IDS.get(string)
        if symbol is not None:
            return symbol
        cdef bytes utf8 = string.encode("utf8")
        return self._intern(utf8, len(utf8), allow_transient is not False)

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
        return self.keys.size() + self._n_transient

    def __iter__(self):
        cdef hash_t key
        for key in self.keys:
            yield self.decode(key)
        if self._zone_mem is not None:
            for key in self._transient_keys:
                if self._transient.get(key) != NULL:
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
            self.add(string, allow_transient=False)
        return self

    def to_disk(self, path):
        srsly.write_json(path, list(self))

    def from_disk(self, path):
        for string in srsly.read_json(path):
            self.add(string, allow_transient=False)
        return self
