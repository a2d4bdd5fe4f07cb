"""Text classification: `textcat` (exclusive classes, one label per doc) and
`textcat_multilabel` (each label independently), writing a score per label to doc.cats.

As in spaCy: the loss is the mean squared error of the scores against the gold cats;
gold values must be 0.0 or 1.0; `textcat` needs at least two labels and one positive
label per doc, and a label missing from a doc's cats counts as 0.0 there, while for
`textcat_multilabel` it is missing (no gradient). `threshold` (for the multilabel
component) and `positive_label` (for a binary exclusive one, set in
[initialize.components.textcat]) are kept in cfg and passed to the scorer.
"""
import warnings

import numpy
from thinc.api import Config

from ..factories import register_factory
from ..registry import registry
from ..scorer import Scorer
from .trainable import TrainablePipe, has_weights

_TOK2VEC = """
[model.tok2vec]
@architectures = "spacy.Tok2Vec.v2"

[model.tok2vec.embed]
@architectures = "spacy.MultiHashEmbed.v2"
width = 64
rows = [2000, 2000, 500, 1000, 500]
attrs = ["NORM", "LOWER", "PREFIX", "SUFFIX", "SHAPE"]
include_static_vectors = false

[model.tok2vec.encode]
@architectures = "spacy.MaxoutWindowEncoder.v2"
width = ${model.tok2vec.embed.width}
window_size = 1
maxout_pieces = 3
depth = 2
"""


def _ensemble_config(exclusive: bool):
    return Config().from_str(f"""
[model]
@architectures = "spacy.TextCatEnsemble.v2"
{_TOK2VEC}
[model.linear_model]
@architectures = "spacy.TextCatBOW.v3"
exclusive_classes = {str(exclusive).lower()}
length = 262144
ngram_size = 1
no_output_layer = false
""")["model"]


DEFAULT_SINGLE_TEXTCAT_MODEL = _ensemble_config(True)
DEFAULT_MULTI_TEXTCAT_MODEL = _ensemble_config(False)
CATS_SCORE_WEIGHTS = {"cats_score": 1.0, "cats_score_desc": None, "cats_micro_p": None,
                      "cats_micro_r": None, "cats_micro_f": None, "cats_macro_p": None,
                      "cats_macro_r": None, "cats_macro_f": None, "cats_macro_auc": None,
                      "cats_f_per_type": None}


def textcat_score(examples, **kwargs):
    return Scorer.score_cats(examples, "cats", multi_label=False, **kwargs)


def textcat_multilabel_score(examples, **kwargs):
    return Scorer.score_cats(examples, "cats", multi_label=True, **kwargs)


for _version in ("fastnlp.textcat_scorer.v1", "spacy.textcat_scorer.v1",
                 "spacy.textcat_scorer.v2"):
    registry.scorers.register(_version, func=lambda: textcat_score)
for _version in ("fastnlp.textcat_multilabel_scorer.v1", "spacy.textcat_multilabel_scorer.v1",
                 "spacy.textcat_multilabel_scorer.v2"):
    registry.scorers.register(_version, func=lambda: textcat_multilabel_score)


def _register_textcat_factory(name, make, threshold, model, scorer):
    """The factory `name`: `make(vocab, model, name, threshold=, scorer=)`."""
    @register_factory(name, default_config={"threshold": threshold, "model": model,
                                            "scorer": {"@scorers": scorer}},
                      default_score_weights=CATS_SCORE_WEIGHTS, files=TrainablePipe.FILES,
                      assigns=["doc.cats"])
    def make_component(nlp, name, model, threshold: float, scorer):
        return make(nlp.vocab, model, name, threshold=threshold, scorer=scorer)
    make_component.__name__ = f"make_{name}"
    return make_component


class TextCategorizer(TrainablePipe):
    """Exclusive classes: each doc gets one score per label, summing to one."""

    # Whether a label absent from a doc's gold cats is missing (else it counts as 0.0).
    support_missing_values = False

    def __init__(self, vocab, model, name="textcat", *, threshold=0.0,
                 scorer=textcat_score):
        super().__init__(vocab, model, name, scorer=scorer, threshold=float(threshold),
                         positive_label=None)

    @property
    def label_data(self):
        return self.labels

    def predict(self, docs):
        docs = list(docs)
        if not any(len(doc) for doc in docs):
            return self.model.ops.alloc2f(len(docs), len(self.labels))
        return self.model.ops.asarray(self.model.predict(docs))

    def set_annotations(self, docs, scores):
        scores = self.model.ops.to_numpy(scores)
        for i, doc in enumerate(docs):
            for j, label in enumerate(self.labels):
                doc.cats[label] = float(scores[i, j])

    def update(self, examples, *, drop=0.0, sgd=None, losses=None):
        """One step on the examples; those whose doc has no cats at all carry no label
        and are skipped (counted in n_skipped, with one warning), and a gold label the
        component does not have is an error."""
        if losses is None:
            losses = {}
        losses.setdefault(self.name, 0.0)
        examples = list(examples)
        self._check_cats(examples)
        self._check_known_labels(examples)
        labelled = [eg for eg in examples if eg.reference.cats]
        if len(labelled) < len(examples):
            self._skip(examples, len(examples) - len(labelled))
        if not any(len(eg.predicted) for eg in labelled):
            return losses
        return super().update(labelled, drop=drop, sgd=sgd, losses=losses)

    n_skipped = 0  # examples without cats that update() left out

    def _skip(self, examples, count):
        first = next(eg for eg in examples if not eg.reference.cats)
        if not self.n_skipped:
            warnings.warn(f"{self.name}: skipped an example without cats (the doc "
                          f"{_preview(first)}); docs without labels teach a text "
                          "classifier nothing. Skipped examples are counted in "
                          f"nlp.get_pipe({self.name!r}).n_skipped", stacklevel=3)
        self.n_skipped += count

    def _check_known_labels(self, examples):
        known = set(self.labels)
        for eg in examples:
            unknown = [label for label in eg.reference.cats if label not in known]
            if unknown:
                raise ValueError(f"{self.name}: the doc {_preview(eg)} has the label "
                                 f"{unknown[0]!r}, which is not one of the component's "
                                 f"labels {list(self.labels)}; add it before initialize "
                                 f"(or leave it out of [initialize.components.{self.name}]"
                                 " labels)")

    def get_loss(self, examples, scores):
        """Mean squared error over the labels, and its gradient (scores - truths)."""
        examples = list(examples)
        self._check_cats(examples)
        truths, known = self._truths(examples)
        d_scores = (scores - self.model.ops.asarray(truths)) * self.model.ops.asarray(known)
        return float((d_scores ** 2).mean()), d_scores

    def _n_outputs(self):
        return len(self.labels)

    def _truths(self, examples):
        """(truths, known): (n_examples, n_labels) gold values, and 1.0 where a value is
        given (or, for exclusive classes, always)."""
        truths = numpy.zeros((len(examples), len(self.labels)), dtype="float32")
        known = numpy.ones_like(truths)
        for i, eg in enumerate(examples):
            cats = eg.reference.cats
            for j, label in enumerate(self.labels):
                if label in cats:
                    truths[i, j] = cats[label]
                elif self.support_missing_values:
                    known[i, j] = 0.0
        return truths, known

    def add_label(self, label):
        """Add a label; on a trained model the output layer grows, keeping its weights
        (a new exclusive label starts with a very low score)."""
        if not isinstance(label, str):
            raise ValueError(f"{self.name}: labels must be strings, got {label!r}")
        if label in self.labels:
            return 0
        resize = self.model.attrs.get("resize_output") if self.model is not None else None
        if resize is None and has_weights(self.model):
            raise ValueError(f"{self.name}: cannot add label {label!r} to a trained "
                             f"{self.model.name} model (it cannot be resized); "
                             "retrain it with the label from the start")
        self.cfg["labels"].append(label)
        self.vocab.strings.add(label)
        if resize is not None:
            self.model = resize(self.model, len(self.labels))
        return 1

    def initialize(self, get_examples, *, nlp=None, labels=None, positive_label=None):
        """Labels from `labels` or the examples' cats; sample examples set the shapes."""
        if not callable(get_examples):
            raise TypeError(f"{self.name}.initialize: get_examples must be a function "
                            "returning Examples")
        sample = []
        for eg in get_examples():  # one pass: check the cats, collect labels and a sample
            self._check_cats([eg])
            for label in eg.reference.cats if labels is None else ():
                self.add_label(label)
            if len(sample) < 10:
                sample.append(eg)
        for label in labels or ():
            self.add_label(label)
        self._check_label_count()
        if positive_label is not None:
            if positive_label not in self.labels:
                raise ValueError(f"{self.name}: positive_label {positive_label!r} is not "
                                 f"one of the labels {list(self.labels)}")
            if len(self.labels) != 2:
                raise ValueError(f"{self.name}: positive_label {positive_label!r} is for "
                                 f"two labels; there are {len(self.labels)}: "
                                 f"{list(self.labels)}")
        self.cfg["positive_label"] = positive_label
        if not sample:
            raise ValueError(f"{self.name}: initialize needs at least one example (with "
                             "cats) to set up the model")
        truths, _ = self._truths(sample)
        self.model.initialize(X=[eg.reference for eg in sample], Y=truths)

    def _check_label_count(self):
        if len(self.labels) < 2:
            raise ValueError(f"{self.name}: exclusive classes need at least two labels, "
                             f"got {list(self.labels)}; use textcat_multilabel for a "
                             "single yes/no label")

    def _check_cats(self, examples):
        for eg in examples:
            values = list(eg.reference.cats.values())
            self._check_values(eg, values)
            if values.count(1.0) > 1:
                raise ValueError(f"{self.name}: the doc {_preview(eg)} has more than one "
                                 f"positive label ({_cats(eg)}); exclusive classes take "
                                 "one: use textcat_multilabel for several")

    def _check_values(self, eg, values):
        for value in values:
            if value not in (0.0, 1.0):
                raise ValueError(f"{self.name}: the doc {_preview(eg)} has the cats "
                                 f"value {value!r} ({_cats(eg)}); gold values are 0.0 "
                                 "or 1.0")


class MultiLabel_TextCategorizer(TextCategorizer):
    """Each label scored on its own (0..1); a label absent from gold cats is missing."""

    support_missing_values = True

    def __init__(self, vocab, model, name="textcat_multilabel", *, threshold=0.5,
                 scorer=textcat_multilabel_score):
        TrainablePipe.__init__(self, vocab, model, name, scorer=scorer,
                               threshold=float(threshold))

    def initialize(self, get_examples, *, nlp=None, labels=None):
        super().initialize(get_examples, nlp=nlp, labels=labels)
        self.cfg.pop("positive_label", None)

    def _check_label_count(self):
        if not self.labels:
            raise ValueError(f"{self.name}: no labels. Pass examples with 'cats' to "
                             f"nlp.initialize(get_examples), or call "
                             f"nlp.get_pipe({self.name!r}).add_label(label) first")

    def _check_cats(self, examples):
        for eg in examples:
            self._check_values(eg, list(eg.reference.cats.values()))


def _preview(eg, width=40):
    text = eg.reference.text
    return repr(text if len(text) <= width else text[:width] + "...")


def _cats(eg):
    return ", ".join(f"{k}={v}" for k, v in eg.reference.cats.items())[:120]


make_textcat = _register_textcat_factory(
    "textcat", TextCategorizer, 0.0, DEFAULT_SINGLE_TEXTCAT_MODEL, "spacy.textcat_scorer.v2")
make_multilabel_textcat = _register_textcat_factory(
    "textcat_multilabel", MultiLabel_TextCategorizer, 0.5, DEFAULT_MULTI_TEXTCAT_MODEL,
    "spacy.textcat_multilabel_scorer.v2")
