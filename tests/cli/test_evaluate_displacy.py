"""`fastnlp evaluate --displacy-path DIR --displacy-limit N` writes spaCy's parses.html and
entities.html for the first N texts, each only when the pipeline has a parser / an ner."""
import re

import pytest
from typer.testing import CliRunner

import fastnlp
from fastnlp.cli import app
from fastnlp.training.corpus import Corpus
from train_data import make_corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_corpus(tmp_path_factory.mktemp("displacy_corpus"))


def _pipeline(path, corpus, pipes):
    nlp = fastnlp.blank("en")
    for name in pipes:
        nlp.add_pipe(name)
    nlp.initialize(lambda: Corpus(corpus[0])(nlp))
    nlp.to_disk(path)
    return path


def test_evaluate_writes_parses_and_entities(corpus, tmp_path):
    model = _pipeline(tmp_path / "model", corpus, ["parser", "ner"])
    out = tmp_path / "html"
    out.mkdir()
    result = CliRunner().invoke(app, ["evaluate", str(model), str(corpus[1]),
                                      "--displacy-path", str(out), "--displacy-limit", "2"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["entities.html", "parses.html"]
    parses = (out / "parses.html").read_text(encoding="utf8")
    assert parses.startswith("<!DOCTYPE html>") and parses.count("<svg") == 2
    entities = (out / "entities.html").read_text(encoding="utf8")
    assert f">{model}</h2>" in entities  # the first doc is titled with the pipeline
    assert entities.count('class="entities"') == 2
    texts = [eg.reference.text for eg in list(Corpus(corpus[1])(fastnlp.blank("en")))[:2]]
    words = re.findall(r'class="displacy-word"[^>]*>([^<]*)<', parses)
    assert words[0] == texts[0].split()[0]


def test_evaluate_parser_only_and_missing_dir(corpus, tmp_path):
    model = _pipeline(tmp_path / "model", corpus, ["parser"])
    out = tmp_path / "html"
    out.mkdir()
    result = CliRunner().invoke(app, ["evaluate", str(model), str(corpus[1]),
                                      "-dp", str(out), "-dl", "1"])
    assert result.exit_code == 0, result.output
    assert [p.name for p in out.iterdir()] == ["parses.html"]
    result = CliRunner().invoke(app, ["evaluate", str(model), str(corpus[1]),
                                      "--displacy-path", str(tmp_path / "nowhere")])
    assert result.exit_code != 0
    assert "nowhere" in result.output and "Traceback" not in result.output
