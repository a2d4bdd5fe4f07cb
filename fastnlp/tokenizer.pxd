from cymem.cymem cimport Pool
from libcpp.vector cimport vector
from preshed.maps cimport PreshMap

from .structs cimport LexemeC
from .tokenizer_affixes cimport AffixSplitter
from .tokens.doc cimport Doc
from .typedefs cimport attr_t, hash_t
from .vocab cimport Vocab


cdef struct CachedC:
    int length
    const LexemeC** lexemes
    attr_t* norms           # 0: the lexeme's own norm applies


cdef class Tokenizer:
    """Splits text into a Doc; owns a cache from chunk key to its lexeme sequence."""
    cdef Pool _cache_mem
    cdef PreshMap _cache            # chunk key -> CachedC*
    cdef Pool _zone_mem             # entries cached in a memory zone; None outside one
    cdef vector[hash_t] _zone_keys
    cdef Py_ssize_t _n_deleted      # cells of _cache cleared since it was last copied
    cdef readonly Vocab vocab
    cdef AffixSplitter _rules       # affix rules and the code applying them
    cdef dict _special_cases        # string -> list of attribute dicts, as given
    cdef bint _plain_chunks_whole

    cdef int _tokenize_into(self, Doc doc, str text) except -1
    cdef const CachedC* _split_new(self, str text, Py_ssize_t start, Py_ssize_t end,
                                   hash_t key, bint plain) except NULL
    cdef const CachedC* _store_head_mark(self, str text, Py_ssize_t start, Py_ssize_t end,
                                         hash_t key, hash_t head_key) except NULL
    cdef CachedC* _alloc_cached(self, int n) except NULL
    cdef int _remember(self, hash_t key, CachedC* cached) except -1
    cdef const CachedC* _store(self, hash_t key, list pieces) except NULL
