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


def span_row_bounds(const int32_t[:, ::1] spans, const int32_t[::1] lengths,
                    const int32_t[::1] doc_lengths):
    """(starts, ends): each span's first and one-past-last row in the docs' stacked
    token vectors (span_row_indices without the rows in between)."""
    cdef Py_ssize_t n = spans.shape[0]
    starts = numpy.empty((n,), dtype="int32")
    ends = numpy.empty((n,), dtype="int32")
    cdef int32_t[::1] s_out = starts
    cdef int32_t[::1] e_out = ends
    cdef Py_ssize_t d, i, j = 0, offset = 0
    for d in range(lengths.shape[0]):
        for i in range(lengths[d]):
            if j >= n or not 0 <= spans[j, 0] <= spans[j, 1] <= doc_lengths[d]:
                raise ValueError(f"span_row_bounds: span {j} does not fit doc {d} of "
                                 f"{doc_lengths[d]} tokens")
            s_out[j] = offset + spans[j, 0]
            e_out[j] = offset + spans[j, 1]
            j += 1
        offset += doc_lengths[d]
    if j != n:
        raise ValueError(f"span_row_bounds: the counts give {j} spans, there are {n}")
    return starts, ends


def mean_max_forward(const float[:, ::1] X, const int32_t[::1] starts,
                     const int32_t[::1] ends):
    """Per span (rows starts[s]..ends[s]-1 of X): its last, first, mean and max rows,
    concatenated (n_spans, 4 * width), and the row of each max (n_spans, width). An empty
    span gives zeros."""
    cdef Py_ssize_t n = starts.shape[0], width = X.shape[1]
    out = numpy.zeros((n, 4 * width), dtype="float32")
    which = numpy.zeros((n, width), dtype="int32")
    cdef float[:, ::1] Y = out
    cdef int32_t[:, ::1] arg = which
    cdef Py_ssize_t s, r, w
    cdef float value
    with nogil:
        for s in range(n):
            if ends[s] <= starts[s]:
                continue
            for w in range(width):
                Y[s, w] = X[ends[s] - 1, w]
                Y[s, width + w] = X[starts[s], w]
                Y[s, 3 * width + w] = X[starts[s], w]
                arg[s, w] = starts[s]
            for r in range(starts[s], ends[s]):
                for w in range(width):
                    value = X[r, w]
                    Y[s, 2 * width + w] += value
                    if value > Y[s, 3 * width + w]:
                        Y[s, 3 * width + w] = value
                        arg[s, w] = r
            for w in range(width):
                Y[s, 2 * width + w] /= ends[s] - starts[s]
    return out, which


def mean_max_backward(const float[:, ::1] dY, const int32_t[::1] starts,
                      const int32_t[::1] ends, const int32_t[:, ::1] which,
                      float[:, ::1] dX):
    """Add the gradient of mean_max_forward's output into dX (rows of X), in place."""
    cdef Py_ssize_t n = starts.shape[0], width = dX.shape[1]
    cdef Py_ssize_t s, r, w
    cdef float scale
    with nogil:
        for s in range(n):
            if ends[s] <= starts[s]:
                continue
            scale = 1.0 / (ends[s] - starts[s])
            for w in range(width):
                dX[ends[s] - 1, w] += dY[s, w]
                dX[starts[s], w] += dY[s, width + w]
                dX[which[s, w], w] += dY[s, 3 * width + w]
            for r in range(starts[s], ends[s]):
                for w in range(width):
                    dX[r, w] += dY[s, 2 * width + w] * scale
