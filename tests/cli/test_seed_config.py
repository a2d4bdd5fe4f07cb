"""The parser/NER configs users bring: the seed document's NER config (seed style) and
`spacy init config -p tagger,parser,ner -o efficiency`, trained unchanged."""
import os
import subprocess
import sys

import pytest

import fastnlp
from fastnlp.training.corpus import Corpus
from fastnlp.training.train import train
from train_data import REPO, make_corpus

SEED_DOC = REPO.parent / "shared" / "seed" / "training-models.md"


def _first_ini_block(path):
    lines, inside = [], False
    for line in path.read_text(encoding="utf8").splitlines():
        if not inside and line.strip() == "```ini":
            inside = True
        elif inside and line.strip().startswith("```"):
            return "\n".join(lines) + "\n"
        elif inside:
            lines.append(line)
    raise AssertionError(f"{path}: no ```ini block")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_corpus(tmp_path_factory.mktemp("parser_corpus"))


@pytest.fixture(scope="module")
def dev_texts(corpus):
    nlp = fastnlp.blank("en")
    return [eg.reference.text for eg in Corpus(corpus[1])(nlp)]


def test_seed_document_ner_config_trains_and_predicts(corpus, dev_texts, tmp_path):
    if not SEED_DOC.exists():
        pytest.skip(f"seed document not found at {SEED_DOC}")
    text = _first_ini_block(SEED_DOC)
    assert "[nlp.pipeline.ner]" in text and "spacy.TransitionBasedParser.v1" in text
    config = tmp_path / "seed.cfg"
    config.write_text(text, encoding="utf8")
    env = dict(os.environ, PYTHONPATH=str(REPO), OPENBLAS_NUM_THREADS="1")
    result = subprocess.run(
        [sys.executable, "-m", "fastnlp", "train", str(corpus[0]), str(corpus[1]), str(config),
         "--output", str(tmp_path / "out"), "--training.max_steps", "60"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "NER F" in result.stdout
    nlp = fastnlp.load(tmp_path / "out" / "model-best")
    assert nlp.pipe_names == ["ner"]
    ner = nlp.get_pipe("ner")
    assert ner.model.get_dim("nF") == 3 and ner.model.get_dim("nH") == 128
    assert {"PER", "LOC", "ORG"} <= set(ner.labels)
    docs = list(nlp.pipe(dev_texts))
    predicted = [ent for doc in docs for ent in doc.ents]
    assert predicted, "the trained seed-config NER predicts no entity on the dev texts"
    assert {ent.label_ for ent in predicted} <= set(ner.labels)


@pytest.fixture(scope="module")
def spacy_efficiency_config(tmp_path_factory):
    """The config `python -m spacy init config -p tagger,parser,ner -o efficiency` writes."""
    pytest.importorskip("spacy")
    path = tmp_path_factory.mktemp("spacy_eff") / "config.cfg"
    subprocess.run([sys.executable, "-m", "spacy", "init", "config", str(path), "-l", "en",
                    "-p", "tagger,parser,ner", "-o", "efficiency"], check=True,
                   capture_output=True, cwd=path.parent)
    return path


def test_spacy_efficiency_config_trains_and_predicts(spacy_efficiency_config, corpus,
                                                     dev_texts, tmp_path):
    text = spacy_efficiency_config.read_text(encoding="utf8")
    assert text.count('"spacy.TransitionBasedParser.v2"') == 2
    out = tmp_path / "out"
    overrides = {"paths.train": str(corpus[0]), "paths.dev": str(corpus[1]),
                 "training.max_steps": 40, "training.eval_frequency": 20}
    with open(os.devnull, "w") as sink:
        nlp, state = train(spacy_efficiency_config, out, overrides=overrides, stdout=sink,
                           stderr=sink)
    assert nlp.pipe_names == ["tok2vec", "tagger", "parser", "ner"]
    last = state.history[-1]["scores"]
    assert last["dep_uas"] > 0.15 and last["tag_acc"] > 0.3
    loaded = fastnlp.load(out / "model-last")
    assert loaded.pipe_names == nlp.pipe_names
    assert loaded.get_pipe("parser").model.get_dim("nF") == 8
    assert loaded.get_pipe("ner").model.get_dim("nF") == 3
    docs = list(loaded.pipe(dev_texts[:10]))
    for doc in docs:
        assert doc.has_annotation("DEP") and doc.has_annotation("TAG")
        assert doc.has_annotation("ENT_IOB")
        assert all(0 <= t.head.i < len(doc) for t in doc)
        sents = list(doc.sents)
        assert sents and sum(len(s) for s in sents) == len(doc)
        assert all(s.root.head.i == s.root.i for s in sents)
    # Predicted the same way once reloaded.
    again = list(nlp.pipe(dev_texts[:10]))
    assert [[t.head.i for t in d] for d in docs] == [[t.head.i for t in d] for d in again]
    assert [[(e.start, e.end, e.label_) for e in d.ents] for d in docs] == \
        [[(e.start, e.end, e.label_) for e in d.ents] for d in again]
