"""Morphologizer: labels, annotation modes, training on a toy corpus, serialization."""
import numpy
import pytest

import fastnlp
from fastnlp.pipeline.morphologizer import Morphologizer, feats_to_dict, morph_label
from fastnlp.tokens import Doc
from fastnlp.training import Example
from train_data import SMALL_TOK2VEC

SENTENCES = [
    (["I", "like", "green", "eggs"], ["PRON", "VERB", "ADJ", "NOUN"],
     ["Case=Nom|Number=Sing|Person=1", "Tense=Pres|VerbForm=Fin", "Degree=Pos", "Number=Plur"]),
    (["Eat", "blue", "ham"], ["VERB", "ADJ", "NOUN"],
     ["Mood=Imp|VerbForm=Fin", "Degree=Pos", "Number=Sing"]),
]


def _pipeline(**config):
    nlp = fastnlp.blank("en")
    nlp.add_pipe("morphologizer", config={"model": {"tok2vec": SMALL_TOK2VEC}, **config})
    return nlp


def _examples(nlp):
    return [Example(nlp.make_doc(" ".join(words)),
                    Doc(nlp.vocab, words=words, pos=pos, morphs=morphs))
            for words, pos, morphs in SENTENCES]


def _trained(**config):
    nlp = _pipeline(**config)
    examples = _examples(nlp)
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(40):
        nlp.update(examples, sgd=optimizer)
    return nlp


def test_labels_join_pos_and_features_normalized():
    assert morph_label("NOUN", "Number=Plur") == "Number=Plur|POS=NOUN"
    assert morph_label("PUNCT", "_") == "POS=PUNCT"
    assert morph_label("", "") is None and morph_label(None, "Number=Sing") is None
    assert feats_to_dict("Tense=Past|Mood=Ind") == {"Mood": "Ind", "Tense": "Past"}
    morph = _pipeline().get_pipe("morphologizer")
    assert morph.add_label("POS=NOUN|Number=Sing") == 1
    assert morph.add_label("Number=Sing|POS=NOUN") == 0
    assert morph.labels == ("Number=Sing|POS=NOUN",)
    assert morph.label_data == {"morph": {"Number=Sing|POS=NOUN": "Number=Sing"},
                                "pos": {"Number=Sing|POS=NOUN": 92}}
    with pytest.raises(ValueError, match="not a universal POS tag"):
        morph.add_label("POS=NOPE")
    with pytest.raises(ValueError, match="labels must be strings"):
        morph.add_label(3)


def test_initialize_collects_labels_and_needs_some():
    nlp = _pipeline()
    nlp.initialize(lambda: _examples(nlp))
    morph = nlp.get_pipe("morphologizer")
    assert "Number=Plur|POS=NOUN" in morph.labels and "Degree=Pos|POS=ADJ" in morph.labels
    assert len(morph.labels) == 6
    empty = _pipeline()
    with pytest.raises(ValueError, match="no labels"):
        empty.initialize(lambda: [Example(empty.make_doc("a b"), empty.make_doc("a b"))])


def test_trained_morphologizer_sets_pos_and_morph():
    nlp = _trained()
    doc = nlp("I like green eggs")
    assert [t.pos_ for t in doc] == ["PRON", "VERB", "ADJ", "NOUN"]
    assert str(doc[0].morph) == "Case=Nom|Number=Sing|Person=1"
    assert doc[3].morph.get("Number") == ["Plur"]
    scores = nlp.evaluate(_examples(nlp))
    assert scores["pos_acc"] == 1.0 and scores["morph_acc"] == 1.0
    assert set(scores["morph_per_feat"]) >= {"Number", "Degree", "VerbForm"}


def _annotate(morph, doc, label):
    scores = numpy.zeros((len(doc), len(morph.labels)), dtype="float32")
    scores[:, morph.labels.index(label)] = 1.0
    morph.set_annotations([doc], [scores])
    return doc


@pytest.mark.parametrize("overwrite, extend, expected_morph, expected_pos", [
    (True, False, "Number=Plur", "NOUN"),
    (False, False, "Case=Acc|Number=Sing", "PROPN"),
    (False, True, "Case=Acc|Number=Sing", "PROPN"),
    (True, True, "Case=Acc|Number=Plur", "NOUN"),
])
def test_overwrite_and_extend(overwrite, extend, expected_morph, expected_pos):
    nlp = _pipeline(overwrite=overwrite, extend=extend)
    morph = nlp.get_pipe("morphologizer")
    morph.add_label("Number=Plur|POS=NOUN")
    nlp.initialize()
    doc = Doc(nlp.vocab, words=["x", "y"], pos=["PROPN", "PROPN"],
              morphs=["Case=Acc|Number=Sing", "Case=Acc|Number=Sing"])
    _annotate(morph, doc, "Number=Plur|POS=NOUN")
    assert [str(t.morph) for t in doc] == [expected_morph] * 2
    assert [t.pos_ for t in doc] == [expected_pos] * 2
    blank = _annotate(morph, Doc(nlp.vocab, words=["z"]), "Number=Plur|POS=NOUN")
    assert (str(blank[0].morph), blank[0].pos_) == ("Number=Plur", "NOUN")


def test_round_trips_through_disk_and_bytes(tmp_path):
    nlp = _trained()
    text = "Eat green eggs"
    before = [(t.pos_, str(t.morph)) for t in nlp(text)]
    nlp.to_disk(tmp_path / "model")
    loaded = fastnlp.load(tmp_path / "model")
    assert [(t.pos_, str(t.morph)) for t in loaded(text)] == before
    assert loaded.get_pipe("morphologizer").label_data == \
        nlp.get_pipe("morphologizer").label_data
    copy = _pipeline()
    copy.get_pipe("morphologizer").from_bytes(nlp.get_pipe("morphologizer").to_bytes())
    assert isinstance(copy.get_pipe("morphologizer"), Morphologizer)
    assert [(t.pos_, str(t.morph)) for t in copy(text)] == before


def test_missing_annotation_is_not_a_label():
    nlp = _pipeline()
    words = ["Eat", "ham"]
    examples = [Example(nlp.make_doc("Eat ham"),
                        Doc(nlp.vocab, words=words, pos=["VERB", ""],
                            morphs=["VerbForm=Fin", ""]))]
    morph = nlp.get_pipe("morphologizer")
    morph.add_label("Number=Sing|POS=NOUN")
    nlp.initialize(lambda: examples)
    assert morph.labels == ("Number=Sing|POS=NOUN", "POS=VERB|VerbForm=Fin")
    scores = morph.model.predict([eg.predicted for eg in examples])
    loss, d_scores = morph.get_loss(examples, scores)
    assert loss > 0 and numpy.abs(d_scores[0][0]).sum() > 0
    assert not d_scores[0][1].any()  # "ham" has neither POS nor FEATS: no gradient
