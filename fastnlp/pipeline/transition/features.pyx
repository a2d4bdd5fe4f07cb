"""Feature templates of the parser and the entity recognizer, and the named template sets.

A template names one token relative to the state; `fill_context` writes, for each
template of a list, that token's row in the batch's token array (doc-local index plus
the state's offset) or -1 when there is no such token.

`TemplateSet` is the one table of template lists: the model config's (state_type,
extra_state_tokens) picks a set, its size is the model's number of feature slots (nF),
and the transition system finds the same set again from (kind, nF). Against spaCy 3.8
(`StateC.set_context_tokens`): PARSER is spaCy's 8; NER is spaCy's 3 (B0, the open
entity's first token and the token before B0, which spaCy names only inside an entity
and P1 always names); NER_EXTRA is spaCy's 6 (B0 and the open entity's first five
tokens left of B0). PARSER_EXTRA's 13 are fastnlp's own (spaCy's list of 13 overwrites one slot), and
PARSER_SMALL is only reachable by its count.
"""
from enum import Enum
from .state cimport (fnlp_E, fnlp_L, fnlp_R, fnlp_view_B, fnlp_view_S, FNLP_MAX_ENT_TOKENS,
                     FNLP_NO_TOKEN)

STATE_TYPES = ("parser", "ner")
# Entity tokens a state can name (E0..E4), as include/fastnlp_state.h sizes them.
MAX_ENT_TOKENS = FNLP_MAX_ENT_TOKENS


class TemplateSet(Enum):
    """A named template list: value (state type, extra_state_tokens, templates);
    extra_state_tokens None for a set no v2 config names."""
    PARSER = ("parser", False, (B0, B1, S0, S1, S2, B0L1, S0L1, S0R1))
    PARSER_EXTRA = ("parser", True, (B0, B1, B2, S0, S1, S2, S0L1, S0L2, S0R1, S0R2, S1L1,
                                     S1R1, B0L1))
    PARSER_SMALL = ("parser", None, (B0, B1, S0, S1, S0L1, S0R1))
    NER = ("ner", False, (B0, E0, P1))
    NER_EXTRA = ("ner", True, (B0, E0, E1, E2, E3, E4))

    @property
    def state_type(self):
        return self.value[0]

    @property
    def extra_state_tokens(self):
        return self.value[1]

    @property
    def templates(self):
        return tuple(FeatureTemplate(t) for t in self.value[2])

    @property
    def n_slots(self):
        return len(self.value[2])


def template_set(state_type, extra_state_tokens):
    """The set a v2 model config names (spacy.TransitionBasedParser.v2)."""
    for member in TemplateSet:
        if member.state_type == state_type \
                and member.extra_state_tokens is bool(extra_state_tokens):
            return member
    raise ValueError(f"TransitionBasedParser: state_type must be "
                     f"{' or '.join(repr(t) for t in STATE_TYPES)}, not {state_type!r}")


def template_set_of_size(nr_feature_tokens):
    """The set a v1 model config names by its size (spacy.TransitionBasedParser.v1)."""
    by_size = {member.n_slots: member for member in TemplateSet
               if member.extra_state_tokens is not None}
    if nr_feature_tokens not in by_size:
        raise ValueError(f"TransitionBasedParser.v1: nr_feature_tokens must be one of "
                         f"{sorted(by_size)}, not {nr_feature_tokens}")
    return by_size[nr_feature_tokens]


# Template lists per number of templates, per system kind (derived from TemplateSet).
PARSER_TEMPLATES = {member.n_slots: member.templates for member in TemplateSet
                    if member.state_type == "parser"}
NER_TEMPLATES = {member.n_slots: member.templates for member in TemplateSet
                 if member.state_type == "ner"}
TEMPLATE_NAMES = {int(t): t.name for t in FeatureTemplate if t != N_TEMPLATES}


def templates_for(kind, nr_feature_tokens):
    """The template list for a system kind ("parser"/"ner") and a feature count, or an
    explicit sequence of template names passed as nr_feature_tokens."""
    if not isinstance(nr_feature_tokens, int):
        names = list(nr_feature_tokens)
        unknown = [n for n in names if n not in TEMPLATE_NAMES.values()]
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
    elif E0 <= template <= E4:
        return fnlp_E(st, template - E0)
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
