"""Senter: fixed labels, learning sentence starts, overwrite, disabled in a saved pipeline."""
import numpy
import pytest

import fastnlp
from fastnlp.tokens import Doc
from fastnlp.training import Example
from train_data import SMALL_TOK2VEC

WORDS = ["Hello", "there", ".", "How", "are", "you", "?", "Fine", "."]
STARTS = [True, False, False, True, False, False, False, True, False]


def _pipeline(**config):
    nlp = fastnlp.blank("en")
    nlp.add_pipe("senter", config={"model": {"tok2vec": SMALL_TOK2VEC}, **config})
    return nlp


def _examples(nlp):
    return [Example(nlp.make_doc(" ".join(WORDS)),
                    Doc(nlp.vocab, words=WORDS, sent_starts=STARTS))]


def _trained(**config):
    nlp = _pipeline(**config)
    examples = _examples(nlp)
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(30):
        nlp.update(examples, sgd=optimizer)
    return nlp


def test_labels_are_fixed():
    senter = _pipeline().get_pipe("senter")
    assert senter.labels == ("I", "S")
    with pytest.raises(ValueError, match="labels are fixed"):
        senter.add_label("X")


def test_trained_senter_finds_sentences_and_scores():
    nlp = _trained()
    doc = nlp(" ".join(WORDS))
    assert [t.is_sent_start for t in doc] == STARTS
    assert [s.text for s in doc.sents] == ["Hello there .", "How are you ?", "Fine ."]
    scores = nlp.evaluate(_examples(nlp))
    assert scores["sents_f"] == 1.0


def test_without_overwrite_existing_starts_stay():
    nlp = _pipeline()
    nlp.initialize(lambda: _examples(nlp))
    senter = nlp.get_pipe("senter")
    doc = Doc(nlp.vocab, words=["a", "b", "c"], sent_starts=[True, None, True])
    scores = numpy.asarray([[1.0, 0.0]] * 3, dtype="float32")  # all "I"
    senter.set_annotations([doc], [scores])
    assert [t.is_sent_start for t in doc] == [True, False, True]
    senter.cfg["overwrite"] = True
    senter.set_annotations([doc], [scores])
    # (our Doc keeps its first token a sentence start; spaCy's would read False there)
    assert [t.is_sent_start for t in doc] == [True, False, False]


def test_missing_sentence_annotation_gives_no_gradient():
    nlp = _pipeline()
    examples = [Example(nlp.make_doc("a b c"), Doc(nlp.vocab, words=["a", "b", "c"]))]
    nlp.initialize(lambda: _examples(nlp))
    senter = nlp.get_pipe("senter")
    scores = senter.model.predict([eg.predicted for eg in examples])
    loss, d_scores = senter.get_loss(examples, scores)
    assert loss == 0 and not d_scores[0].any()


def test_disabled_senter_is_saved_disabled_and_can_be_enabled(tmp_path):
    nlp = _trained()
    nlp.disable_pipe("senter")
    nlp.to_disk(tmp_path / "model")
    loaded = fastnlp.load(tmp_path / "model")
    assert loaded.disabled == ["senter"]
    assert not loaded(" ".join(WORDS)).has_annotation("SENT_START")
    loaded.enable_pipe("senter")
    assert [t.is_sent_start for t in loaded(" ".join(WORDS))] == STARTS
