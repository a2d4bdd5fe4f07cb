from cymem.cymem cimport Pool
from preshed.maps cimport PreshMap

from .strings cimport StringStore
from .structs cimport LexemeC
from .typedefs cimport attr_t


cdef class Vocab:
    """Owner of every LexemeC: one entry per distinct word form, made on first sight."""
    cdef Pool mem
    cdef readonly StringStore strings
    cdef PreshMap _by_orth          # orth -> LexemeC*
    cdef public object lex_attr_getters
    cdef public object lang
    cdef public dict tag_map             # fine tag -> {"pos": universal POS}
    cdef readonly int length

    cdef const LexemeC* get(self, str string) except NULL
    cdef const LexemeC* get_by_orth(self, attr_t orth) except NULL
    cdef const LexemeC* _new_lexeme(self, str string, attr_t orth) except NULL
