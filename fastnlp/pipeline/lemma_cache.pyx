# cython: infer_types=True, boundscheck=False, wraparound=False
"""LemmaCache: the lemmatizer's loop over a Doc's tokens in C.

A lemma that depends only on a token's text (lookup mode), text and POS (pos_lookup)
or text, POS and morphology (rule mode) is computed once per distinct key, by a Python
function, and kept in a hash table; every later token with that key gets it by one
table lookup, with no Python object made.
"""
from libc.stdint cimport uint64_t
from murmurhash.mrmr cimport hash64
from preshed.maps cimport PreshMap
from ..structs cimport TokenC
from ..tokens.doc cimport Doc
from ..typedefs cimport attr_t

# What a lemma depends on, so what the cache key is made of.
cdef enum KeyKind:
    ORTH_ONLY = 0
    ORTH_POS = 1
    ORTH_POS_MORPH = 2

KEY_ORTH = ORTH_ONLY
KEY_ORTH_POS = ORTH_POS
KEY_ORTH_POS_MORPH = ORTH_POS_MORPH


cdef struct LemmaKey:
    attr_t orth
    uint64_t pos
    attr_t morph


cdef inline uint64_t _key(const TokenC* token, int key_kind) noexcept nogil:
    cdef LemmaKey key
    key.orth = token.lex.orth
    key.pos = <uint64_t>token.pos if key_kind >= ORTH_POS else 0
    key.morph = token.morph if key_kind >= ORTH_POS_MORPH else 0
    return hash64(&key, sizeof(LemmaKey), 1)


cdef class LemmaCache:
    """Lemma ids per key, filled by `compute(doc, i)` on a miss."""

    cdef PreshMap _lemmas
    cdef readonly int key_kind
    cdef readonly Py_ssize_t n_computed

    def __init__(self, int key_kind):
        if key_kind not in (ORTH_ONLY, ORTH_POS, ORTH_POS_MORPH):
            raise ValueError(f"LemmaCache: unknown key kind {key_kind}")
        self.key_kind = key_kind
        self._lemmas = PreshMap()
        self.n_computed = 0

    def clear(self):
        self._lemmas = PreshMap()

    def __len__(self):
        return len(self._lemmas)

    def annotate(self, Doc doc, bint overwrite, compute):
        """Set the lemma of every token (with overwrite) or of those without one;
        `compute(doc, i)` returns the string id of token i's lemma when its key is new."""
        cdef Py_ssize_t i
        cdef uint64_t key
        cdef attr_t lemma
        cdef TokenC* token
        for i in range(doc.length):
            token = &doc.c[i]
            if not overwrite and token.lemma != 0:
                continue
            key = _key(token, self.key_kind)
            lemma = <attr_t><size_t>self._lemmas.get(key)
            if lemma == 0:
                lemma = compute(doc, i)
                self.n_computed += 1
                if lemma != 0:
                    self._lemmas.set(key, <void*><size_t>lemma)
            token.lemma = lemma
