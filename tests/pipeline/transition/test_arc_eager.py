"""Arc-eager moves: validity, costs on hand-built trees, the oracle, BREAK, bad gold."""
import random

import pytest

from fastnlp.pipeline.transition import ArcEager, GoldError, projectivize
from fastnlp.strings import StringStore
from fastnlp.tokens import Doc
from fastnlp.training.example import Example
from fastnlp.vocab import Vocab
from transition_trees import (assert_exact_unless_closed, random_doc_tree, random_labels,
                              state_after)

LABELS = ["nsubj", "obj", "det", "amod"]
# "the cat saw a dog": the <- cat <- saw -> dog -> a
HEADS = [1, 2, 2, 4, 2]
DEPS = ["det", "nsubj", "ROOT", "det", "obj"]


@pytest.fixture
def system():
    return ArcEager(StringStore(), LABELS)


def test_move_names_and_fallback_label(system):
    names = system.move_names
    assert names[:2] == ["SHIFT", "REDUCE"] and names[-1] == "BREAK"
    assert "LEFT-dep" in names and "RIGHT-nsubj" in names
    assert "LEFT-ROOT" not in ArcEager(StringStore(), ["ROOT", "x"]).move_names


def test_validity_initial_and_midway(system):
    state = system.init_state(3)
    assert system.valid_moves(state) == ["SHIFT"]
    system.apply(state, "SHIFT")
    valid = set(system.valid_moves(state))
    assert {"SHIFT", "LEFT-det", "RIGHT-det", "BREAK"} <= valid and "REDUCE" not in valid
    system.apply(state, "RIGHT-obj")
    valid = set(system.valid_moves(state))
    assert "REDUCE" in valid and "LEFT-det" not in valid and "RIGHT-det" in valid
    with pytest.raises(ValueError):
        system.apply(state, "LEFT-det")


def test_costs_on_hand_built_tree(system):
    gold = system.init_gold_arrays(HEADS, DEPS)
    state = state_after(system, 5, ["SHIFT"])                  # stack [the], buffer cat ...
    costs = system.costs(state, gold)
    assert costs["LEFT-det"] == 0 and costs["LEFT-obj"] == 1      # wrong label
    assert costs["SHIFT"] == 1                        # the loses its head cat
    assert costs["RIGHT-det"] == 2                    # the <- cat lost, cat's head saw lost
    assert costs["BREAK"] == 2                        # the <- cat lost; cat starts no sentence
    state = state_after(system, 5, ["SHIFT", "LEFT-det", "SHIFT"])   # stack [cat], buffer saw a dog
    costs = system.costs(state, gold)
    assert costs["LEFT-nsubj"] == 0 and costs["SHIFT"] == 1
    assert costs["RIGHT-nsubj"] == 2                  # saw is a root; cat loses saw
    state = state_after(system, 5, ["SHIFT", "LEFT-det", "SHIFT", "LEFT-nsubj", "SHIFT"])
    costs = system.costs(state, gold)                 # stack [saw], buffer a dog
    assert costs["SHIFT"] == 0 and costs["RIGHT-obj"] == 1    # a's head dog lost
    assert costs["LEFT-det"] == 2                     # saw becomes a child; dog lost
    assert costs["BREAK"] == 2                        # saw -> dog lost; a starts no sentence


def test_reduce_cost_counts_buffer_children(system):
    # 0 -> 1, 0 -> 3, 1 -> 2: REDUCE 1 before 2 loses 1 -> 2.
    gold = system.init_gold_arrays([0, 0, 1, 0], ["ROOT", "obj", "amod", "obj"])
    state = state_after(system, 4, ["SHIFT", "RIGHT-obj"])
    costs = system.costs(state, gold)
    assert costs["REDUCE"] == 1 and costs["RIGHT-amod"] == 0 and costs["RIGHT-obj"] == 1
    state = state_after(system, 4, ["SHIFT", "RIGHT-obj", "RIGHT-amod"])
    assert system.costs(state, gold)["REDUCE"] == 0


def test_missing_heads_cost_nothing(system):
    gold = system.init_gold_arrays([None, 2, 2], [None, "nsubj", "ROOT"])
    state = state_after(system, 3, ["SHIFT"])
    costs = system.costs(state, gold)
    assert costs["SHIFT"] == 0 and costs["BREAK"] == 0 and costs["LEFT-obj"] == 0
    assert costs["RIGHT-obj"] == 1                    # 1's head is 2, not the free 0
    assert gold.n_missing == 1
    # A known head with a missing label: any label is free.
    gold = system.init_gold_arrays([1, 1], [None, "ROOT"])
    assert system.costs(state_after(system, 2, ["SHIFT"]), gold)["LEFT-amod"] == 0
    # Head annotated as self with no label = missing, not a root.
    gold = system.init_gold_arrays([0, 1], ["", "ROOT"])
    assert system.costs(state_after(system, 2, ["SHIFT"]), gold)["LEFT-obj"] == 0


def test_oracle_reproduces_projective_tree(system):
    vocab = Vocab()
    words = ["the", "cat", "saw", "a", "dog"]
    doc = Doc(vocab, words=words, heads=HEADS, deps=DEPS)
    eg = Example(Doc(vocab, words=words), doc)
    system = ArcEager(vocab.strings, LABELS)
    assert system.get_oracle_sequence(eg) == [
        "SHIFT", "LEFT-det", "SHIFT", "LEFT-nsubj", "SHIFT", "SHIFT", "LEFT-det", "RIGHT-obj"]
    gold = system.init_gold(eg)
    state = system.init_state(5)
    system.follow_oracle(state, gold)
    assert state.heads == HEADS
    assert [vocab.strings[l] for l in state.labels] == DEPS
    system.set_annotations(state, eg.predicted)
    assert [t.head.i for t in eg.predicted] == HEADS and [t.dep_ for t in eg.predicted] == DEPS


def test_break_splits_sentences(system):
    # Two sentences: "a b" (b root) and "c d e" (d root).
    heads = [1, 1, 3, 3, 3]
    deps = ["nsubj", "ROOT", "nsubj", "ROOT", "obj"]
    gold = system.init_gold_arrays(heads, deps)
    state = system.init_state(5)
    names = system.follow_oracle(state, gold)
    assert names == ["SHIFT", "LEFT-nsubj", "SHIFT", "BREAK", "SHIFT", "LEFT-nsubj", "SHIFT",
                     "RIGHT-obj"]
    assert state.heads == heads and state.sent_starts == [False, False, True, False, False]
    # Across the boundary: arcs cost, BREAK is free; after BREAK, no arc crosses.
    state = state_after(system, 5, ["SHIFT", "LEFT-nsubj", "SHIFT"])
    costs = system.costs(state, gold)
    assert costs["BREAK"] == 0
    # LEFT: b loses its root status, and the emptied stack leaves c no BREAK.
    assert costs["LEFT-nsubj"] == 2
    # Moving c onto the stack loses its sentence start (and RIGHT also c's head d).
    assert costs["SHIFT"] == 1 and costs["RIGHT-obj"] == 2
    system.apply(state, "BREAK")
    assert state.stack == [] and state.heads[1] == 1 and system.valid_moves(state) == ["SHIFT"]


def test_break_then_write_doc_sentences():
    vocab = Vocab()
    system = ArcEager(vocab.strings, LABELS)
    doc = Doc(vocab, words=["a", "b", "c", "d"])
    state = state_after(system, 4, ["SHIFT", "BREAK", "SHIFT", "LEFT-obj", "SHIFT", "BREAK", "SHIFT"])
    assert state.is_final
    system.set_annotations(state, doc)
    assert [s.text for s in doc.sents] == ["a", "b c", "d"]
    assert [t.dep_ for t in doc] == ["ROOT", "obj", "ROOT", "ROOT"]


def test_nonprojective_gold_is_lifted_for_the_oracle():
    vocab = Vocab()
    # b is the root; the arc d -> a spans b, which d does not dominate.
    words = ["a", "b", "c", "d"]
    heads, deps = [3, 1, 1, 1], ["det", "ROOT", "nsubj", "obj"]
    doc = Doc(vocab, words=words, heads=heads, deps=deps)
    eg = Example(Doc(vocab, words=words), doc)
    proj_heads, proj_deps = projectivize(heads, deps)
    assert proj_heads != heads
    system = ArcEager.from_examples(vocab.strings, [eg])
    gold = system.init_gold(eg)
    state = system.init_state(4)
    system.follow_oracle(state, gold)
    assert state.heads == proj_heads
    system.set_annotations(state, eg.predicted)
    assert [t.head.i for t in eg.predicted] == heads and [t.dep_ for t in eg.predicted] == deps


@pytest.mark.parametrize("seed", range(4))
def test_random_wrong_moves_then_oracle_loss_equals_cost(seed):
    """From states reached by random moves, zero-cost moves reach a tree whose loss is
    exactly the summed cost of all moves (the oracle is exact) when no sentence had to
    be closed. Closing can recover arcs an earlier move was charged for (or force an arc
    on a second gold root); its own costs are checked in test_closing.py."""
    rng = random.Random(seed)
    system = ArcEager(StringStore(), LABELS)
    n_checked = 0
    for _ in range(400):
        n = rng.randrange(1, 15)
        heads = random_doc_tree(rng, n, rng.randrange(1, min(n, 3) + 1))
        labels = random_labels(rng, heads, LABELS)
        if rng.random() < 0.4:
            for i in range(n):
                if rng.random() < 0.25:
                    heads[i] = None
                elif rng.random() < 0.2:
                    labels[i] = None
        gold = system.init_gold_arrays(heads, labels)
        n_checked += assert_exact_unless_closed(rng, system, gold, system.init_state(n), n,
                                                (heads, labels))
    assert n_checked >= 100


def test_bad_gold_raises_gold_error(system):
    with pytest.raises(GoldError, match="cycle"):
        system.init_gold_arrays([1, 0, 2], ["obj", "obj", "ROOT"])
    with pytest.raises(GoldError, match="outside"):
        system.init_gold_arrays([5, 1], ["obj", "ROOT"])
    with pytest.raises(GoldError):
        system.init_gold_arrays([0], ["ROOT", "x"])


def test_unknown_gold_labels_map_to_fallback(system):
    gold = system.init_gold_arrays([1, 1], ["weird", "ROOT"])
    assert gold.n_unknown_labels == 1
    costs = system.costs(state_after(system, 2, ["SHIFT"]), gold)
    assert costs["LEFT-dep"] == 0 and costs["LEFT-nsubj"] == 1


def test_labels_from_examples_with_min_freq():
    vocab = Vocab()
    words = ["a", "b", "c"]
    egs = [Example(Doc(vocab, words=words),
                   Doc(vocab, words=words, heads=[1, 1, 1], deps=["det", "ROOT", dep]))
           for dep in ("obj", "obj", "rare")]
    system = ArcEager.from_examples(vocab.strings, egs, min_freq=2)
    assert system.labels == ["dep", "det", "obj"]
    assert system.label_freqs["rare"] == 1
    assert system.add_label("rare") and "LEFT-rare" in system.move_names


# Gold sentence starts -------------------------------------------------------------

def test_sentence_starts_only_teach_break(system):
    """No heads, sentence starts "a b | c | d e": BREAK is the only zero-cost move at a
    start, and costs 1 inside a sentence."""
    none = [None] * 5
    gold = system.init_gold_arrays(none, none, [True, False, True, True, False])
    assert system.gold_sent_starts(gold) == [None, False, True, True, False]
    state = state_after(system, 5, ["SHIFT"])                  # B0 = b (inside)
    costs = system.costs(state, gold)
    assert costs["BREAK"] == 1 and costs["SHIFT"] == 0 and costs["RIGHT-obj"] == 0
    state = state_after(system, 5, ["SHIFT", "SHIFT"])         # B0 = c (a start)
    costs = system.costs(state, gold)
    assert costs["BREAK"] == 0
    assert costs["SHIFT"] == 1 and costs["RIGHT-obj"] == 1
    assert costs["LEFT-obj"] == 1                              # c <- b crosses the start
    system.apply(state, "LEFT-obj")
    assert "BREAK" not in system.valid_moves(state)
    state = state_after(system, 5, [])
    names = system.follow_oracle(state, gold)
    assert names.count("BREAK") == 2
    assert state.sent_starts == [False, False, True, True, False]
    assert system.loss(state, gold) == 0


def test_emptying_the_stack_at_a_start_costs(system):
    # "a b | c": b -> ... no heads known; a's head is b.
    gold = system.init_gold_arrays([1, None, None], ["det", None, None], [1, -1, 1])
    state = state_after(system, 3, ["SHIFT", "LEFT-det", "SHIFT"])    # stack [b], B0 = c
    costs = system.costs(state, gold)
    assert costs["LEFT-obj"] == 1 and costs["BREAK"] == 0
    state = state_after(system, 3, ["SHIFT", "RIGHT-obj"])             # stack [a, b], B0 = c
    assert system.costs(state, gold)["REDUCE"] == 0          # a stays on the stack
    system.apply(state, "REDUCE")                             # stack [a]
    # a's gold head b was lost by RIGHT already; LEFT would empty the stack.
    assert system.costs(state, gold)["LEFT-obj"] == 1


def test_start_already_lost_costs_nothing_more(system):
    gold = system.init_gold_arrays([None] * 3, [None] * 3, [1, 1, 1])
    state = state_after(system, 3, ["SHIFT", "SHIFT"])                 # start at b lost
    system.apply(state, "RIGHT-obj")                          # start at c lost
    assert state.closing                                      # a and b are headless
    system.apply(state, "RIGHT-dep")
    assert state.is_final and system.loss(state, gold) == 2
    state = state_after(system, 3, ["SHIFT", "BREAK"])                 # empty stack, B0 = b
    assert system.costs(state, gold) == {"SHIFT": 0}


def test_known_arcs_win_over_sentence_starts(system):
    # "a b c" with a -> c: a start at b or c would split the arc; b's start stays unknown
    # only where no known arc crosses.
    gold = system.init_gold_arrays([0, None, 0], ["ROOT", None, "obj"], [1, 1, 1])
    assert system.gold_sent_starts(gold) == [None, False, False]
    gold = system.init_gold_arrays([0, None, 2], ["ROOT", None, "ROOT"], [1, 1, 0])
    assert system.gold_sent_starts(gold) == [None, True, None]
    # All heads known and no start given: trees start sentences.
    gold = system.init_gold_arrays([1, 1, 2], ["det", "ROOT", "ROOT"])
    assert system.gold_sent_starts(gold) == [None, False, True]
    with pytest.raises(GoldError, match="sentence starts"):
        system.init_gold_arrays([1, 1], ["det", "ROOT"], [True])


def test_gold_from_example_sentence_starts():
    vocab = Vocab()
    words = ["Hi", ".", "Bye", "."]
    eg = Example.from_dict(Doc(vocab, words=words), {"sent_starts": [1, -1, 1, 0]})
    assert eg.get_aligned_sent_start_values() == [True, False, True, None]
    system = ArcEager(vocab.strings, LABELS)
    gold = system.init_gold(eg)
    assert system.gold_sent_starts(gold) == [None, False, True, None]
    state = system.init_state(4)
    system.follow_oracle(state, gold)
    assert state.sent_starts[:3] == [False, False, True]     # token 3: unknown, free
    # Parsed reference: starts from the trees. Split tokens: the second piece is False.
    ref = Doc(vocab, words=["ab", "c"], heads=[0, 1], deps=["ROOT", "ROOT"])
    eg = Example(Doc(vocab, words=["a", "b", "c"], spaces=[False, True, False]), ref)
    assert eg.get_aligned_sent_start_values() == [True, False, True]
    assert Example(Doc(vocab, words=words), Doc(vocab, words=words)) \
        .get_aligned_sent_start_values() == [None] * 4


@pytest.mark.parametrize("seed", range(4))
def test_random_sentence_starts_loss_equals_cost(seed):
    """As test_random_wrong_moves_then_oracle_loss_equals_cost, with gold sentence
    starts: the true ones, random ones, partly unknown, with or without heads."""
    rng = random.Random(seed)
    system = ArcEager(StringStore(), LABELS)
    n_checked = 0
    for _ in range(400):
        n = rng.randrange(1, 15)
        heads = random_doc_tree(rng, n, rng.randrange(1, min(n, 4) + 1))
        labels = random_labels(rng, heads, LABELS)
        starts = [i == 0 or all(not (min(h, c) < i <= max(h, c)) for c, h in enumerate(heads))
                  for i in range(n)]
        if rng.random() < 0.3:
            starts = [rng.choice([True, False]) for _ in range(n)]
        starts = [None if rng.random() < 0.2 else s for s in starts]
        mode = rng.random()
        if mode < 0.3:
            heads, labels = [None] * n, [None] * n
        elif mode < 0.6:
            for i in range(n):
                if rng.random() < 0.25:
                    heads[i] = None
        gold = system.init_gold_arrays(heads, labels, starts)
        n_checked += assert_exact_unless_closed(rng, system, gold, system.init_state(n), n,
                                                (heads, labels, starts))
    assert n_checked >= 100


def test_headless_tokens_at_the_end_are_closed_into_one_tree():
    """Tokens still headless when the buffer runs out are joined by the model's own
    LEFT/RIGHT moves (closing), so the last sentence has one root too, or split into
    sentences by BREAK."""
    vocab = Vocab()
    system = ArcEager(vocab.strings, ["nsubj", "obj"])
    doc = Doc(vocab, words=["a", "b", "c", "d", "e"])
    state = system.init_state(doc)
    for move in ["SHIFT", "LEFT-nsubj", "SHIFT", "RIGHT-obj", "BREAK", "SHIFT", "SHIFT"]:
        system.apply(state, move)
    assert state.closing and not state.is_final
    assert set(system.valid_moves(state)) == {"LEFT-nsubj", "LEFT-obj", "LEFT-dep",
                                              "RIGHT-nsubj", "RIGHT-obj", "RIGHT-dep",
                                              "BREAK"}
    split = state.copy()
    system.apply(state, "LEFT-nsubj")
    assert state.is_final
    system.set_annotations(state, doc)
    assert [t.head.i for t in doc] == [1, 1, 1, 4, 4]
    assert [t.dep_ for t in doc] == ["nsubj", "ROOT", "obj", "nsubj", "ROOT"]
    assert [s.text for s in doc.sents] == ["a b c", "d e"]
    system.apply(split, "BREAK")
    assert split.is_final
    system.set_annotations(split, doc)
    assert [t.head.i for t in doc] == [1, 1, 1, 3, 4]
    assert [s.text for s in doc.sents] == ["a b c", "d", "e"]
