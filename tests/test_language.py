"""Language: blank/load, running, pipe (in processes too), pipeline editing, initialize,
update, evaluate, serialization; and the seed document's internal training API."""
import io
import random

import numpy
import pytest

import fastnlp
from fastnlp.lang.en import English
from fastnlp.tokens import Doc
from fastnlp.training import Example
from fastnlp.training.corpus import Corpus
from fastnlp.training.train import train
from fastnlp.vocab import Vocab
from train_data import make_corpus, write_config

TEXTS = ["The cat sat on the mat.", "Dogs bark loudly at night!", "", "I like stuff.",
         "She gave him the book yesterday.", "Where is it?"]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A tok2vec + tagger pipeline trained for a few steps; its model-last directory."""
    root = tmp_path_factory.mktemp("language")
    train_path, dev_path = make_corpus(root / "corpus")
    config = write_config(root / "config.cfg")
    train(config, root / "out", overrides={"paths.train": str(train_path),
                                           "paths.dev": str(dev_path)})
    return root / "out" / "model-last", dev_path


_FULL_PIPELINES = {}


def train_full_pipeline(root, max_steps=150):
    """Train a small tok2vec + tagger + parser + ner pipeline on the sample corpus into
    `root`, once per test session (later calls return the first one); returns (model-last
    directory, dev corpus path). Its predictions are poor but varied."""
    if max_steps in _FULL_PIPELINES:
        return _FULL_PIPELINES[max_steps]
    from fastnlp.cli.init_config import make_config
    train_path, dev_path = make_corpus(root / "corpus")
    make_config("en", ["tagger", "parser", "ner"]).to_disk(root / "config.cfg")
    small = {"components.tok2vec.model.encode.width": 32,
             "components.tok2vec.model.encode.depth": 1,
             "components.tok2vec.model.embed.rows": [500, 100, 250, 250],
             "components.parser.model.hidden_width": 32,
             "components.ner.model.hidden_width": 32,
             "components.parser.min_action_freq": 1,
             "training.batcher.size.start": 500, "training.batcher.size.stop": 500}
    train(root / "config.cfg", root / "out", stdout=io.StringIO(),
          overrides={"paths.train": str(train_path), "paths.dev": str(dev_path),
                     "training.max_steps": max_steps, "training.eval_frequency": max_steps,
                     "training.logger.progress_bar": False, **small})
    _FULL_PIPELINES[max_steps] = root / "out" / "model-last", dev_path
    return _FULL_PIPELINES[max_steps]


def annotations(doc):
    """Every annotation the pipeline predicts, for comparing two runs."""
    return ([t.tag_ for t in doc], [t.head.i for t in doc], [t.dep_ for t in doc],
            [(e.start, e.end, e.label_) for e in doc.ents],
            [bool(t.is_sent_start) for t in doc])


@pytest.fixture(scope="module")
def full_pipeline(tmp_path_factory):
    """The loaded full pipeline and some dev texts (one with several sentences, one empty)."""
    model_dir, dev_path = train_full_pipeline(tmp_path_factory.mktemp("full_pipeline"))
    nlp = fastnlp.load(model_dir)
    texts = [eg.reference.text for eg in Corpus(dev_path)(nlp)][:24]
    return nlp, texts[:11] + [""] + texts[11:]


def _tags(docs):
    return [[t.tag_ for t in doc] for doc in docs]


def _tagged_examples(nlp, pairs):
    return [Example.from_dict(nlp.make_doc(text), {"tags": tags}) for text, tags in pairs]


SMALL_TOK2VEC = {"@architectures": "fastnlp.HashEmbedCNN.v1", "width": 32, "depth": 1,
                 "embed_size": 500, "window_size": 1, "maxout_pieces": 2,
                 "subword_features": True, "pretrained_vectors": None}
PAIRS = [("I like green eggs", ["N", "V", "J", "N"]), ("Eat blue ham", ["V", "J", "N"])]


def test_blank_makes_a_tokenizer_only_pipeline():
    nlp = fastnlp.blank("en")
    assert nlp.lang == "en" and nlp.pipe_names == []
    assert [t.text for t in nlp("Hello, world!")] == ["Hello", ",", "world", "!"]
    with pytest.raises(ValueError, match="xx_nope"):
        fastnlp.blank("xx_nope")


def test_add_pipe_positions_and_errors():
    nlp = fastnlp.blank("en")
    nlp.add_pipe("tagger", "b")
    nlp.add_pipe("tagger", "d", last=True)
    nlp.add_pipe("tagger", "a", first=True)
    nlp.add_pipe("tagger", "c", before="d")
    nlp.add_pipe("tagger", "e", after="d")
    assert nlp.pipe_names == ["a", "b", "c", "d", "e"]
    with pytest.raises(ValueError, match="already has a component named 'a'"):
        nlp.add_pipe("tagger", "a")
    with pytest.raises(ValueError, match="no component 'zz'"):
        nlp.add_pipe("tagger", "f", after="zz")
    with pytest.raises(ValueError, match="only one of"):
        nlp.add_pipe("tagger", "f", first=True, before="a")
    with pytest.raises(ValueError, match="Unknown component factory 'tagr'"):
        nlp.add_pipe("tagr")
    assert nlp.remove_pipe("c")[0] == "c" and nlp.pipe_names == ["a", "b", "d", "e"]


def test_select_pipes_restores_on_exit_and_on_error():
    nlp = fastnlp.blank("en")
    for name in ("a", "b", "c"):
        nlp.add_pipe("tagger", name)
    with nlp.select_pipes(disable=["a", "c"]):
        assert nlp.pipe_names == ["b"]
    with nlp.select_pipes(enable="c"):
        assert nlp.pipe_names == ["c"]
    with pytest.raises(RuntimeError):
        with nlp.select_pipes(disable="b"):
            raise RuntimeError
    assert nlp.pipe_names == ["a", "b", "c"]
    with pytest.raises(KeyError, match="zz"):
        with nlp.select_pipes(disable="zz"):
            pass


def test_load_predicts_and_pipe_matches_call(trained):
    model, _ = trained
    nlp = fastnlp.load(model)
    assert nlp.pipe_names == ["tok2vec", "tagger"]
    one_by_one = [nlp(text) for text in TEXTS]
    assert all(t.tag_ for doc in one_by_one for t in doc)
    assert _tags(nlp.pipe(TEXTS, batch_size=2)) == _tags(one_by_one)
    pairs = list(nlp.pipe([(t, i) for i, t in enumerate(TEXTS)], as_tuples=True))
    assert [i for _, i in pairs] == list(range(len(TEXTS)))


def test_pipe_in_two_processes_gives_the_same_annotations(full_pipeline):
    nlp, texts = full_pipeline
    single = list(nlp.pipe(texts, batch_size=4, n_process=1))
    multi = list(nlp.pipe(texts, batch_size=4, n_process=2))
    assert [d.text for d in multi] == texts
    assert [annotations(d) for d in multi] == [annotations(d) for d in single]
    assert all(doc.vocab is nlp.vocab for doc in multi)
    assert sum(len(d.ents) for d in single) > 0
    assert sum(t.head.i != t.i for d in single for t in d) > len(texts)


def test_batched_decoding_gives_the_same_parse_as_one_doc_at_a_time(full_pipeline):
    """The parser and NER decode a batch of states together; each doc's parse must not
    depend on the others in its batch."""
    nlp, texts = full_pipeline
    one_at_a_time = [annotations(nlp(text)) for text in texts]
    for batch_size in (3, len(texts)):
        batched = [annotations(d) for d in nlp.pipe(texts, batch_size=batch_size)]
        assert batched == one_at_a_time


@pytest.mark.parametrize("window", [16, 50])
def test_long_docs_decoded_in_windows_give_the_same_parse(full_pipeline, monkeypatch, window):
    """Groups of at most DECODE_TOKENS tokens, and one long doc decoded with its feature
    table in moving windows, predict exactly what one batch over everything does."""
    from fastnlp.pipeline import transition_parser
    nlp, texts = full_pipeline
    long_text = " ".join(texts)
    monkeypatch.setattr(transition_parser, "DECODE_TOKENS", 10**9)
    whole = [annotations(d) for d in nlp.pipe([long_text] + texts, batch_size=64)]
    monkeypatch.setattr(transition_parser, "DECODE_TOKENS", window)
    windowed = [annotations(d) for d in nlp.pipe([long_text] + texts, batch_size=64)]
    assert len(nlp(long_text)) > 10 * window
    assert windowed == whole


def test_load_with_disable_and_exclude(trained):
    model, _ = trained
    disabled = fastnlp.load(model, disable=["tagger"])
    assert disabled.pipe_names == ["tok2vec"] and disabled.component_names == ["tok2vec",
                                                                               "tagger"]
    assert not any(t.tag_ for t in disabled("The cat sat."))
    disabled.enable_pipe("tagger")
    assert all(t.tag_ for t in disabled("The cat sat."))
    excluded = fastnlp.load(model, exclude=["tagger"])
    assert excluded.component_names == ["tok2vec"]


def test_disk_and_bytes_round_trips(trained, tmp_path):
    nlp = fastnlp.load(trained[0])
    expected = _tags(nlp.pipe(TEXTS))
    nlp.to_disk(tmp_path / "copy")
    assert _tags(fastnlp.load(tmp_path / "copy").pipe(TEXTS)) == expected
    fresh = English.from_config(nlp.config)
    fresh.from_disk(tmp_path / "copy")
    assert _tags(fresh.pipe(TEXTS)) == expected
    other = English.from_config(nlp.config)
    other.from_bytes(nlp.to_bytes())
    assert _tags(other.pipe(TEXTS)) == expected


def test_evaluate_scores_tags(trained):
    model, dev_path = trained
    nlp = fastnlp.load(model)
    examples = list(Corpus(dev_path)(nlp))
    scores = nlp.evaluate(examples)
    assert 0.2 < scores["tag_acc"] < 1.0 and scores["token_acc"] > 0.99
    assert scores["speed"] > 0
    with pytest.raises(TypeError, match="Example"):
        nlp.evaluate(["not an example"])


def test_initialize_update_learns_and_fills_losses():
    nlp = fastnlp.blank("en")
    nlp.add_pipe("tok2vec", config={"model": SMALL_TOK2VEC})
    nlp.add_pipe("tagger", config={"model": {"tok2vec": {
        "@architectures": "fastnlp.Tok2VecListener.v1", "width": 32}}})
    examples = _tagged_examples(nlp, PAIRS)
    optimizer = nlp.initialize(lambda: examples)
    assert nlp.get_pipe("tagger").labels == ("J", "N", "V")
    losses = {}
    first = nlp.update(examples, drop=0.1, sgd=optimizer, losses=losses)
    assert first is losses and set(losses) == {"tok2vec", "tagger"}
    start = losses["tagger"]
    for _ in range(30):
        losses = nlp.update(examples, drop=0.0, sgd=optimizer)
    assert losses["tagger"] < start / 5
    assert _tags(nlp.pipe(text for text, _ in PAIRS)) == [tags for _, tags in PAIRS]
    assert nlp.evaluate(examples)["tag_acc"] == 1.0


def test_update_with_sgd_false_changes_no_weights():
    nlp = fastnlp.blank("en")
    nlp.add_pipe("tagger")
    examples = _tagged_examples(nlp, PAIRS)
    nlp.begin_training(lambda: examples)
    before = nlp.get_pipe("tagger").model.to_bytes()
    nlp.update(examples, sgd=False)
    assert nlp.get_pipe("tagger").model.to_bytes() == before
    with pytest.raises(TypeError, match="Example"):
        nlp.update([("text", {"tags": []})])


# The seed document's internal training API --------------------------------------------

def test_example_from_reference_doc_with_tag_array():
    vocab = Vocab()
    words = ["I", "like", "stuff"]
    predicted = Doc(vocab, words=words)
    tags = ["NOUN", "VERB", "NOUN"]
    tag_ids = [vocab.strings.add(tag) for tag in tags]
    reference = Doc(vocab, words=words).from_array("TAG", numpy.array(tag_ids, dtype="uint64"))
    example = Example(predicted, reference)
    assert [t.tag_ for t in example.reference] == tags
    assert example.get_aligned("TAG", as_string=True) == tags
    from_dict = Example.from_dict(Doc(vocab, words=words), {"tags": tags})
    assert [t.tag_ for t in from_dict.reference] == tags


def test_seed_training_loop_with_tag_map_sets_pos(tmp_path):
    vocab = Vocab(tag_map={"N": {"pos": "NOUN"}, "V": {"pos": "VERB"}})
    nlp = English(vocab)
    tagger = nlp.add_pipe("tagger")
    with pytest.raises(ValueError, match="add_label"):
        nlp.begin_training()
    for tag in ("N", "V"):
        tagger.add_label(tag)
    train_data = [("I like stuff", ["N", "V", "N"]), ("They eat rice", ["N", "V", "N"])]
    optimizer = nlp.begin_training()
    random.seed(0)
    for itn in range(20):
        random.shuffle(train_data)
        for raw_text, tags in train_data:
            doc = nlp.make_doc(raw_text)
            example = Example.from_dict(doc, {"tags": tags})
            nlp.update([example], sgd=optimizer)
    nlp.to_disk(tmp_path / "model")
    loaded = fastnlp.load(tmp_path / "model")
    doc = loaded("I like stuff")
    assert [t.tag_ for t in doc] == ["N", "V", "N"]
    assert [t.pos_ for t in doc] == ["NOUN", "VERB", "NOUN"]
