from cymem.cymem cimport Pool
from libc.stdint cimport uint32_t
from libcpp.vector cimport vector
from preshed.maps cimport PreshMap

from .strings cimport StringStore
from .structs cimport LexemeC
from .typedefs cimport attr_t, hash_t


cdef enum GetterKind:
    G_PYTHON        # call the getter
    G_FLAG          # a stock flag getter: one bit of the LexFeature mask
    G_LIKE_URL      # stock like_url / like_email: C pre-test, then the getter
    G_LIKE_EMAIL
    G_IS_STOP       # lex_attrs.IsStop: lower-cased text in getter.words
    G_LOWER         # stock lower (or norm): text.lower()
    G_SHAPE
    G_PREFIX
    G_SUFFIX


cdef struct GetterStep:
    # One entry of the getters table, as _new_lexeme runs it.
    int attr_id
    GetterKind kind
    uint32_t feature        # G_FLAG: the LexFeature bit
    void* key               # borrowed: the table's key and getter, to see the table change
    void* getter


cdef class Vocab:
    """Owner of every LexemeC: one entry per distinct word form, made on first sight."""
    cdef Pool mem
    cdef readonly StringStore strings
    cdef PreshMap _by_orth          # orth -> LexemeC*
    cdef public object lex_attr_getters
    cdef public object lang
    cdef public dict tag_map             # fine tag -> {"pos": universal POS}
    cdef readonly int length
    cdef GetterStep* _steps         # the plan for lex_attr_getters, rebuilt when it changes
    cdef int _n_steps
    cdef object _steps_source       # the dict and its (key, getter) pairs the plan was made from
    cdef object _lang_key           # self.lang when _lang_id was computed
    cdef attr_t _lang_id
    cdef char* _scratch             # shape buffer, _scratch_size bytes
    cdef Py_ssize_t _scratch_size
    cdef Pool _zone_mem             # the memory zone's lexemes; None outside a zone
    cdef vector[hash_t] _transient_orths
    cdef Py_ssize_t _n_deleted      # cells of _by_orth cleared since it was last copied

    cdef const LexemeC* get(self, str string) except NULL
    cdef const LexemeC* get_by_orth(self, attr_t orth) except NULL
    cdef const LexemeC* _new_lexeme(self, str string, attr_t orth) except NULL
    cdef int _check_steps(self) except -1
    cdef int _build_steps(self) except -1
    cdef attr_t _intern(self, const char* utf8, Py_ssize_t n_bytes) except? 0
    cdef attr_t _intern_str(self, object value) except? 0
