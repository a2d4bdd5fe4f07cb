# cython: infer_types=True, boundscheck=False, wraparound=False, cdivision=True
"""The bag-of-n-grams linear model of TextCatBOW in C.

`doc_ngram_counts` reads each doc's TokenC array: the token ids of one attribute, and
for n = 2..ngram_size the 64-bit hash of each run of n ids (murmurhash's hash64 over the
ids' bytes, as Thinc's `ops.ngrams`), counted per doc (keys sorted, as numpy.unique).
`sparse_linear_forward/backward` score those counts against a hashed weight table of
`length` rows per class: each key adds `count * (W[c, h0] + W[c, h1])` to class c, with
h0, h1 = MurmurHash3_x86_32 of the key with seeds 0 and 1, modulo `length` (Thinc's
SparseLinear.v2 layout, W flat of shape nO * length; `v1_indexing` is its older layout).
The backward scatters into the gradient arrays in place.
"""
import numpy

cimport numpy as np
from libc.stdint cimport int32_t, uint32_t, uint64_t
from libcpp.algorithm cimport sort
from libcpp.vector cimport vector
from murmurhash.mrmr cimport hash32, hash64
from ..attrs cimport attr_id_t
from ..structs cimport TokenC
from ..tokens.doc cimport Doc
from ..tokens.token cimport token_get_attr
from ..typedefs cimport attr_t


cdef void _doc_keys(const TokenC* tokens, int n_tokens, attr_id_t attr, int ngram_size,
                    vector[uint64_t]* ids, vector[uint64_t]* keys) noexcept nogil:
    """The n-gram keys of one doc, unsorted, into `keys` (cleared first)."""
    cdef int i, n
    ids.clear()
    keys.clear()
    for i in range(n_tokens):
        ids.push_back(<uint64_t>token_get_attr(&tokens[i], attr))
        keys.push_back(ids.back())
    for n in range(2, ngram_size + 1):
        for i in range(n_tokens - n + 1):
            keys.push_back(hash64(&ids.at(i), n * sizeof(uint64_t), 0))


def doc_ngram_counts(docs, int ngram_size, attr_id_t attr):
    """(keys uint64, counts float32, lengths int32): each doc's distinct n-gram keys
    (n = 1..ngram_size), sorted, with how often each occurs; lengths[d] keys for doc d."""
    cdef vector[uint64_t] ids, doc_keys, all_keys
    cdef vector[float] all_counts
    cdef Py_ssize_t n_docs = len(docs)
    lengths = numpy.zeros((n_docs,), dtype="int32")
    cdef int32_t[::1] lengths_view = lengths
    cdef Doc doc
    cdef Py_ssize_t d, i, start
    for d in range(n_docs):
        doc = docs[d]
        with nogil:
            _doc_keys(doc.c, doc.length, attr, ngram_size, &ids, &doc_keys)
            sort(doc_keys.begin(), doc_keys.end())
            start = all_keys.size()
            i = 0
            while i < <Py_ssize_t>doc_keys.size():
                if all_keys.size() > <size_t>start and all_keys.back() == doc_keys[i]:
                    all_counts[all_counts.size() - 1] += 1
                else:
                    all_keys.push_back(doc_keys[i])
                    all_counts.push_back(1)
                i += 1
            lengths_view[d] = all_keys.size() - start
    keys = numpy.empty((all_keys.size(),), dtype="uint64")
    counts = numpy.empty((all_keys.size(),), dtype="float32")
    cdef uint64_t[::1] keys_view = keys
    cdef float[::1] counts_view = counts
    for i in range(<Py_ssize_t>all_keys.size()):
        keys_view[i] = all_keys[i]
        counts_view[i] = all_counts[i]
    return keys, counts, lengths


cdef inline void _rows(uint64_t key, uint32_t length, bint v1_indexing,
                       uint32_t* row0, uint32_t* row1) noexcept nogil:
    cdef uint32_t h0 = hash32(&key, sizeof(uint64_t), 0)
    cdef uint32_t h1 = hash32(&key, sizeof(uint64_t), 1)
    if v1_indexing:
        row0[0] = h0 & (length - 1)
        row1[0] = h1 & (length - 1)
    else:
        row0[0] = h0 % length
        row1[0] = h1 % length


def sparse_linear_forward(const uint64_t[::1] keys, const float[::1] counts,
                          const int32_t[::1] lengths, const float[::1] W,
                          const float[::1] b, uint32_t length, bint v1_indexing):
    """Scores (n_docs, nO): b plus each doc's keys' hashed weights times their counts."""
    cdef Py_ssize_t nO = b.shape[0]
    cdef Py_ssize_t n_docs = lengths.shape[0]
    if W.shape[0] != nO * length:
        raise ValueError(f"sparse_linear: W has {W.shape[0]} weights, not "
                         f"nO * length = {nO} * {length}")
    scores = numpy.empty((n_docs, nO), dtype="float32")
    cdef float[:, ::1] out = scores
    cdef Py_ssize_t d, k, c, pos = 0
    cdef uint32_t row0, row1
    cdef float count
    with nogil:
        for d in range(n_docs):
            for c in range(nO):
                out[d, c] = b[c]
            for k in range(pos, pos + lengths[d]):
                _rows(keys[k], length, v1_indexing, &row0, &row1)
                count = counts[k]
                if v1_indexing:
                    for c in range(nO):
                        out[d, c] += (W[row0 + c] + W[row1 + c]) * count
                else:
                    for c in range(nO):
                        out[d, c] += (W[c * length + row0] + W[c * length + row1]) * count
            pos += lengths[d]
    return scores


def sparse_linear_backward(const uint64_t[::1] keys, const float[::1] counts,
                           const int32_t[::1] lengths, const float[:, ::1] d_scores,
                           float[::1] dW, float[::1] db, uint32_t length,
                           bint v1_indexing):
    """Add the gradients of sparse_linear_forward's weights into dW and db, in place."""
    cdef Py_ssize_t nO = db.shape[0]
    cdef Py_ssize_t n_docs = lengths.shape[0]
    cdef Py_ssize_t d, k, c, pos = 0
    cdef uint32_t row0, row1
    cdef float grad
    with nogil:
        for d in range(n_docs):
            for c in range(nO):
                db[c] += d_scores[d, c]
            for k in range(pos, pos + lengths[d]):
                _rows(keys[k], length, v1_indexing, &row0, &row1)
                for c in range(nO):
                    grad = d_scores[d, c] * counts[k]
                    if v1_indexing:
                        dW[row0 + c] += grad
                        dW[row1 + c] += grad
                    else:
                        dW[c * length + row0] += grad
                        dW[c * length + row1] += grad
            pos += lengths[d]
