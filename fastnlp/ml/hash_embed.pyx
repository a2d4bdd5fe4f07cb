# cython: boundscheck=False, wraparound=False, cdivision=True
"""Hash-embedding kernels: all attributes of a batch in one gather-sum / scatter-add.

The tables of the A attributes are stacked in one float32 array `table_rw` (R x W, R the
sum of the per-attribute row counts); attribute a owns rows offsets_a[a] ..
offsets_a[a] + rows_a[a] - 1. Forward hashes each id into K = 4 absolute row ids
(`rowids_tak`, kept for backward) and writes the sum of those rows to out_taw (T x A*W).
Backward scatter-adds d_out_taw into d_table_rw through the kept row ids. The numpy spec
is fastnlp.ml.reference; id 0 is hashed like any other id.

Each kernel takes only pointers and sizes and runs without the GIL; the Python wrappers
below validate input, make contiguous arrays and allocate outputs.
"""
import numpy

from libc.stdint cimport uint32_t, uint64_t

cdef enum:
    K = 4  # hash keys (rows) per id
    PREFETCH_AHEAD = 4  # (token, attribute) pairs whose rows are requested early

N_KEYS = K


cdef void hash_embed_forward_kernel(
    float* out_taw,
    uint32_t* rowids_tak,
    const float* table_rw,
    const uint64_t* ids_ta,
    const uint32_t* seeds_a,
    const uint32_t* rows_a,
    const uint32_t* offsets_a,
    Py_ssize_t T,
    Py_ssize_t A,
    Py_ssize_t W,
) noexcept nogil:
    """out_taw[t, a] = sum_k table_rw[rowids_tak[t, a, k]]; rowids_tak filled here.

    Two passes: hash every id, then gather with the rows PREFETCH_AHEAD ids ahead
    already requested from memory.
    """
    cdef uint32_t keys_k[K]
    cdef uint32_t* rowids_k
    cdef const float* row0
    cdef const float* row1
    cdef const float* row2
    cdef const float* row3
    cdef float* out_w
    cdef Py_ssize_t t, a, k, w, ta
    cdef Py_ssize_t TA = T * A
    for t in range(T):
        for a in range(A):
            ta = t * A + a
            fnlp_hash_u64_x4(ids_ta[ta], seeds_a[a], keys_k)
            rowids_k = &rowids_tak[ta * K]
            for k in range(K):
                rowids_k[k] = offsets_a[a] + keys_k[k] % rows_a[a]
    for ta in range(TA):
        if ta + PREFETCH_AHEAD < TA:
            for k in range(K):
                fnlp_prefetch_row(
                    &table_rw[<Py_ssize_t>rowids_tak[(ta + PREFETCH_AHEAD) * K + k] * W], W, 0
                )
        rowids_k = &rowids_tak[ta * K]
        row0 = &table_rw[<Py_ssize_t>rowids_k[0] * W]
        row1 = &table_rw[<Py_ssize_t>rowids_k[1] * W]
        row2 = &table_rw[<Py_ssize_t>rowids_k[2] * W]
        row3 = &table_rw[<Py_ssize_t>rowids_k[3] * W]
        out_w = &out_taw[ta * W]
        for w in range(W):
            out_w[w] = ((row0[w] + row1[w]) + row2[w]) + row3[w]


cdef void hash_embed_backward_kernel(
    float* d_table_rw,
    const float* d_out_taw,
    const uint32_t* rowids_tak,
    Py_ssize_t T,
    Py_ssize_t A,
    Py_ssize_t W,
) noexcept nogil:
    """d_table_rw[rowids_tak[t, a, k]] += d_out_taw[t, a] for every t, a, k."""
    cdef const float* d_out_w
    cdef float* d_row_w
    cdef Py_ssize_t ta, k, w
    cdef Py_ssize_t TA = T * A
    for ta in range(TA):
        if ta + PREFETCH_AHEAD < TA:
            for k in range(K):
                fnlp_prefetch_row(
                    &d_table_rw[<Py_ssize_t>rowids_tak[(ta + PREFETCH_AHEAD) * K + k] * W], W, 1
                )
        d_out_w = &d_out_taw[ta * W]
        for k in range(K):
            d_row_w = &d_table_rw[<Py_ssize_t>rowids_tak[ta * K + k] * W]
            for w in range(W):
                d_row_w[w] += d_out_w[w]


def table_offsets(rows_a):
    """Validated per-attribute row counts and their start rows in the stacked table."""
    rows = numpy.asarray(rows_a, dtype=numpy.int64).reshape(-1)
    if rows.size == 0 or (rows <= 0).any() or rows.sum() >= 2 ** 32:
        raise ValueError(f"hash-embed rows must be positive and sum below 2**32, got {list(rows)}")
    offsets = numpy.zeros_like(rows)
    offsets[1:] = numpy.cumsum(rows[: rows.shape[0] - 1])
    return rows.astype(numpy.uint32), offsets.astype(numpy.uint32)


def hash_embed_forward(table_rw, ids_ta, seeds_a, rows_a):
    """Embed ids_ta (T x A uint64) with the stacked table: (out (T, A*W), rowids (T, A, 4)).

    table_rw: (sum(rows_a), W) float32. seeds_a, rows_a: one per attribute.
    """
    cdef uint32_t[::1] rows_view, offsets_view, seeds_view
    rows, offsets = table_offsets(rows_a)
    seeds = numpy.ascontiguousarray(seeds_a, dtype=numpy.uint32).reshape(-1)
    table = numpy.ascontiguousarray(table_rw, dtype=numpy.float32)
    ids = numpy.ascontiguousarray(ids_ta, dtype=numpy.uint64)
    cdef Py_ssize_t A = rows.shape[0]
    if ids.ndim != 2 or ids.shape[1] != A:
        raise ValueError(f"ids must be (n_tokens, {A}) for {A} attributes, got {ids.shape}")
    if seeds.shape[0] != A:
        raise ValueError(f"need one seed per attribute ({A}), got {seeds.shape[0]}")
    if table.ndim != 2 or table.shape[0] != int(rows.sum()):
        raise ValueError(f"table must be ({int(rows.sum())}, W), got {table.shape}")
    cdef Py_ssize_t T = ids.shape[0]
    cdef Py_ssize_t W = table.shape[1]
    out = numpy.empty((T, A * W), dtype=numpy.float32)
    rowids = numpy.empty((T, A, N_KEYS), dtype=numpy.uint32)
    if T == 0 or W == 0:
        return out, rowids
    cdef float[:, ::1] out_view = out
    cdef uint32_t[:, :, ::1] rowids_view = rowids
    cdef const float[:, ::1] table_view = table
    cdef const uint64_t[:, ::1] ids_view = ids
    rows_view = rows
    offsets_view = offsets
    seeds_view = seeds
    with nogil:
        hash_embed_forward_kernel(
            &out_view[0, 0], &rowids_view[0, 0, 0], &table_view[0, 0], &ids_view[0, 0],
            &seeds_view[0], &rows_view[0], &offsets_view[0], T, A, W,
        )
    return out, rowids


def hash_embed_backward(d_out, rowids_tak, d_table_rw):
    """Scatter-add d_out (T x A*W) into d_table_rw (R x W, float32, C-contiguous) in place."""
    grads = numpy.ascontiguousarray(d_out, dtype=numpy.float32)
    rowids = numpy.ascontiguousarray(rowids_tak, dtype=numpy.uint32)
    if not isinstance(d_table_rw, numpy.ndarray) or d_table_rw.dtype != numpy.float32 \
            or not d_table_rw.flags.c_contiguous or d_table_rw.ndim != 2:
        raise ValueError("d_table_rw must be a C-contiguous 2d float32 numpy array")
    if rowids.ndim != 3 or rowids.shape[2] != N_KEYS:
        raise ValueError(f"rowids must be (T, A, {N_KEYS}), got {rowids.shape}")
    cdef Py_ssize_t T = rowids.shape[0]
    cdef Py_ssize_t A = rowids.shape[1]
    cdef Py_ssize_t W = d_table_rw.shape[1]
    if grads.shape != (T, A * W):
        raise ValueError(f"d_out must be ({T}, {A * W}), got {grads.shape}")
    if T == 0 or A == 0 or W == 0:
        return d_table_rw
    if int(rowids.max()) >= d_table_rw.shape[0]:
        raise ValueError(f"row id {int(rowids.max())} out of range for {d_table_rw.shape[0]} rows")
    cdef float[:, ::1] d_table_view = d_table_rw
    cdef const float[:, ::1] grads_view = grads
    cdef const uint32_t[:, :, ::1] rowids_view = rowids
    with nogil:
        hash_embed_backward_kernel(
            &d_table_view[0, 0], &grads_view[0, 0], &rowids_view[0, 0, 0], T, A, W
        )
    return d_table_rw
