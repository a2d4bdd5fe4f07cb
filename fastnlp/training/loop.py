"""The training loop: batches, updates, periodic evaluation, checkpoints, early stopping.

`TrainingRun` holds a run and the steps that advance it (draw a batch, compute and apply
gradients, evaluate and save); `train_loop` drives one in this process and every Ray
worker drives one per replica (ray_train.py), so each behaviour has one home.
"""
import random
import signal
import sys
from pathlib import Path

import numpy
from thinc.api import fix_random_seed

from ..config import combined_score_weights
from ..pipeline_io import pipeline_to_disk
from .checkpoint import BEST_DIR, LAST_DIR, TrainingState, load_state, save_checkpoint


class TrainingInterrupted(Exception):
    """The run stopped on SIGTERM or Ctrl-C, after a checkpoint of its last whole step."""

    def __init__(self, signum):
        super().__init__(f"signal {signum}")
        self.signum = signum


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
    run = TrainingRun(nlp, T, train_corpus, dev_corpus, output_path, resume_from=resume_from)
    run.start_logging(stdout, stderr, on_gpu=on_gpu)
    stop = _StopRequest()
    try:
        # max_steps is checked before the next batch is drawn: a drawn batch counts as
        # consumed in the checkpoint, and a continued run would skip it.
        while not run.reached_max_steps():
            batch = run.next_batch()
            if batch is None:
                break
            run.update(batch)
            if run.evaluation_due():
                run.evaluate_and_save()
                if run.out_of_patience():
                    break
            if stop.signum is not None:
                raise TrainingInterrupted(stop.signum)
        run.evaluate_last_step()
    except TrainingInterrupted:
        if run.output_path is not None:
            run.save_last()
            stderr.write(f"\nInterrupted at step {run.state.step}; checkpoint saved to "
                         f"{run.output_path / LAST_DIR}. Continue with --resume "
                         f"{run.output_path}\n")
        raise
    except KeyboardInterrupt:
        if run.output_path is not None:
            stderr.write(f"\nInterrupted in mid-step; the last checkpoint in "
                         f"{run.output_path / LAST_DIR} is kept. Continue with --resume "
                         f"{run.output_path}\n")
        raise
    finally:
        stop.restore()
        run.finalize()
    return run.state


class TrainingRun:
    """One training run and the steps that advance it.

    Holds the pipeline, its resolved [training] settings `T`, the TrainingState, the
    score weights, the batch stream and the output directory. `train_loop` drives one in
    this process; each Ray worker (ray_train.py) drives one per replica with the same
    methods, computing gradients on its shard of each batch. The pipeline must already be
    initialized, or loaded from `resume_from`'s model-last (train.initialize_or_resume);
    `resume_from` then also restores the state and the optimizer's moments.
    """

    def __init__(self, nlp, T, train_corpus, dev_corpus, output_path=None, *,
                 resume_from=None):
        self.nlp = nlp
        self.T = T
        self.dev_corpus = dev_corpus
        self.output_path = Path(output_path) if output_path is not None else None
        self.optimizer = T["optimizer"]
        self.weights = combined_score_weights(nlp, T["score_weights"])
        self.frozen = set(T["frozen_components"])
        self.annotating = list(T["annotating_components"])
        if resume_from is None:
            self.state = TrainingState(seed=T["seed"], max_epochs=T["max_epochs"])
        else:
            self.state = load_state(resume_from, nlp, self.optimizer)
            self.state.max_epochs = T["max_epochs"]
        self.batches = batch_stream(nlp, train_corpus, T["batcher"], self.state)
        # No output until start_logging (Ray workers other than 0 never log).
        self.log_step = _no_log_step
        self.finalize = _no_finalize

    def start_logging(self, stdout, stderr, *, on_gpu=False):
        """Set up T's logger, which prints its table header now."""
        self.log_step, self.finalize = self.T["logger"](
            self.nlp, stdout, stderr, on_gpu=on_gpu,
            score_keys=[k for k, w in self.weights.items() if w is not None],
            eval_frequency=self.T["eval_frequency"])

    def reached_max_steps(self):
        """True once max_steps (when set) steps are done; ask before next_batch."""
        return bool(self.T["max_steps"]) and self.state.step >= self.T["max_steps"]

    def next_batch(self):
        """The next batch of the stream (setting state.epoch), or None after max_epochs.

        A drawn batch counts as consumed in the checkpoint (state.batches_total).
        """
        drawn = next(self.batches, None)
        if drawn is None:
            self.state.finished = True
            return None
        self.state.epoch, batch = drawn
        return batch

    def update(self, batch):
        """One step on the whole batch: compute_gradients, then apply_gradients."""
        self.compute_gradients(batch, self.state.losses)
        self.apply_gradients(count_words(batch))

    def compute_gradients(self, batch, losses):
        """Forward and backward in accumulate_gradient sub-batches, adding to `losses`.

        Nothing is applied: the gradients are left in the models' nodes. Frozen components
        are not updated; annotating ones then annotate the batch for the components after
        them (a frozen tok2vec must annotate for its listeners to train).
        """
        n_sub = max(1, int(self.T["accumulate_gradient"]))
        exclude = list(self.frozen)
        sub_size = max(1, (len(batch) + n_sub - 1) // n_sub)
        for start in range(0, len(batch), sub_size):
            self.nlp.update(batch[start:start + sub_size], drop=self.T["dropout"],
                            sgd=False, losses=losses, exclude=exclude,
                            annotates=self.annotating)

    def apply_gradients(self, n_words):
        """The optimizer step on the gradients in the nodes; counts the step and its words.

        T's before_update callback is called with the number of steps done before this one.
        """
        for _, component in self.trained_components():
            component.finish_update(self.optimizer)
        # Learn-rate (and other) schedules advance once per step, as restore_optimizer replays.
        self.optimizer.step_schedules()
        state = self.state
        state.words_seen += n_words
        if self.T["before_update"] is not None:
            self.T["before_update"](self.nlp, {"step": state.step, "epoch": state.epoch})
        state.step += 1
        self.log_step(None)

    def trained_components(self):
        """(name, component) of the components the optimizer updates, in pipeline order."""
        return [(name, component) for name, component in self.nlp.pipeline
                if name not in self.frozen and hasattr(component, "finish_update")
                and getattr(component, "is_trainable", False)]

    def evaluation_due(self):
        """True on every eval_frequency-th step."""
        return self.state.step % self.T["eval_frequency"] == 0

    def out_of_patience(self):
        """True when `patience` (when set) steps have passed without a better score."""
        patience = self.T["patience"]
        return bool(patience) and self.state.step - self.state.best_step >= patience

    def evaluate_and_save(self):
        """Score the dev set, log a table row, write model-best if improved, and model-last.

        Scores use the optimizer's averaged weights when it keeps them, and so does
        model-best; T's before_to_disk callback chooses what is written.
        """
        nlp, optimizer, state = self.nlp, self.optimizer, self.state
        examples = list(self.dev_corpus(nlp))
        if optimizer.averages:
            with nlp.use_params(optimizer.averages):
                scores = nlp.evaluate(examples)
        else:
            scores = nlp.evaluate(examples)
        score = weighted_score(scores, self.weights)
        improved = state.best_step < 0 or score > state.best_score
        if improved:
            state.best_score = score
            state.best_step = state.step
        self.log_step({"epoch": state.epoch, "step": state.step, "losses": dict(state.losses),
                       "score": score, "other_scores": scores})
        state.losses.clear()
        state.history.append({"step": state.step, "epoch": state.epoch, "score": score,
                              "scores": {k: v for k, v in scores.items()
                                         if isinstance(v, (int, float))}})
        if self.output_path is None:
            return
        before = self.T["before_to_disk"]
        target = before(nlp) if before is not None else nlp
        if improved:
            if optimizer.averages:
                with target.use_params(optimizer.averages):
                    pipeline_to_disk(target, self.output_path / BEST_DIR)
            else:
                pipeline_to_disk(target, self.output_path / BEST_DIR)
        self._save_last(target)

    def evaluate_last_step(self):
        """At the end of a run: evaluate and save unless the last step just was."""
        if not self.evaluation_due() or self.state.best_step < 0:
            self.evaluate_and_save()

    def save_last(self):
        """Checkpoint the current step to model-last (a run stopped between evaluations)."""
        self._save_last(self.nlp)

    def _save_last(self, nlp):
        self.state.capture_random()
        save_checkpoint(nlp, self.optimizer, self.state, self.output_path / LAST_DIR)


def _no_log_step(info):
    pass


def _no_finalize():
    pass


def count_words(examples):
    """Words in the examples' predicted docs: what state.words_seen counts."""
    return sum(len(eg.predicted) for eg in examples)


def batch_stream(nlp, corpus, batcher, state):
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
