# cython: infer_types=True, boundscheck=False, wraparound=False
"""The span categorizer's index work in C: the n-gram suggester's candidate spans, and
the flat row indices of every span's tokens (what extract_spans gathers)."""
import numpy

from libc.stdint cimport int32_t


def ngram_spans(docs, sizes):
    """(spans, lengths): per doc, for each size in `sizes` (in that order) every span of
    that many tokens, as (start, end) rows; lengths[d] rows for doc d. A size longer
    than a doc gives it no spans."""
    cdef Py_ssize_t n_docs = len(docs)
    size_list = [int(size) for size in sizes]
    if any(size < 1 for size in size_list):
        raise ValueError(f"ngram suggester: sizes must be positive, got {size_list}")
    doc_lengths = numpy.asarray([len(doc) for doc in docs], dtype="int32")
    size_array = numpy.asarray(size_list, dtype="int32")
    cdef const int32_t[::1] n_tokens = doc_lengths
    cdef const int32_t[::1] size_view = size_array
    cdef Py_ssize_t d, s, start, row = 0, total = 0
    cdef int32_t size
    lengths = numpy.zeros((n_docs,), dtype="int32")
    cdef int32_t[::1] lengths_view = lengths
    for d in range(n_docs):
        for s in range(size_view.shape[0]):
            if size_view[s] <= n_tokens[d]:
                lengths_view[d] += n_tokens[d] - size_view[s] + 1
        total += lengths_view[d]
    spans = numpy.empty((total, 2), dtype="int32")
    cdef int32_t[:, ::1] out = spans
    with nogil:
        for d in range(n_docs):
            for s in range(size_view.shape[0]):
                size = size_view[s]
                for start in range(n_tokens[d] - size + 1):
                    out[row, 0] = start
                    out[row, 1] = start + size
                    row += 1
    return spans, lengths


def span_row_indices(const int32_t[:, ::1] spans, const int32_t[::1] lengths,
                     const int32_t[::1] doc_lengths):
    """The rows of the docs' stacked token vectors each span covers, span after span:
    spans (5, 9) and (8, 10) of the first doc give 5, 6, 7, 8, 8, 9."""
    if lengths.shape[0] != doc_lengths.shape[0]:
        raise ValueError(f"span_row_indices: {lengths.shape[0]} span counts for "
                         f"{doc_lengths.shape[0]} docs")
    cdef Py_ssize_t d, i, k, j = 0, row = 0, total = 0, offset = 0
    for d in range(lengths.shape[0]):
        for i in range(lengths[d]):
            if j >= spans.shape[0]:
                raise ValueError(f"span_row_indices: the counts add up to more than the "
                                 f"{spans.shape[0]} spans")
            if not 0 <= spans[j, 0] <= spans[j, 1] <= doc_lengths[d]:
                raise ValueError(f"span_row_indices: span ({spans[j, 0]}, {spans[j, 1]}) "
                                 f"does not fit doc {d} of {doc_lengths[d]} tokens")
            total += spans[j, 1] - spans[j, 0]
            j += 1
    indices = numpy.empty((total,), dtype="int32")
    cdef int32_t[::1] out = indices
    j = 0
    with nogil:
        for d in range(lengths.shape[0]):
            for i in range(lengths[d]):
                for k in range(offset + spans[j, 0], offset + spans[j, 1]):
                    out[row] = k
                    row += 1
                j += 1
            offset += doc_lengths[d]
    return indices
