from cymem.cymem cimport Pool
cimport numpy as np

from ..attrs cimport attr_id_t
from ..structs cimport LexemeC, TokenC
from ..typedefs cimport attr_t
from ..vocab cimport Vocab


cdef int set_children_from_heads(TokenC* tokens, int start, int end) except -1


cdef class Doc:
    """Owner of a C array of TokenC; Token and Span are views into it.

    `c` points one past the start of the allocation: c[-1] and c[length] are
    padding tokens, so feature extraction may look one token outside the doc.
    """
    cdef Pool mem
    cdef readonly Vocab vocab
    cdef TokenC* c
    cdef public int length
    cdef int max_length
    cdef public dict user_data
    cdef public dict cats
    cdef public bint has_unknown_spaces
    cdef public object spans             # SpanGroups: name -> SpanGroup
    cdef object __weakref__              # span groups refer to their Doc weakly
    cdef public object tensor            # tok2vec output (n_tokens x width), or None

    cdef int push_back(self, const LexemeC* lex, bint has_space) except -1
    cdef int _realloc(self, int new_size) except -1
    cdef int set_parse_from_heads(self) except -1
