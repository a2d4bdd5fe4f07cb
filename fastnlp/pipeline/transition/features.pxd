# Named feature templates: each picks one token of a state (or none) as a model input.
# The model reads, per state and template f, the row of that token in the batch's
# concatenated token array (doc-local index + state offset), or -1 for "no token".
from .state cimport FnlpState


cpdef enum FeatureTemplate:
    S0 = 0       # top of the stack
    S1           # second on the stack
    S2
    B0           # first token of the buffer
    B1
    B2
    S0L1         # leftmost left child of S0
    S0L2         # second leftmost left child of S0
    S0R1         # rightmost right child of S0
    S0R2
    S1L1
    S1R1
    B0L1         # leftmost left child of B0
    B0L2
    P1           # the token before B0 (the last one decided; NER)
    E0           # first token of the open entity (NER)
    E1           # second token of the open entity, if left of B0 (NER, extra tokens)
    E2           # third ... (at most FNLP_MAX_ENT_TOKENS entity tokens: E0..E4)
    E3
    E4
    N_TEMPLATES


cdef int template_token(const FnlpState* st, int template) noexcept nogil

cdef void fill_context(const FnlpState* st, const int* templates_f, int n_feats,
                       int* ids_f) noexcept nogil
