"""sentencizer: the same sentence starts as spaCy 3.8's on EWT words, overwrite, saving
(spaCy's sentencizer.json both ways), and scoring."""
import pytest

import fastnlp
from fastnlp.pipeline.sentencizer import Sentencizer
from fastnlp.tokens import Doc
from fastnlp.training import Example
from train_data import EWT

DEV = EWT / "en_ewt-dev.conllu"


def _sents(doc):
    return [s.text for s in doc.sents]


def test_splits_after_terminal_punctuation():
    nlp = fastnlp.blank("en")
    nlp.add_pipe("sentencizer")
    doc = nlp('Hello world! "Is this it?" he asked... Yes. 3.5 is. Ok')
    assert _sents(doc) == ['Hello world! "', 'Is this it?"', "he asked... Yes.", "3.5 is.", "Ok"]
    assert _sents(nlp("!!")) == ["!!"] and list(nlp("").sents) == []


def test_keeps_existing_starts_unless_overwrite():
    nlp = fastnlp.blank("en")
    words = ["a", ".", "b", "c"]
    doc = Doc(nlp.vocab, words=words, sent_starts=[True, False, False, True])
    assert _sents(Sentencizer()(doc)) == ["a . b", "c"]
    doc = Doc(nlp.vocab, words=words, sent_starts=[True, False, False, True])
    assert [t.is_sent_start for t in Sentencizer(overwrite=True)(doc)] == [True, False,
                                                                            True, False]
    assert Sentencizer(punct_chars=["b"])(nlp("a b c d")).has_annotation("SENT_START")
    assert _sents(Sentencizer(punct_chars=["b"])(nlp("a b c d"))) == ["a b", "c d"]


def test_saved_as_spacy_does(tmp_path):
    spacy = pytest.importorskip("spacy")
    nlp = fastnlp.blank("en")
    nlp.add_pipe("sentencizer", config={"punct_chars": [".", "|"], "overwrite": True})
    nlp.to_disk(tmp_path / "ours")
    assert (tmp_path / "ours" / "sentencizer.json").is_file()
    loaded = fastnlp.load(tmp_path / "ours").get_pipe("sentencizer")
    assert loaded.punct_chars == {".", "|"} and loaded.overwrite
    theirs = spacy.pipeline.Sentencizer().from_disk(tmp_path / "ours" / "sentencizer")
    assert theirs.punct_chars == {".", "|"}
    spacy.pipeline.Sentencizer(punct_chars=["!"]).to_disk(tmp_path / "theirs")
    assert Sentencizer().from_disk(tmp_path / "theirs").punct_chars == {"!"}
    assert Sentencizer().from_bytes(loaded.to_bytes()).punct_chars == {".", "|"}


def test_score():
    nlp = fastnlp.blank("en")
    sentencizer = nlp.add_pipe("sentencizer")
    reference = Doc(nlp.vocab, words=["A", ".", "B", "."], sent_starts=[1, 0, 1, 0])
    predicted = nlp(reference.text)
    scores = sentencizer.score([Example(predicted, reference)])
    assert scores["sents_f"] == 1.0


@pytest.mark.skipif(not DEV.exists(), reason=f"{DEV} not found")
def test_same_starts_as_spacy_on_ewt():
    spacy = pytest.importorskip("spacy")
    from benchmarks.matcher import doc_pairs

    snlp, fnlp, pairs = doc_pairs(DEV, limit=100)
    ours, theirs = Sentencizer(overwrite=True), spacy.pipeline.Sentencizer(overwrite=True)
    for sdoc, fdoc in pairs:
        assert [t.is_sent_start for t in ours(fdoc)] == [t.is_sent_start for t in theirs(sdoc)]
