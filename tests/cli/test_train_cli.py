"""`fastnlp train`, `evaluate`, `init config`, `debug-data`, `info` from the command line."""
import os
import subprocess
import sys

import pytest
import srsly
from typer.testing import CliRunner

import fastnlp
from fastnlp.cli import app
from fastnlp.tokens import Doc
from fastnlp.tokens.docbin import DocBin
from fastnlp.training.checkpoint import STATE_DIR, STATE_FILE
from fastnlp.training.corpus import Corpus
from fastnlp.training.train import train
from fastnlp.vocab import Vocab
from train_data import REPO, make_corpus, write_config

STRICT_CODE = '''
import fastnlp
from pydantic import StrictInt


@fastnlp.registry.schedules("cli_strict_schedule.v1")
def cli_strict_schedule(start: StrictInt):
    while True:
        yield start
'''


def run(*args):
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, "-m", "fastnlp", *map(str, args)], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_corpus(tmp_path_factory.mktemp("cli_corpus"))


@pytest.fixture(scope="module")
def trained(corpus, tmp_path_factory):
    """`python -m fastnlp train TRAIN DEV CONFIG --output DIR`: the run's output."""
    root = tmp_path_factory.mktemp("cli_train")
    config = write_config(root / "config.cfg")
    result = run("train", corpus[0], corpus[1], config, "--output", root / "out",
                 "--training.max_steps", "12", "--training.eval_frequency", "5")
    assert result.returncode == 0, result.stderr
    return root / "out", result


def test_train_prints_a_row_per_evaluation(trained):
    out, result = trained
    lines = result.stdout.splitlines()
    header_at = next(i for i, line in enumerate(lines) if line.split()[:2] == ["E", "#"])
    header = lines[header_at]
    for title in ("Loss Tok2Vec", "Loss Tag", "Tag %", "CPU WPS", "Score"):
        assert title in header
    rows = [line.split() for line in lines[header_at + 2:] if line.strip()[:1].isdigit()]
    # Evaluations at steps 5 and 10, and one at the end of the run (step 12).
    assert [int(row[1]) for row in rows] == [5, 10, 12]
    n_columns = len(lines[header_at + 1].split())
    assert all(len(row) == n_columns for row in rows)
    assert all(0 <= float(row[-1]) <= 1 for row in rows)
    state_steps = [h["step"] for h in _history(out)]
    assert state_steps == [5, 10, 12]
    assert sorted(p.name for p in out.iterdir()) == ["model-best", "model-last"]
    assert (out / "model-last" / "training-state").is_dir()
    assert not (out / "model-best" / "training-state").exists()


def _history(out):
    path = out / "model-last" / STATE_DIR / STATE_FILE
    return srsly.msgpack_loads(path.read_bytes())["state"]["history"]


def test_model_best_holds_the_best_scoring_weights(trained, corpus):
    out, _ = trained
    history = _history(out)
    best = max(history, key=lambda h: h["score"])
    nlp = fastnlp.load(out / "model-best")
    scores = nlp.evaluate(list(Corpus(corpus[1])(nlp)))
    assert scores["tag_acc"] == pytest.approx(best["scores"]["tag_acc"])


def test_train_config_with_paths_overrides(corpus, tmp_path):
    config = write_config(tmp_path / "config.cfg")
    result = CliRunner().invoke(app, [
        "train", str(config), "--paths.train", str(corpus[0]), "--paths.dev", str(corpus[1]),
        "--output", str(tmp_path / "out"), "--training.max_steps", "4",
        "--training.dropout", "0.3"])
    assert result.exit_code == 0, result.output
    saved = srsly.read_json(tmp_path / "out" / "model-last" / "meta.json")
    assert saved["pipeline"] == ["tok2vec", "tagger"]
    text = (tmp_path / "out" / "model-last" / "config.cfg").read_text()
    assert "dropout = 0.3" in text and f'train = "{corpus[0]}"' in text


def test_evaluate_writes_metrics(trained, corpus, tmp_path):
    out, _ = trained
    metrics = tmp_path / "metrics.json"
    result = CliRunner().invoke(app, ["evaluate", str(out / "model-best"), str(corpus[1]),
                                      "--output", str(metrics)])
    assert result.exit_code == 0, result.output
    data = srsly.read_json(metrics)
    nlp = fastnlp.load(out / "model-best")
    assert data["tag_acc"] == pytest.approx(nlp.evaluate(list(Corpus(corpus[1])(nlp)))["tag_acc"])
    assert f"Tag %      {100 * data['tag_acc']:.2f}" in result.output


def test_init_config_writes_a_complete_config_that_trains(corpus, tmp_path):
    config = tmp_path / "config.cfg"
    result = CliRunner().invoke(app, ["init", "config", str(config), "-p", "tagger"])
    assert result.exit_code == 0, result.output
    text = config.read_text()
    for section in ("[paths]", "[system]", "[nlp]", "[components.tok2vec.model.embed]",
                    "[components.tagger.model.tok2vec]", "[corpora.train]",
                    "[training.optimizer]", "[training.batcher.size]", "[training.logger]",
                    "[initialize]", "[initialize.tokenizer]", "[nlp.vectors]",
                    "before_creation = null", "after_pipeline_creation = null",
                    "vocab_data = null", "lookups = null"):
        assert section in text
    nlp, state = train(config, None, overrides={
        "paths.train": str(corpus[0]), "paths.dev": str(corpus[1]),
        "training.max_steps": 2, "training.eval_frequency": 2})
    assert nlp.pipe_names == ["tok2vec", "tagger"] and state.step == 2
    bad = CliRunner().invoke(app, ["init", "config", str(tmp_path / "x.cfg"), "-p", "nerr"])
    assert bad.exit_code == 1 and "no template for nerr" in bad.output


@pytest.mark.parametrize("pipeline, optimize, names, architecture", [
    ("textcat", "efficiency", ["textcat"], "spacy.TextCatBOW.v3"),
    ("tagger,textcat_multilabel", "accuracy", ["tok2vec", "tagger", "textcat_multilabel"],
     "spacy.TextCatEnsemble.v2"),
])
def test_init_config_for_text_classifiers_trains(tmp_path, pipeline, optimize, names,
                                                 architecture):
    vocab = Vocab()
    docs = []
    for i, (words, tags, label) in enumerate([(["good", "film"], ["JJ", "NN"], "POS"),
                                              (["bad", "film"], ["JJ", "NN"], "NEG")] * 4):
        doc = Doc(vocab, words=words, tags=tags)
        doc.cats = {"POS": float(label == "POS"), "NEG": float(label == "NEG")}
        docs.append(doc)
    DocBin(docs=docs).to_disk(tmp_path / "cats.spacy")
    config = tmp_path / "config.cfg"
    result = CliRunner().invoke(app, ["init", "config", str(config), "-p", pipeline,
                                      "-o", optimize])
    assert result.exit_code == 0, result.output
    nlp, state = train(config, None, overrides={
        "paths.train": str(tmp_path / "cats.spacy"), "paths.dev": str(tmp_path / "cats.spacy"),
        "training.max_steps": 4, "training.eval_frequency": 2})
    assert nlp.pipe_names == names and state.step == 4
    textcat = names[-1]
    assert nlp.config["components"][textcat]["model"]["@architectures"] == architecture
    assert set(nlp("good film").cats) == {"POS", "NEG"}


def test_debug_data_reports_counts_labels_and_misaligned_entities(tmp_path):
    vocab = Vocab()
    docs = [
        # "U" alone is a gold entity, but the tokenizer keeps "U.S." as one token.
        Doc(vocab, words=["The", "U", ".S.", "is", "big"], spaces=[True, False, True, True,
                                                                    False],
            tags=["DT", "NNP", "NNP", "VBZ", "JJ"], ents=["O", "U-GPE", "O", "O", "O"]),
        Doc(vocab, words=["Ann", "met", "Bob", " ", "today"],
            spaces=[True, True, False, False, False], tags=["NNP", "VBD", "NNP", "_SP", "NN"],
            ents=["U-PERSON", "O", "B-PERSON", "L-PERSON", "O"]),
    ]
    DocBin(docs=docs).to_disk(tmp_path / "train.spacy")
    DocBin(docs=docs[:1]).to_disk(tmp_path / "dev.spacy")
    listing = tmp_path / "misaligned.tsv"
    result = CliRunner().invoke(app, ["debug-data", "en", str(tmp_path / "train.spacy"),
                                      str(tmp_path / "dev.spacy"), "--misaligned-out",
                                      str(listing), "--verbose"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "train  2 docs" in out and "10 words" in out
    assert "7 labels in train" in out and "NNP (4)" in out
    assert "2 labels in train" in out and "PERSON (2), GPE (1)" in out
    # "Ann" is followed by a space, which is fine; "Bob " ends with a whitespace token.
    assert "train: 1 entities start or end with whitespace" in out
    assert "train: 2 gold entities do not align" in out
    assert "dev: 1 gold entities do not align" in out
    rows = listing.read_text().splitlines()
    assert rows[0].split("\t") == ["corpus", "doc", "start_char", "end_char", "label", "text"]
    assert rows[1:] == ["train\t0\t4\t5\tGPE\tU", "train\t1\t8\t12\tPERSON\tBob ",
                        "dev\t0\t4\t5\tGPE\tU"]


def test_debug_data_reports_text_categories(tmp_path):
    vocab = Vocab()
    cats = [{"SPORT": 1.0, "NEWS": 1.0}, {"SPORT": 0.0, "NEWS": 1.0}, {"NEWS": 0.5}, {}]
    docs = []
    for i, doc_cats in enumerate(cats):
        doc = Doc(vocab, words=["text", str(i)])
        doc.cats = doc_cats
        docs.append(doc)
    DocBin(docs=docs).to_disk(tmp_path / "train.spacy")
    DocBin(docs=docs[:2]).to_disk(tmp_path / "dev.spacy")
    result = CliRunner().invoke(app, ["debug-data", "en", str(tmp_path / "train.spacy"),
                                      str(tmp_path / "dev.spacy"), "--verbose",
                                      "--misaligned-out", str(tmp_path / "m.tsv")])
    out = result.output
    assert "2 labels in train" in out and "NEWS (2), SPORT (1)" in out
    assert "train: 1 of 4 docs have no cats" in out
    assert "labels missing from some docs with cats (textcat reads them as 0.0, " \
           "textcat_multilabel as unknown): SPORT (1)" in out
    assert "train: 1 docs with several positive labels" in out
    assert "train: 1 cats values are neither 0.0 nor 1.0 (first: doc 2, NEWS=0.5)" in out
    assert "dev: 1 docs with several positive labels" in out
    assert result.exit_code == 0 and "1 problem(s) found" in out


def test_debug_data_from_a_config(corpus, tmp_path):
    config = write_config(tmp_path / "config.cfg")
    result = CliRunner().invoke(app, [
        "debug-data", str(config), "--paths.train", str(corpus[0]), "--paths.dev",
        str(corpus[1]), "--misaligned-out", str(tmp_path / "m.tsv")])
    assert result.exit_code == 0, result.output
    n_train = len(DocBin().from_disk(corpus[0]))
    assert f"train  {n_train} docs" in result.output and "=== Tags ===" in result.output
    assert (tmp_path / "m.tsv").read_text().startswith("corpus\tdoc")


def test_info_prints_versions_and_pipeline_meta(trained):
    out, _ = trained
    result = CliRunner().invoke(app, ["info"])
    assert result.exit_code == 0 and f"fastnlp   {fastnlp.__version__}" in result.output
    result = CliRunner().invoke(app, ["info", str(out / "model-best")])
    assert result.exit_code == 0 and "['tok2vec', 'tagger']" in result.output
    result = CliRunner().invoke(app, ["info", str(out / "nope")])
    assert result.exit_code == 1 and "error:" in result.output


# Bad input: one line, exit code 1, no traceback --------------------------------------------

@pytest.mark.parametrize("case", ["bad_key", "unknown_name", "missing_corpus", "not_spacy",
                                  "strict_int", "wrong_arg_count"])
def test_cli_errors_are_one_line(corpus, tmp_path, case):
    config = write_config(tmp_path / "config.cfg")
    train_path, dev_path = str(corpus[0]), str(corpus[1])
    extra = []
    expected = [str(config)]
    if case == "bad_key":
        write_config(config, x=("max_steps = 8", "max_step = 8"))
        expected += ["[training] key 'max_step'", "did you mean 'max_steps'"]
    elif case == "unknown_name":
        write_config(config, x=('"fastnlp.Corpus.v1"', '"fastnlp.Corpsu.v1"'))
        expected += ["[corpora.train] key '@readers'", "fastnlp.Corpus.v1"]
    elif case == "missing_corpus":
        train_path = str(tmp_path / "nope.spacy")
        expected += ["[paths] key 'train'", train_path, "does not exist"]
    elif case == "not_spacy":
        dev_path = str(REPO / "examples" / "sample" / "dev.conllu")
        expected += ["[paths] key 'dev'", dev_path, "not a .spacy file"]
    elif case == "strict_int":
        code = tmp_path / "functions.py"
        code.write_text(STRICT_CODE, encoding="utf8")
        write_config(config, x=("size = 300", '[training.batcher.size]\n'
                                '@schedules = "cli_strict_schedule.v1"\nstart = 2.5'))
        extra = ["--code", str(code)]
        expected += ["[training.batcher.size] key 'start'"]
    else:
        train_path = None
        expected = ["give CONFIG, or TRAIN DEV CONFIG"]
    args = ["train"] + [p for p in (train_path, dev_path) if p] + [config, "--output",
                                                                   tmp_path / "out"] + extra
    result = run(*args)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for text in expected:
        assert text in lines[0]
    assert not (tmp_path / "out").exists()


def test_evaluate_prints_textcat_and_span_scores(tmp_path):
    from fastnlp.training import Example
    nlp = fastnlp.blank("en")
    nlp.add_pipe("textcat", config={"model": {
        "@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": True, "ngram_size": 1,
        "no_output_layer": False, "length": 64}})
    nlp.add_pipe("spancat", config={"threshold": 0.0, "model": {
        "@architectures": "spacy.SpanCategorizer.v1",
        "scorer": {"@layers": "spacy.LinearLogistic.v1"},
        "reducer": {"@layers": "spacy.mean_max_reducer.v1", "hidden_size": 8},
        "tok2vec": {"@architectures": "spacy.HashEmbedCNN.v2", "pretrained_vectors": None,
                    "width": 8, "depth": 1, "embed_size": 50, "window_size": 1,
                    "maxout_pieces": 2, "subword_features": False}}})
    doc = Doc(nlp.vocab, words=["Ann", "likes", "Paris"])
    doc.cats = {"POS": 1.0, "NEG": 0.0}
    doc.spans["sc"] = [doc.char_span(0, 3, "PER"), doc.char_span(10, 15, "LOC")]
    other = Doc(nlp.vocab, words=["Bob", "hates", "rain"])
    other.cats = {"POS": 0.0, "NEG": 1.0}
    other.spans["sc"] = [other.char_span(0, 3, "PER")]
    nlp.initialize(lambda: [Example(nlp.make_doc(d.text), d) for d in (doc, other)])
    nlp.to_disk(tmp_path / "model")
    DocBin(docs=[doc, other]).to_disk(tmp_path / "dev.spacy")
    result = CliRunner().invoke(app, ["evaluate", str(tmp_path / "model"),
                                      str(tmp_path / "dev.spacy")])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Textcat (macro F)" in out and "Textcat per label" in out
    assert "Textcat ROC AUC" in out
    assert "Spans sc P" in out and "Spans sc F" in out and "Spans sc per type" in out
