from cymem.cymem cimport Pool
from libcpp.vector cimport vector
from preshed.maps cimport PreshMap

from .typedefs cimport hash_t


cdef hash_t hash_utf8(const char* utf8, int length) noexcept nogil
cpdef hash_t hash_string(str string) except? 0


cdef struct Utf8Str:
    int length
    char* chars         # not NUL-terminated


cdef class StringStore:
    """Owner of every string's bytes: maps a string to its 64-bit id and back."""
    cdef Pool mem
    cdef PreshMap _map          # hash -> Utf8Str*
    cdef vector[hash_t] keys    # insertion order, for iteration and serialization
    cdef Pool _zone_mem         # the memory zone's strings; None outside a zone
    cdef int _zone_depth
    cdef PreshMap _transient    # hash -> 1 for each string added in the zone
    cdef vector[hash_t] _transient_keys
    cdef Py_ssize_t _n_transient
    cdef Py_ssize_t _n_deleted      # cells of _map cleared since it was last copied

    cdef hash_t intern_utf8(self, const char* utf8, int length) except? 0
    cdef hash_t _intern(self, const char* utf8, int length, bint allow_transient) except? 0
    cdef str decode(self, hash_t key)


cdef PreshMap without_keys(PreshMap table, const vector[hash_t]& keys, Py_ssize_t* n_deleted)
