"""Feature templates: each names the right token (batch row = offset + index)."""
import pytest

from fastnlp.pipeline.transition import ArcEager, BiluoMoves, StateBatch
from fastnlp.pipeline.transition.features import templates_for
from fastnlp.strings import StringStore
from fastnlp.tokens import Doc
from fastnlp.vocab import Vocab

ALL = ["S0", "S1", "S2", "B0", "B1", "B2", "S0L1", "S0L2", "S0R1", "S0R2", "S1L1", "S1R1",
       "B0L1", "B0L2", "P1", "E0"]


def parser_context(moves, n_tokens=9, offset_tokens=3):
    """Context rows of the second doc after moves; the first doc shifts offsets."""
    vocab = Vocab()
    system = ArcEager(vocab.strings, ["dep"], nr_feature_tokens=ALL)
    docs = [Doc(vocab, words=["x"] * offset_tokens), Doc(vocab, words=["w"] * n_tokens)]
    batch = StateBatch(system, docs)
    for name in moves:
        m = system.move_index(name)
        batch.apply_moves([-1, m])
    row = list(batch.active).index(1)
    ids = batch.context_tokens()[row]
    return {name: (int(i) - offset_tokens if i >= 0 else -1) for name, i in zip(ALL, ids)}


# After these moves on 9 tokens the stack is [0, 4, 6] and the buffer starts at 7;
# 1, 2, 3 <- 4 (LEFT), 0 -> 4 (RIGHT), 5 <- 6 (LEFT), 4 -> 6 (RIGHT).
MOVES = ["SHIFT", "SHIFT", "SHIFT", "SHIFT", "LEFT-dep", "LEFT-dep", "LEFT-dep",
         "RIGHT-dep", "SHIFT", "LEFT-dep", "RIGHT-dep"]


@pytest.fixture(scope="module")
def ctx():
    return parser_context(MOVES)


def test_moves_give_expected_state():
    vocab = Vocab()
    system = ArcEager(vocab.strings, ["dep"])
    state = system.init_state(9)
    for name in MOVES:
        system.apply(state, name)
    assert state.stack == [0, 4, 6] and state.B(0) == 7
    assert state.heads[:7] == [-1, 4, 4, 4, 0, 6, 4]


@pytest.mark.parametrize("name,token", [
    ("S0", 6), ("S1", 4), ("S2", 0), ("B0", 7), ("B1", 8), ("B2", -1),
    ("S0L1", 5), ("S0L2", -1), ("S0R1", -1), ("S0R2", -1),
    ("S1L1", 1), ("S1R1", 6), ("B0L1", -1), ("B0L2", -1), ("P1", 6), ("E0", -1)])
def test_parser_template(ctx, name, token):
    assert ctx[name] == token


def test_child_templates_second_kids():
    ctx = parser_context(["SHIFT", "SHIFT", "LEFT-dep", "LEFT-dep", "SHIFT", "RIGHT-dep",
                          "REDUCE", "RIGHT-dep"])
    # 2 has left kids 0, 1 and right kids 3, 4; stack [2, 4].
    assert ctx["S1L1"] == 0 and ctx["S1R1"] == 4 and ctx["S0"] == 4
    ctx = parser_context(["SHIFT", "SHIFT", "LEFT-dep", "LEFT-dep"])
    assert ctx["B0L1"] == 0 and ctx["B0L2"] == 1 and ctx["S0"] == -1
    ctx = parser_context(["SHIFT", "RIGHT-dep", "REDUCE", "RIGHT-dep", "REDUCE"])
    assert ctx["S0R1"] == 2 and ctx["S0R2"] == 1 and ctx["S0L2"] == -1


def test_ner_templates_entity_start_and_previous():
    vocab = Vocab()
    system = BiluoMoves(vocab.strings, ["PER"])
    assert system.templates == ["B0", "E0", "P1"]
    batch = StateBatch(system, [Doc(vocab, words=["a", "b", "c", "d"])])
    assert batch.context_tokens().tolist() == [[0, -1, -1]]
    batch.apply_moves([system.move_index("O")])
    batch.apply_moves([system.move_index("B-PER")])
    assert batch.context_tokens().tolist() == [[2, 1, 1]]
    batch.apply_moves([system.move_index("I-PER")])
    assert batch.context_tokens().tolist() == [[3, 1, 2]]


def test_template_lists():
    strings = StringStore()
    assert ArcEager(strings).templates == ["B0", "B1", "S0", "S1", "S2", "B0L1", "S0L1", "S0R1"]
    assert len(ArcEager(strings, nr_feature_tokens=13).templates) == 13
    assert ArcEager(strings, nr_feature_tokens=6).n_feats == 6
    with pytest.raises(ValueError):
        templates_for("parser", 7)
    with pytest.raises(ValueError):
        templates_for("ner", ["B0", "NOPE"])
