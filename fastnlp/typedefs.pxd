from libc.stdint cimport int32_t, uint8_t, uint32_t, uint64_t

ctypedef uint64_t hash_t
ctypedef uint64_t attr_t
ctypedef uint64_t flags_t
ctypedef float weight_t
