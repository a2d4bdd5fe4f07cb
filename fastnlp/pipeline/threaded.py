"""nlp.pipe(..., n_threads=N): whole batches annotated on N threads sharing one pipeline.

Each worker takes one batch of texts through the tokenizer and every component. The
compiled stages that release the GIL (the hash embedding, numpy's matrix products, the
parser's transition loop) then overlap across batches; there is one copy of the model and
nothing is pickled.

Prediction (`component.predict`) only reads the weights and the docs of its own batch.
Everything that writes shared state (the tokenizer with its chunk cache and the Vocab's
lexemes and strings, each component's `set_annotations`, and any component that is not a
plain TrainablePipe) runs under `SHARED_STATE_LOCK`: those steps call Python code (affix
rules, lexeme attribute getters) where the GIL can switch threads, so the GIL alone would
not keep two writers apart. They hold the GIL throughout, so the lock costs no overlap.
"""
import collections
import numbers
import os
import threading
from concurrent.futures import ThreadPoolExecutor


from ..system import batched, limit_blas
from .trainable import TrainablePipe

# Held around every step that may write the Vocab, the StringStore, the tokenizer's
# cache or a component's own state, by every threaded pipe in the process.
SHARED_STATE_LOCK = threading.RLock()
# Batches submitted ahead of the one the caller is reading, per thread.
PREFETCH_PER_THREAD = 2


def resolve_n_threads(n_threads):
    """The number of worker threads `n_threads` asks for (-1: one per CPU)."""
    if n_threads == -1:
        return os.cpu_count() or 1
    if not isinstance(n_threads, numbers.Integral) or isinstance(n_threads, bool) \
            or n_threads < 1:
        raise ValueError(f"nlp.pipe: n_threads must be an int >= 1 or -1, not {n_threads!r}")
    return int(n_threads)


def predicts_statelessly(component):
    """Whether the component annotates as TrainablePipe does, by predict + set_annotations.

    Only then can its prediction run outside the lock; a component with its own `pipe`
    or `__call__` logic runs whole under the lock.
    """
    cls = type(component)
    return (isinstance(component, TrainablePipe) and cls.pipe is TrainablePipe.pipe
            and cls._annotate is TrainablePipe._annotate)


def annotate_batch(nlp, texts, components):
    """Tokenize a batch and run it through `components`; returns its Docs in order."""
    with SHARED_STATE_LOCK:
        docs = [nlp._ensure_doc(text) for text in texts]
    for _, component in components:
        if predicts_statelessly(component):
            scores = component.predict(docs)
            with SHARED_STATE_LOCK:
                component.set_annotations(docs, scores)
        else:
            with SHARED_STATE_LOCK:
                if hasattr(component, "pipe"):
                    docs = list(component.pipe(docs, batch_size=max(len(docs), 1)))
                else:
                    docs = [component(doc) for doc in docs]
    return docs


def pipe_in_threads(nlp, texts, *, batch_size, n_threads, disable=()):
    """Yield annotated Docs for `texts` in input order, computed on `n_threads` threads.

    The input is read lazily, in the caller's thread, at most
    PREFETCH_PER_THREAD * n_threads batches ahead of the caller. A worker's exception
    is raised in the caller; closing the generator cancels the batches not started and
    waits for the running ones. BLAS is limited to util.blas_threads() threads while
    the generator is open.
    """
    n_threads = resolve_n_threads(n_threads)
    components = [(name, c) for name, c in nlp.pipeline if name not in disable]
    max_pending = PREFETCH_PER_THREAD * n_threads
    pending = collections.deque()
    limits = limit_blas()
    pool = ThreadPoolExecutor(max_workers=n_threads, thread_name_prefix="fastnlp-pipe")
    try:
        for batch in batched(texts, batch_size):
            pending.append(pool.submit(annotate_batch, nlp, batch, components))
            if len(pending) >= max_pending:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        limits.restore_original_limits()
