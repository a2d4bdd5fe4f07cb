"""StateBatch: rows of active states, validity, costs, greedy steps, annotations."""
import numpy
import pytest

from fastnlp.pipeline.transition import ArcEager, BiluoMoves, StateBatch
from fastnlp.tokens import Doc
from fastnlp.training.example import Example
from fastnlp.vocab import Vocab

LABELS = ["det", "nsubj", "obj"]


def parsed_example(vocab, words, heads, deps):
    return Example(Doc(vocab, words=words), Doc(vocab, words=words, heads=heads, deps=deps))


@pytest.fixture
def vocab():
    return Vocab()


def test_rows_offsets_and_dropping_final_states(vocab):
    system = ArcEager(vocab.strings, LABELS)
    docs = [Doc(vocab, words=["a"]), Doc(vocab, words=[]), Doc(vocab, words=["b", "c"])]
    batch = StateBatch(system, docs)
    assert batch.n_states == 3 and batch.n_tokens == 3
    assert batch.active.tolist() == [0, 2]              # the empty doc starts final
    ids = batch.context_tokens()
    assert ids.shape == (2, 8)
    assert ids[:, 0].tolist() == [0, 1]                 # B0 rows: doc offsets 0 and 1
    shift = system.move_index("SHIFT")
    assert batch.apply_moves([shift, shift]) == 1       # doc 0 is final now
    assert batch.active.tolist() == [2]
    assert batch.is_final == [True, True, False]
    assert batch.context_tokens()[0, :3].tolist() == [2, -1, 1]  # B0, B1, S0


def test_valid_and_costs_match_the_system(vocab):
    eg = parsed_example(vocab, ["the", "cat", "sat"], [1, 2, 2], ["det", "nsubj", "ROOT"])
    system = ArcEager(vocab.strings, LABELS)
    batch, kept, n_skipped = StateBatch.from_examples(system, [eg])
    assert n_skipped == 0
    valid = batch.valid()
    assert valid.shape == (1, system.n_moves)
    assert [system.move_names[m] for m in numpy.nonzero(valid[0])[0]] == ["SHIFT"]
    batch.apply_moves([system.move_index("SHIFT")])
    costs, valid = batch.costs()
    by_name = dict(zip(system.move_names, costs[0].tolist()))
    assert by_name["LEFT-det"] == 0 and by_name["SHIFT"] == 1
    assert by_name["REDUCE"] > 1e6 and valid[0, system.move_index("REDUCE")] == 0


def test_greedy_picks_best_valid_move(vocab):
    system = ArcEager(vocab.strings, LABELS)
    batch = StateBatch(system, [Doc(vocab, words=["a", "b"])])
    scores = numpy.zeros((1, system.n_moves), dtype="float32")
    scores[0, system.move_index("REDUCE")] = 10.0        # invalid: ignored
    scores[0, system.move_index("SHIFT")] = 1.0
    assert batch.greedy(scores).tolist() == [system.move_index("SHIFT")]
    scores[0, system.move_index("RIGHT-obj")] = 5.0
    batch.greedy(scores)
    assert batch.n_active == 0
    batch.set_annotations()
    doc = batch.docs[0]
    assert [t.head.i for t in doc] == [0, 0] and [t.dep_ for t in doc] == ["ROOT", "obj"]


def test_bad_calls_raise(vocab):
    system = ArcEager(vocab.strings, LABELS)
    batch = StateBatch(system, [Doc(vocab, words=["a", "b"])])
    with pytest.raises(ValueError):
        batch.apply_moves([system.move_index("REDUCE")])
    with pytest.raises(ValueError):
        batch.apply_moves([system.n_moves])
    with pytest.raises(ValueError):
        batch.apply_moves([0, 0])
    with pytest.raises(ValueError):
        batch.costs()                                   # no gold
    with pytest.raises(ValueError):
        batch.set_annotations()                         # not final
    with pytest.raises(ValueError):
        batch.greedy(numpy.zeros((1, 3), dtype="float32"))
    assert batch.state(0).stack == []                   # unchanged by the failures


class CyclicExample:
    """An example whose aligned parse has a head cycle (a Doc cannot hold one)."""

    def __init__(self, predicted):
        self.predicted = predicted

    def get_aligned_parse(self, projectivize=False):
        return [1, 0, 2], ["det", "det", "ROOT"]


def test_from_examples_skips_bad_gold(vocab):
    system = ArcEager(vocab.strings, LABELS)
    good = parsed_example(vocab, ["a", "b"], [1, 1], ["det", "ROOT"])
    bad = CyclicExample(Doc(vocab, words=["a", "b", "c"]))
    batch, kept, n_skipped = StateBatch.from_examples(system, [good, bad])
    assert n_skipped == 1 and kept == [good] and batch.n_states == 1
    with pytest.raises(ValueError, match="cycle"):
        StateBatch.from_examples(system, [good, bad], skip_bad=False)


def test_oracle_over_batch_parser_and_ner(vocab):
    parser = ArcEager(vocab.strings, LABELS)
    egs = [parsed_example(vocab, ["a", "b", "c"], [1, 1, 1], ["det", "ROOT", "obj"]),
           parsed_example(vocab, ["d", "e"], [0, 0], ["ROOT", "obj"])]
    batch, _, _ = StateBatch.from_examples(parser, egs)
    batch.follow_oracle()
    batch.set_annotations()
    assert [[t.head.i for t in doc] for doc in batch.docs] == [[1, 1, 1], [0, 0]]
    ner = BiluoMoves(vocab.strings, ["PER"])
    words = ["Ada", "Lovelace", "wrote"]
    eg = Example(Doc(vocab, words=words), Doc(vocab, words=words, ents=["B-PER", "L-PER", "O"]))
    batch, _, _ = StateBatch.from_examples(ner, [eg])
    assert batch.context_tokens().shape == (1, 3)
    batch.follow_oracle()
    batch.set_annotations()
    assert [e.text for e in eg.predicted.ents] == ["Ada Lovelace"]


def test_cut_along_oracle_starts_states_on_the_gold_path(vocab):
    parser = ArcEager(vocab.strings, LABELS)
    words = ["the", "cat", "saw", "a", "dog", "the", "end"]
    heads, deps = [1, 2, 2, 4, 2, 6, 6], ["det", "nsubj", "ROOT", "det", "obj", "det", "ROOT"]
    egs = [parsed_example(vocab, words, heads, deps),
           parsed_example(vocab, ["d", "e"], [0, 0], ["ROOT", "obj"])]
    batch, _, _ = StateBatch.from_examples(parser, egs)
    n_moves = [len(parser.get_oracle_sequence(eg)) for eg in egs]
    cut = batch.cut_along_oracle(3)
    # One state per 3 oracle moves of each doc, sharing the batch's token rows.
    assert cut.n_states == sum(-(-n // 3) for n in n_moves)
    assert cut.n_tokens == batch.n_tokens
    assert cut.state(0).heads == [-1] * 7 and cut.state(0).stack == []
    assert cut.state(1).heads != cut.state(0).heads or cut.state(1).stack != []
    rows = cut.context_tokens()
    assert rows.max() < batch.n_tokens
    # From every cut the oracle still reaches the gold tree at no cost.
    costs, valid = cut.costs()
    assert all(((costs[r] == 0) & (valid[r] == 1)).any() for r in range(cut.n_active))
    cut.follow_oracle()
    finals = [cut.state(b).heads for b in range(cut.n_states)]
    assert finals == [heads] * -(-n_moves[0] // 3) + [[0, 0]] * -(-n_moves[1] // 3)
    with pytest.raises(ValueError):
        StateBatch(parser, [eg.predicted for eg in egs]).cut_along_oracle(3)
