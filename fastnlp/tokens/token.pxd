from ..attrs cimport *
from ..lexeme cimport lex_get_attr
from ..structs cimport TokenC
from ..typedefs cimport attr_t
from ..vocab cimport Vocab
from .doc cimport Doc


cdef inline attr_t token_get_attr(const TokenC* token, attr_id_t attr) noexcept nogil:
    """A token's value for an attribute id (signed fields as two's complement)."""
    if attr == LEMMA:
        return token.lemma
    elif attr == NORM:
        return token.norm if token.norm != 0 else token.lex.norm
    elif attr == POS:
        return token.pos
    elif attr == TAG:
        return token.tag
    elif attr == DEP:
        return token.dep
    elif attr == HEAD:
        return <attr_t>token.head
    elif attr == SENT_START:
        return <attr_t>token.sent_start
    elif attr == SPACY:
        return token.spacy
    elif attr == ENT_IOB:
        return token.ent_iob
    elif attr == ENT_TYPE:
        return token.ent_type
    elif attr == ENT_KB_ID:
        return token.ent_kb_id
    elif attr == ENT_ID:
        return token.ent_id
    elif attr == MORPH:
        return token.morph
    elif attr == IDX:
        return token.idx
    return lex_get_attr(token.lex, attr)


cdef class Token:
    """View of one token: (doc, i). The Doc owns the TokenC."""
    cdef readonly Vocab vocab
    cdef readonly Doc doc
    cdef readonly int i
    cdef TokenC* c
