from ..typedefs cimport attr_t
from .doc cimport Doc


cdef class Span:
    """View of tokens [start, end) of a Doc, with an optional label."""
    cdef readonly Doc doc
    cdef readonly int start
    cdef readonly int end
    cdef public attr_t label
    cdef public attr_t kb_id
    cdef public attr_t id
