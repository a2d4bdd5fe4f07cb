"""BILUO moves: validity, costs with missing and partial annotation, the oracle."""
import random

import numpy
import pytest

from fastnlp.pipeline.transition import BiluoMoves, GoldError, StateBatch
from fastnlp.pipeline.transition.biluo_moves import tags_from_spans
from fastnlp.strings import StringStore
from fastnlp.tokens import Doc
from fastnlp.training.example import Example
from fastnlp.vocab import Vocab
from transition_trees import run_random_then_oracle


@pytest.fixture
def system():
    return BiluoMoves(StringStore(), ["PER", "ORG"])


def at(system, n, moves):
    state = system.init_state(n)
    for name in moves:
        system.apply(state, name)
    return state


def test_validity_keeps_sequences_well_formed(system):
    state = system.init_state(3)
    assert set(system.valid_moves(state)) == {"B-PER", "B-ORG", "U-PER", "U-ORG", "O"}
    system.apply(state, "B-PER")
    assert set(system.valid_moves(state)) == {"I-PER", "L-PER"}
    system.apply(state, "I-PER")
    assert system.valid_moves(state) == ["L-PER"]      # last token: no B or I
    system.apply(state, "L-PER")
    assert state.is_final and system.tags(state) == ["B-PER", "I-PER", "L-PER"]


def test_costs_full_annotation(system):
    gold = system.init_gold_tags(["B-PER", "L-PER", "O"])
    costs = system.costs(system.init_state(3), gold)
    assert costs == {"B-PER": 0, "B-ORG": 2, "U-PER": 2, "U-ORG": 2, "O": 2}
    costs = system.costs(at(system, 3, ["B-PER"]), gold)
    assert costs == {"I-PER": 2, "L-PER": 0}          # I, then a forced L over the O


def test_costs_after_a_wrong_move_are_exact(system):
    gold = system.init_gold_tags(["B-PER", "I-PER", "L-PER", "O"])
    state = at(system, 4, ["O"])                     # already lost: token 0
    costs = system.costs(state, gold)
    # Token 1 (I-PER) is now wrong whatever follows: B-PER there loses nothing more.
    assert costs["B-PER"] == 0
    assert costs["O"] == 1 and costs["U-PER"] == 1      # token 2 (L-PER) lost too


def test_missing_annotation_costs_nothing(system):
    gold = system.init_gold_tags(["-", "-", "O"])
    costs = system.costs(system.init_state(3), gold)
    assert costs["O"] == 0 and costs["B-ORG"] == 0 and costs["U-PER"] == 0
    # Partial: a known I-PER after missing tokens needs an open PER entity.
    gold = system.init_gold_tags(["-", "I-PER", "L-PER"])
    costs = system.costs(system.init_state(3), gold)
    assert costs["B-PER"] == 0 and costs["O"] == 1 and costs["B-ORG"] == 2
    assert gold.n_missing == 1


def test_unknown_labels_count_as_missing(system):
    gold = system.init_gold_tags(["U-LOC", "O"])
    assert gold.n_unknown_labels == 1
    assert system.costs(system.init_state(2), gold)["U-PER"] == 0


def test_bad_tags_and_overlapping_spans(system):
    with pytest.raises(GoldError):
        system.init_gold_tags(["X-PER"])
    with pytest.raises(GoldError, match="overlaps"):
        tags_from_spans(4, [(0, 2, "PER"), (1, 3, "ORG")])
    with pytest.raises(GoldError):
        tags_from_spans(2, [(1, 3, "PER")])


def test_oracle_sequence_and_annotations():
    vocab = Vocab()
    words = ["Ada", "Lovelace", "met", "IBM", "today"]
    ref = Doc(vocab, words=words, ents=["B-PER", "L-PER", "O", "U-ORG", "O"])
    eg = Example(Doc(vocab, words=words), ref)
    system = BiluoMoves.from_examples(vocab.strings, [eg])
    assert system.labels == ["ORG", "PER"]
    assert system.get_oracle_sequence(eg) == ["B-PER", "L-PER", "O", "U-ORG", "O"]
    state = system.init_state(5)
    system.follow_oracle(state, system.init_gold(eg))
    system.set_annotations(state, eg.predicted)
    assert [(e.text, e.label_) for e in eg.predicted.ents] == [("Ada Lovelace", "PER"),
                                                              ("IBM", "ORG")]
    assert [t.ent_iob_ for t in eg.predicted] == ["B", "I", "O", "B", "O"]


@pytest.mark.parametrize("seed", range(3))
def test_random_wrong_moves_then_oracle_loss_equals_cost(seed):
    """Summed move costs = final loss - the best loss from the start (which is > 0
    only for ill-formed gold)."""
    rng = random.Random(seed)
    system = BiluoMoves(StringStore(), ["PER", "ORG", "LOC"])
    tags = ["O", "B-PER", "I-PER", "L-PER", "U-PER", "B-ORG", "L-ORG", "U-LOC", "-", "I-ORG"]
    for _ in range(400):
        n = rng.randrange(1, 10)
        gold = system.init_gold_tags([rng.choice(tags) for _ in range(n)])
        best = system.init_state(n)
        system.follow_oracle(best, gold)
        state = system.init_state(n)
        total = run_random_then_oracle(rng, system, gold, state, rng.randrange(0, n + 1))
        assert system.loss(state, gold) == system.loss(best, gold) + total


def test_well_formed_gold_oracle_loss_is_zero(system):
    gold = system.init_gold_tags(tags_from_spans(6, [(0, 2, "PER"), (3, 4, "ORG")]))
    state = system.init_state(6)
    system.follow_oracle(state, gold)
    assert system.loss(state, gold) == 0


# Whitespace tokens: no entity starts or ends on one ----------------------------------

def spaced(system, spaces, moves=()):
    state = system.init_state(len(spaces))
    state.set_spaces(spaces)
    for name in moves:
        system.apply(state, name)
    return state


def test_whitespace_cannot_start_or_end_an_entity(system):
    state = spaced(system, [False, True, False])
    assert set(system.valid_moves(state)) == {"B-PER", "B-ORG", "U-PER", "U-ORG", "O"}
    assert system.valid_moves(spaced(system, [False, True, False], ["O"])) == ["O"]
    # Open over the whitespace: I only (L would end the entity on it).
    state = spaced(system, [False, True, False], ["B-PER"])
    assert system.valid_moves(state) == ["I-PER"]
    system.apply(state, "I-PER")
    assert system.valid_moves(state) == ["L-PER"]
    # No word after B0: B could only be closed on whitespace.
    assert set(system.valid_moves(spaced(system, [False, True]))) == {"U-PER", "U-ORG", "O"}
    assert system.valid_moves(spaced(system, [True])) == ["O"]


def test_whitespace_doc_from_a_doc_has_no_entity_moves():
    vocab = Vocab()
    system = BiluoMoves(vocab.strings, ["LOC"])
    doc = Doc(vocab, words=["Paris", " \n ", "London", "\n"])
    state = system.init_state(doc)
    assert state.spaces == [False, True, False, True]
    assert system.valid_moves(state) == ["B-LOC", "U-LOC", "O"]
    # Gold that puts entities on whitespace: the oracle gets as close as it can.
    ref = Doc(vocab, words=[t.text for t in doc], ents=["B-LOC", "I-LOC", "L-LOC", "U-LOC"])
    gold = system.init_gold(Example(doc, ref))
    system.follow_oracle(state, gold)
    assert system.tags(state) == ["B-LOC", "I-LOC", "L-LOC", "O"]
    assert system.loss(state, gold) == 1


def test_batch_decoding_never_puts_an_entity_on_whitespace():
    vocab = Vocab()
    system = BiluoMoves(vocab.strings, ["LOC"])
    docs = [Doc(vocab, words=["   "]), Doc(vocab, words=["a", "\n"]),
            Doc(vocab, words=["\n", "b", " ", "c", " "])]
    batch = StateBatch(system, docs)
    prefer = ["B-LOC", "U-LOC", "I-LOC", "L-LOC"]         # best first, O last
    scores_m = numpy.zeros(system.n_moves, dtype="float32")
    for rank, name in enumerate(prefer):
        scores_m[system.move_index(name)] = 10.0 - rank
    scores_m[system.move_index("O")] = -10.0
    while batch.n_active:
        batch.greedy(numpy.tile(scores_m, (batch.n_active, 1)))
    batch.set_annotations()
    assert [[(e.start, e.end) for e in doc.ents] for doc in docs] == [[], [(0, 1)], [(1, 4)]]


@pytest.mark.parametrize("seed", range(3))
def test_random_whitespace_loss_equals_cost(seed):
    """As above, with random whitespace tokens; a valid move always exists."""
    rng = random.Random(seed)
    system = BiluoMoves(StringStore(), ["PER", "ORG", "LOC"])
    tags = ["O", "B-PER", "I-PER", "L-PER", "U-PER", "B-ORG", "L-ORG", "U-LOC", "-", "I-ORG"]
    for _ in range(400):
        n = rng.randrange(1, 10)
        spaces = [rng.random() < 0.3 for _ in range(n)]
        gold = system.init_gold_tags([rng.choice(tags) for _ in range(n)], spaces)
        best = spaced(system, spaces)
        system.follow_oracle(best, gold)
        state = spaced(system, spaces)
        total = run_random_then_oracle(rng, system, gold, state, rng.randrange(0, n + 1))
        assert system.loss(state, gold) == system.loss(best, gold) + total
        assert not any(spaces[start] or spaces[end - 1] for start, end, _ in state.entities)
