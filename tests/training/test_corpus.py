"""Corpus: reading .spacy shards into Examples."""
import shutil
from pathlib import Path

import pytest

from fastnlp.language import blank
from fastnlp.registry import registry
from fastnlp.tokens import Doc
from fastnlp.tokens.docbin import DocBin
from fastnlp.training.corpus import Corpus, CorpusError, walk_corpus

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "spacy-interop"


@pytest.fixture
def nlp():
    return blank("en")


def _write(path, vocab, texts):
    docs = []
    for text in texts:
        words = text.split()
        docs.append(Doc(vocab, words=words, spaces=[True] * (len(words) - 1) + [False],
                        sent_starts=[1] + [0] * (len(words) - 1)))
    DocBin(docs=docs).to_disk(path)
    return path


@pytest.fixture
def shards(tmp_path, nlp):
    (tmp_path / "b").mkdir()
    _write(tmp_path / "b" / "2.spacy", nlp.vocab, ["c d", "e f g"])
    _write(tmp_path / "1.spacy", nlp.vocab, ["a b ."])
    (tmp_path / "README.txt").write_text("not a corpus")
    return tmp_path


def test_directory_is_read_recursively_and_sorted(shards, nlp):
    corpus = Corpus(shards)
    assert [p.name for p in corpus.files] == ["1.spacy", "2.spacy"]
    examples = list(corpus(nlp))
    assert [eg.reference.text for eg in examples] == ["a b .", "c d", "e f g"]
    assert all(eg.predicted is not eg.reference for eg in examples)


def test_limit(shards, nlp):
    assert len(list(Corpus(shards, limit=2)(nlp))) == 2
    assert len(list(Corpus(shards, limit=2).iter_docs(nlp.vocab))) == 2


def test_missing_and_wrong_paths_are_named(tmp_path):
    with pytest.raises(CorpusError, match="nowhere.spacy: corpus path does not exist"):
        Corpus(tmp_path / "nowhere.spacy")
    text = tmp_path / "train.json"
    text.write_text("{}")
    with pytest.raises(CorpusError, match="train.json: not a .spacy file"):
        walk_corpus(text)
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError, match="empty: directory holds no .spacy files"):
        Corpus(tmp_path / "empty")
    with pytest.raises(CorpusError, match="path is None"):
        Corpus(None)


def test_shuffle_is_seeded_and_changes_per_epoch(tmp_path, nlp):
    _write(tmp_path / "x.spacy", nlp.vocab, [f"w{i}" for i in range(40)])
    first = Corpus(tmp_path, shuffle=True, shuffle_buffer=8, seed=3)
    second = Corpus(tmp_path, shuffle=True, shuffle_buffer=8, seed=3)
    epoch1 = [eg.text for eg in first(nlp)]
    assert epoch1 == [eg.text for eg in second(nlp)]
    assert sorted(epoch1) == sorted(f"w{i}" for i in range(40))
    assert epoch1 != [f"w{i}" for i in range(40)]
    assert [eg.text for eg in first(nlp)] != epoch1


def test_max_length_splits_into_sentences(tmp_path, nlp):
    words = ["a", "b", ".", "c", "d", "e", "f", "."]
    doc = Doc(nlp.vocab, words=words, sent_starts=[1, 0, 0, 1, 0, 0, 0, 0])
    DocBin(docs=[doc]).to_disk(tmp_path / "x.spacy")
    examples = list(Corpus(tmp_path / "x.spacy", max_length=4)(nlp))
    assert [[t.text for t in eg.reference] for eg in examples] == [["a", "b", "."]]


def test_gold_preproc_uses_reference_words_per_sentence(tmp_path, nlp):
    doc = Doc(nlp.vocab, words=["Hello", "world", ".", "Bye", "."],
              sent_starts=[1, 0, 0, 1, 0])
    DocBin(docs=[doc]).to_disk(tmp_path / "x.spacy")
    examples = list(Corpus(tmp_path / "x.spacy", gold_preproc=True)(nlp))
    assert [[t.text for t in eg.predicted] for eg in examples] == [["Hello", "world", "."], ["Bye", "."]]


def test_augmenter_is_applied(shards, nlp):
    def double(nlp, eg):
        yield eg
        yield eg

    assert len(list(Corpus(shards, augmenter=double)(nlp))) == 6


def test_registered_under_spacy_name(shards, nlp):
    make = registry.readers.get("spacy.Corpus.v1")
    assert make is registry.readers.get("fastnlp.Corpus.v1")
    corpus = make(path=shards, gold_preproc=False, limit=1)
    assert len(list(corpus(nlp))) == 1


def test_reads_spacy_written_file(tmp_path, nlp):
    if not (DATA / "ewt-dev200.spacy").exists():
        pytest.skip(f"shared data not found at {DATA}")
    shutil.copy(DATA / "ewt-dev200.spacy", tmp_path / "dev.spacy")
    examples = list(Corpus(tmp_path)(nlp))
    assert len(examples) == 20
    assert sum(len(eg.reference) for eg in examples) == 4007
    for eg in examples:
        assert eg.alignment.x2y.lengths.sum() >= len(eg.predicted) - 5
        assert eg.reference.has_annotation("DEP")
