# cython: infer_types=True
"""Arc-eager transition system with labels and sentence breaks, and its dynamic oracle.

The buffer is [b0, n); the stack holds tokens of the current sentence still able to
take children. Moves (S0: top of stack, B0: front of buffer):

  SHIFT          push B0.
  REDUCE         pop S0 (it has a head).
  LEFT-label     S0 <- B0: B0 becomes the head of S0, pop S0.
  RIGHT-label    S0 -> B0: S0 becomes the head of B0, push B0.
  BREAK          end the sentence before B0: B0 starts a sentence, the stack's headless
                 token becomes the root (label ROOT) and the stack is emptied.

Design of BREAK (labels and sentence boundaries predicted jointly): it is one more
output of the same classifier as the labelled arcs, so one softmax scores "attach with
label L" against "end the sentence here". After it no arc can cross the boundary. If
the stack holds several headless tokens when BREAK is chosen or the buffer runs out,
the state *closes* the sentence first (closing.pyx): LEFT, RIGHT and REDUCE then join
S1 and S0, or BREAK makes S0's subtree a sentence of its own, until one headless token,
the root, is left. So every sentence is one projective tree, the last one needs no
BREAK, and every state has a valid move.

Dynamic oracle (Goldberg & Nivre 2012/2013, arc-eager, with labels and BREAK; closing
has its own exact costs, see closing.pyx): the loss
of a final state is, over tokens with a known gold head, 1 if the predicted head differs
(a root's head is itself), else 1 if the gold label is known and differs (roots: none);
plus, over tokens i > 0 with a known gold sentence start, 1 if "a BREAK opened a
sentence at i" (or split one off there while closing) differs from it. A move's cost
is the number of gold arcs it makes unreachable (plus 1 for a wrong label on the arc
it makes) plus the gold sentence starts it makes unreachable, which equals the rise of the least reachable loss: arc-eager
is arc-decomposable, and the gold never has a sentence start that a known gold arc
crosses (init_gold_arrays), so a BREAK at a gold start loses no gold arc and not
breaking never loses one. Facts the costs use: a token left of B0 without a head is on
the stack; a gold arc with an unknown head (-1) or an unknown label costs nothing;
B0 can be opened as a sentence start only by a BREAK while B0 is B0, the stack is
not empty and B0 has no left child (SHIFT and RIGHT move B0 away; LEFT gives B0 a left
child; REDUCE that empties the stack leaves SHIFT as the only move); a gold INSIDE
token is lost only by a BREAK before it.
"""
from collections import Counter

from libc.stdint cimport uint64_t
from libc.stdlib cimport free, malloc
from ...tokens.doc cimport Doc, set_children_from_heads
from ...tokens.heads cimport find_head_cycle
from .closing cimport (closing_break_apply, closing_break_cost, closing_break_valid,
                       closing_left_apply, closing_left_cost, closing_left_valid,
                       closing_reduce_apply, closing_reduce_cost, closing_reduce_valid,
                       closing_right_apply, closing_right_cost, closing_right_valid,
                       needs_closing, settle)
from .features import TemplateSet
from ...tokens.nonproj import DELIMITER, deprojectivize_arrays, projectivize
from .state cimport (FnlpGold, FnlpMove, FnlpState, State, fnlp_add_arc, fnlp_B,
                     fnlp_has_head, fnlp_pop, fnlp_push, fnlp_S, fnlp_set_sent_start,
                     FNLP_NO_TOKEN, FNLP_SENT_INSIDE, FNLP_SENT_SPLIT, FNLP_SENT_START,
                     FNLP_SENT_UNKNOWN)
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


cdef inline int b0_gold_start(const FnlpState* st, const FnlpGold* gold) noexcept nogil:
    """1 if B0 is a known gold sentence start (token 0 never counts: no BREAK can open it)."""
    return 0 < st.b0 < st.length and gold.sent_starts[st.b0] == FNLP_SENT_START


cdef inline int start_open(const FnlpState* st) noexcept nogil:
    """1 if a BREAK can open a sentence at B0 now: the stack is not empty and B0 has no
    left child (an arc would cross the boundary)."""
    return st.stack_len > 0 and st.b0 < st.length and st.n_left[st.b0] == 0


cdef inline int start_cost(const FnlpState* st, const FnlpGold* gold) noexcept nogil:
    """Cost of a move that makes B0 unopenable (SHIFT and RIGHT move it away, LEFT gives
    it a left child): 1 if B0 is a gold sentence start a BREAK could still open."""
    return start_open(st) and b0_gold_start(st, gold)


cdef inline int pop_start_cost(const FnlpState* st, const FnlpGold* gold) noexcept nogil:
    """Cost of popping S0 (REDUCE): 1 if that empties the stack while B0 is a gold
    sentence start a BREAK could still open (only SHIFT is left then)."""
    return st.stack_len == 1 and start_cost(st, gold)


cdef inline int label_cost(const FnlpGold* gold, int child, uint64_t label) noexcept nogil:
    return gold.labels[child] != 0 and gold.labels[child] != label


# SHIFT -----------------------------------------------------------------------------

cdef int shift_valid(const FnlpState* st, const FnlpMove* move) noexcept nogil:
    """Valid while the buffer is not empty (never while closing)."""
    return st.b0 < st.length and not st.closing


cdef void shift_apply(FnlpState* st, const FnlpMove* move) noexcept nogil:
    """Push B0."""
    fnlp_push(st)
    close_at_end(st)


cdef inline void close_at_end(FnlpState* st) noexcept nogil:
    """Once the buffer is empty, a stack with several headless tokens gets closed."""
    if st.b0 >= st.length and needs_closing(st):
        settle(st, 0)


cdef int shift_cost(const FnlpState* st, const FnlpGold* gold, const FnlpMove* move) noexcept nogil:
    """B0 can no longer take its gold head from the stack, nor its headless gold
    children on the stack; a gold sentence start at B0 is lost if the stack is not empty."""
    cdef int b = st.b0
    cdef int h = gold.heads[b]
    cdef int cost = n_headless_kids_before(st, gold, b, b) + start_cost(st, gold)
    if 0 <= h < b and in_stack(st, h):
        cost += 1
    return cost


# REDUCE ----------------------------------------------------------------------------

cdef int reduce_valid(const FnlpState* st, const FnlpMove* move) noexcept nogil:
    """Valid if S0 exists and has a head (closing: if S1 has one)."""
    if st.closing:
        return closing_reduce_valid(st)
    return st.stack_len > 0 and fnlp_has_head(st, fnlp_S(st, 0))


cdef void reduce_apply(FnlpState* st, const FnlpMove* move) noexcept nogil:
    """Pop S0 (closing: remove S1)."""
    if st.closing:
        closing_reduce_apply(st, 0)
    else:
        fnlp_pop(st)


cdef int reduce_cost(const FnlpState* st, const FnlpGold* gold, const FnlpMove* move) noexcept nogil:
    """S0's gold children in the buffer are lost; a gold sentence start at B0 too if S0 is
    the only stack token."""
    if st.closing:
        return closing_reduce_cost(st, gold)
    return n_kids_from(gold, fnlp_S(st, 0), st.b0) + pop_start_cost(st, gold)


# LEFT-label ------------------------------------------------------------------------

cdef int left_valid(const FnlpState* st, const FnlpMove* move) noexcept nogil:
    """Valid if S0 and B0 exist and S0 has no head (closing: if S1 has no head)."""
    if st.closing:
        return closing_left_valid(st)
    return st.stack_len > 0 and st.b0 < st.length and not fnlp_has_head(st, fnlp_S(st, 0))


cdef void left_apply(FnlpState* st, const FnlpMove* move) noexcept nogil:
    """B0 becomes S0's head with the move's label; pop S0 (closing: S0 becomes S1's
    head, S1 leaves the stack)."""
    if st.closing:
        closing_left_apply(st, move.label, 0)
        return
    fnlp_add_arc(st, st.b0, fnlp_S(st, 0), move.label)
    fnlp_pop(st)


cdef int left_cost(const FnlpState* st, const FnlpGold* gold, const FnlpMove* move) noexcept nogil:
    """S0's gold children in the buffer are lost, and its gold head if that is a later
    buffer token or S0 itself (a root); 1 more for a wrong label when B0 is the head;
    a gold sentence start at B0 is lost (B0 gets a left child) if still open."""
    if st.closing:
        return closing_left_cost(st, gold, move.label)
    cdef int s = fnlp_S(st, 0)
    cdef int b = st.b0
    cdef int h = gold.heads[s]
    cdef int cost = n_kids_from(gold, s, b) + start_cost(st, gold)
    if h == b:
        cost += label_cost(gold, s, move.label)
    elif h == s or h > b:
        cost += 1
    return cost


# RIGHT-label -----------------------------------------------------------------------

cdef int right_valid(const FnlpState* st, const FnlpMove* move) noexcept nogil:
    """Valid if S0 and B0 exist (closing: if S1 exists)."""
    if st.closing:
        return closing_right_valid(st)
    return st.stack_len > 0 and st.b0 < st.length


cdef void right_apply(FnlpState* st, const FnlpMove* move) noexcept nogil:
    """S0 becomes B0's head with the move's label; push B0 (closing: S1 becomes S0's
    head, S0 leaves the stack)."""
    if st.closing:
        closing_right_apply(st, move.label, 0)
        return
    fnlp_add_arc(st, fnlp_S(st, 0), st.b0, move.label)
    fnlp_push(st)
    close_at_end(st)


cdef int right_cost(const FnlpState* st, const FnlpGold* gold, const FnlpMove* move) noexcept nogil:
    """B0's gold head is lost unless it is S0 (then 1 for a wrong label): if B0 is a gold
    root, its head is later in the buffer, or its head is deeper in the stack. B0's
    headless gold children on the stack are lost too, and a gold sentence start at B0."""
    if st.closing:
        return closing_right_cost(st, gold, move.label)
    cdef int s = fnlp_S(st, 0)
    cdef int b = st.b0
    cdef int h = gold.heads[b]
    cdef int cost = n_headless_kids_before(st, gold, b, b) + start_cost(st, gold)
    if h == s:
        cost += label_cost(gold, b, move.label)
    elif h >= b:
        cost += 1
    elif h >= 0 and in_stack(st, h):
        cost += 1
    return cost


# BREAK -----------------------------------------------------------------------------

cdef int break_valid(const FnlpState* st, const FnlpMove* move) noexcept nogil:
    """Valid if the stack and the buffer are not empty and B0 has no left child (no arc
    may cross the boundary); closing: if S1 exists."""
    if st.closing:
        return closing_break_valid(st)
    return start_open(st)


cdef void break_apply(FnlpState* st, const FnlpMove* move) noexcept nogil:
    """B0 starts a sentence. The stack's headless token becomes its root (label ROOT,
    in move.label) and the stack is emptied; with several headless tokens the state
    closes the sentence first (closing.pyx). While closing: S0's subtree becomes a
    sentence of its own, with S0 as its root."""
    if st.closing:
        closing_break_apply(st, move.label)
        return
    fnlp_set_sent_start(st, st.b0)
    settle(st, move.label)


cdef int break_cost(const FnlpState* st, const FnlpGold* gold, const FnlpMove* move) noexcept nogil:
    """Every gold arc between the stack and the buffer is lost: gold children of stack
    tokens in the buffer, and gold heads in the buffer of headless stack tokens; 1 more
    if B0 is known not to start a gold sentence. While closing: see closing.pyx."""
    if st.closing:
        return closing_break_cost(st, gold)
    cdef int i, token, cost = 0
    if gold.sent_starts[st.b0] == FNLP_SENT_INSIDE:
        cost += 1
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
    default_nr_feature_tokens = TemplateSet.PARSER.n_slots

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
        """Gold for an Example: its aligned (projectivized) parse, see init_gold_arrays.
        Sentence starts come from the gold heads if the reference is parsed (its own
        starts are derived from the trees then, and wrong where heads are missing), else
        from the reference's sentence starts (example.get_aligned_sent_start_values)."""
        heads, deps = example.get_aligned_parse(projectivize=self.projective_gold)
        cdef Gold gold = self.init_gold_arrays(heads, deps)
        if not example.reference.has_annotation("DEP"):
            self.fill_sent_starts(gold, example.get_aligned_sent_start_values())
        return gold

    def init_gold_arrays(self, heads, labels, sent_starts=None):
        """Gold from absolute heads and label strings per token. None (or an empty
        label with the token as its own head) marks a missing annotation; a token that
        is its own head with a label is a root. Gold labels outside the label set
        count as FALLBACK_LABEL (counted in gold.n_unknown_labels). Raises GoldError for
        a head outside the doc or a cycle. sent_starts (optional, per token: True/1
        starts a sentence, False/-1 does not, None/0 unknown): see fill_sent_starts."""
        cdef int n = len(heads)
        if len(labels) != n:
            raise GoldError(f"gold: {n} heads but {len(labels)} labels")
        cdef Gold gold = Gold()
        gold.alloc_parse(n)
        known = set(self.labels)
        cdef int i, h, first, entry
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
        cdef int* mark_n = <int*>malloc(max(n, 1) * sizeof(int))
        if mark_n == NULL:
            raise MemoryError()
        first = find_head_cycle(gold.c.heads, n, mark_n, &entry)
        free(mark_n)
        if first >= 0:
            raise GoldError(f"gold: the heads from token {first} form a cycle")
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
        self.fill_sent_starts(gold, sent_starts)
        return gold

    cdef int fill_sent_starts(self, Gold gold, sent_starts) except -1:
        """Gold sentence start of each token i > 0 (gold.c.heads must be filled): INSIDE
        if a known gold arc crosses the boundary before i (this wins over sent_starts,
        so the gold stays consistent); else sent_starts[i] where known; else START if
        every head is known (then i starts a tree); else UNKNOWN."""
        cdef int n = gold.c.length
        if sent_starts is not None and len(sent_starts) != n:
            raise GoldError(f"gold: {n} heads but {len(sent_starts)} sentence starts")
        # crossed[i] > 0: some known arc spans the boundary between i - 1 and i.
        crossed = [0] * (n + 1)
        cdef int i, h, low, high, n_crossing = 0
        for i in range(n):
            h = gold.c.heads[i]
            if h != FNLP_NO_TOKEN and h != i:
                low, high = (h, i) if h < i else (i, h)
                crossed[low + 1] += 1
                crossed[high + 1] -= 1
        for i in range(n):
            n_crossing += crossed[i]
            value = sent_starts[i] if sent_starts is not None else None
            if i == 0:
                gold.c.sent_starts[i] = FNLP_SENT_UNKNOWN
            elif n_crossing > 0:
                gold.c.sent_starts[i] = FNLP_SENT_INSIDE
            elif value is True or (value is not None and value is not False and value == 1):
                gold.c.sent_starts[i] = FNLP_SENT_START
            elif value is False or (value is not None and value == -1):
                gold.c.sent_starts[i] = FNLP_SENT_INSIDE
            elif gold.n_missing == 0:
                gold.c.sent_starts[i] = FNLP_SENT_START
            else:
                gold.c.sent_starts[i] = FNLP_SENT_UNKNOWN
        return 0

    def gold_sent_starts(self, Gold gold):
        """The gold's sentence starts per token: True, False or None (unknown)."""
        return [None if gold.c.sent_starts[i] == FNLP_SENT_UNKNOWN
                else gold.c.sent_starts[i] == FNLP_SENT_START for i in range(gold.c.length)]

    def loss(self, State state, Gold gold):
        """Loss of a final state against gold (see the module docstring)."""
        cdef int i, n_wrong = 0
        cdef bint opened
        for i in range(1, state.c.length):
            if gold.c.sent_starts[i] == FNLP_SENT_UNKNOWN:
                continue
            opened = (state.c.sent_starts[i] == FNLP_SENT_START
                      or state.c.sent_starts[i] == FNLP_SENT_SPLIT)
            n_wrong += opened != (gold.c.sent_starts[i] == FNLP_SENT_START)
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
