from .attrs cimport (ID, LANG, LENGTH, LOWER, NORM, ORTH, PREFIX, SHAPE, SUFFIX,
                     attr_id_t)
from .structs cimport LexemeC
from .typedefs cimport attr_t, flags_t
from .vocab cimport Vocab


cdef inline bint lex_check_flag(const LexemeC* lex, attr_id_t flag_id) noexcept nogil:
    return (lex.flags & (<flags_t>1 << flag_id)) != 0


cdef inline attr_t lex_get_attr(const LexemeC* lex, attr_id_t attr) noexcept nogil:
    """A lexeme's value for an attribute id; flags give 0 or 1."""
    if attr < 64:
        return lex_check_flag(lex, attr)
    elif attr == ORTH:
        return lex.orth
    elif attr == LOWER:
        return lex.lower
    elif attr == NORM:
        return lex.norm
    elif attr == SHAPE:
        return lex.shape
    elif attr == PREFIX:
        return lex.prefix
    elif attr == SUFFIX:
        return lex.suffix
    elif attr == LENGTH:
        return lex.length
    elif attr == LANG:
        return lex.lang
    elif attr == ID:
        return lex.id
    return 0


cdef class Lexeme:
    """View of one vocabulary entry; the Vocab owns the LexemeC."""
    cdef const LexemeC* c
    cdef readonly Vocab vocab
    cdef readonly attr_t orth
