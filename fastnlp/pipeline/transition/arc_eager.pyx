# cython: infer_types=True
"""Arc-eager transition system with labels and sentence breaks, and its dynamic oracle.

The buffer is [b0, n); the stack holds tokens of the current sentence still able to
take children. Moves (S0: top of stack, B0: front of buffer):

  SHIFT          push B0.
  REDUCE         pop S0 (it has a head).
  LEFT-label     S0 <- B0: B0 becomes the head of S0, pop S0.
  RIGHT-label    S0 -> B0: S0 becomes the head of B0, push B0.
  BREAK          close the sentence before B0: every headless stack token becomes a
                 root (label ROOT), the stack is emptied and B0 starts a sentence.

Design of BREAK (labels and sentence boundaries predicted jointly): it is one more
output of the same classifier as the labelled arcs, so one softmax scores "attach with
label L" against "end the sentence here". After it no arc can cross the boundary: each
sentence is a forest of projective trees, in practice one tree (its headless tokens
become roots). When the buffer is empty the state is final and the tokens still
headless become roots (label ROOT), so the last sentence needs no BREAK and every state
always has a valid move (SHIFT while the buffer is not empty).

Dynamic oracle (Goldberg & Nivre 2012/2013, arc-eager, with labels and BREAK): the loss
of a final state is, over tokens with a known gold head, 1 if the predicted head differs
(a root's head is itself), else 1 if the gold label is known and differs (roots: none).
A move's cost is the number of gold arcs it makes unreachable (plus 1 for a wrong label
on the arc it makes), which equals the rise of the least reachable loss because
arc-eager is arc-decomposable. Facts the costs use: a token left of B0 without a head is
on the stack; a gold arc with an unknown head (-1) or an unknown label costs nothing.
"""
from collections import Counter

from libc.stdint cimport uint64_t

from ...tokens.doc cimport Doc, set_children_from_heads
from .nonproj import DELIMITER, deprojectivize_arrays, projectivize
from .state cimport (FnlpGold, FnlpMove, FnlpState, State, fnlp_add_arc, fnlp_B,
                     fnlp_has_head, fnlp_pop, fnlp_push, fnlp_S, fnlp_set_sent_start,
                     FNLP_NO_TOKEN)
from .transition_system cimport Gold, TransitionSystem
from .transition_system import GoldError

ROOT_LABEL = "ROOT"
FALLBACK_LABEL = "dep"


# Helpers over the gold children (CSR, ascending per head) --------------------------

cdef inline int in_stack(const FnlpState* st, int token) noexcept nogil:
    cdef int i
    for i in range(st.stack_len):
        if st.stack[i] == token:
            return 1
    return 0


cdef inline int n_kids_from(const FnlpGold* gold, int head, int start) noexcept nogil:
    """Gold children of head at or right of start (they are in the buffer)."""
    cdef int k, n = 0
    for k in range(gold.kid_starts[head + 1] - 1, gold.kid_starts[head] - 1, -1):
        if gold.kids[k] < start:
            break
        n += 1
    return n


cdef inline int n_headless_kids_before(const FnlpState* st, const FnlpGold* gold,
                                       int head, int end) noexcept nogil:
    """Gold children of head left of end still without a head (they are on the stack)."""
    cdef int k, n = 0
    for k in range(gold.kid_starts[head], gold.kid_starts[head + 1]):
        if gold.kids[k] >= end:
            break
        n += st.heads[gold.kids[k]] == FNLP_NO_TOKEN
    return n


cdef inline int label_cost(const FnlpGold* gold, int child, uint64_t label) noexcept nogil:
    return gold.labels[child] != 0 and gold.labels[child] != label


# SHIFT -----------------------------------------------------------------------------

cdef int shift_valid(const FnlpState* st, const FnlpMove* move) noexcept nogil:
    """Valid while the buffer is not empty."""
    return st.b0 < st.length


cdef void shift_apply(FnlpState* st, const FnlpMove* move) noexcept nogil:
    """Push B0."""
    fnlp_push(st)


cdef int shift_cost(const FnlpState* st, const FnlpGold* gold, const FnlpMove* move) noexcept nogil:
    """B0 can no longer take its gold head from the stack, nor its headless gold
    children on the stack."""
    cdef int b = st.b0
    cdef int h = gold.heads[b]
    cdef int cost = n_headless_kids_before(st, gold, b, b)
    if 0 <= h < b and in_stack(st, h):
        cost += 1
    return cost


# REDUCE ----------------------------------------------------------------------------

cdef int reduce_valid(const FnlpState* st, const FnlpMove* move) noexcept nogil:
    """Valid if S0 exists and has a head."""
    return st.stack_len > 0 and fnlp_has_head(st, fnlp_S(st, 0))


cdef void reduce_apply(FnlpState* st, const FnlpMove* move) noexcept nogil:
    """Pop S0."""
    fnlp_pop(st)


cdef int reduce_cost(const FnlpState* st, const FnlpGold* gold, const FnlpMove* move) noexcept nogil:
    """S0's gold children in the buffer are lost."""
    return n_kids_from(gold, fnlp_S(st, 0), st.b0)


# LEFT-label ------------------------------------------------------------------------

cdef int left_valid(const FnlpState* st, const FnlpMove* move) noexcept nogil:
    """Valid if S0 and B0 exist and S0 has no head."""
    return st.stack_len > 0 and st.b0 < st.length and not fnlp_has_head(st, fnlp_S(st, 0))


cdef void left_apply(FnlpState* st, const FnlpMove* move) noexcept nogil:
    """B0 becomes S0's head with the move's label; pop S0."""
    fnlp_add_arc(st, st.b0, fnlp_S(st, 0), move.label)
    fnlp_pop(st)


cdef int left_cost(const FnlpState* st, const FnlpGold* gold, const FnlpMove* move) noexcept nogil:
    """S0's gold children in the buffer are lost, and its gold head if that is a later
    buffer token or S0 itself (a root); 1 more for a wrong label when B0 is the head."""
    cdef int s = fnlp_S(st, 0)
    cdef int b = st.b0
    cdef int h = gold.heads[s]
    cdef int cost = n_kids_from(gold, s, b)
    if h == b:
        cost += label_cost(gold, s, move.label)
    elif h == s or h > b:
        cost += 1
    return cost


# RIGHT-label -----------------------------------------------------------------------

cdef int right_valid(const FnlpState* st, const FnlpMove* move) noexcept nogil:
    """Valid if S0 and B0 exist."""
    return st.stack_len > 0 and st.b0 < st.length


cdef void right_apply(FnlpState* st, const FnlpMove* move) noexcept nogil:
    """S0 becomes B0's head with the move's label; push B0."""
    fnlp_add_arc(st, fnlp_S(st, 0), st.b0, move.label)
    fnlp_push(st)


cdef int right_cost(const FnlpState* st, const FnlpGold* gold, const FnlpMove* move) noexcept nogil:
    """B0's gold head is lost unless it is S0 (then 1 for a wrong label): if B0 is a gold
    root, its head is later in the buffer, or its head is deeper in the stack. B0's
    headless gold children on the stack are lost too."""
    cdef int s = fnlp_S(st, 0)
    cdef int b = st.b0
    cdef int h = gold.heads[b]
    cdef int cost = n_headless_kids_before(st, gold, b, b)
    if h == s:
        cost += label_cost(gold, b, move.label)
    elif h >= b:
        cost += 1
    elif h >= 0 and in_stack(st, h):
        cost += 1
    return cost


# BREAK -----------------------------------------------------------------------------

cdef int break_valid(const FnlpState* st, const FnlpMove* move) noexcept nogil:
    """Valid if the stack and the buffer are not empty."""
    return st.stack_len > 0 and st.b0 < st.length


cdef void break_apply(FnlpState* st, const FnlpMove* move) noexcept nogil:
    """Headless stack tokens become roots (label ROOT, in move.label); empty the stack;
    B0 starts a sentence."""
    cdef int i, token
    for i in range(st.stack_len):
        token = st.stack[i]
        if not fnlp_has_head(st, token):
            fnlp_add_arc(st, token, token, move.label)
    st.stack_len = 0
    fnlp_set_sent_start(st, st.b0)


cdef int break_cost(const FnlpState* st, const FnlpGold* gold, const FnlpMove* move) noexcept nogil:
    """Every gold arc between the stack and the buffer is lost: gold children of stack
    tokens in the buffer, and gold heads in the buffer of headless stack tokens."""
    cdef int i, token, cost = 0
    for i in range(st.stack_len):
        token = st.stack[i]
        cost += n_kids_from(gold, token, st.b0)
        if not fnlp_has_head(st, token) and gold.heads[token] >= st.b0:
            cost += 1
    return cost


cdef class ArcEager(TransitionSystem):
    """The parser's transition system. Labels are arc labels (ROOT is implicit)."""

    kind = "parser"
    ACTION_NAMES = ("SHIFT", "REDUCE", "LEFT", "RIGHT", "BREAK")
    LABELLED = ("LEFT", "RIGHT")
    ORACLE_ORDER = ("BREAK", "LEFT", "RIGHT", "REDUCE", "SHIFT")
    default_nr_feature_tokens = 8

    def __init__(self, strings, labels=(), *, nr_feature_tokens=None, label_freqs=None,
                 projectivize=True):
        self.root_label = strings.add(ROOT_LABEL)
        self.fallback_label = strings.add(FALLBACK_LABEL)
        self.projective_gold = projectivize
        labels = [label for label in labels if label != ROOT_LABEL]
        TransitionSystem.__init__(self, strings, labels, nr_feature_tokens=nr_feature_tokens,
                                  label_freqs=label_freqs)

    def required_labels(self):
        return (FALLBACK_LABEL,)

    def _build_moves(self):
        TransitionSystem._build_moves(self)
        self.deco_labels = {self.strings.add(label) for label in self.labels
                            if DELIMITER in label}

    cdef int fill_move(self, FnlpMove* move, int action) except -1:
        if action == SHIFT:
            move.is_valid, move.apply, move.cost = shift_valid, shift_apply, shift_cost
        elif action == REDUCE:
            move.is_valid, move.apply, move.cost = reduce_valid, reduce_apply, reduce_cost
        elif action == LEFT:
            move.is_valid, move.apply, move.cost = left_valid, left_apply, left_cost
        elif action == RIGHT:
            move.is_valid, move.apply, move.cost = right_valid, right_apply, right_cost
        elif action == BREAK:
            move.is_valid, move.apply, move.cost = break_valid, break_apply, break_cost
            move.label = self.root_label
        else:
            raise ValueError(f"ArcEager: unknown action {action}")
        return 0

    cdef void finalize_state(self, FnlpState* st) noexcept nogil:
        """Tokens still without a head become roots labelled ROOT."""
        cdef int i
        for i in range(st.length):
            if not fnlp_has_head(st, i):
                fnlp_add_arc(st, i, i, self.root_label)

    # Gold -------------------------------------------------------------------

    @classmethod
    def count_labels(cls, examples, projectivize=True):
        freqs = Counter()
        for eg in examples:
            heads, deps = eg.get_aligned_parse(projectivize=projectivize)
            for i, (head, dep) in enumerate(zip(heads, deps)):
                if head is not None and head != i and dep:
                    freqs[dep] += 1
        return freqs

    def init_gold(self, example):
        """Gold for an Example: its aligned (projectivized) parse, see init_gold_arrays."""
        heads, deps = example.get_aligned_parse(projectivize=self.projective_gold)
        return self.init_gold_arrays(heads, deps)

    def init_gold_arrays(self, heads, labels):
        """Gold from absolute heads and label strings per token. None (or an empty
        label with the token as its own head) marks a missing annotation; a token that
        is its own head with a label is a root. Gold labels outside the label set
        count as FALLBACK_LABEL (counted in gold.n_unknown_labels). Raises GoldError for
        a head outside the doc or a cycle."""
        cdef int n = len(heads)
        if len(labels) != n:
            raise GoldError(f"gold: {n} heads but {len(labels)} labels")
        cdef Gold gold = Gold()
        gold.alloc_parse(n)
        known = set(self.labels)
        cdef int i, h, steps
        for i in range(n):
            head, label = heads[i], labels[i]
            if head is None or (head == i and not label):
                gold.c.heads[i] = FNLP_NO_TOKEN
                gold.c.labels[i] = 0
                gold.n_missing += 1
                continue
            if not 0 <= head < n:
                raise GoldError(f"gold: head {head} of token {i} is outside the doc (0..{n - 1})")
            gold.c.heads[i] = head
            if head == i or not label:
                gold.c.labels[i] = 0
            elif label in known:
                gold.c.labels[i] = self.strings.add(label)
            else:
                gold.c.labels[i] = self.fallback_label
                gold.n_unknown_labels += 1
        for i in range(n):
            h = i
            steps = 0
            while gold.c.heads[h] != FNLP_NO_TOKEN and gold.c.heads[h] != h:
                h = gold.c.heads[h]
                steps += 1
                if steps > n:
                    raise GoldError(f"gold: the heads from token {i} form a cycle")
        for i in range(n):
            h = gold.c.heads[i]
            if h != FNLP_NO_TOKEN and h != i:
                gold.c.kid_starts[h + 1] += 1
        for i in range(n):
            gold.c.kid_starts[i + 1] += gold.c.kid_starts[i]
        fill_k = [gold.c.kid_starts[i] for i in range(n)]
        for i in range(n):
            h = gold.c.heads[i]
            if h != FNLP_NO_TOKEN and h != i:
                gold.c.kids[fill_k[h]] = i
                fill_k[h] += 1
        return gold

    def loss(self, State state, Gold gold):
        """Loss of a final state against gold (see the module docstring)."""
        cdef int i, n_wrong = 0
        for i in range(state.c.length):
            if gold.c.heads[i] == FNLP_NO_TOKEN:
                continue
            if state.c.heads[i] != gold.c.heads[i]:
                n_wrong += 1
            elif gold.c.heads[i] != i and gold.c.labels[i] != 0 \
                    and state.c.labels[i] != gold.c.labels[i]:
                n_wrong += 1
        return n_wrong

    # Output -----------------------------------------------------------------

    cdef int write_doc(self, const FnlpState* st, object doc_obj) except -1:
        """Heads, labels (lowered if decorated) and, from them, sentence starts."""
        cdef Doc doc = doc_obj
        cdef int i, h
        cdef bint decorated = False
        for i in range(st.length):
            h = st.heads[i] if st.heads[i] != FNLP_NO_TOKEN else i
            doc.c[i].head = h - i
            doc.c[i].dep = st.labels[i] if st.labels[i] != 0 else self.root_label
            if st.labels[i] in self.deco_labels:
                decorated = True
        if decorated:
            strings = self.strings
            heads = [i + doc.c[i].head for i in range(st.length)]
            labels = [strings[doc.c[i].dep] for i in range(st.length)]
            heads, labels = deprojectivize_arrays(heads, labels)
            for i in range(st.length):
                doc.c[i].head = heads[i] - i
                doc.c[i].dep = strings.add(labels[i])
        set_children_from_heads(doc.c, 0, doc.length)
        return 0
