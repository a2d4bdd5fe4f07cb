from libc.stdint cimport int8_t, int32_t

from ..attrs cimport attr_id_t
from ..structs cimport TokenC
from ..typedefs cimport attr_t


cdef struct AttrTestC:
    attr_id_t attr
    attr_t value


cdef struct ExtTestC:
    int index
    attr_t value


cdef struct SpecC:
    int quantifier      # patterns.ONE, ZERO, ZERO_ONE or ZERO_PLUS
    int n_attrs
    const AttrTestC* attrs
    int n_exts
    const ExtTestC* exts
    int n_preds
    const int32_t* preds
    int token_idx       # the token spec of the pattern this spec came from


cdef struct PatternC:
    attr_t key
    int n_specs
    const SpecC* specs


cdef struct StateC:
    int pattern
    int spec
    int start
    int length
    int align           # newest AlignC node of this state's path, -1 for none


cdef struct MatchC:
    attr_t key
    int start
    int length
    int align


cdef struct AlignC:
    int token_idx
    int length
    int parent


cdef struct IndexEntryC:
    attr_t value
    int pattern


cdef struct DocInputC:
    const TokenC* tokens    # the first token of the doc or span matched
    int length
    bint starts_doc         # tokens[0] is the doc's first token
    const int8_t* preds     # length x n_preds predicate results (1 pass, -1 fail, 0 unknown)
    int n_preds
    const attr_t* exts      # length x n_exts extension values
    int n_exts


cdef attr_t matcher_attr(const TokenC* token, attr_id_t attr, bint doc_start) noexcept nogil
