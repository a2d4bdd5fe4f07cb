"""`--code` file for benchmarks/accuracy.py: time the training loop of either library.

Re-registers "spacy.batch_by_words.v1" (in spaCy's registry, or fastnlp's when
BENCH_LIBRARY=fastnlp) as the same batcher, wrapped so that each batch's words and the
moment it is handed to the loop are recorded, plus the moment each epoch's stream runs
out. A step runs from its batch's hand-over to the next one, so the records time every
update (and whatever the loop does between batches) without changing the config.
Records go to the JSON-lines file BENCH_TIMING_FILE: {"t", "cpu", "words"} per batch,
{"t", "cpu", "end"} when an epoch's batches run out (none if max_steps stops the loop
mid-epoch); "t" is wall time, "cpu" the process's CPU time.
"""
import functools
import json
import os
import time


def _registry():
    if os.environ.get("BENCH_LIBRARY") == "fastnlp":
        import fastnlp.training.batchers  # noqa: F401 (registers the batchers)
        from fastnlp.registry import registry
    else:
        from spacy import registry
        from spacy.registrations import populate_registry
        populate_registry()  # spaCy 3.8 fills its registries lazily; ours must win
    return registry


def _timed(make_batcher):
    @functools.wraps(make_batcher)
    def make(*args, **kwargs):
        batcher = make_batcher(*args, **kwargs)

        def timed_batches(items):
            with open(os.environ["BENCH_TIMING_FILE"], "a", encoding="utf8") as log:
                for batch in batcher(items):
                    words = sum(len(eg.predicted) for eg in batch)
                    now = {"t": time.perf_counter(), "cpu": time.process_time()}
                    log.write(json.dumps({**now, "words": words}) + "\n")
                    log.flush()
                    yield batch
                now = {"t": time.perf_counter(), "cpu": time.process_time()}
                log.write(json.dumps({**now, "end": True}) + "\n")

        return timed_batches

    return make


def _install(name="spacy.batch_by_words.v1"):
    batchers = _registry().batchers
    original = batchers.get(name)
    if getattr(original, "_bench_timed", False):
        return
    wrapped = _timed(original)
    wrapped._bench_timed = True
    batchers.register(name, func=wrapped)


if os.environ.get("BENCH_TIMING_FILE"):
    _install()
