# cython: infer_types=True
"""BILUO transition system of the entity recognizer, with an exact dynamic oracle.

Each move decides the tag of B0 and advances the buffer:

  B-label   open an entity of `label` at B0 (valid: none open, B0 is not whitespace, a
            word (non-whitespace token) follows B0)
  I-label   B0 continues the open entity (valid: one of `label` is open, a word
            follows B0)
  L-label   B0 ends the open entity (valid: one of `label` is open, B0 is not whitespace)
  U-label   B0 alone is an entity (valid: none open, B0 is not whitespace)
  O         B0 is outside any entity (valid: none open)

So every move sequence is well-formed BILUO, no entity starts or ends on a whitespace
token (whitespace inside an entity is allowed), and a non-final state always has a
valid move: O if no entity is open; else a word is at or after B0 (the B or I that
moved past the previous token needed one), so L if B0 is a word, else I. Without a doc
(init_state(length)) no token is whitespace and "a word follows" is "B0 is not last".

Oracle. The loss of a final state is the number of tokens whose BILUO tag differs from
a known gold tag ("-"/missing tokens never count). Because the validity of later tags
depends only on (position, open label), the least loss still reachable from a state is
a table f[i, s] (s = 0: no entity open, 1 + k: label k open) computed once per gold by
dynamic programming from the end, with the same validity (the gold knows the
whitespace tokens: init_gold_tags(tags, spaces)). The cost of a move at (i, s) that gives tag t and
leads to s' is [t != gold[i]] + f[i + 1, s'] - f[i, s]: exact for any state, with
missing and partial annotation, and for ill-formed gold sequences too.
"""
from collections import Counter
from ...tokens.doc cimport Doc
from ...tokens.entity_tags cimport IOB_BEGIN, IOB_IN, IOB_OUT, split_entity_tag
from ...tokens.entity_tags import MISSING_TAGS
from .features import TemplateSet
from .state cimport (FnlpGold, FnlpMove, FnlpState, State, fnlp_advance,
                     fnlp_close_entity, fnlp_entity_is_open, fnlp_is_space,
                     fnlp_open_entity)
from .transition_system cimport Gold, TransitionSystem
from .transition_system import GoldError

# Least future loss of a state from which no final state can be reached.
cdef int UNREACHABLE = 1 << 28
TAG_ACTIONS = {"B": BEGIN, "I": IN, "L": LAST, "U": UNIT}


cdef inline int mismatch(const FnlpGold* gold, int i, int action, int label_id) noexcept nogil:
    cdef int gold_action = gold.ner_actions[i]
    if gold_action < 0:
        return 0
    if gold_action != action:
        return 1
    return action != OUT and gold.ner_label_ids[i] != label_id


cdef inline int future(const FnlpGold* gold, int i, int s) noexcept nogil:
    return gold.ner_future[i * (gold.n_ner_labels + 1) + s]


cdef inline int move_cost(const FnlpState* st, const FnlpGold* gold, int action, int label_id,
                          int s, int s_next) noexcept nogil:
    cdef int i = st.b0
    return mismatch(gold, i, action, label_id) + future(gold, i + 1, s_next) - future(gold, i, s)


cdef inline bint word_follows(const FnlpState* st) noexcept nogil:
    """A non-whitespace token follows B0 (an entity opened or continued at B0 can end)."""
    return st.b0 < st.last_word


cdef inline bint b0_is_word(const FnlpState* st) noexcept nogil:
    return not fnlp_is_space(st, st.b0)


cdef inline bint open_with(const FnlpState* st, const FnlpMove* move) noexcept nogil:
    return fnlp_entity_is_open(st) and st.ent_label == move.label


# BEGIN -----------------------------------------------------------------------------

cdef int begin_valid(const FnlpState* st, const FnlpMove* move) noexcept nogil:
    """Valid if no entity is open, B0 is not whitespace and a word follows it."""
    return (st.b0 < st.length and not fnlp_entity_is_open(st) and b0_is_word(st)
            and word_follows(st))


cdef void begin_apply(FnlpState* st, const FnlpMove* move) noexcept nogil:
    """Open an entity of the move's label at B0; advance."""
    fnlp_open_entity(st, st.b0, move.label)
    fnlp_advance(st)


cdef int begin_cost(const FnlpState* st, const FnlpGold* gold, const FnlpMove* move) noexcept nogil:
    """Tag B-label at B0, then the entity is open."""
    return move_cost(st, gold, BEGIN, move.label_id, 0, 1 + move.label_id)


# IN --------------------------------------------------------------------------------

cdef int in_valid(const FnlpState* st, const FnlpMove* move) noexcept nogil:
    """Valid if an entity of the label is open and a word follows B0."""
    return st.b0 < st.length and open_with(st, move) and word_follows(st)


cdef void in_apply(FnlpState* st, const FnlpMove* move) noexcept nogil:
    """B0 joins the open entity; advance."""
    fnlp_advance(st)


cdef int in_cost(const FnlpState* st, const FnlpGold* gold, const FnlpMove* move) noexcept nogil:
    """Tag I-label at B0; the entity stays open."""
    return move_cost(st, gold, IN, move.label_id, 1 + move.label_id, 1 + move.label_id)


# LAST ------------------------------------------------------------------------------

cdef int last_valid(const FnlpState* st, const FnlpMove* move) noexcept nogil:
    """Valid if an entity of the label is open and B0 is not whitespace."""
    return st.b0 < st.length and open_with(st, move) and b0_is_word(st)


cdef void last_apply(FnlpState* st, const FnlpMove* move) noexcept nogil:
    """Close the open entity after B0; advance."""
    fnlp_close_entity(st, st.b0)
    fnlp_advance(st)


cdef int last_cost(const FnlpState* st, const FnlpGold* gold, const FnlpMove* move) noexcept nogil:
    """Tag L-label at B0; no entity open after."""
    return move_cost(st, gold, LAST, move.label_id, 1 + move.label_id, 0)


# UNIT ------------------------------------------------------------------------------

cdef int unit_valid(const FnlpState* st, const FnlpMove* move) noexcept nogil:
    """Valid if no entity is open and B0 is not whitespace."""
    return st.b0 < st.length and not fnlp_entity_is_open(st) and b0_is_word(st)


cdef void unit_apply(FnlpState* st, const FnlpMove* move) noexcept nogil:
    """B0 alone is an entity of the label; advance."""
    fnlp_open_entity(st, st.b0, move.label)
    fnlp_close_entity(st, st.b0)
    fnlp_advance(st)


cdef int unit_cost(const FnlpState* st, const FnlpGold* gold, const FnlpMove* move) noexcept nogil:
    """Tag U-label at B0."""
    return move_cost(st, gold, UNIT, move.label_id, 0, 0)


# OUT -------------------------------------------------------------------------------

cdef int out_valid(const FnlpState* st, const FnlpMove* move) noexcept nogil:
    """Valid if no entity is open."""
    return st.b0 < st.length and not fnlp_entity_is_open(st)


cdef void out_apply(FnlpState* st, const FnlpMove* move) noexcept nogil:
    """B0 is outside; advance."""
    fnlp_advance(st)


cdef int out_cost(const FnlpState* st, const FnlpGold* gold, const FnlpMove* move) noexcept nogil:
    """Tag O at B0."""
    return move_cost(st, gold, OUT, -1, 0, 0)


cdef void fill_future(FnlpGold* gold) noexcept nogil:
    """f[i, s]: least loss of tags i..n-1 from state s (see the module docstring), over
    the moves valid at i (the validity rules of the moves above)."""
    cdef int n = gold.length
    cdef int L = gold.n_ner_labels
    cdef int S = L + 1
    cdef int i, s, k, best, value
    cdef bint word, follows
    for s in range(S):
        gold.ner_future[n * S + s] = 0 if s == 0 else UNREACHABLE
    for i in range(n - 1, -1, -1):
        word = not gold.ner_is_space[i]
        follows = i < gold.ner_last_word
        # No entity open: O; U-k if i is a word; B-k if a word also follows.
        best = mismatch(gold, i, OUT, -1) + gold.ner_future[(i + 1) * S]
        for k in range(L):
            if not word:
                break
            value = mismatch(gold, i, UNIT, k) + gold.ner_future[(i + 1) * S]
            if value < best:
                best = value
            if follows:
                value = mismatch(gold, i, BEGIN, k) + gold.ner_future[(i + 1) * S + 1 + k]
                if value < best:
                    best = value
        gold.ner_future[i * S] = best
        # Label k open: L-k if i is a word, I-k if a word follows (neither: unreachable).
        for k in range(L):
            best = UNREACHABLE
            if word:
                best = mismatch(gold, i, LAST, k) + gold.ner_future[(i + 1) * S]
            if follows:
                value = mismatch(gold, i, IN, k) + gold.ner_future[(i + 1) * S + 1 + k]
                if value < best:
                    best = value
            gold.ner_future[i * S + 1 + k] = min(best, UNREACHABLE)


def tags_from_spans(int length, spans):
    """BILUO tags from (start, end, label) token spans, "O" elsewhere; GoldError if
    spans overlap or leave the doc."""
    tags = ["O"] * length
    for start, end, label in sorted(spans):
        if not 0 <= start < end <= length:
            raise GoldError(f"entity ({start}, {end}) is outside the doc (0..{length})")
        if any(tag != "O" for tag in tags[start:end]):
            raise GoldError(f"entity ({start}, {end}, {label!r}) overlaps another entity")
        if end - start == 1:
            tags[start] = f"U-{label}"
        else:
            tags[start] = f"B-{label}"
            for i in range(start + 1, end - 1):
                tags[i] = f"I-{label}"
            tags[end - 1] = f"L-{label}"
    return tags


cdef class BiluoMoves(TransitionSystem):
    """The entity recognizer's transition system. Labels are entity types."""

    kind = "ner"
    ACTION_NAMES = ("B", "I", "L", "U", "O")
    LABELLED = ("B", "I", "L", "U")
    ORACLE_ORDER = ("B", "I", "L", "U", "O")
    default_nr_feature_tokens = TemplateSet.NER.n_slots

    cdef int fill_move(self, FnlpMove* move, int action) except -1:
        if action == BEGIN:
            move.is_valid, move.apply, move.cost = begin_valid, begin_apply, begin_cost
        elif action == IN:
            move.is_valid, move.apply, move.cost = in_valid, in_apply, in_cost
        elif action == LAST:
            move.is_valid, move.apply, move.cost = last_valid, last_apply, last_cost
        elif action == UNIT:
            move.is_valid, move.apply, move.cost = unit_valid, unit_apply, unit_cost
        elif action == OUT:
            move.is_valid, move.apply, move.cost = out_valid, out_apply, out_cost
        else:
            raise ValueError(f"BiluoMoves: unknown action {action}")
        return 0

    @classmethod
    def count_labels(cls, examples):
        freqs = Counter()
        for eg in examples:
            for tag in eg.get_aligned_ner():
                split = split_entity_tag(tag)
                if split is not None and split[0] in "BU":
                    freqs[split[1]] += 1
        return freqs

    def init_gold(self, example):
        """Gold from an Example's aligned BILUO tags ("-" where missing or misaligned)
        and its predicted doc's whitespace tokens."""
        return self.init_gold_tags(example.get_aligned_ner(),
                                   [token.is_space for token in example.predicted])

    def init_gold_tags(self, tags, spaces=None):
        """Gold from BILUO tags per token; "-", "" or None are missing. A tag with a
        label outside the label set counts as missing (gold.n_unknown_labels). spaces
        (optional): whether each token is whitespace, as the states will have it.
        Raises GoldError for a tag that is not O or [BILU]-label."""
        cdef int n = len(tags)
        if spaces is not None and len(spaces) != n:
            raise GoldError(f"gold: {n} tags but {len(spaces)} whitespace flags")
        cdef Gold gold = Gold()
        cdef int i
        gold.alloc_ner(n, len(self.labels))
        gold.c.ner_last_word = -1
        for i in range(n):
            gold.c.ner_is_space[i] = bool(spaces[i]) if spaces is not None else 0
            if not gold.c.ner_is_space[i]:
                gold.c.ner_last_word = i
        label_ids = {label: k for k, label in enumerate(self.labels)}
        for i, tag in enumerate(tags):
            gold.c.ner_label_ids[i] = -1
            if tag in MISSING_TAGS:
                gold.c.ner_actions[i] = -1
                gold.n_missing += 1
                continue
            if tag == "O":
                gold.c.ner_actions[i] = OUT
                continue
            split = split_entity_tag(tag)
            if split is None:
                raise GoldError(f"gold: bad BILUO tag {tag!r} at token {i}")
            prefix, label = split
            if label in label_ids:
                gold.c.ner_actions[i] = TAG_ACTIONS[prefix]
                gold.c.ner_label_ids[i] = label_ids[label]
            else:
                gold.c.ner_actions[i] = -1
                gold.n_unknown_labels += 1
        fill_future(&gold.c)
        return gold

    def tags(self, State state):
        """BILUO tags of a state's closed entities ("O" elsewhere)."""
        return tags_from_spans(state.c.length, [
            (start, end, self.strings[label]) for start, end, label in state.entities])

    def loss(self, State state, Gold gold):
        """Tokens whose tag differs from a known gold tag."""
        tags = self.tags(state)
        label_ids = {label: k for k, label in enumerate(self.labels)}
        cdef int i, n_wrong = 0
        for i, tag in enumerate(tags):
            if tag == "O":
                n_wrong += mismatch(&gold.c, i, OUT, -1)
            else:
                prefix, label = split_entity_tag(tag)
                n_wrong += mismatch(&gold.c, i, TAG_ACTIONS[prefix], label_ids[label])
        return n_wrong

    cdef int write_doc(self, const FnlpState* st, object doc_obj) except -1:
        """ent_iob / ent_type of every token: O, then B/I over the entities."""
        cdef Doc doc = doc_obj
        cdef int i, e
        for i in range(st.length):
            doc.c[i].ent_iob = IOB_OUT
            doc.c[i].ent_type = 0
        for e in range(st.n_ents):
            for i in range(st.ents[e].start, st.ents[e].end):
                doc.c[i].ent_iob = IOB_BEGIN if i == st.ents[e].start else IOB_IN
                doc.c[i].ent_type = st.ents[e].label
        return 0
