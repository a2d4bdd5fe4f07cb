"""The training loop driven by a config: corpus settings, batching, stopping rules, seeds,
gradient accumulation, atomic saves."""
import shutil

import pytest

import fastnlp
from fastnlp.registry import registry
from fastnlp.tokens.docbin import DocBin
from fastnlp.training.batchers import minibatch
from fastnlp.training.corpus import Corpus
from fastnlp.training.train import train
from fastnlp.vocab import Vocab
from train_data import make_corpus, write_config

BATCHES = []


@registry.batchers("test_loop.recording.v1")
def recording_batcher(size: int):
    """Batches of `size` examples; records the texts of each batch in BATCHES."""
    def batch(examples):
        for items in minibatch(examples, size):
            BATCHES.append([eg.text for eg in items])
            yield items
    return batch


RECORDING = ('@batchers = "fastnlp.batch_by_words.v1"\nsize = 300',
             '@batchers = "test_loop.recording.v1"\nsize = 8')


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_corpus(tmp_path_factory.mktemp("loop_corpus"))


@pytest.fixture
def run(corpus, tmp_path):
    """Train the tiny config with overrides; returns (nlp, state)."""
    def run_it(config_replace=(), output=None, **overrides):
        config = write_config(tmp_path / "config.cfg", **dict(
            (f"r{i}", pair) for i, pair in enumerate(config_replace)))
        BATCHES.clear()
        values = {"paths.train": str(corpus[0]), "paths.dev": str(corpus[1])}
        values.update({key.replace("__", "."): value for key, value in overrides.items()})
        return train(config, output, overrides=values)
    return run_it


def _words(docs_or_examples):
    return sum(len(getattr(x, "predicted", x)) for x in docs_or_examples)


def test_max_steps_and_eval_frequency(run):
    _, state = run(training__max_steps=7, training__eval_frequency=3)
    assert state.step == 7
    # No batch is drawn past max_steps: the checkpoint's stream position is step 7's.
    assert state.batches_total == 7 and not state.finished
    assert [h["step"] for h in state.history] == [3, 6, 7]


def test_max_epochs_with_per_epoch_shuffling(run, corpus):
    n_docs = 24
    _, state = run([RECORDING], training__max_steps=0, training__max_epochs=3,
                   training__eval_frequency=1000, corpora__train__limit=n_docs)
    per_epoch = n_docs // 8
    assert state.step == 3 * per_epoch and state.epoch == 2 and state.finished
    epochs = [sum(BATCHES[i * per_epoch:(i + 1) * per_epoch], []) for i in range(3)]
    assert all(sorted(e) == sorted(epochs[0]) and len(e) == n_docs for e in epochs)
    assert epochs[0] != epochs[1] != epochs[2]
    first_order = epochs[0]
    run([RECORDING], training__max_steps=per_epoch, corpora__train__limit=n_docs)
    assert BATCHES and sum(BATCHES, []) == first_order


def test_patience_stops_when_the_score_stalls(run):
    # With a zero learning rate the score never improves on the first evaluation.
    _, state = run([("size = 300", "size = 300\n\n[training.optimizer]\n"
                     '@optimizers = "Adam.v1"\nlearn_rate = 0.0')],
                   training__patience=3, training__eval_frequency=1, training__max_steps=50)
    assert state.best_step == 1 and state.step == 4


def test_same_seed_same_scores_and_weights(run, tmp_path):
    _, first = run(output=tmp_path / "a", training__dropout=0.2)
    _, second = run(output=tmp_path / "b", training__dropout=0.2)
    assert _without_speed(first.history) == _without_speed(second.history)
    weights = [(tmp_path / d / "model-last" / "tagger" / "model").read_bytes()
               for d in ("a", "b")]
    assert weights[0] == weights[1]
    _, other = run(output=tmp_path / "c", training__dropout=0.2, system__seed=1)
    assert (tmp_path / "c" / "model-last" / "tagger" / "model").read_bytes() != weights[0]
    assert [h["score"] for h in other.history] != [h["score"] for h in first.history]


def _without_speed(history):
    return [{k: v for k, v in h["scores"].items() if k != "speed"} for h in history]


def test_limit_and_max_length_reach_the_training_corpus(run, corpus):
    nlp = fastnlp.blank("en")
    _, state = run(corpora__train__limit=5, training__max_epochs=1, training__max_steps=0)
    assert state.words_seen == _words(Corpus(corpus[0], limit=5)(nlp))
    _, state = run(corpora__train__max_length=25, corpora__train__limit=20,
                   training__max_epochs=1, training__max_steps=0)
    expected = list(Corpus(corpus[0], max_length=25, limit=20)(nlp))
    assert state.words_seen == _words(expected)
    assert max(len(eg.reference) for eg in expected) < 25
    assert state.words_seen < _words(Corpus(corpus[0], limit=20)(nlp))


def test_directory_of_shards(run, corpus, tmp_path):
    shards = tmp_path / "shards"
    (shards / "nested").mkdir(parents=True)
    docs = list(DocBin().from_disk(corpus[0]).get_docs(Vocab()))
    DocBin(docs=docs[:6]).to_disk(shards / "a.spacy")
    DocBin(docs=docs[6:12]).to_disk(shards / "nested" / "b.spacy")
    _, state = run(paths__train=str(shards), training__max_epochs=1, training__max_steps=0)
    assert state.words_seen == sum(len(doc) for doc in docs[:12])


def test_discard_oversize(run, corpus):
    lengths = [len(eg.predicted) for eg in Corpus(corpus[0], limit=30)(fastnlp.blank("en"))]
    limit = 60  # size 50 with tolerance 0.2
    assert any(n > limit for n in lengths)
    batcher = ("size = 300", "size = 50\ntolerance = 0.2\ndiscard_oversize = true")
    _, state = run([batcher], training__max_epochs=1, training__max_steps=0,
                   corpora__train__limit=30)
    assert state.words_seen == sum(n for n in lengths if n <= limit)
    _, state = run([batcher], training__max_epochs=1, training__max_steps=0,
                   corpora__train__limit=30, training__batcher__discard_oversize=False)
    assert state.words_seen == sum(lengths)


def test_accumulate_gradient_sums_sub_batches(run, tmp_path):
    """Without dropout, two sub-batches of accumulated gradients make the same update as
    the whole batch; the optimizer still takes one step per batch."""
    one, state_one = run(output=tmp_path / "one", training__dropout=0.0)
    two, state_two = run(output=tmp_path / "two", training__dropout=0.0,
                         training__accumulate_gradient=2)
    assert state_one.step == state_two.step == 8
    numpy = pytest.importorskip("numpy")
    for name in ("tok2vec", "tagger"):
        a = one.get_pipe(name).model
        b = two.get_pipe(name).model
        for node_a, node_b in zip(a.walk(), b.walk()):
            for param in node_a.param_names:
                if node_a.has_param(param):
                    numpy.testing.assert_allclose(node_a.get_param(param),
                                                  node_b.get_param(param), atol=2e-5)
    three, _ = run(training__dropout=0.0, training__accumulate_gradient=3,
                   training__max_steps=1)
    assert three.get_pipe("tagger").model.to_bytes() != one.get_pipe("tagger").model.to_bytes()


def test_failed_save_keeps_the_previous_model(run, tmp_path, monkeypatch):
    out = tmp_path / "out"
    run(output=out)
    before = (out / "model-last" / "tagger" / "model").read_bytes()
    import fastnlp.pipeline_io as pipeline_io

    def fail(nlp, path, exclude):
        (path / "partial").write_text("x")
        raise OSError("disk full")

    monkeypatch.setattr(pipeline_io, "_write", fail)
    with pytest.raises(OSError, match="disk full"):
        run(output=out)
    assert (out / "model-last" / "tagger" / "model").read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["model-best", "model-last"]
    monkeypatch.undo()
    assert fastnlp.load(out / "model-last").pipe_names == ["tok2vec", "tagger"]
    shutil.rmtree(out)


def test_frozen_tok2vec_trains_its_listeners_only_when_annotating(run, tmp_path):
    """spaCy's rule: a frozen tok2vec gives its listeners nothing to train on unless it
    is also an annotating component, which then runs forward over each batch."""
    from fastnlp.pipeline.tok2vec import ListenerError
    with pytest.raises(ListenerError, match="annotating_components"):
        run(training__max_steps=2, training__frozen_components=["tok2vec"])
    frozen = {"training__frozen_components": ["tok2vec"],
              "training__annotating_components": ["tok2vec"]}
    short, _ = run(training__max_steps=3, **frozen)
    longer, state = run(training__max_steps=9, **frozen)
    assert state.step == 9
    assert short.get_pipe("tok2vec").model.to_bytes() == \
        longer.get_pipe("tok2vec").model.to_bytes()
    assert short.get_pipe("tagger").model.to_bytes() != \
        longer.get_pipe("tagger").model.to_bytes()
