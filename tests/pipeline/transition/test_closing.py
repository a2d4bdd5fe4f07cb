"""Closing a sentence in arc-eager: moves, the model's view, one root per sentence and
exact costs (checked against an exhaustive search)."""
import random

import pytest

from fastnlp.pipeline.transition import ArcEager, StateBatch
from fastnlp.strings import StringStore
from fastnlp.tokens import Doc
from fastnlp.vocab import Vocab
from transition_trees import random_doc_tree, random_labels, state_after

LABELS = ["nsubj", "obj"]


@pytest.fixture
def system():
    return ArcEager(StringStore(), LABELS)


def test_break_with_several_headless_tokens_closes_first(system):
    state = state_after(system, 5, ["SHIFT", "SHIFT", "SHIFT", "BREAK"])
    assert state.closing and state.stack == [0, 1, 2] and state.sent_starts[3]
    assert "SHIFT" not in system.valid_moves(state)
    system.apply(state, "RIGHT-obj")          # 1 -> 2, 2 leaves the stack
    assert state.heads[2] == 1 and state.stack == [0, 1] and state.closing
    system.apply(state, "LEFT-nsubj")         # 0 <- 1, 0 leaves; 1 is the root
    assert not state.closing and state.stack == [] and state.heads[:3] == [1, 1, 1]
    assert system.valid_moves(state) == ["SHIFT"]


def test_reduce_while_closing_removes_s1_with_a_head(system):
    # 0 -> 1, 2 <- 3 <- 4: the stack is [0, 1, 4] at the BREAK, 1 has a head.
    state = state_after(system, 6, ["SHIFT", "RIGHT-obj", "SHIFT", "LEFT-nsubj", "SHIFT",
                            "LEFT-nsubj", "SHIFT", "BREAK"])
    assert state.closing and state.stack == [0, 1, 4]
    assert "REDUCE" in system.valid_moves(state)
    assert not any(m.startswith("LEFT") for m in system.valid_moves(state))
    system.apply(state, "REDUCE")
    assert state.stack == [0, 4]
    system.apply(state, "LEFT-obj")
    assert state.heads[:5] == [4, 0, 3, 4, 4] and not state.closing


def test_break_while_closing_makes_s0_a_root_of_its_own(system):
    # The BREAK before 4 was missed: 0 <- 1 and 2 <- 3 are both still headless.
    state = state_after(system, 5, ["SHIFT", "LEFT-nsubj", "SHIFT", "SHIFT", "LEFT-nsubj",
                                    "SHIFT", "SHIFT"])
    assert state.closing and state.stack == [1, 3, 4]
    system.apply(state, "RIGHT-obj")          # 3 -> 4
    assert state.stack == [1, 3] and state.closing
    system.apply(state, "BREAK")              # 2..4 is a sentence of its own
    assert state.is_final and state.heads == [1, 1, 3, 3, 3]
    assert not any(state.sent_starts) and state.split_starts == [False, False, True,
                                                                 False, False]


def test_break_while_closing_keeps_closing_the_rest(system):
    state = state_after(system, 4, ["SHIFT", "SHIFT", "SHIFT", "SHIFT"])
    assert state.closing and state.stack == [0, 1, 2, 3]
    system.apply(state, "BREAK")              # 3 alone; 0, 1, 2 still to join
    assert state.heads[3] == 3 and state.stack == [0, 1, 2] and state.closing
    system.apply(state, "LEFT-obj")           # 2 heads 1
    system.apply(state, "BREAK")              # 2 (and 1) a sentence; 0 is left alone
    assert state.is_final and state.heads == [0, 2, 2, 3]


def test_the_model_sees_s0_in_front_of_the_buffer():
    vocab = Vocab()
    names = ["S0", "S1", "B0", "B1"]
    system = ArcEager(vocab.strings, ["dep"], nr_feature_tokens=names)
    doc = Doc(vocab, words=["w"] * 6)
    batch = StateBatch(system, [doc])
    for name in ["SHIFT", "SHIFT", "SHIFT", "BREAK"]:
        batch.apply_moves([system.move_index(name)])
    ids = dict(zip(names, batch.context_tokens()[0]))
    assert ids == {"S0": 1, "S1": 0, "B0": 2, "B1": 3}


def test_random_moves_give_contiguous_trees_inside_sentences(system):
    """Every token reaches a root; each tree covers a contiguous span; no tree crosses a
    sentence start a BREAK opened; every such sentence has at least one root."""
    rng = random.Random(0)
    n_split = 0
    for _ in range(300):
        n = rng.randrange(1, 14)
        state = system.init_state(n)
        while not state.is_final:
            system.apply(state, rng.choice(system.valid_moves(state)))
        heads = state.heads
        roots = []
        for i in range(n):
            h, steps = i, 0
            while heads[h] != h:
                h, steps = heads[h], steps + 1
                assert steps <= n, heads
            roots.append(h)
        spans = {}
        for i, r in enumerate(roots):
            spans.setdefault(r, []).append(i)
        for members in spans.values():
            assert members == list(range(members[0], members[-1] + 1)), heads
        starts = [i == 0 or s for i, s in enumerate(state.sent_starts)]
        bounds = [i for i in range(n) if starts[i]] + [n]
        for start, end in zip(bounds, bounds[1:]):
            n_roots = sum(heads[i] == i for i in range(start, end))
            assert n_roots >= 1 and all(start <= i < end for r in range(start, end)
                                        if heads[r] == r for i in spans[r]), heads
            n_split += n_roots > 1
    assert n_split > 0


def least_closing_loss(system, state, gold, memo):
    """Exhaustive search over the closing moves. Closing never touches the buffer, so
    the loss of the state where it ends differs between branches only by what the
    closing moves did (heads, labels, split starts)."""
    if not state.closing:
        return system.loss(state, gold)
    key = (tuple(state.stack), tuple(state.heads), tuple(state.labels),
           tuple(state.split_starts))
    if key not in memo:
        best = None
        for name in system.valid_moves(state):
            after = state.copy()
            system.apply(after, name)
            value = least_closing_loss(system, after, gold, memo)
            best = value if best is None else min(best, value)
        memo[key] = best
    return memo[key]


@pytest.mark.parametrize("seed", range(3))
def test_closing_costs_are_exact(seed):
    """Each closing move costs what it adds to the least loss still reachable."""
    rng = random.Random(seed)
    strings = StringStore()
    system = ArcEager(strings, LABELS)
    n_checked = n_split = 0
    for _ in range(250):
        n = rng.randrange(2, 10)
        heads = random_doc_tree(rng, n, rng.randrange(1, min(n, 3) + 1))
        labels = random_labels(rng, heads, LABELS)
        for i in range(n):
            if rng.random() < 0.15:
                heads[i], labels[i] = None, None
        starts = [rng.choice([None, True, False]) for _ in range(n)]
        gold = system.init_gold_arrays(heads, labels, starts)
        state = system.init_state(n)
        while not state.is_final:
            if state.closing:
                memo = {}
                now = least_closing_loss(system, state, gold, memo)
                for name, cost in system.costs(state, gold).items():
                    after = state.copy()
                    system.apply(after, name)
                    later = least_closing_loss(system, after, gold, memo)
                    assert cost == later - now, (heads, labels, starts, state, name)
                    n_checked += 1
                    n_split += name == "BREAK" and cost == 0
            system.apply(state, rng.choice(system.valid_moves(state)))
    assert n_checked > 200 and n_split > 10
