# cython: infer_types=True
"""C-level helpers for DocBin: rebuild a Doc's tokens straight from orth ids.

`doc_from_orths` skips the per-word Python strings that `Doc(vocab, words=...)`
needs: each orth id is looked up (or its lexeme made) in the Vocab and pushed.
"""
from libc.stdint cimport uint8_t, uint64_t
from ..vocab cimport Vocab
from .doc cimport Doc


def doc_from_orths(Vocab vocab, const uint64_t[::1] orths_t, const uint8_t[::1] spaces_t):
    """A Doc with one token per orth id; spaces_t None means unknown (all True)."""
    cdef Doc doc = Doc(vocab)
    cdef Py_ssize_t T = orths_t.shape[0]
    cdef Py_ssize_t t
    cdef bint unknown = spaces_t is None
    if not unknown and spaces_t.shape[0] != T:
        raise ValueError(f"{spaces_t.shape[0]} spaces for {T} tokens")
    doc._realloc(<int>T)
    for t in range(T):
        doc.push_back(vocab.get_by_orth(orths_t[t]), True if unknown else spaces_t[t] != 0)
    doc.has_unknown_spaces = unknown
    return doc
