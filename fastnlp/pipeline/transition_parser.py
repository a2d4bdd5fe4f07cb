"""TransitionParser: the shared machinery of the dependency parser and the NER component.

A component owns a transition system (its moves, built from the labels collected at
initialize) and a TransitionBasedParser model. Prediction runs `parser_loops.decode` over
a batch of states; training runs `parser_loops.train`, which follows the model's own best
valid moves and learns from the dynamic oracle's costs at every step.
"""
import warnings

from thinc.api import set_dropout_rate

from ..ml import parser_loops
from ..ml import parser_model  # noqa: F401  (registers the architectures the factories name)
from .trainable import TrainablePipe
from .transition.batch import StateBatch


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
        """Decode the docs; returns the finished StateBatch (set_annotations writes it)."""
        docs = list(docs)
        states = StateBatch(self.moves, docs)
        if not docs or not states.n_active:
            return states
        batch = self.model.predict(docs)
        parser_loops.decode(batch, states)
        return states

    def set_annotations(self, docs, states):
        if states is not None and states.n_states:
            states.set_annotations()

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
        set_dropout_rate(self.model, drop)
        batch, backprop = self.model.begin_update([eg.predicted for eg in kept])
        loss = parser_loops.train(batch, states)
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
