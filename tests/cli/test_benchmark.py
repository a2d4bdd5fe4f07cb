"""`fastnlp benchmark speed` on a tiny tok2vec + tagger + parser + ner pipeline."""
import re

import pytest
from typer.testing import CliRunner

import fastnlp
from fastnlp.cli import app
from fastnlp.cli.benchmark import flops_per_word, read_texts, stages
from fastnlp.training.example import Example

WIDTH = 16
# (text, tags, heads (absolute), deps, entities)
DATA = [
    ("Anna likes green eggs", ["NNP", "VBZ", "JJ", "NNS"], [1, 1, 3, 1],
     ["nsubj", "ROOT", "amod", "dobj"], [(0, 4, "PER")]),
    ("They live in Berlin", ["PRP", "VBP", "IN", "NNP"], [1, 1, 1, 2],
     ["nsubj", "ROOT", "prep", "pobj"], [(13, 19, "LOC")]),
    ("Eat blue ham", ["VB", "JJ", "NN"], [0, 2, 0], ["ROOT", "amod", "dobj"], []),
]


def _listener():
    return {"@architectures": "fastnlp.Tok2VecListener.v1", "width": WIDTH}


def _transition_model(state_type):
    return {"@architectures": "fastnlp.TransitionBasedParser.v1", "state_type": state_type,
            "extra_state_tokens": False, "hidden_width": 16, "maxout_pieces": 2,
            "use_upper": True, "nO": None, "tok2vec": _listener()}


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    """A pipeline initialized on three sentences and updated once, saved to disk."""
    nlp = fastnlp.blank("en")
    nlp.add_pipe("tok2vec", config={"model": {
        "@architectures": "fastnlp.HashEmbedCNN.v1", "pretrained_vectors": None,
        "width": WIDTH, "depth": 1, "embed_size": 100, "window_size": 1,
        "maxout_pieces": 2, "subword_features": True}})
    nlp.add_pipe("tagger", config={"model": {"@architectures": "fastnlp.Tagger.v1",
                                             "nO": None, "tok2vec": _listener()}})
    nlp.add_pipe("parser", config={"model": _transition_model("parser"),
                                   "min_action_freq": 1})
    nlp.add_pipe("ner", config={"model": _transition_model("ner")})
    examples = [Example.from_dict(nlp.make_doc(text), {"tags": tags, "heads": heads,
                                                       "deps": deps, "entities": ents})
                for text, tags, heads, deps, ents in DATA]
    optimizer = nlp.initialize(lambda: examples)
    nlp.update(examples, sgd=optimizer)
    path = tmp_path_factory.mktemp("bench_model") / "model"
    nlp.to_disk(path)
    return path


@pytest.fixture
def text_file(tmp_path):
    path = tmp_path / "texts.txt"
    path.write_text("\n".join(text for text, *_ in DATA * 4) + "\n\n", encoding="utf8")
    return path


def test_benchmark_speed_prints_each_stage(model_dir, text_file):
    result = CliRunner().invoke(app, ["benchmark", "speed", str(model_dir), str(text_file),
                                      "--repeats", "1", "--batch-size", "4"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "12 texts, 44 words" in result.output
    for label in ("tokenizer", "+tok2vec", "+tagger", "+parser", "+ner", "n_process=2"):
        line = next((line for line in lines if line.split()[:1] == [label]), None)
        assert line is not None, f"no {label} row in:\n{result.output}"
        assert re.match(rf"{re.escape(label)}\s+[\d,]+", line), line
    assert any(line.startswith("n_threads=2") for line in lines)
    assert re.search(r"peak \(single process\) [\d,]+ MB", result.output)


def test_benchmark_speed_single_process_and_missing_data(model_dir, tmp_path):
    result = CliRunner().invoke(app, ["benchmark", "speed", str(model_dir),
                                      str(tmp_path / "none.txt"), "--n-process", "1"])
    assert result.exit_code == 1
    assert "no such file" in result.output


def test_read_texts_groups_conllu_sentences(tmp_path):
    path = tmp_path / "x.conllu"
    path.write_text("".join(f"# sent_id = {i}\n# text = Sentence {i}.\n1\tSentence\n\n"
                            for i in range(5)), encoding="utf8")
    assert read_texts(path, sents_per_doc=2) == ["Sentence 0. Sentence 1.",
                                                 "Sentence 2. Sentence 3.", "Sentence 4."]
    assert read_texts(path, sents_per_doc=2, limit=1) == ["Sentence 0. Sentence 1."]


def test_flops_per_word_follow_the_dims(model_dir):
    nlp = fastnlp.load(model_dir)
    flops = flops_per_word(nlp)
    # Embedding: 4 attrs x 4 rows x 16 sums, mix maxout 64 -> 16 x 3 pieces; one CNN
    # layer 48 -> 16 x 2 pieces.
    assert flops["tok2vec"] == 4 * 4 * WIDTH + 2 * 64 * 16 * 3 + 2 * 48 * 16 * 2
    assert flops["tagger"] == 2 * WIDTH * len(nlp.get_pipe("tagger").labels)
    n_moves = nlp.get_pipe("parser").model.get_dim("nO")
    per_move = 8 * 16 * 2 + 16 * 2 + 2 * 16 * n_moves
    assert flops["parser"] == 2 * WIDTH * 16 + 2 * 16 * 8 * 16 * 2 + 2 * per_move
    assert [label for label, _ in stages(nlp)] == ["tokenizer", "+tok2vec", "+tagger",
                                                   "+parser", "+ner"]
