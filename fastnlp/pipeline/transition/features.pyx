"""Feature templates of the parser and the entity recognizer, and the default lists.

A template names one token relative to the state; `fill_context` writes, for each
template of a list, that token's row in the batch's token array (doc-local index plus
the state's offset) or -1 when there is no such token.
"""
from .state cimport fnlp_L, fnlp_R, fnlp_view_B, fnlp_view_S, FNLP_NO_TOKEN

# Template lists per `nr_feature_tokens`, as the model configs name them.
PARSER_TEMPLATES = {
    6: (B0, B1, S0, S1, S0L1, S0R1),
    8: (B0, B1, S0, S1, S2, B0L1, S0L1, S0R1),
    13: (B0, B1, B2, S0, S1, S2, S0L1, S0L2, S0R1, S0R2, S1L1, S1R1, B0L1),
}
NER_TEMPLATES = {
    3: (B0, E0, P1),
}
TEMPLATE_NAMES = {int(t): t.name for t in FeatureTemplate if t != N_TEMPLATES}


def templates_for(kind, nr_feature_tokens):
    """The template list for a system kind ("parser"/"ner") and a feature count, or an
    explicit sequence of template names passed as nr_feature_tokens."""
    if not isinstance(nr_feature_tokens, int):
        names = list(nr_feature_tokens)
        unknown = [n for n in names if n not in FeatureTemplate.__members__]
        if unknown or not names:
            raise ValueError(f"unknown feature templates {unknown}; "
                             f"known: {sorted(TEMPLATE_NAMES.values())}")
        return tuple(FeatureTemplate[n] for n in names)
    table = PARSER_TEMPLATES if kind == "parser" else NER_TEMPLATES
    if nr_feature_tokens not in table:
        raise ValueError(f"nr_feature_tokens={nr_feature_tokens} is not supported for the "
                         f"{kind}; choose one of {sorted(table)} or a list of template names")
    return table[nr_feature_tokens]


cdef int template_token(const FnlpState* st, int template) noexcept nogil:
    """The doc-local token a template names, or -1 (stack and buffer as the model sees
    them: fnlp_view_S / fnlp_view_B)."""
    if template == S0:
        return fnlp_view_S(st, 0)
    elif template == S1:
        return fnlp_view_S(st, 1)
    elif template == S2:
        return fnlp_view_S(st, 2)
    elif template == B0:
        return fnlp_view_B(st, 0)
    elif template == B1:
        return fnlp_view_B(st, 1)
    elif template == B2:
        return fnlp_view_B(st, 2)
    elif template == S0L1:
        return fnlp_L(st, fnlp_view_S(st, 0), 1)
    elif template == S0L2:
        return fnlp_L(st, fnlp_view_S(st, 0), 2)
    elif template == S0R1:
        return fnlp_R(st, fnlp_view_S(st, 0), 1)
    elif template == S0R2:
        return fnlp_R(st, fnlp_view_S(st, 0), 2)
    elif template == S1L1:
        return fnlp_L(st, fnlp_view_S(st, 1), 1)
    elif template == S1R1:
        return fnlp_R(st, fnlp_view_S(st, 1), 1)
    elif template == B0L1:
        return fnlp_L(st, fnlp_view_B(st, 0), 1)
    elif template == B0L2:
        return fnlp_L(st, fnlp_view_B(st, 0), 2)
    elif template == P1:
        return st.b0 - 1 if 0 < st.b0 <= st.length else FNLP_NO_TOKEN
    elif template == E0:
        return st.ent_start
    return FNLP_NO_TOKEN


cdef void fill_context(const FnlpState* st, const int* templates_f, int n_feats,
                       int* ids_f) noexcept nogil:
    """ids_f[f] = batch row of the token template f names, or -1."""
    cdef int f, token
    for f in range(n_feats):
        token = template_token(st, templates_f[f])
        if token == FNLP_NO_TOKEN:
            ids_f[f] = FNLP_NO_TOKEN
        elif st.row_of != NULL:
            ids_f[f] = st.row_of[token]
        else:
            ids_f[f] = token + st.offset
