"""The training loop: batches, updates, periodic evaluation, checkpoints, early stopping."""
import random
import signal
import sys
from pathlib import Path

import numpy
from thinc.api import fix_random_seed

from ..pipeline_io import pipeline_to_disk
from .checkpoint import TrainingState, load_state, save_checkpoint

BEST_DIR = "model-best"
LAST_DIR = "model-last"


class TrainingInterrupted(Exception):
    """The run stopped on SIGTERM or Ctrl-C, after a checkpoint of its last whole step."""

    def __init__(self, signum):
        super().__init__(f"signal {signum}")
        self.signum = signum


def score_weights(nlp, configured):
    """Per-score weights: each component's defaults, overridden by [training.score_weights]."""
    from ..config import combined_score_weights
    return combined_score_weights(nlp, configured)


def weighted_score(scores, weights):
    return sum(w * (scores.get(k) or 0.0) for k, w in weights.items() if w)


def train_loop(nlp, T, train_corpus, dev_corpus, output_path, *, stdout=sys.stdout,
               stderr=sys.stderr, resume_from=None, on_gpu=False):
    """Train until patience, max_steps or max_epochs; returns the final TrainingState.

    Every evaluation writes `model-last` (weights plus `training-state/`) and, when the
    score improves, `model-best`, each atomically. Ctrl-C or SIGTERM lets the current step
    finish, writes a checkpoint of it and raises TrainingInterrupted: a signal handled in
    mid-step would leave weights, optimizer and batch position out of step with each
    other. A second Ctrl-C, or any other error, leaves the last checkpoint as it is.
    """
    output_path = Path(output_path) if output_path is not None else None
    optimizer = T["optimizer"]
    batcher = T["batcher"]
    weights = score_weights(nlp, T["score_weights"])
    eval_frequency = T["eval_frequency"]
    state = TrainingState(seed=T["seed"], max_epochs=T["max_epochs"])
    if resume_from is not None:
        state = load_state(resume_from, nlp, optimizer)
        state.max_epochs = T["max_epochs"]
    log_step, finalize = T["logger"](nlp, stdout, stderr, on_gpu=on_gpu,
                                     score_keys=[k for k, w in weights.items() if w is not None],
                                     eval_frequency=eval_frequency)
    frozen = set(T["frozen_components"])
    batches = _batch_stream(nlp, train_corpus, batcher, state)
    stop = _StopRequest()
    try:
        # max_steps is checked before the next batch is drawn: a drawn batch counts as
        # consumed in the checkpoint, and a continued run would skip it.
        while not _done(state, T):
            drawn = next(batches, None)
            if drawn is None:
                state.finished = True
                break
            epoch, batch = drawn
            state.epoch = epoch
            _update(nlp, batch, T, optimizer, state, frozen)
            state.step += 1
            log_step(None)
            if state.step % eval_frequency == 0:
                _evaluate_and_save(nlp, dev_corpus, optimizer, weights, state, output_path,
                                   log_step, T)
                if T["patience"] and state.step - state.best_step >= T["patience"]:
                    break
            if stop.signum is not None:
                raise TrainingInterrupted(stop.signum)
        if state.step % eval_frequency != 0 or state.best_step < 0:
            _evaluate_and_save(nlp, dev_corpus, optimizer, weights, state, output_path,
                               log_step, T)
    except TrainingInterrupted:
        if output_path is not None:
            _save_last(nlp, optimizer, state, output_path)
            stderr.write(f"\nInterrupted at step {state.step}; checkpoint saved to "
                         f"{output_path / LAST_DIR}. Continue with --resume {output_path}\n")
        raise
    except KeyboardInterrupt:
        if output_path is not None:
            stderr.write(f"\nInterrupted in mid-step; the last checkpoint in "
                         f"{output_path / LAST_DIR} is kept. Continue with --resume "
                         f"{output_path}\n")
        raise
    finally:
        stop.restore()
        finalize()
    return state


def _done(state, T):
    return bool(T["max_steps"]) and state.step >= T["max_steps"]


def _batch_stream(nlp, corpus, batcher, state):
    """Yield (epoch, batch) until max_epochs (forever if 0).

    Each epoch's order depends only on (seed, epoch). A resumed run replays the stream
    from the start without training, up to the batch the interrupted run stopped at, so
    iterator-based schedules (batch sizes) are where they were too; then it restores the
    random generators' states saved in the checkpoint.
    """
    replay = state.batches_total
    seen = 0
    epoch = 0
    while not (state.max_epochs and epoch >= state.max_epochs):
        random.seed(state.seed * 7919 + epoch)
        for batch in batcher(_epoch_examples(nlp, corpus, state.seed, epoch)):
            seen += 1
            if seen <= replay:
                if seen == replay:
                    state.restore_random()
                continue
            state.batches_total = seen
            yield epoch, batch
        epoch += 1
    state.finished = True


def _epoch_examples(nlp, corpus, seed, epoch):
    """One epoch of training examples in a shuffled order fixed by (seed, epoch).

    A corpus that shuffles itself (bounded buffer, for corpora larger than memory) is
    told the epoch; any other is read into memory and shuffled here.
    """
    if getattr(corpus, "shuffle", False):
        corpus.seed = seed
        corpus.epoch = epoch
        return corpus(nlp)
    examples = list(corpus(nlp))
    random.shuffle(examples)
    return examples


def _update(nlp, batch, T, optimizer, state, frozen):
    n_sub = max(1, int(T["accumulate_gradient"]))
    exclude = list(frozen)
    sub_size = max(1, (len(batch) + n_sub - 1) // n_sub)
    for start in range(0, len(batch), sub_size):
        nlp.update(batch[start:start + sub_size], drop=T["dropout"], sgd=False,
                   losses=state.losses, exclude=exclude)
    for name, component in nlp.pipeline:
        if name not in frozen and hasattr(component, "finish_update") \
                and getattr(component, "is_trainable", False):
            component.finish_update(optimizer)
    # Learn-rate (and other) schedules advance once per step, as restore_optimizer replays.
    optimizer.step_schedules()
    state.words_seen += sum(len(eg.predicted) for eg in batch)
    if T["before_update"] is not None:
        T["before_update"](nlp, {"step": state.step, "epoch": state.epoch})


def _evaluate_and_save(nlp, dev_corpus, optimizer, weights, state, output_path, log_step, T):
    examples = list(dev_corpus(nlp))
    if optimizer.averages:
        with nlp.use_params(optimizer.averages):
            scores = nlp.evaluate(examples)
    else:
        scores = nlp.evaluate(examples)
    score = weighted_score(scores, weights)
    improved = state.best_step < 0 or score > state.best_score
    if improved:
        state.best_score = score
        state.best_step = state.step
    log_step({"epoch": state.epoch, "step": state.step, "losses": dict(state.losses),
              "score": score, "other_scores": scores})
    state.losses.clear()
    state.history.append({"step": state.step, "epoch": state.epoch, "score": score,
                          "scores": {k: v for k, v in scores.items()
                                     if isinstance(v, (int, float))}})
    if output_path is None:
        return
    before = T["before_to_disk"]
    target = before(nlp) if before is not None else nlp
    if improved:
        if optimizer.averages:
            with target.use_params(optimizer.averages):
                pipeline_to_disk(target, output_path / BEST_DIR)
        else:
            pipeline_to_disk(target, output_path / BEST_DIR)
    _save_last(target, optimizer, state, output_path)


def _save_last(nlp, optimizer, state, output_path):
    state.capture_random()
    save_checkpoint(nlp, optimizer, state, output_path / LAST_DIR)


class _StopRequest:
    """SIGTERM and Ctrl-C handlers that ask the loop to stop after the current step.

    A second Ctrl-C raises KeyboardInterrupt at once. Outside the main thread signals
    cannot be caught, and the handlers are left as they are.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self):
        self.signum = None
        self.previous = {}
        for signum in self.SIGNALS:
            try:
                self.previous[signum] = signal.signal(signum, self._handle)
            except ValueError:  # not the main thread
                break

    def _handle(self, signum, frame):
        if signum == signal.SIGINT and self.signum is not None:
            raise KeyboardInterrupt
        self.signum = signum

    def restore(self):
        for signum, handler in self.previous.items():
            if handler is not None:
                signal.signal(signum, handler)


def set_seed(seed):
    fix_random_seed(seed)
    random.seed(seed)
    numpy.random.seed(seed)
