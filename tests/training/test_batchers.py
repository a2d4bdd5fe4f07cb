"""Batchers: sizes from ints, sequences and Thinc schedules."""
import pytest
from thinc.api import compounding

from fastnlp.registry import registry
from fastnlp.training.batchers import (
    iter_sizes, minibatch, minibatch_by_padded_size, minibatch_by_words)


def _items(lengths):
    return [["w"] * n for n in lengths]


def test_minibatch_fixed_and_sequence_sizes():
    assert [len(b) for b in minibatch(range(7), size=3)] == [3, 3, 1]
    assert [len(b) for b in minibatch(range(7), size=[1, 2, 4])] == [1, 2, 4]


def test_by_words_packs_to_size_with_tolerance():
    batches = list(minibatch_by_words(_items([4, 4, 4, 4, 1]), size=10, tolerance=0.2))
    assert [[len(s) for s in b] for b in batches] == [[4, 4], [4, 4, 1]]
    assert sum(len(b) for b in batches) == 5


def test_by_words_oversize_alone_or_discarded():
    items = _items([3, 50, 3])
    assert [[len(s) for s in b] for b in minibatch_by_words(items, size=10)] == [[50], [3, 3]]
    kept = list(minibatch_by_words(items, size=10, discard_oversize=True))
    assert [[len(s) for s in b] for b in kept] == [[3, 3]]


def test_by_words_matches_spacy():
    from spacy.training.batchers import minibatch_by_words as spacy_by_words

    lengths = [(i * 37) % 23 + 1 for i in range(200)]
    for tolerance, discard in ((0.2, False), (0.0, True), (0.5, False)):
        ours = [[len(s) for s in b] for b in minibatch_by_words(
            _items(lengths), size=[30, 40, 50] * 100, tolerance=tolerance, discard_oversize=discard)]
        theirs = [[len(s) for s in b] for b in spacy_by_words(
            _items(lengths), size=[30, 40, 50] * 100, tolerance=tolerance, discard_oversize=discard)]
        assert ours == theirs


def test_by_padded_matches_spacy():
    from spacy.training.batchers import minibatch_by_padded_size as spacy_padded

    lengths = [(i * 13) % 17 + 1 for i in range(100)]
    ours = [[len(s) for s in b] for b in minibatch_by_padded_size(_items(lengths), size=40, buffer=16)]
    theirs = [[len(s) for s in b] for b in spacy_padded(_items(lengths), size=40, buffer=16)]
    assert ours == theirs
    for batch in minibatch_by_padded_size(_items(lengths), size=40, buffer=16, discard_oversize=True):
        assert max(len(s) for s in batch) * len(batch) < 40


def test_schedule_sizes():
    sizes = iter_sizes(compounding(2.0, 8.0, 2.0))
    assert [next(sizes) for _ in range(4)] == [2, 4, 8, 8]

    class StepSchedule:
        def __call__(self, step):
            return 10 + step

    sizes = iter_sizes(StepSchedule())
    assert [next(sizes) for _ in range(3)] == [10, 11, 12]
    with pytest.raises(ValueError, match="size must be positive"):
        iter_sizes(0)
    with pytest.raises(TypeError, match="not str"):
        iter_sizes("big")


def test_registered_names():
    for spacy_name, ours in (("spacy.batch_by_words.v1", "fastnlp.batch_by_words.v1"),
                             ("spacy.batch_by_sequence.v1", "fastnlp.batch_by_sequence.v1"),
                             ("spacy.batch_by_padded.v1", "fastnlp.batch_by_padded.v1")):
        assert registry.batchers.get(spacy_name) is registry.batchers.get(ours)
    batcher = registry.batchers.get("spacy.batch_by_words.v1")(
        size=compounding(4.0, 100.0, 1.5), tolerance=0.2, discard_oversize=False)
    batches = list(batcher(_items([2] * 20)))
    assert sum(len(b) for b in batches) == 20 and len(batches[0]) == 2
    by_seq = registry.batchers.get("spacy.batch_by_sequence.v1")(size=3)
    assert [len(b) for b in by_seq(range(5))] == [3, 2]
