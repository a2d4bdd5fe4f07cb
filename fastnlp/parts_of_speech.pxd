# Universal POS tags; values equal their index in the shared symbol table.
cdef enum univ_pos_t:
    NO_TAG = 0
    ADJ = 84
    ADP
    ADV
    AUX
    CONJ
    CCONJ
    DET
    INTJ
    NOUN
    NUM
    PART
    PRON
    PROPN
    PUNCT
    SCONJ
    SYM
    VERB
    X
    EOL
    SPACE
