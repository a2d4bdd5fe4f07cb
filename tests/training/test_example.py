"""Example: construction from dicts, aligned annotation, conversion."""
import pickle

import pytest

from fastnlp.tokens import Doc
from fastnlp.training.annotations import AnnotationError
from fastnlp.training.example import Example


@pytest.fixture
def predicted(vocab):
    return Doc(vocab, words=["I", "cannot", "see", "New", "York", "."],
               spaces=[True, True, True, True, False, False])


GOLD = {
    "words": ["I", "can", "not", "see", "New York", "."],
    "spaces": [True, False, True, True, False, False],
    "tags": ["PRP", "MD", "RB", "VB", "NNP", "."],
    "heads": [3, 3, 3, 3, 3, 3],
    "deps": ["nsubj", "aux", "neg", "ROOT", "dobj", "punct"],
    "entities": ["O", "O", "O", "O", "U-GPE", "O"],
}


def test_from_dict_without_words_uses_predicted_tokens(vocab):
    doc = Doc(vocab, words=["Facebook", "released", "React", "in", "2014"])
    eg = Example.from_dict(doc, {"entities": ["U-ORG", "O", "U-TECHNOLOGY", "O", "U-DATE"],
                                 "tags": ["NNP", "VBD", "NNP", "IN", "CD"]})
    assert [t.text for t in eg.reference] == [t.text for t in doc]
    assert eg.predicted is doc and eg.x is doc and eg.y is eg.reference
    assert [e.label_ for e in eg.reference.ents] == ["ORG", "TECHNOLOGY", "DATE"]
    assert eg.get_aligned("TAG", as_string=True) == ["NNP", "VBD", "NNP", "IN", "CD"]
    assert eg.text == "Facebook released React in 2014 "


def test_alignment_and_aligned_tags(predicted):
    eg = Example.from_dict(predicted, GOLD)
    assert eg.alignment.x2y.to_lists() == [[0], [1, 2], [3], [4], [4], [5]]
    # "cannot" covers two gold tokens with different tags: None.
    assert eg.get_aligned("TAG", as_string=True) == ["PRP", None, "VB", "NNP", "NNP", "."]


def test_aligned_parse(predicted):
    heads, deps = Example.from_dict(predicted, GOLD).get_aligned_parse()
    assert heads == [2, None, 2, 2, 2, 2]
    assert deps == ["nsubj", None, "ROOT", "dobj", "dobj", "punct"]


def test_aligned_ner_marks_inexpressible_entities(predicted):
    eg = Example.from_dict(predicted, GOLD)
    # The gold entity is one token, the predicted side two: it still fits exactly.
    assert eg.get_aligned_ner() == ["O", "O", "O", "B-GPE", "L-GPE", "O"]
    other = Doc(predicted.vocab, words=["I", "cannot", "see", "NewYork."], spaces=[True, True, True, False])
    gold = {"words": ["I", "cannot", "see", "NewYork", "."],
            "spaces": [True, True, True, False, False], "entities": ["O", "O", "O", "U-GPE", "O"]}
    assert Example.from_dict(other, gold).get_aligned_ner() == ["O", "O", "O", "-"]


def test_aligned_ner_missing_annotation(predicted):
    eg = Example.from_dict(predicted, {"entities": ["O", "-", "O", "B-GPE", "L-GPE", None]})
    assert eg.get_aligned_ner() == ["O", "-", "O", "B-GPE", "L-GPE", "-"]
    no_ner = Example.from_dict(predicted, {"tags": ["A"] * 6})
    assert no_ner.get_aligned_ner() == ["-"] * 6


def test_entities_as_iob_and_offsets(predicted):
    iob = Example.from_dict(predicted, {"entities": ["O", "O", "O", "B-GPE", "I-GPE", "O"]})
    offsets = Example.from_dict(predicted, {"entities": [(13, 21, "GPE")]})
    for eg in (iob, offsets):
        assert [(e.start, e.end, e.label_) for e in eg.reference.ents] == [(3, 5, "GPE")]


def test_sent_starts(vocab):
    doc = Doc(vocab, words=["Hi", ".", "Bye", "."])
    eg = Example.from_dict(doc, {"sent_starts": [1, 0, 1, 0]})
    assert eg.get_aligned_sent_starts() == [True, False, True, False]
    assert Example.from_dict(doc, {}).get_aligned_sent_starts() == [None] * 4
    parts = eg.split_sents()
    assert [p.text for p in parts] == ["Hi .", "Bye ."]
    assert [p.reference.text for p in parts] == ["Hi .", "Bye ."]


def test_to_dict_round_trip(predicted):
    eg = Example.from_dict(predicted, GOLD)
    data = eg.to_dict()
    tokens = data["token_annotation"]
    assert tokens["ORTH"] == GOLD["words"] and tokens["HEAD"] == GOLD["heads"]
    again = Example.from_dict(predicted, data)
    assert again.to_dict() == data


def test_links_and_cats_and_spans(vocab):
    doc = Doc(vocab, words=["Ada", "Lovelace", "wrote"])
    eg = Example.from_dict(doc, {"entities": [(0, 12, "PERSON")], "cats": {"BIO": 1.0},
                                 "links": {(0, 12): {"Q7259": 1.0}},
                                 "spans": {"sc": [(0, 3, "FIRST")]}})
    assert eg.reference.cats == {"BIO": 1.0}
    assert [t.ent_kb_id_ for t in eg.reference] == ["Q7259", "Q7259", ""]
    assert [(s.text, s.label_) for s in eg.reference.spans["sc"]] == [("Ada", "FIRST")]


def test_bad_input_names_the_problem(predicted):
    with pytest.raises(AnnotationError, match="'tags' has 2 values but there are 6 words"):
        Example.from_dict(predicted, {"tags": ["A", "B"]})
    with pytest.raises(AnnotationError, match="unknown key 'colour'"):
        Example.from_dict(predicted, {"colour": [1]})
    with pytest.raises(AnnotationError, match="does not fall on token boundaries"):
        Example.from_dict(predicted, {"spans": {"sc": [(1, 4, "X")]}})
    with pytest.raises(TypeError, match="must be a Doc"):
        Example.from_dict("text", {})
    with pytest.raises(ValueError, match="different texts"):
        Example.from_dict(predicted, {"words": ["something", "else"]}).alignment


def test_alignment_recomputed_when_words_change(predicted, vocab):
    eg = Example.from_dict(predicted, GOLD)
    first = eg.alignment
    assert eg.alignment is first
    eg.predicted = Doc(vocab, words=["I", "can", "not", "see", "New York", "."])
    assert eg.alignment.x2y.to_lists() == [[0], [1], [2], [3], [4], [5]]


def test_copy_and_pickle(predicted):
    eg = Example.from_dict(predicted, GOLD)
    for other in (eg.copy(), pickle.loads(pickle.dumps(eg))):
        assert other.predicted is not eg.predicted
        assert other.to_dict() == eg.to_dict()
        assert other.get_aligned_ner() == eg.get_aligned_ner()


def test_get_aligned_matches_spacy(predicted):
    import spacy
    from spacy.training import Example as SpacyExample

    nlp = spacy.blank("en")
    spacy_doc = spacy.tokens.Doc(nlp.vocab, words=[t.text for t in predicted],
                                 spaces=[bool(t.whitespace_) for t in predicted])
    theirs = SpacyExample.from_dict(spacy_doc, GOLD)
    ours = Example.from_dict(predicted, GOLD)
    assert ours.get_aligned("TAG", as_string=True) == theirs.get_aligned("TAG", as_string=True)
    assert ours.get_aligned_parse() == theirs.get_aligned_parse(projectivize=False)
    assert ours.get_aligned_ner() == theirs.get_aligned_ner()
    assert ours.get_aligned_sent_starts() == theirs.get_aligned_sent_starts()
