"""`fastnlp convert` end to end, and against `spacy convert` on the same files."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fastnlp.cli import app
from fastnlp.tokens.docbin import DocBin
from fastnlp.vocab import Vocab

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "examples" / "sample" / "en_ewt-sample.conllu"


def run_module(module, *args, cwd=REPO):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", module, *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True)


def spacy_rows(path):
    """Every annotation of a .spacy file as spaCy itself loads it."""
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin as SpacyDocBin
    docs = SpacyDocBin().from_disk(path).get_docs(spacy.blank("en").vocab)
    return [[(t.text, t.whitespace_, t.tag_, t.pos_, str(t.morph), t.lemma_, t.head.i, t.dep_,
              t.ent_iob_, t.ent_type_, bool(t.is_sent_start)) for t in doc] for doc in docs]


def test_python_m_fastnlp_converts_the_sample(tmp_path):
    result = run_module("fastnlp", "convert", SAMPLE, tmp_path, "-n", "10")
    assert result.returncode == 0, result.stderr
    assert "4 documents" in result.stdout
    docs = list(DocBin().from_disk(tmp_path / "en_ewt-sample.spacy").get_docs(Vocab()))
    assert len(docs) == 4
    assert sum(1 for doc in docs for t in doc if t.is_sent_start) == 40
    assert any(doc.ents for doc in docs)
    assert os.listdir(tmp_path) == ["en_ewt-sample.spacy"]


@pytest.mark.parametrize("args", [["-n", "10"], ["--merge-subtokens"]])
def test_conllu_output_matches_spacy_convert(shared_data, tmp_path, args):
    path = shared_data / "ud-en-ewt" / "en_ewt-dev.conllu"
    if not path.exists():
        pytest.skip(f"{path} not found")
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    ours.mkdir()
    theirs.mkdir()
    result = CliRunner().invoke(app, ["convert", str(path), str(ours), *args])
    assert result.exit_code == 0, result.output
    spacy_args = ["-T" if a == "--merge-subtokens" else a for a in args]
    done = run_module("spacy", "convert", path, theirs, *spacy_args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert spacy_rows(ours / "en_ewt-dev.spacy") == spacy_rows(theirs / "en_ewt-dev.spacy")


def test_json_v2_output_matches_spacy_convert(tmp_path):
    pytest.importorskip("spacy")
    json_dir, ours, theirs = tmp_path / "json", tmp_path / "ours", tmp_path / "theirs"
    for folder in (json_dir, ours, theirs):
        folder.mkdir()
    done = run_module("spacy", "convert", SAMPLE, json_dir, "-t", "json", "-n", "5",
                      cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    source = json_dir / "en_ewt-sample.json"
    assert run_module("spacy", "convert", source, theirs, cwd=tmp_path).returncode == 0
    result = CliRunner().invoke(app, ["convert", str(source), str(ours)])
    assert result.exit_code == 0, result.output
    assert spacy_rows(ours / "en_ewt-sample.spacy") == spacy_rows(theirs / "en_ewt-sample.spacy")


def test_iob_and_jsonl_convert(shared_data, tmp_path):
    path = shared_data / "ud-en-ewt" / "en_ewt-dev.uner.iob2"
    if not path.exists():
        pytest.skip(f"{path} not found")
    result = CliRunner().invoke(app, ["convert", str(path), str(tmp_path), "-n", "10"])
    assert result.exit_code == 0, result.output
    docs = list(DocBin().from_disk(tmp_path / "en_ewt-dev.uner.spacy").get_docs(Vocab()))
    assert len(docs) == 201
    assert {e.label_ for doc in docs for e in doc.ents} == {"PER", "LOC", "ORG"}
    jsonl = tmp_path / "d.jsonl"
    jsonl.write_text(json.dumps({"text": "Hi Bob", "words": ["Hi", "Bob"],
                                 "entities": [[3, 6, "PER"]]}) + "\n", encoding="utf8")
    result = CliRunner().invoke(app, ["convert", str(jsonl), str(tmp_path)])
    assert result.exit_code == 0, result.output
    (doc,) = DocBin().from_disk(tmp_path / "d.spacy").get_docs(Vocab())
    assert [(e.text, e.label_) for e in doc.ents] == [("Bob", "PER")]


def test_malformed_input_fails_cleanly_and_leaves_nothing(tmp_path):
    bad = tmp_path / "in" / "bad.conllu"
    bad.parent.mkdir()
    good = SAMPLE.read_text(encoding="utf8")
    lines = good.split("\n")
    lines[6] = lines[6].replace("\t6\tcompound", "\t99\tcompound")
    bad.write_text("\n".join(lines), encoding="utf8")
    out = tmp_path / "out"
    out.mkdir()
    result = run_module("fastnlp", "convert", bad, out)
    assert result.returncode == 1
    message = result.stderr.strip()
    assert "\n" not in message and "Traceback" not in message
    assert f"{bad}:7: head 99 of token 5 is out of range" in message
    assert os.listdir(out) == []


def test_invalid_arguments_exit_1(tmp_path):
    runner = CliRunner()
    missing = runner.invoke(app, ["convert", str(tmp_path / "nope.conllu"), str(tmp_path)])
    assert missing.exit_code == 1 and "input not found" in missing.output
    unknown = runner.invoke(app, ["convert", str(SAMPLE), str(tmp_path), "-c", "xml"])
    assert unknown.exit_code == 1 and "unknown converter 'xml'" in unknown.output
    odd = tmp_path / "data.txt"
    odd.write_text("x\n", encoding="utf8")
    guess = runner.invoke(app, ["convert", str(odd), str(tmp_path)])
    assert guess.exit_code == 1 and "pass --converter" in guess.output


def test_jsonl_is_tokenized_with_the_lang_tokenizer(tmp_path):
    try:
        from fastnlp.language import blank
        blank("en")
    except Exception as err:  # the English tokenizer is another module's work
        pytest.skip(f"English tokenizer not available: {err}")
    jsonl = tmp_path / "t.jsonl"
    jsonl.write_text(json.dumps({"text": "Apple is in the U.K. now.",
                                 "entities": [[0, 5, "ORG"], [16, 20, "GPE"]]}) + "\n",
                     encoding="utf8")
    result = CliRunner().invoke(app, ["convert", str(jsonl), str(tmp_path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    (doc,) = DocBin().from_disk(tmp_path / "t.spacy").get_docs(Vocab())
    assert doc.text == "Apple is in the U.K. now."
    assert [(e.text, e.label_) for e in doc.ents] == [("Apple", "ORG"), ("U.K.", "GPE")]
    jsonl.write_text(json.dumps({"text": "Apple is here", "entities": [[0, 3, "ORG"]]}) + "\n",
                     encoding="utf8")
    result = CliRunner().invoke(app, ["convert", str(jsonl), str(tmp_path)])
    assert result.exit_code == 1
    assert f"{jsonl}:1: span [0, 3) 'ORG' does not match token boundaries" in result.output


def test_csv_text_label_rows_become_one_hot_cats(tmp_path):
    source = tmp_path / "reviews.csv"
    source.write_text('text,label,id\n"Loved it, really",POS,1\nawful,NEG,2\n\n'
                      '"two\nlines",POS,3\n', encoding="utf8")
    result = CliRunner().invoke(app, ["convert", str(source), str(tmp_path)])
    assert result.exit_code == 0, result.output
    docs = list(DocBin().from_disk(tmp_path / "reviews.spacy").get_docs(Vocab()))
    assert [doc.text for doc in docs] == ["Loved it, really", "awful", "two\nlines"]
    assert [doc.cats for doc in docs] == [{"NEG": 0.0, "POS": 1.0}, {"NEG": 1.0, "POS": 0.0},
                                          {"NEG": 0.0, "POS": 1.0}]
    jsonl = tmp_path / "one.jsonl"
    jsonl.write_text(json.dumps({"text": "fine", "label": "POS"}) + "\n", encoding="utf8")
    assert CliRunner().invoke(app, ["convert", str(jsonl), str(tmp_path)]).exit_code == 0
    (doc,) = DocBin().from_disk(tmp_path / "one.spacy").get_docs(Vocab())
    assert doc.cats == {"POS": 1.0}


@pytest.mark.parametrize("text, message", [
    ("words,label\na,B\n", ":1: the header row ['words', 'label'] has no 'text' column"),
    ("text,label\nsome text\n", ":2: 1 columns, fewer than the header's 2"),
    ("text,label\nok,A\n\n\nno label,\n", ":5: empty label"),
    ("", ":1: empty file"),
])
def test_bad_csv_names_file_and_line(tmp_path, text, message):
    source = tmp_path / "bad.csv"
    source.write_text(text, encoding="utf8")
    result = run_module("fastnlp", "convert", source, tmp_path)
    assert result.returncode == 1
    assert f"{source}{message}" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "bad.spacy").exists()
