"""spancat and spancat_singlelabel: label candidate spans (which may overlap) into
doc.spans[spans_key], as spaCy's SpanCategorizer.

A suggester proposes candidates (by default every 1-, 2- and 3-gram); the model scores
each candidate against every label. `spancat` keeps each (span, label) scoring at least
`threshold`, at most `max_positive` labels per span; `spancat_singlelabel` adds a
negative label ("no span here"), keeps each span's best label unless it is the negative
one, and with allow_overlap=False keeps the best-scoring spans that do not overlap. The
loss is the squared error against 0/1 targets (candidates matching a gold span of that
label are 1). The kept scores are in doc.spans[spans_key].attrs["scores"].
"""
import warnings

import numpy
from thinc.api import Config, set_dropout_rate

from ..factories import register_factory
from ..ml.spancat import build_ngram_suggester
from ..registry import registry
from ..scorer import Scorer
from ..tokens import Span, SpanGroup
from .trainable import TrainablePipe, has_weights

DEFAULT_SPANS_KEY = "sc"
_SPANCAT_MODEL = """
[model]
@architectures = "spacy.SpanCategorizer.v1"
scorer = {{"@layers": "{scorer}"}}

[model.reducer]
@layers = "spacy.mean_max_reducer.v1"
hidden_size = 128

[model.tok2vec]
@architectures = "spacy.Tok2Vec.v2"

[model.tok2vec.embed]
@architectures = "spacy.MultiHashEmbed.v2"
width = 96
rows = [5000, 1000, 2500, 1000]
attrs = ["NORM", "PREFIX", "SUFFIX", "SHAPE"]
include_static_vectors = false

[model.tok2vec.encode]
@architectures = "spacy.MaxoutWindowEncoder.v2"
width = ${{model.tok2vec.embed.width}}
window_size = 1
maxout_pieces = 3
depth = 4
"""
DEFAULT_SPANCAT_MODEL = Config().from_str(
    _SPANCAT_MODEL.format(scorer="spacy.LinearLogistic.v1"))["model"]
DEFAULT_SPANCAT_SINGLELABEL_MODEL = Config().from_str(
    _SPANCAT_MODEL.format(scorer="Softmax.v2"))["model"]
DEFAULT_SUGGESTER = {"@misc": "spacy.ngram_suggester.v1", "sizes": [1, 2, 3]}
SCORE_WEIGHTS = {"spans_sc_f": 1.0, "spans_sc_p": 0.0, "spans_sc_r": 0.0}


def spancat_score(examples, **kwargs):
    """P/R/F of doc.spans[spans_key] as spans_<key>_p/r/f, overlaps allowed."""
    kwargs = dict(kwargs)
    key = kwargs["spans_key"]
    kwargs.setdefault("attr", f"spans_{key}")
    kwargs.setdefault("allow_overlap", True)
    kwargs.setdefault("getter", lambda doc, attr: doc.spans.get(attr[len("spans_"):], []))
    kwargs.setdefault("has_annotation", lambda doc: key in doc.spans)
    return Scorer.score_spans(examples, **kwargs)


registry.scorers.register("spacy.spancat_scorer.v1", func=lambda: spancat_score)
registry.scorers.register("fastnlp.spancat_scorer.v1", func=lambda: spancat_score)


@register_factory(
    "spancat",
    default_config={"threshold": 0.5, "spans_key": DEFAULT_SPANS_KEY, "max_positive": None,
                    "model": DEFAULT_SPANCAT_MODEL, "suggester": DEFAULT_SUGGESTER,
                    "scorer": {"@scorers": "spacy.spancat_scorer.v1"}},
    default_score_weights=SCORE_WEIGHTS, files=TrainablePipe.FILES, assigns=["doc.spans"],
)
def make_spancat(nlp, name, suggester, model, spans_key: str, scorer, threshold: float,
                 max_positive):
    return SpanCategorizer(nlp.vocab, model, suggester, name, spans_key=spans_key,
                           negative_weight=None, allow_overlap=True,
                           max_positive=max_positive, threshold=threshold, scorer=scorer,
                           add_negative_label=False)


@register_factory(
    "spancat_singlelabel",
    default_config={"spans_key": DEFAULT_SPANS_KEY, "model": DEFAULT_SPANCAT_SINGLELABEL_MODEL,
                    "negative_weight": 1.0, "suggester": DEFAULT_SUGGESTER,
                    "scorer": {"@scorers": "spacy.spancat_scorer.v1"},
                    "allow_overlap": True},
    default_score_weights=SCORE_WEIGHTS, files=TrainablePipe.FILES, assigns=["doc.spans"],
)
def make_spancat_singlelabel(nlp, name, suggester, model, spans_key: str,
                             negative_weight: float, allow_overlap: bool, scorer):
    return SpanCategorizer(nlp.vocab, model, suggester, name, spans_key=spans_key,
                           negative_weight=negative_weight, allow_overlap=allow_overlap,
                           max_positive=1, add_negative_label=True, threshold=None,
                           scorer=scorer)


class SpanCategorizer(TrainablePipe):
    """Scores suggested spans against the labels (plus a negative label if asked)."""

    def __init__(self, vocab, model, suggester, name="spancat", *, add_negative_label=False,
                 spans_key="spans", negative_weight=1.0, allow_overlap=True,
                 max_positive=None, threshold=0.5, scorer=spancat_score):
        if not allow_overlap and max_positive is not None and max_positive > 1:
            raise ValueError(f"{name}: allow_overlap=False needs max_positive 1 (or None), "
                             f"got {max_positive}")
        super().__init__(vocab, model, name, scorer=scorer, spans_key=spans_key,
                         threshold=threshold, max_positive=max_positive,
                         negative_weight=negative_weight, allow_overlap=allow_overlap)
        self.suggester = suggester
        self.add_negative_label = add_negative_label

    @property
    def key(self):
        return str(self.cfg["spans_key"])

    @property
    def label_data(self):
        return list(self.labels)

    @property
    def _n_labels(self):
        return len(self.labels) + int(self.add_negative_label)

    @property
    def _negative_label_i(self):
        return len(self.labels) if self.add_negative_label else None

    OUTPUT_REF = "scorer"

    def _n_outputs(self):
        return self._n_labels

    def add_label(self, label):
        if self.model.has_ref("scorer") and has_weights(self.model.get_ref("scorer")):
            raise ValueError(f"{self.name}: cannot add label {label!r} after training "
                             "started (the scorer layer cannot be resized)")
        return super().add_label(label)

    def predict(self, docs):
        docs = list(docs)
        indices = self.suggester(docs, ops=self.model.ops)
        if int(indices.lengths.sum()) == 0:
            return indices, self.model.ops.alloc2f(0, 0)
        return indices, self.model.predict((docs, indices))

    def set_candidates(self, docs, *, candidates_key="candidates"):
        """Put the suggester's candidates into doc.spans[candidates_key] (for debugging)."""
        docs = list(docs)
        suggested = self.suggester(docs, ops=self.model.ops)
        for doc, rows in zip(docs, _per_doc(suggested)):
            doc.spans[candidates_key] = [doc[int(start):int(end)] for start, end in rows]

    def set_annotations(self, docs, indices_scores):
        indices, scores = indices_scores
        scores = self.model.ops.to_numpy(scores)
        offset = 0
        for doc, rows in zip(docs, _per_doc(indices)):
            doc_scores = scores[offset:offset + len(rows)]
            offset += len(rows)
            if self.cfg["max_positive"] == 1:
                group = self._single_label_group(doc, rows, doc_scores)
            else:
                group = self._multi_label_group(doc, rows, doc_scores)
            doc.spans[self.key] = group

    def _multi_label_group(self, doc, rows, scores):
        group = SpanGroup(doc, name=self.key)
        if scores.size == 0:
            return group
        keeps = scores >= self.cfg["threshold"]
        max_positive = self.cfg["max_positive"]
        if max_positive is not None:
            ranked = scores.copy()
            if self.add_negative_label:
                ranked[:, self._negative_label_i] = -numpy.inf
            order = numpy.argsort(-ranked, axis=1)
            numpy.put_along_axis(keeps, order[:, max_positive:], False, axis=1)
        if self.add_negative_label:
            keeps[:, self._negative_label_i] = False
        span_rows, label_cols = numpy.nonzero(keeps)  # row by row, labels in order
        labels = self.labels
        for i, j in zip(span_rows.tolist(), label_cols.tolist()):
            group.append(Span(doc, int(rows[i][0]), int(rows[i][1]), label=labels[j]))
        group.attrs["scores"] = scores[span_rows, label_cols]
        return group

    def _single_label_group(self, doc, rows, scores):
        group = SpanGroup(doc, name=self.key)
        if scores.size == 0:
            return group
        best = scores.argmax(axis=1)
        best_scores = scores[numpy.arange(len(best)), best]
        keeps = numpy.ones(best.shape, dtype=bool)
        if self.add_negative_label:
            keeps &= best != self._negative_label_i
        if self.cfg["threshold"] is not None:
            keeps &= best_scores >= self.cfg["threshold"]
        order = numpy.arange(len(best))
        if not self.cfg["allow_overlap"]:
            order = numpy.argsort(-best_scores, kind="stable")
        taken = numpy.zeros((len(doc),), dtype=bool)
        kept_scores = []
        for i in order:
            if not keeps[i]:
                continue
            start, end = int(rows[i][0]), int(rows[i][1])
            if not self.cfg["allow_overlap"]:
                if taken[start:end].any():
                    continue
                taken[start:end] = True
            kept_scores.append(best_scores[i])
            group.append(Span(doc, start, end, label=self.labels[best[i]]))
        group.attrs["scores"] = numpy.asarray(kept_scores)
        return group

    def update(self, examples, *, drop=0.0, sgd=None, losses=None):
        if losses is None:
            losses = {}
        losses.setdefault(self.name, 0.0)
        examples = list(examples)
        docs = [eg.predicted for eg in examples]
        if not any(len(doc) for doc in docs):
            return losses
        spans = self.suggester(docs, ops=self.model.ops)
        if int(spans.lengths.sum()) == 0:
            return losses
        set_dropout_rate(self.model, drop)
        scores, backprop = self.model.begin_update((docs, spans))
        loss, d_scores = self.get_loss(examples, (spans, scores))
        backprop(d_scores)
        if sgd not in (None, False):
            self.finish_update(sgd)
        losses[self.name] += loss
        return losses

    def get_loss(self, examples, spans_scores):
        """Squared error against 1 for (candidate, label) pairs that are gold spans (and
        the negative label for candidates that are none), 0 elsewhere."""
        spans, scores = spans_scores
        target = numpy.zeros(scores.shape, dtype="float32")
        negative = numpy.ones((scores.shape[0],), dtype=bool)
        label_index = {label: i for i, label in enumerate(self.labels)}
        offset = 0
        for eg, rows in zip(examples, _per_doc(spans)):
            gold = eg.get_aligned_spans_y2x(eg.reference.spans.get(self.key, []),
                                            allow_overlap=True)
            found = _find_rows(rows, [(span.start, span.end) for span in gold],
                               len(eg.predicted))
            for span, j in zip(gold, found):
                row = None if j < 0 else offset + j
                if span.label_ not in label_index:
                    raise ValueError(f"{self.name}: the gold span {span.text!r} has the "
                                     f"label {span.label_!r}, which is not one of "
                                     f"{list(self.labels)}")
                if row is None:
                    self._unsuggested(span)
                    continue
                target[row, label_index[span.label_]] = 1.0
                negative[row] = False
            offset += len(rows)
        target = self.model.ops.asarray(target, dtype="f")
        if self.add_negative_label:
            target[numpy.flatnonzero(negative), self._negative_label_i] = 1.0
        d_scores = scores - target
        if self.add_negative_label and self.cfg["negative_weight"] != 1.0:
            d_scores[numpy.flatnonzero(negative)] *= self.cfg["negative_weight"]
        return float((d_scores ** 2).sum()), d_scores

    n_unsuggested = 0  # gold spans no candidate matched (they cannot be learned)

    def _unsuggested(self, span):
        if not self.n_unsuggested:
            warnings.warn(f"{self.name}: the gold span {span.text!r} ({len(span)} tokens) "
                          "is not among the suggester's candidates, so it cannot be "
                          "learned (widen the suggester's sizes?); such spans are counted "
                          f"in nlp.get_pipe({self.name!r}).n_unsuggested", stacklevel=4)
        self.n_unsuggested += 1

    def initialize(self, get_examples, *, nlp=None, labels=None):
        if not callable(get_examples):
            raise TypeError(f"{self.name}.initialize: get_examples must be a function "
                            "returning Examples")
        if labels is not None:
            for label in labels:
                self.add_label(label)
        sample = []
        for eg in get_examples():
            if labels is None:
                for span in eg.reference.spans.get(self.key, []):
                    self.add_label(span.label_)
            if len(sample) < 10:
                sample.append(eg)
        if not self.labels:
            raise ValueError(f"{self.name}: no labels. Pass examples with spans in "
                             f"doc.spans[{self.key!r}] to nlp.initialize(get_examples), or "
                             f"call nlp.get_pipe({self.name!r}).add_label(label) first")
        if sample:
            docs = [eg.predicted for eg in sample]
            spans = build_ngram_suggester([1])(docs, ops=self.model.ops)
            Y = self.model.ops.alloc2f(spans.dataXd.shape[0], self._n_labels)
            self.model.initialize(X=(docs, spans), Y=Y)
        else:
            self.model.initialize()


def _find_rows(rows, wanted, n_tokens):
    """For each (start, end) in `wanted`, the index of that row in `rows` (the last, if
    repeated), or -1: one sort of the candidates, no Python object per candidate."""
    if not wanted:
        return []
    if not len(rows):
        return [-1] * len(wanted)
    keys = rows[:, 0].astype("int64") * (n_tokens + 1) + rows[:, 1]
    order = numpy.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    wanted_keys = numpy.asarray([start * (n_tokens + 1) + end for start, end in wanted],
                                dtype="int64")
    at = numpy.searchsorted(sorted_keys, wanted_keys, side="right") - 1
    hit = (at >= 0) & (sorted_keys[numpy.maximum(at, 0)] == wanted_keys)
    return numpy.where(hit, order[numpy.maximum(at, 0)], -1).tolist()


def _per_doc(ragged):
    """Each doc's (start, end) rows of a suggester's Ragged, as numpy arrays."""
    data = numpy.asarray(ragged.dataXd if ragged.dataXd.size else
                         numpy.zeros((0, 2), dtype="int32"))
    lengths = numpy.asarray(ragged.lengths)
    data = data.reshape((-1, 2)) if data.size else numpy.zeros((0, 2), dtype="int32")
    starts = numpy.concatenate([[0], numpy.cumsum(lengths)]).astype(int)
    return [data[starts[i]:starts[i + 1]] for i in range(len(lengths))]
