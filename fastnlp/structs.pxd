from libc.stdint cimport int32_t, uint32_t

from .parts_of_speech cimport univ_pos_t
from .typedefs cimport attr_t, flags_t, hash_t


cdef struct LexemeC:
    flags_t flags
    attr_t lang
    attr_t id
    int32_t length      # in characters
    attr_t orth
    attr_t lower
    attr_t norm
    attr_t shape
    attr_t prefix
    attr_t suffix


cdef struct TokenC:
    const LexemeC* lex
    int32_t idx         # character offset of the token in doc.text
    bint spacy          # followed by a space
    attr_t norm         # 0: use lex.norm
    attr_t tag
    univ_pos_t pos
    attr_t morph
    attr_t lemma
    attr_t dep
    int32_t head        # offset of the head token; 0 for a root or an unset head
    uint32_t l_kids
    uint32_t r_kids
    uint32_t l_edge     # absolute index of the leftmost token of the subtree
    uint32_t r_edge
    int sent_start      # 1 starts a sentence, -1 does not, 0 unknown
    int ent_iob         # 0 missing, 1 I, 2 O, 3 B
    attr_t ent_type
    attr_t ent_kb_id
    attr_t ent_id


cdef struct SpanC:
    int start           # token indices
    int end
    int start_char
    int end_char
    attr_t label
    attr_t kb_id
    attr_t id
