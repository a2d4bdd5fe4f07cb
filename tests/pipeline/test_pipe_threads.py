"""nlp.pipe(..., n_threads=N): same annotations as the serial path, input order, lazy
input, settings, worker errors reaching the caller, early close, a shared Vocab."""
import sys
import threading
import traceback

import pytest
from threadpoolctl import threadpool_limits

import fastnlp
from fastnlp.pipeline.threaded import PREFETCH_PER_THREAD, SHARED_STATE_LOCK
from test_language import annotations, train_full_pipeline

FAIL_MARK = "Boom goes this text."


class Refuser:
    """Wraps a component method (or is a plain callable component): raises on a batch
    holding FAIL_MARK, counts the docs it saw."""

    def __init__(self, method=None):
        self.method = method
        self.n_seen = 0

    def _check(self, docs):
        self.n_seen += len(docs)
        if any(doc.text == FAIL_MARK for doc in docs):
            raise KeyError(f"refuses {FAIL_MARK!r}")

    def wrapped(self, docs, *args):
        self._check(docs)
        return self.method(docs, *args)

    def __call__(self, doc):
        self._check([doc])
        return doc


@pytest.fixture(scope="module")
def pipeline_dir(tmp_path_factory):
    return train_full_pipeline(tmp_path_factory.mktemp("threads"))


@pytest.fixture(scope="module")
def full(pipeline_dir):
    from fastnlp.training.corpus import Corpus
    model_dir, dev_path = pipeline_dir
    nlp = fastnlp.load(model_dir)
    texts = [eg.reference.text for eg in Corpus(dev_path)(nlp)][:40]
    return nlp, texts[:7] + [""] + texts[7:]


def _pipe_threads():
    return [t for t in threading.enumerate() if t.name.startswith("fastnlp-pipe")]


@pytest.mark.parametrize("n_threads,batch_size", [(2, 3), (3, 1), (4, 64)])
def test_threads_give_the_serial_annotations_in_input_order(full, n_threads, batch_size):
    nlp, texts = full
    serial = [annotations(d) for d in nlp.pipe(texts, batch_size=batch_size)]
    docs = list(nlp.pipe(texts, batch_size=batch_size, n_threads=n_threads))
    assert [d.text for d in docs] == texts
    assert [annotations(d) for d in docs] == serial
    assert all(d.vocab is nlp.vocab for d in docs)
    assert not _pipe_threads()


def test_docs_as_input_and_all_cores(full):
    nlp, texts = full
    serial = [annotations(d) for d in nlp.pipe(texts, batch_size=5)]
    docs = [nlp.make_doc(t) for t in texts]
    out = list(nlp.pipe(docs, batch_size=5, n_threads=-1))
    assert all(a is b for a, b in zip(out, docs))
    assert [annotations(d) for d in out] == serial


def test_as_tuples_and_disable(full):
    nlp, texts = full
    pairs = [(t, {"i": i}) for i, t in enumerate(texts)]
    out = list(nlp.pipe(pairs, as_tuples=True, batch_size=4, n_threads=2,
                        disable=["ner"]))
    assert [c["i"] for _, c in out] == list(range(len(texts)))
    assert [d.text for d, _ in out] == texts
    assert all(not d.ents for d, _ in out)
    serial = list(nlp.pipe(texts, batch_size=4, disable=["ner"]))
    assert [annotations(d) for d, _ in out] == [annotations(d) for d in serial]


@pytest.mark.parametrize("kwargs,message", [
    ({"n_threads": 0}, "n_threads must be"),
    ({"n_threads": -2}, "n_threads must be"),
    ({"n_threads": 1.5}, "n_threads must be"),
    ({"n_threads": 2, "n_process": 2}, "not both"),
])
def test_bad_settings_are_a_clear_error_at_the_call(full, kwargs, message):
    nlp, texts = full
    with pytest.raises(ValueError, match=message):
        nlp.pipe(texts, **kwargs)


def test_input_is_read_lazily_and_close_stops_the_workers(full):
    nlp, texts = full
    n_threads, batch_size = 2, 2
    read = []

    def endless():
        i = 0
        while True:
            read.append(i)
            yield texts[i % len(texts)]
            i += 1

    docs = nlp.pipe(endless(), batch_size=batch_size, n_threads=n_threads)
    first = next(docs)
    assert first.text == texts[0]
    assert len(read) <= (PREFETCH_PER_THREAD * n_threads + 1) * batch_size
    docs.close()
    assert not _pipe_threads()
    assert SHARED_STATE_LOCK.acquire(timeout=1)
    SHARED_STATE_LOCK.release()


@pytest.mark.parametrize("where", ["predict", "set_annotations", "plain component"])
def test_worker_error_reaches_the_caller_and_nothing_hangs(pipeline_dir, monkeypatch, where):
    """predict runs outside the lock, set_annotations and plain components inside it."""
    nlp = fastnlp.load(pipeline_dir[0])
    tagger = nlp.get_pipe("tagger")
    if where == "plain component":
        refuser = Refuser()
        monkeypatch.setattr(nlp, "_components", nlp.components + [("refuser", refuser)])
    else:
        refuser = Refuser(getattr(tagger, where))
        monkeypatch.setattr(tagger, where, refuser.wrapped)
    texts = [f"Text number {i}." for i in range(200)]
    texts[21] = FAIL_MARK
    with pytest.raises(KeyError, match="refuses") as info:
        list(nlp.pipe(texts, batch_size=2, n_threads=2))
    frames = [frame.name for frame in traceback.extract_tb(info.value.__traceback__)]
    assert "_check" in frames and "annotate_batch" in frames
    assert refuser.n_seen < len(texts)  # batches not started were cancelled
    assert not _pipe_threads()
    texts[21] = "Fine now."
    assert [d.text for d in nlp.pipe(texts, batch_size=2, n_threads=2)] == texts


def test_new_words_from_many_threads_make_one_lexeme_each(pipeline_dir):
    """Threads meeting the same unseen words at once must not make two lexemes (or two
    strings) for one word: the tokenizer and the Vocab are written under one lock."""
    words = [f"zork{i}x-{i % 7}y" for i in range(600)]
    texts = [" ".join(words[j:j + 30]) + " ." for j in range(0, 570, 3)]
    serial_nlp = fastnlp.load(pipeline_dir[0])
    threaded_nlp = fastnlp.load(pipeline_dir[0])
    with threadpool_limits(limits=1, user_api="blas"):  # tiny GEMMs: threads only cost
        serial = [annotations(d) for d in serial_nlp.pipe(texts, batch_size=1)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads as often as the interpreter can
    try:
        docs = list(threaded_nlp.pipe(texts, batch_size=1, n_threads=4))
    finally:
        sys.setswitchinterval(interval)
    assert [annotations(d) for d in docs] == serial
    assert len(threaded_nlp.vocab) == len(serial_nlp.vocab) == len(list(threaded_nlp.vocab))
    assert len(threaded_nlp.vocab.strings) == len(serial_nlp.vocab.strings)
