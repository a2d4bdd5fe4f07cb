"""fastnlp/tokens/entity_tags.pyx: the IOB codes and the one reader of prefixed tags."""
import pytest

from fastnlp.pipeline.transition import BiluoMoves, GoldError
from fastnlp.tokens import Doc
from fastnlp.tokens.entity_tags import IOB_NAMES, MISSING_TAGS, IobCode, split_entity_tag
from fastnlp.training.iob_utils import BILUOError, tags_to_entities


def test_iob_codes_are_spacys():
    assert {code.name: int(code) for code in IobCode} == {
        "IOB_MISSING": 0, "IOB_IN": 1, "IOB_OUT": 2, "IOB_BEGIN": 3}
    assert [IOB_NAMES[code] for code in IobCode] == ["", "I", "O", "B"]


def test_doc_writes_the_named_codes(vocab):
    doc = Doc(vocab, words=list("abcdef"), ents=["B-X", "I-X", "O", None, "U-Y", "-"])
    assert [t.ent_iob for t in doc] == [IobCode.IOB_BEGIN, IobCode.IOB_IN, IobCode.IOB_OUT,
                                        IobCode.IOB_MISSING, IobCode.IOB_BEGIN,
                                        IobCode.IOB_MISSING]
    assert [t.ent_iob_ for t in doc] == [IOB_NAMES[t.ent_iob] for t in doc]


def test_ner_writes_the_named_codes(vocab):
    moves = BiluoMoves(vocab.strings, ["X"])
    doc = Doc(vocab, words=list("abcd"))
    state = moves.init_state(doc)
    for name in ["B-X", "L-X", "O", "U-X"]:
        moves.apply(state, name)
    moves.set_annotations(state, doc)
    assert [t.ent_iob for t in doc] == [IobCode.IOB_BEGIN, IobCode.IOB_IN, IobCode.IOB_OUT,
                                        IobCode.IOB_BEGIN]


@pytest.mark.parametrize("tag,split", [
    ("B-PER", ("B", "PER")), ("I-PER", ("I", "PER")), ("L-LOC", ("L", "LOC")),
    ("U-X", ("U", "X")), ("B-ORG-2", ("B", "ORG-2")), ("U--", ("U", "-"))])
def test_split_entity_tag(tag, split):
    assert split_entity_tag(tag) == split


@pytest.mark.parametrize("tag", ["O", "-", "", None, "X-PER", "B-", "BPER", "b-PER", "B_PER",
                                 3, "BI-X"])
def test_split_entity_tag_rejects(tag):
    assert split_entity_tag(tag) is None


@pytest.mark.parametrize("tag", MISSING_TAGS)
def test_missing_tags_are_not_entities(tag):
    assert split_entity_tag(tag) is None


@pytest.mark.parametrize("bad", ["X-PER", "B-", "BPER"])
def test_every_reader_rejects_what_split_rejects(vocab, bad):
    with pytest.raises(ValueError, match="ents"):
        Doc(vocab, words=["a"], ents=[bad])
    with pytest.raises(BILUOError, match="tag 0"):
        tags_to_entities([bad])
    with pytest.raises(GoldError, match="bad BILUO tag"):
        BiluoMoves(vocab.strings, ["PER"]).init_gold_tags([bad])
