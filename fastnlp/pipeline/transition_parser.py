"""TransitionParser: the shared machinery of the dependency parser and the NER component.

A component owns a transition system (its moves, built from the labels collected at
initialize) and a TransitionBasedParser model. Prediction runs `parser_loops.decode` over
a batch of states; training runs `parser_loops.train`, which follows the model's own best
valid moves and learns from the dynamic oracle's costs at every step.
"""
import random
import warnings

import numpy

from thinc.api import set_dropout_rate

from ..ml import parser_loops
from ..ml import parser_model  # also registers the architectures the factories name
from .trainable import TrainablePipe
from .transition.batch import StateBatch


# Tokens per decoding batch. Docs are decoded in groups of at most this many tokens, so
# the precomputed feature table (tokens x slots x hidden x pieces floats) stays small
# and in cache; a longer doc is decoded alone, its table computed for a window of this
# many tokens that moves along the doc (memory bounded, cost linear in its length).
# Neither changes any prediction.
DECODE_TOKENS = 2048


class TransitionParser(TrainablePipe):
    """Base of DependencyParser and EntityRecognizer; subclasses set `system_class`."""

    system_class = None

    def __init__(self, vocab, model, name, *, scorer=None, min_action_freq=1,
                 update_with_oracle_cut_size=100, **cfg):
        super().__init__(vocab, model, name, scorer=scorer, min_action_freq=min_action_freq,
                         update_with_oracle_cut_size=update_with_oracle_cut_size, **cfg)
        self.moves = self._make_system(self.cfg["labels"])
        self.n_skipped = 0

    def _make_system(self, labels, label_freqs=None):
        n_feats = self.model.get_dim("nF")
        return self.system_class(self.vocab.strings, list(labels), nr_feature_tokens=n_feats,
                                 label_freqs=label_freqs)

    def add_label(self, label):
        """Add a label before initialize (initialize keeps it); after initialize the
        output layer is sized, so a new label is an error and nothing changes."""
        if label not in self.moves.labels and self.model.has_dim("nO"):
            raise ValueError(f"{self.name}: label {label!r} added after initialize; "
                             "add labels before nlp.initialize()")
        added = super().add_label(label)
        if added:
            self.moves.add_label(label)
        return added

    # Prediction -----------------------------------------------------------------

    def predict(self, docs):
        """Decode the docs; returns the finished StateBatches, one per group of at most
        DECODE_TOKENS tokens (set_annotations writes them)."""
        finished = []
        for group in _token_groups(list(docs), DECODE_TOKENS):
            states = StateBatch(self.moves, group)
            if states.n_active and sum(len(doc) for doc in group) > DECODE_TOKENS:
                self._decode_in_windows(group[0], states, DECODE_TOKENS)
            elif states.n_active:
                parser_loops.decode(self.model.predict(group), states)
            finished.append(states)
        return finished

    def _decode_in_windows(self, doc, states, size):
        """Decode one long doc with feature-table rows for `size` tokens from B0 on,
        plus the few tokens left of B0 the state can still name (its stack and their
        children), then the next window: memory bounded, cost linear in the length."""
        batch = parser_model.predict_window(self.model, doc)
        row_of = numpy.full(len(doc), -1, dtype="int32")
        tokens = numpy.zeros((0,), dtype="int32")
        while states.n_active:
            b0 = states.buffer_start(0)
            end = min(len(doc), b0 + size)
            row_of[tokens] = -1
            tokens = numpy.asarray([t for t in states.needed_tokens(0) if t < b0]
                                   + list(range(b0, end)), dtype="int32")
            row_of[tokens] = numpy.arange(len(tokens), dtype="int32")
            batch.set_rows(tokens)
            states.set_row_map(0, row_of)
            parser_loops.decode(batch, states, until=end)

    def set_annotations(self, docs, states):
        for batch in states or ():
            if batch.n_states:
                batch.set_annotations()

    # Training -------------------------------------------------------------------

    def update(self, examples, *, drop=0.0, sgd=None, losses=None):
        """Train on the examples: one pass over every state, learning from the oracle."""
        if losses is None:
            losses = {}
        losses.setdefault(self.name, 0.0)
        examples = [eg for eg in examples if len(eg.predicted)]
        if not examples:
            return losses
        states, kept, n_skipped = StateBatch.from_examples(self.moves, examples,
                                                          skip_bad=True)
        if n_skipped:
            self.n_skipped += n_skipped
            warnings.warn(f"{self.name}: skipped {n_skipped} example(s) whose gold annotation "
                          f"the oracle cannot use ({self.n_skipped} so far)")
        if not kept:
            return losses
        cut = self.cfg.get("update_with_oracle_cut_size") or 0
        max_steps = -1
        if cut > 0:
            # States start along the oracle path every `length` moves and follow the
            # model for at most that many, so long docs also teach from states whose
            # past is right; the length varies per batch so the cuts move.
            max_steps = random.randint(max(1, cut // 2), cut * 2)
            states = states.cut_along_oracle(max_steps)
        set_dropout_rate(self.model, drop)
        batch, backprop = self.model.begin_update([eg.predicted for eg in kept])
        loss = parser_loops.train(batch, states, max_steps=max_steps, dropout=drop,
                                  seed=numpy.random.randint(0, 2**63, dtype=numpy.uint64))
        backprop(None)
        if sgd not in (None, False):
            self.finish_update(sgd)
        losses[self.name] += loss
        return losses

    def initialize(self, get_examples, *, nlp=None, labels=None):
        if labels is None:
            system = self.system_class.from_examples(
                self.vocab.strings, get_examples(), min_freq=self.cfg["min_action_freq"],
                nr_feature_tokens=self.model.get_dim("nF"))
            labels = list(system.labels)
            labels += [label for label in self.cfg["labels"] if label not in labels]
            label_freqs = dict(system.label_freqs)
        else:
            label_freqs = None
        labels = [label for label in labels if label not in self.moves.required_labels()]
        self.cfg["labels"] = list(labels)
        for label in labels:
            self.vocab.strings.add(label)
        self.moves = self._make_system(labels, label_freqs)
        if not self.moves.n_moves:
            raise ValueError(f"{self.name}: no labels in the training data")
        self.model.set_dim("nO", self.moves.n_moves)
        sample = []
        for example in get_examples():
            sample.append(example.predicted)
            if len(sample) >= 10:
                break
        self.model.initialize(X=sample or None)

    def _rebuild_output_layer(self):
        self.moves = self._make_system(self.cfg["labels"])
        if not self.model.has_dim("nO"):
            self.model.set_dim("nO", self.moves.n_moves)
        for name in ("upper",):
            if self.model.has_ref(name):
                layer = self.model.get_ref(name)
                if not layer.has_dim("nO"):
                    layer.set_dim("nO", self.moves.n_moves)
        lower = self.model.get_ref("lower")
        if not self.model.attrs["use_upper"] and not lower.has_dim("nO"):
            lower.set_dim("nO", self.moves.n_moves)


def _token_groups(docs, max_tokens):
    """Consecutive groups of docs with at most max_tokens tokens (a longer doc alone)."""
    group, n_tokens = [], 0
    for doc in docs:
        if group and n_tokens + len(doc) > max_tokens:
            yield group
            group, n_tokens = [], 0
        group.append(doc)
        n_tokens += len(doc)
    if group:
        yield group
