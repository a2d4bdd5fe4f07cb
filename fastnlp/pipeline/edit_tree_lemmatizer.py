"""trainable_lemmatizer: lemmas from predicted edit trees, as spaCy's EditTreeLemmatizer.

A Tagger-style model picks, for every token, an edit tree (how the form is rewritten into
its lemma) among those seen at least `min_tree_freq` times in the training data. The most
probable tree that applies to the token's text (of the `top_k` best) gives the lemma;
if none does, `backoff` (a Token attribute such as "orth", or None to leave the lemma
unset). A gold lemma whose tree is not among the labels (too rare for min_tree_freq)
cannot be predicted, so it is left out of the loss and counted in `n_unknown_trees`;
spaCy trains it as label 0, whatever tree that is. Trees are built and applied in C
(pipeline/edit_trees.pyx), and a (tree, word) pair's lemma is worked out once.
"""
import contextlib
from collections import Counter
from itertools import islice
from pathlib import Path

import numpy
import srsly
from thinc.api import SequenceCategoricalCrossentropy

from ..factories import register_factory
from ..strings import StringStore
from .edit_trees import EditTrees
from .lemmatizer import lemmatizer_score
from .tagger import DEFAULT_TAGGER_MODEL, Tagger
from .trainable import TrainablePipe

# spaCy's default for this component is its tagger's default model.
DEFAULT_EDIT_TREE_LEMMATIZER_MODEL = DEFAULT_TAGGER_MODEL
TREES_FILE = "trees"
MISSING = -1  # the truth for a token without a gold lemma


@register_factory(
    "trainable_lemmatizer",
    default_config={"model": DEFAULT_EDIT_TREE_LEMMATIZER_MODEL, "backoff": "orth",
                    "min_tree_freq": 3, "overwrite": False, "top_k": 1,
                    "scorer": {"@scorers": "spacy.lemmatizer_scorer.v1"}},
    default_score_weights={"lemma_acc": 1.0},
    files={**TrainablePipe.FILES, TREES_FILE: "msgpack"},
    assigns=["token.lemma"],
)
def make_edit_tree_lemmatizer(nlp, name, model, backoff, min_tree_freq: int,
                              overwrite: bool, top_k: int, scorer):
    return EditTreeLemmatizer(nlp.vocab, model, name, backoff=backoff,
                              min_tree_freq=min_tree_freq, overwrite=overwrite,
                              top_k=top_k, scorer=scorer)


class EditTreeLemmatizer(Tagger):
    """Labels are edit tree ids (cfg["labels"]); predict gives each token's tree id."""

    def __init__(self, vocab, model, name="trainable_lemmatizer", *, backoff="orth",
                 min_tree_freq=3, overwrite=False, top_k=1, scorer=lemmatizer_score):
        TrainablePipe.__init__(self, vocab, model, name, scorer=scorer)
        if top_k < 1:
            raise ValueError(f"{name}: top_k must be at least 1, got {top_k}")
        self.backoff = backoff
        self.min_tree_freq = min_tree_freq
        self.overwrite = overwrite
        self.top_k = top_k
        self.trees = EditTrees(vocab.strings)
        self.tree2label = {}
        self._pair_labels = {}  # (orth, lemma id) -> label, for the loss
        self.n_unknown_trees = 0  # gold lemmas the labels cannot express, left out

    @property
    def hide_labels(self):
        return True

    @property
    def label_data(self):
        trees = []
        for tree_id in range(len(self.trees)):
            tree = self.trees[tree_id]
            for key in ("orig", "subst"):
                if key in tree:
                    tree[key] = self.vocab.strings[tree[key]]
            trees.append(tree)
        return {"trees": trees, "labels": tuple(self.cfg["labels"])}

    def add_label(self, label):
        raise ValueError(f"{self.name}: labels are edit trees learned from the data; "
                         "initialize with examples, or pass label_data as labels")

    def predict(self, docs):
        docs = list(docs)
        if not any(len(doc) for doc in docs):
            return [numpy.zeros((0,), dtype="int64") for _ in docs]
        scores = self.model.predict(docs)
        labels = numpy.asarray(self.cfg["labels"], dtype="int64")
        top_k = min(self.top_k, len(labels))
        guesses = []
        for doc, doc_scores in zip(docs, scores):
            doc_scores = self.model.ops.to_numpy(doc_scores)
            if top_k == 1:
                best = doc_scores.argmax(axis=1)[:, None]
            else:
                best = numpy.argsort(-doc_scores, axis=1, kind="stable")[:, :top_k]
            candidates = numpy.ascontiguousarray(labels[best], dtype="int64")
            guesses.append(self.trees.first_applicable(doc, candidates))
        return guesses

    def set_annotations(self, docs, tree_ids):
        backoff = None if self.backoff is None else self._backoff_id
        for doc, doc_tree_ids in zip(docs, tree_ids):
            doc_tree_ids = numpy.ascontiguousarray(
                self.model.ops.to_numpy(doc_tree_ids), dtype="int64")
            self.trees.set_lemmas(doc, doc_tree_ids, self.overwrite, backoff)

    def _backoff_id(self, doc, i):
        value = getattr(doc[i], self.backoff)
        return self.vocab.strings.add(value) if isinstance(value, str) else value

    def get_loss(self, examples, scores):
        loss_func = SequenceCategoricalCrossentropy(normalize=False, missing_value=MISSING)
        truths = []
        for eg in examples:
            lemmas = eg.get_aligned("LEMMA")
            truths.append([self._truth(token, lemma)
                           for token, lemma in zip(eg.predicted, lemmas)])
        d_scores, loss = loss_func(scores, truths)
        if self.model.ops.xp.isnan(loss):
            raise ValueError(f"{self.name}: the loss is NaN; lower the learning rate")
        return float(loss), d_scores

    def _truth(self, token, lemma):
        if not lemma:  # None (unaligned) or 0 (no gold lemma)
            return MISSING
        key = (token.orth, lemma)
        label = self._pair_labels.get(key)
        if label is None:
            tree_id = self.trees.add(token.text, self.vocab.strings[lemma])
            label = self._pair_labels[key] = self.tree2label.get(tree_id, MISSING)
        if label == MISSING:
            self.n_unknown_trees += 1
        return label

    def initialize(self, get_examples, *, nlp=None, labels=None):
        """Labels from `labels` (label_data: trees and labels) or from the trees of the
        examples' gold lemmas that occur at least min_tree_freq times."""
        if not callable(get_examples):
            raise TypeError(f"{self.name}.initialize: get_examples must be a function "
                            "returning Examples")
        if labels is None:
            self._labels_from_data(get_examples)
        else:
            self._labels_from_label_data(labels)
        if not self.labels:
            raise ValueError(f"{self.name}: no edit tree occurs {self.min_tree_freq} or "
                             "more times in the examples' lemmas (min_tree_freq); give "
                             "examples with lemmas")
        self._rebuild_output_layer()
        docs, truths = [], []
        for eg in islice(get_examples(), 10):
            docs.append(eg.predicted)
            one_hot = numpy.zeros((len(eg.reference), len(self.labels)), dtype="float32")
            for i, token in enumerate(eg.reference):
                if token.lemma:
                    label = self._pair2label(token.text, token.lemma_)
                    if label is not None:
                        one_hot[i, label] = 1.0
            truths.append(one_hot)
        self.model.initialize(X=docs or None, Y=truths or None)

    def _labels_from_data(self, get_examples):
        # Trees are counted in a scratch container, so rare ones leave no strings behind.
        counting = EditTrees(StringStore())
        freqs, pairs = Counter(), {}
        for eg in get_examples():
            for token in eg.reference:
                if token.lemma:
                    tree_id = counting.add(token.text, token.lemma_)
                    freqs[tree_id] += 1
                    pairs[tree_id] = (token.text, token.lemma_)
        for tree_id, freq in freqs.items():
            if freq >= self.min_tree_freq:
                self._pair2label(*pairs[tree_id], add=True)

    def _labels_from_label_data(self, labels):
        if not isinstance(labels, dict) or "labels" not in labels or "trees" not in labels:
            raise ValueError(f"{self.name}: labels must be label_data, a dict with 'trees' "
                             "and 'labels'")
        trees = []
        for tree in labels["trees"]:
            tree = dict(tree)
            for key in ("orig", "subst"):
                if isinstance(tree.get(key), str):
                    tree[key] = self.vocab.strings.add(tree[key])
            trees.append(tree)
        self.trees.from_json(trees)
        self._set_labels(list(labels["labels"]))

    def _set_labels(self, labels):
        for tree_id in labels:
            if not isinstance(tree_id, int) or not 0 <= tree_id < len(self.trees):
                raise ValueError(f"{self.name}: label {tree_id!r} is not a tree id "
                                 f"(0..{len(self.trees) - 1})")
        self.cfg["labels"] = labels
        self.tree2label = {tree_id: label for label, tree_id in enumerate(labels)}
        self._pair_labels = {}

    def _pair2label(self, form, lemma, add=False):
        tree_id = self.trees.add(form, lemma)
        if tree_id not in self.tree2label:
            if not add:
                return None
            self.tree2label[tree_id] = len(self.cfg["labels"])
            self.cfg["labels"].append(tree_id)
        return self.tree2label[tree_id]

    @contextlib.contextmanager
    def memory_zone(self, mem=None):
        """Lemma strings made in a zone go with it, so the lemma cache is emptied after."""
        try:
            yield mem
        finally:
            self.trees.clear_cache()

    # Serialization ----------------------------------------------------------------

    def to_bytes(self, *, exclude=()):
        """cfg, model and trees, with the strings the trees substitute (a pipeline's
        vocab holds them too; bytes of the component alone must as well)."""
        strings = sorted({self.vocab.strings[self.trees[i][key]]
                          for i in range(len(self.trees)) for key in ("orig", "subst")
                          if key in self.trees[i]})
        return srsly.msgpack_dumps({"cfg": self.cfg, "model": self.model.to_bytes(),
                                    "trees": self.trees.to_bytes(), "strings": strings})

    def from_bytes(self, data, *, exclude=()):
        msg = srsly.msgpack_loads(data)
        for string in msg.get("strings", []):
            self.vocab.strings.add(string)
        self.trees.from_bytes(msg["trees"])
        self.cfg.update(msg["cfg"])
        self._set_labels(list(self.cfg["labels"]))
        self._rebuild_output_layer()
        self.model.from_bytes(msg["model"])
        return self

    def to_disk(self, path, *, exclude=()):
        super().to_disk(path, exclude=exclude)
        self.trees.to_disk(Path(path) / TREES_FILE)

    def from_disk(self, path, *, exclude=()):
        self.trees.from_disk(Path(path) / TREES_FILE)
        super().from_disk(path, exclude=exclude)
        self._set_labels(list(self.cfg["labels"]))
        return self
