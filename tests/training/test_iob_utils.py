"""BILUO / IOB / offset conversions."""
import pytest

from fastnlp.tokens import Doc
from fastnlp.training.iob_utils import (
    BILUOError, biluo_tags_to_offsets, biluo_tags_to_spans, biluo_to_iob, doc_to_biluo_tags,
    iob_to_biluo, offsets_to_biluo_tags, tags_to_entities)


@pytest.fixture
def doc(vocab):
    return Doc(vocab, words=["I", "like", "New", "York", "and", "Berlin", "."],
               spaces=[True, True, True, True, True, False, False])


def test_iob_to_biluo_iob2_and_iob1():
    assert iob_to_biluo(["O", "B-LOC", "I-LOC", "O", "B-PER"]) == ["O", "B-LOC", "L-LOC", "O", "U-PER"]
    assert iob_to_biluo(["I-LOC", "I-LOC", "I-LOC"]) == ["B-LOC", "I-LOC", "L-LOC"]
    assert iob_to_biluo(["B-A", "B-A"]) == ["U-A", "U-A"]
    assert iob_to_biluo(["-", "B-A", None]) == ["-", "U-A", None]


def test_iob_to_biluo_rejects_bad_tag():
    with pytest.raises(BILUOError, match="tag 1 is 'X-PER'"):
        iob_to_biluo(["O", "X-PER"])


def test_biluo_to_iob():
    assert biluo_to_iob(["U-A", "B-B", "I-B", "L-B", "O", None]) == ["B-A", "B-B", "I-B", "I-B", "O", None]


def test_offsets_to_biluo(doc):
    tags = offsets_to_biluo_tags(doc, [(7, 15, "GPE"), (20, 26, "GPE")])
    assert tags == ["O", "O", "B-GPE", "L-GPE", "O", "U-GPE", "O"]


def test_offsets_misaligned_become_dash(doc):
    with pytest.warns(UserWarning, match="do not align"):
        tags = offsets_to_biluo_tags(doc, [(7, 13, "GPE")])
    assert tags == ["O", "O", "-", "-", "O", "O", "O"]
    assert offsets_to_biluo_tags(doc, [(7, 13, "GPE")], missing="-") == ["-"] * 7


def test_offsets_overlap_raises_naming_both(doc):
    with pytest.raises(BILUOError, match=r"\(7, 15, 'GPE'\).*\(12, 15, 'X'\)"):
        offsets_to_biluo_tags(doc, [(7, 15, "GPE"), (12, 15, "X")])


def test_offsets_out_of_range(doc):
    with pytest.raises(BILUOError, match="outside the text"):
        offsets_to_biluo_tags(doc, [(20, 99, "X")])


def test_biluo_round_trip(doc):
    tags = ["O", "O", "B-GPE", "L-GPE", "O", "U-GPE", "O"]
    assert biluo_tags_to_offsets(doc, tags) == [(7, 15, "GPE"), (20, 26, "GPE")]
    spans = biluo_tags_to_spans(doc, tags)
    assert [(s.start, s.end, s.label_) for s in spans] == [(2, 4, "GPE"), (5, 6, "GPE")]


def test_tags_to_entities_errors():
    with pytest.raises(BILUOError, match="tag 1 is 'L-PER'"):
        tags_to_entities(["O", "L-PER"])
    with pytest.raises(BILUOError, match="has no 'L-' tag"):
        tags_to_entities(["B-PER", "O"])
    with pytest.raises(BILUOError, match="has no 'L-' tag"):
        tags_to_entities(["B-PER", "I-PER"])
    with pytest.raises(BILUOError, match="no 'B-LOC' entity is open"):
        tags_to_entities(["B-PER", "L-LOC"])


def test_missing_tags_give_unlabelled_entities():
    assert tags_to_entities(["-", "U-A", "O"]) == [("", 0, 0), ("A", 1, 1)]


def test_doc_to_biluo_tags_keeps_missing(vocab):
    doc = Doc(vocab, words=["a", "b", "c", "d"], ents=["B-X", "I-X", "O", None])
    assert doc_to_biluo_tags(doc) == ["B-X", "L-X", "O", "O"]
    assert doc_to_biluo_tags(doc, missing="-") == ["B-X", "L-X", "O", "-"]


def test_matches_spacy_offsets(vocab):
    import spacy
    from spacy.training import offsets_to_biluo_tags as spacy_offsets

    words = ["Apple", "is", "in", "Cupertino", ",", "California", "."]
    spaces = [True, True, True, False, True, False, False]
    ents = [(0, 5, "ORG"), (12, 21, "GPE"), (23, 33, "GPE")]
    ours = offsets_to_biluo_tags(Doc(vocab, words=words, spaces=spaces), ents)
    nlp = spacy.blank("en")
    theirs = spacy_offsets(spacy.tokens.Doc(nlp.vocab, words=words, spaces=spaces), ents)
    assert ours == theirs
