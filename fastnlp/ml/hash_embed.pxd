from libc.stdint cimport uint32_t, uint64_t


cdef extern from "hash_embed.h" nogil:
    void fnlp_hash_u64_x4(uint64_t key, uint32_t seed, uint32_t* keys_k)
    void fnlp_prefetch_row(const float* row_w, long W, int for_write)


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
) noexcept nogil

cdef void hash_embed_backward_kernel(
    float* d_table_rw,
    const float* d_out_taw,
    const uint32_t* rowids_tak,
    Py_ssize_t T,
    Py_ssize_t A,
    Py_ssize_t W,
) noexcept nogil
