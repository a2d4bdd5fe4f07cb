# cython: infer_types=True
"""Closing a sentence: joining the stack's headless tokens into one tree.

Arc-eager can leave several tokens of a sentence without a head on the stack (after a
SHIFT that should have been an arc): no move links two stack tokens. When BREAK is
chosen with two or more such tokens, or the buffer runs out with them, the state enters
*closing*: the model then sees S0 as if it were back in front of the buffer
(fnlp_view_S / fnlp_view_B), and LEFT, RIGHT, REDUCE and BREAK act on the pair (S1, S0):

  RIGHT-label   S1 becomes S0's head; S0 leaves the stack.
  LEFT-label    S0 becomes S1's head (S1 has none); S1 leaves the stack.
  REDUCE        S1 (it has a head) leaves the stack.
  BREAK         S0's subtree is a sentence of its own: S0 becomes its root and leaves
                the stack, and the subtree's first token is marked FNLP_SENT_SPLIT. As
                BREAK in front of the buffer ends the sentence before B0, this ends the
                sentence before the view's B0, so a missed sentence boundary can still
                be recovered.

After each of them, stack tops that have a head are popped (they can no longer take
or give an arc). Closing ends when at most one headless token is left: it becomes the
root, the stack is emptied and, after a BREAK, the next sentence starts at B0. So every
sentence is one tree with its root chosen by the model, and every tree is contiguous
(S0's subtree lies right of every token still on the stack, a projective order).

Costs while closing are exact: from a closing state the reachable stacks are a prefix
of the current one plus one carried top token (a split start is then the left edge of
a known subtree, so its gold start counts too), so the least loss still reachable is a
dynamic programme over (prefix length, top position) (`least_loss_table`), and a move
costs its own loss plus the least loss after it, minus the least loss before it.
"""
from libc.stdint cimport uint64_t
from libc.stdlib cimport malloc, free
from .state cimport (FnlpGold, FnlpState, fnlp_add_arc, fnlp_has_head, fnlp_L,
                     fnlp_n_headless_stack, fnlp_pop, fnlp_remove_S1, fnlp_S,
                     FNLP_MAX_EXACT_CLOSING, FNLP_NO_TOKEN, FNLP_SENT_INSIDE,
                     FNLP_SENT_SPLIT, FNLP_SENT_START)

cdef int UNREACHABLE = 1 << 28


cdef void settle(FnlpState* st, uint64_t root_label) noexcept nogil:
    """Pop stack tops that have a head; if at most one headless token is left, make it
    the root, empty the stack and leave closing. Otherwise (re)enter closing."""
    cdef int i, token
    while st.stack_len > 0 and fnlp_has_head(st, fnlp_S(st, 0)):
        fnlp_pop(st)
    if fnlp_n_headless_stack(st) >= 2:
        st.closing = 1
        return
    for i in range(st.stack_len):
        token = st.stack[i]
        if not fnlp_has_head(st, token):
            fnlp_add_arc(st, token, token, root_label)
    st.stack_len = 0
    st.closing = 0


cdef int needs_closing(const FnlpState* st) noexcept nogil:
    return fnlp_n_headless_stack(st) >= 2


# Moves while closing ---------------------------------------------------------------

cdef int closing_right_valid(const FnlpState* st) noexcept nogil:
    return st.stack_len >= 2


cdef int closing_left_valid(const FnlpState* st) noexcept nogil:
    return st.stack_len >= 2 and not fnlp_has_head(st, fnlp_S(st, 1))


cdef int closing_reduce_valid(const FnlpState* st) noexcept nogil:
    return st.stack_len >= 2 and fnlp_has_head(st, fnlp_S(st, 1))


cdef void closing_right_apply(FnlpState* st, uint64_t label, uint64_t root_label) noexcept nogil:
    fnlp_add_arc(st, fnlp_S(st, 1), fnlp_S(st, 0), label)
    fnlp_pop(st)
    settle(st, root_label)


cdef void closing_left_apply(FnlpState* st, uint64_t label, uint64_t root_label) noexcept nogil:
    fnlp_add_arc(st, fnlp_S(st, 0), fnlp_S(st, 1), label)
    fnlp_remove_S1(st)
    settle(st, root_label)


cdef void closing_reduce_apply(FnlpState* st, uint64_t root_label) noexcept nogil:
    fnlp_remove_S1(st)
    settle(st, root_label)


cdef int closing_break_valid(const FnlpState* st) noexcept nogil:
    return st.stack_len >= 2


cdef inline int left_edge(const FnlpState* st, int token) noexcept nogil:
    """The first token of token's subtree (the cached outermost left children)."""
    while fnlp_L(st, token, 1) != FNLP_NO_TOKEN:
        token = fnlp_L(st, token, 1)
    return token


cdef void closing_break_apply(FnlpState* st, uint64_t root_label) noexcept nogil:
    cdef int s0 = fnlp_S(st, 0)
    st.sent_starts[left_edge(st, s0)] = FNLP_SENT_SPLIT
    fnlp_add_arc(st, s0, s0, root_label)
    fnlp_pop(st)
    settle(st, root_label)


# Costs while closing ---------------------------------------------------------------

cdef inline int arc_loss(const FnlpGold* gold, int child, int head) noexcept nogil:
    """1 if child has a known gold head other than head (head == child: a root)."""
    cdef int h = gold.heads[child]
    return h != FNLP_NO_TOKEN and h != head


cdef inline int label_loss(const FnlpGold* gold, int child, int head,
                           uint64_t label) noexcept nogil:
    """1 if the arc head -> child is the gold one but its label is not."""
    return (gold.heads[child] == head and gold.labels[child] != 0
            and gold.labels[child] != label)


cdef inline int split_loss(const FnlpGold* gold, int start) noexcept nogil:
    """Change in loss from a sentence split off at start: +1 if the gold says no
    sentence starts there, -1 if one does (that start was not opened otherwise)."""
    if start <= 0:
        return 0
    return ((gold.sent_starts[start] == FNLP_SENT_INSIDE)
            - (gold.sent_starts[start] == FNLP_SENT_START))


cdef inline int below_headless(const FnlpState* st, int p) noexcept nogil:
    """The highest stack position < p whose token has no head, or -1."""
    p -= 1
    while p >= 0 and fnlp_has_head(st, st.stack[p]):
        p -= 1
    return p


cdef int* least_loss_table(const FnlpState* st, const FnlpGold* gold) noexcept nogil:
    """f[p * m + j]: least loss reachable with the stack positions [0, p) below the top
    token at position j (p <= j < m, m = stack_len); NULL if out of memory.

    With no headless token in [0, p) the top becomes the root. Otherwise, with u = p - 1:
    RIGHT (u heads j) or BREAK (j is a root), after which the stack drops to the highest
    headless position q < p, lead to (q, q); LEFT (j heads u, u headless) or REDUCE (u
    has a head) lead to (p - 1, j). In (p, j) the headless tokens at [p, j) hang under
    j, so a BREAK splits off at the left edge of the first headless token at or above p.
    """
    cdef int m = st.stack_len
    cdef int* f = <int*>malloc(m * m * sizeof(int))
    cdef int* n_headless = <int*>malloc((m + 1) * sizeof(int))
    cdef int* split_at = <int*>malloc((m + 1) * sizeof(int))
    if f == NULL or n_headless == NULL or split_at == NULL:
        free(f)
        free(n_headless)
        free(split_at)
        return NULL
    cdef int p, j, u, q, best, value, top_loss
    n_headless[0] = 0
    for p in range(m):
        n_headless[p + 1] = n_headless[p] + (not fnlp_has_head(st, st.stack[p]))
    split_at[m] = FNLP_NO_TOKEN
    for p in range(m - 1, -1, -1):
        split_at[p] = (split_at[p + 1] if fnlp_has_head(st, st.stack[p])
                       else left_edge(st, st.stack[p]))
    for p in range(m):
        for j in range(p, m):
            if n_headless[p] == 0:
                f[p * m + j] = arc_loss(gold, st.stack[j], st.stack[j])
                continue
            u = p - 1
            q = below_headless(st, p)
            best = arc_loss(gold, st.stack[j], st.stack[u])
            top_loss = (arc_loss(gold, st.stack[j], st.stack[j])
                        + split_loss(gold, split_at[p]))
            if top_loss < best:
                best = top_loss
            best += f[q * m + q]
            if not fnlp_has_head(st, st.stack[u]):
                value = arc_loss(gold, st.stack[u], st.stack[j]) + f[(p - 1) * m + j]
            else:
                value = f[(p - 1) * m + j]
            f[p * m + j] = value if value < best else best
    free(n_headless)
    free(split_at)
    return f


cdef inline int plus_future(const FnlpState* st, const FnlpGold* gold, int local,
                            bint top_leaves) noexcept nogil:
    """A closing move's cost from its own loss `local`: plus the least loss reachable
    after it, minus the least reachable before (least_loss_table). top_leaves: the move
    takes S0 off the stack (RIGHT, BREAK), else S1 (LEFT, REDUCE). Stacks deeper than
    FNLP_MAX_EXACT_CLOSING, or no memory for the table: the local loss alone."""
    cdef int m = st.stack_len
    if m > FNLP_MAX_EXACT_CLOSING:
        return local
    cdef int* f = least_loss_table(st, gold)
    if f == NULL:
        return local
    cdef int q, after
    cdef int before = f[(m - 1) * m + (m - 1)]
    if top_leaves:
        q = below_headless(st, m - 1)
        after = f[q * m + q]
    else:
        after = f[(m - 2) * m + (m - 1)]
    free(f)
    return local + after - before


cdef int closing_right_cost(const FnlpState* st, const FnlpGold* gold,
                            uint64_t label) noexcept nogil:
    """RIGHT while closing: S0's gold head is lost unless it is S1 (then 1 for a wrong
    label), plus the change in the least reachable loss."""
    cdef int s0 = fnlp_S(st, 0)
    cdef int s1 = fnlp_S(st, 1)
    return plus_future(st, gold, arc_loss(gold, s0, s1) + label_loss(gold, s0, s1, label),
                       True)


cdef int closing_left_cost(const FnlpState* st, const FnlpGold* gold,
                           uint64_t label) noexcept nogil:
    """LEFT while closing: S1's gold head is lost unless it is S0 (then 1 for a wrong
    label), plus the change in the least reachable loss."""
    cdef int s0 = fnlp_S(st, 0)
    cdef int s1 = fnlp_S(st, 1)
    return plus_future(st, gold, arc_loss(gold, s1, s0) + label_loss(gold, s1, s0, label),
                       False)


cdef int closing_reduce_cost(const FnlpState* st, const FnlpGold* gold) noexcept nogil:
    """REDUCE while closing: no arc of its own; the change in the least reachable loss."""
    return plus_future(st, gold, 0, False)


cdef int closing_break_cost(const FnlpState* st, const FnlpGold* gold) noexcept nogil:
    """BREAK while closing: S0's gold head is lost unless S0 is a gold root, and the split
    at S0's left edge counts against the gold sentence starts; plus the change in the
    least reachable loss."""
    cdef int s0 = fnlp_S(st, 0)
    return plus_future(st, gold, arc_loss(gold, s0, s0) + split_loss(gold, left_edge(st, s0)),
                       True)
