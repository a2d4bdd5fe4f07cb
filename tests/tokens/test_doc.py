import pickle

import numpy
import pytest

from fastnlp import attrs
from fastnlp.tokens import Doc, Span


@pytest.fixture
def parsed(vocab):
    words = ["She", "ate", "the", "pizza", ".", "It", "was", "good", "."]
    return Doc(
        vocab, words=words, spaces=[True, True, True, False, True, True, True, False, False],
        tags=["PRP", "VBD", "DT", "NN", ".", "PRP", "VBD", "JJ", "."],
        pos=["PRON", "VERB", "DET", "NOUN", "PUNCT", "PRON", "AUX", "ADJ", "PUNCT"],
        heads=[1, 1, 3, 1, 1, 7, 7, 7, 7],
        deps=["nsubj", "ROOT", "det", "obj", "punct", "nsubj", "cop", "ROOT", "punct"],
        ents=["O", "O", "O", "U-FOOD", "O", "O", "O", "O", "O"],
        lemmas=["she", "eat", "the", "pizza", ".", "it", "be", "good", "."],
        morphs=["Case=Nom", "Tense=Past", "", "Number=Sing", "", "", "", "", ""],
    )


def test_text_roundtrips(vocab):
    doc = Doc(vocab, words=["Hello", ",", "world", "!"], spaces=[False, True, False, False])
    assert doc.text == "Hello, world!"
    assert [t.idx for t in doc] == [0, 5, 7, 12]


def test_unknown_spaces_default_to_true(vocab):
    doc = Doc(vocab, words=["a", "b"])
    assert doc.text == "a b "
    assert doc.has_unknown_spaces


def test_grows_past_initial_capacity(vocab):
    words = [f"w{i}" for i in range(1000)]
    doc = Doc(vocab, words=words)
    assert len(doc) == 1000 and doc[999].text == "w999"


@pytest.mark.parametrize("arg", ["spaces", "tags", "heads", "deps", "ents", "lemmas"])
def test_unequal_lengths_name_the_argument(vocab, arg):
    with pytest.raises(ValueError, match=arg):
        Doc(vocab, words=["a", "b"], **{arg: ["x"]})


def test_bad_heads_raise(vocab):
    with pytest.raises(ValueError, match="outside"):
        Doc(vocab, words=["a", "b"], heads=[0, 5], deps=["ROOT", "x"])
    with pytest.raises(ValueError, match="cycle"):
        Doc(vocab, words=["a", "b", "c"], heads=[1, 0, 1], deps=["x", "y", "ROOT"])


def test_tree_and_sentences(parsed):
    ate = parsed[1]
    assert [t.text for t in ate.children] == ["She", "pizza", "."]
    assert [t.text for t in ate.lefts] == ["She"]
    assert ate.n_lefts == 1 and ate.n_rights == 2
    assert [t.i for t in ate.subtree] == [0, 1, 2, 3, 4]
    assert [t.text for t in parsed[2].ancestors] == ["pizza", "ate"]
    assert parsed[3].left_edge.i == 2 and parsed[3].right_edge.i == 3
    assert [s.text for s in parsed.sents] == ["She ate the pizza.", "It was good."]
    assert parsed[5].is_sent_start and not parsed[6].is_sent_start
    assert parsed[1:5].root.text == "ate"


def test_entities(parsed):
    assert [(e.text, e.label_, e.start, e.end) for e in parsed.ents] == [("pizza", "FOOD", 3, 4)]
    parsed.ents = [Span(parsed, 0, 2, label="PERSON")]
    assert [(e.text, e.label_) for e in parsed.ents] == [("She ate", "PERSON")]
    assert parsed[5].ent_iob_ == "O"
    with pytest.raises(ValueError):
        parsed.set_ents([Span(parsed, 0, 2, "A"), Span(parsed, 1, 3, "B")])


def test_biluo_and_iob_tags(vocab):
    doc = Doc(vocab, words=list("abcde"), ents=["B-X", "L-X", "U-Y", None, "I-Z"])
    assert [t.ent_iob_ for t in doc] == ["B", "I", "B", "", "B"]
    assert [(e.start, e.end, e.label_) for e in doc.ents] == [(0, 2, "X"), (2, 3, "Y"), (4, 5, "Z")]


def test_to_from_array_roundtrip(parsed, vocab):
    cols = [attrs.TAG, attrs.POS, attrs.HEAD, attrs.DEP, attrs.ENT_IOB, attrs.ENT_TYPE,
            attrs.LEMMA, attrs.MORPH, attrs.SENT_START]
    array = parsed.to_array(cols)
    assert array.dtype == numpy.uint64 and array.shape == (len(parsed), len(cols))
    other = Doc(vocab, words=[t.text for t in parsed])
    other.from_array(cols, array)
    assert [(t.head.i, t.dep_, t.tag_, t.pos_, t.lemma_, str(t.morph)) for t in other] == \
        [(t.head.i, t.dep_, t.tag_, t.pos_, t.lemma_, str(t.morph)) for t in parsed]
    assert parsed.to_array("HEAD").astype("int64").tolist() == [1, 0, 1, -2, -3, 2, 1, 0, -1]


def test_from_array_checks_shape(parsed):
    with pytest.raises(ValueError, match="does not fit"):
        parsed.from_array([attrs.TAG], numpy.zeros((2, 1), dtype="uint64"))


def test_empty_morph_is_the_underscore_symbol(parsed):
    assert parsed.to_array("MORPH")[2] == 456
    assert str(parsed[0].morph) == "Case=Nom"
    assert parsed[0].morph.get("Case") == ["Nom"]


def test_bytes_and_pickle_roundtrip(parsed, vocab):
    for copy in (Doc(vocab).from_bytes(parsed.to_bytes()), pickle.loads(pickle.dumps(parsed))):
        assert copy.text == parsed.text
        assert [(t.head.i, t.dep_, t.ent_type_, t.lemma_) for t in copy] == \
            [(t.head.i, t.dep_, t.ent_type_, t.lemma_) for t in parsed]


def test_char_span(parsed):
    assert parsed.char_span(4, 7).text == "ate"
    assert parsed.char_span(4, 6) is None
    assert parsed.char_span(4, 6, alignment_mode="expand").text == "ate"
    assert parsed.char_span(3, 9, alignment_mode="contract").text == "ate"
    assert parsed.char_span(8, 17, label="FOOD").label_ == "FOOD"


def test_sents_unset_raises(vocab):
    doc = Doc(vocab, words=["a", "b"])
    with pytest.raises(ValueError, match="sentence boundaries"):
        list(doc.sents)
    doc = Doc(vocab, words=["a", "b", "c"], sent_starts=[True, False, True])
    assert [s.text for s in doc.sents] == ["a b", "c"]


def test_noun_chunks(vocab):
    doc = Doc(vocab, words=["The", "big", "dog", "chased", "a", "cat"],
              pos=["DET", "ADJ", "NOUN", "VERB", "DET", "NOUN"], heads=[2, 2, 3, 3, 5, 3],
              deps=["det", "amod", "nsubj", "ROOT", "det", "obj"])
    assert [c.text for c in doc.noun_chunks] == ["The big dog", "a cat"]


def test_span_as_doc_and_slices(parsed):
    span = parsed[5:9]
    new = span.as_doc()
    assert new.text == "It was good."
    assert [t.head.i for t in new] == [2, 2, 2, 2]
    assert span[0].text == "It" and span[1:3].text == "was good"
    with pytest.raises(IndexError):
        parsed[100]


def test_ents_keep_kb_ids(vocab):
    doc = Doc(vocab, words=["Apple", "buys", "Google"])
    doc.ents = [Span(doc, 0, 1, label="ORG", kb_id="Q312")]
    assert [(e.label_, e.kb_id_) for e in doc.ents] == [("ORG", "Q312")]


def test_copy_keeps_span_groups_and_annotations(parsed):
    parsed.spans["food"] = [Span(parsed, 3, 4, label="FOOD")]
    copy = parsed.copy()
    assert copy.text == parsed.text
    assert [(s.text, s.label_) for s in copy.spans["food"]] == [("pizza", "FOOD")]
    assert copy.spans["food"][0].doc is copy
    assert [t.head.i for t in copy] == [t.head.i for t in parsed]
