"""Feature templates: each names the right token (batch row = offset + index)."""
import numpy
import pytest
from thinc.api import Linear

from fastnlp.ml.parser_model import build_transition_parser, build_transition_parser_v1
from fastnlp.pipeline.transition import ArcEager, BiluoMoves, StateBatch
from fastnlp.pipeline.transition.features import (MAX_ENT_TOKENS, FeatureTemplate,
                                                  TemplateSet, template_set,
                                                  template_set_of_size, templates_for)
from fastnlp.strings import StringStore
from fastnlp.tokens import Doc
from fastnlp.vocab import Vocab

ALL = ["S0", "S1", "S2", "B0", "B1", "B2", "S0L1", "S0L2", "S0R1", "S0R2", "S1L1", "S1R1",
       "B0L1", "B0L2", "P1", "E0", "E1", "E2", "E3", "E4"]


def second_doc_context(system_class, labels, templates, moves, n_tokens, offset_tokens):
    """Doc-local context tokens per template of the second doc's state after `moves`;
    the first doc (`offset_tokens` long) shifts the batch offsets."""
    vocab = Vocab()
    system = system_class(vocab.strings, labels, nr_feature_tokens=templates)
    docs = [Doc(vocab, words=["x"] * offset_tokens), Doc(vocab, words=["w"] * n_tokens)]
    batch = StateBatch(system, docs)
    for name in moves:
        batch.apply_moves([-1, system.move_index(name)])
    ids = batch.context_tokens()[list(batch.active).index(1)]
    return {name: (int(i) - offset_tokens if i >= 0 else -1) for name, i in zip(templates, ids)}


def parser_context(moves, n_tokens=9, offset_tokens=3):
    return second_doc_context(ArcEager, ["dep"], ALL, moves, n_tokens, offset_tokens)


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
    ("S1L1", 1), ("S1R1", 6), ("B0L1", -1), ("B0L2", -1), ("P1", 6), ("E0", -1),
    ("E1", -1), ("E2", -1), ("E3", -1), ("E4", -1)])
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


# The entity templates (spaCy's extra NER state tokens) -----------------------------

ENT_TEMPLATES = ["B0", "E0", "E1", "E2", "E3", "E4", "P1"]


def ner_context(moves, n_tokens=10, offset_tokens=2):
    return second_doc_context(BiluoMoves, ["PER"], ENT_TEMPLATES, moves, n_tokens,
                              offset_tokens)


# An entity of PER opened at token 1, with seven tokens so far: B0 is 8.
LONG_ENTITY = ["O", "B-PER"] + ["I-PER"] * 6


@pytest.mark.parametrize("name,token", [("E0", 1), ("E1", 2), ("E2", 3), ("E3", 4),
                                        ("E4", 5)])
def test_entity_template_in_a_long_entity(name, token):
    ctx = ner_context(LONG_ENTITY)
    assert ctx["B0"] == 8 and ctx[name] == token


@pytest.mark.parametrize("name,token", [("E0", 1), ("E1", 2), ("E2", -1), ("E3", -1),
                                        ("E4", -1)])
def test_entity_template_stops_at_b0(name, token):
    """Only the entity's tokens left of B0 (decided so far) are named."""
    assert ner_context(["O", "B-PER", "I-PER"])[name] == token


@pytest.mark.parametrize("name", ["E0", "E1", "E2", "E3", "E4"])
def test_entity_template_without_an_open_entity(name):
    assert ner_context([])[name] == -1
    assert ner_context(["O", "B-PER", "I-PER", "L-PER", "U-PER"])[name] == -1


def test_entity_templates_match_max_ent_tokens():
    names = [t.name for t in FeatureTemplate if t.name[0] == "E" and t.name[1:].isdigit()]
    assert names == [f"E{k}" for k in range(MAX_ENT_TOKENS)]


def test_windowed_rows_cover_the_entity_templates():
    """A long doc decoded in windows gives the decoder rows only for B0 onwards and the
    tokens needed_tokens lists; every template must still find its token."""
    vocab = Vocab()
    system = BiluoMoves(vocab.strings, ["PER"], nr_feature_tokens=ENT_TEMPLATES)
    batch = StateBatch(system, [Doc(vocab, words=["w"] * 12)])
    for name in LONG_ENTITY:
        batch.apply_moves([system.move_index(name)])
    whole = batch.context_tokens()[0].tolist()
    b0 = batch.buffer_start(0)
    tokens = [t for t in batch.needed_tokens(0) if t < b0] + list(range(b0, 12))
    row_of = numpy.full(12, -1, dtype="int32")
    row_of[tokens] = numpy.arange(len(tokens), dtype="int32")
    batch.set_row_map(0, row_of)
    windowed = batch.context_tokens()[0].tolist()
    assert [tokens[r] if r >= 0 else -1 for r in windowed] == whole
    assert set(whole) - {-1} <= set(tokens)


# Template sets: the one table of feature-slot counts ------------------------------

def test_ner_extra_is_spacys_six_tokens():
    """spaCy 3.8 with 6 NER feature tokens: B0, then the open entity's first five
    tokens left of B0."""
    assert template_set("ner", True) is TemplateSet.NER_EXTRA
    assert [t.name for t in TemplateSet.NER_EXTRA.templates] == \
        ["B0", "E0", "E1", "E2", "E3", "E4"]
    ctx = ner_context(LONG_ENTITY)
    assert [ctx[name] for name in ["B0", "E0", "E1", "E2", "E3", "E4"]] == [8, 1, 2, 3, 4, 5]


@pytest.mark.parametrize("state_type,extra,member,n_slots", [
    ("parser", False, TemplateSet.PARSER, 8), ("parser", True, TemplateSet.PARSER_EXTRA, 13),
    ("ner", False, TemplateSet.NER, 3), ("ner", True, TemplateSet.NER_EXTRA, 6)])
def test_config_picks_a_set_and_the_system_finds_it_again(state_type, extra, member,
                                                           n_slots):
    assert template_set(state_type, extra) is member and member.n_slots == n_slots
    assert template_set_of_size(n_slots) is member
    system_class = ArcEager if state_type == "parser" else BiluoMoves
    system = system_class(StringStore(), nr_feature_tokens=n_slots)
    assert system.templates == [t.name for t in member.templates]


@pytest.mark.parametrize("state_type,extra", [("parser", False), ("parser", True),
                                              ("ner", False), ("ner", True)])
def test_model_slots_are_the_set_size(state_type, extra):
    """parser_model has no count of its own: nF is the template set's size."""
    model = build_transition_parser(Linear(8, 4), state_type, extra, 8, 2)
    assert model.get_dim("nF") == template_set(state_type, extra).n_slots
    n = template_set(state_type, extra).n_slots
    assert build_transition_parser_v1(Linear(8, 4), n, 8, 2).attrs["state_type"] == state_type


def test_unknown_sets_raise():
    with pytest.raises(ValueError, match="state_type must be 'parser' or 'ner'"):
        template_set("tagger", False)
    with pytest.raises(ValueError, match="nr_feature_tokens must be one of"):
        template_set_of_size(7)


def test_ner_system_takes_six_feature_tokens():
    """Regression: BiluoMoves(nr_feature_tokens=6), what an NER model with
    extra_state_tokens = true asks for, raised 'not supported for the ner'."""
    system = BiluoMoves(StringStore(), ["PER"], nr_feature_tokens=6)
    assert system.n_feats == 6 and system.templates[0] == "B0"
