"""The span categorizer's model and suggesters, under spaCy 3.8's registered names.

A suggester proposes candidate spans per doc as a Ragged of (start, end) rows; the model
maps (docs, candidates) to one score row per candidate: tok2vec, the vectors of each
candidate's tokens (extract_spans), a reducer to one vector per span, and a scorer. The
node tree is spaCy's (SpanCategorizer.v1, mean_max_reducer.v1, LinearLogistic.v1), so
the weights are laid out as its; the index work is C (span_kernels).
"""
from functools import partial
from typing import List, Optional

import numpy
from thinc.api import (
    Linear,
    Logistic,
    Maxout,
    Model,
    chain,
    concatenate,
    get_current_ops,
    glorot_uniform_init,
    list2ragged,
    reduce_first,
    reduce_last,
    reduce_max,
    reduce_mean,
    with_getitem,
)
from thinc.types import Ragged

from ..registry import register, registry
from .span_kernels import (
    mean_max_backward, mean_max_forward, ngram_spans, span_row_bounds, span_row_indices)


SPAN_CHUNK = 4096  # spans pooled and scored per call in the fused forward


def ngram_suggester(docs, sizes: List[int], *, ops=None) -> Ragged:
    """Every span of each of the given sizes (spaCy's spacy.ngram_suggester.v1)."""
    ops = ops or get_current_ops()
    spans, lengths = ngram_spans(list(docs), sizes)
    data = ops.asarray2i(spans) if spans.shape[0] else ops.xp.zeros((0, 0), dtype="i")
    return Ragged(data, ops.asarray1i(lengths))


def preset_spans_suggester(docs, spans_key: str, *, ops=None) -> Ragged:
    """The spans already in doc.spans[spans_key] (from a span_ruler, say)."""
    ops = ops or get_current_ops()
    rows, lengths = [], []
    for doc in docs:
        group = doc.spans[spans_key] if spans_key in doc.spans else []
        rows.extend((span.start, span.end) for span in group)
        lengths.append(len(group))
    data = ops.asarray2i(numpy.asarray(rows, dtype="int32")) if rows \
        else ops.xp.zeros((0, 0), dtype="i")
    return Ragged(data, ops.asarray1i(numpy.asarray(lengths, dtype="int32")))


@registry.misc("spacy.ngram_suggester.v1")
def build_ngram_suggester(sizes: List[int]):
    """Suggest all spans of the given lengths."""
    if not sizes or any(not isinstance(size, int) or size < 1 for size in sizes):
        raise ValueError(f"ngram suggester: sizes must be positive integers, got {sizes}")
    return partial(ngram_suggester, sizes=list(sizes))


@registry.misc("spacy.ngram_range_suggester.v1")
def build_ngram_range_suggester(min_size: int, max_size: int):
    """Suggest all spans from min_size to max_size tokens long (both included)."""
    if not 1 <= min_size <= max_size:
        raise ValueError(f"ngram range suggester: need 1 <= min_size <= max_size, got "
                         f"{min_size} and {max_size}")
    return build_ngram_suggester(list(range(min_size, max_size + 1)))


@registry.misc("spacy.preset_spans_suggester.v1")
def build_preset_spans_suggester(spans_key: str):
    """Suggest the spans an earlier component put in doc.spans[spans_key]."""
    return partial(preset_spans_suggester, spans_key=spans_key)


def extract_spans() -> Model:
    """(token vectors as a Ragged per doc, candidate spans) -> the candidates' token
    vectors, one sequence per span."""
    return Model("extract_spans", _extract_forward, init=lambda model, X=None, Y=None: None)


def _extract_forward(model, source_spans, is_train):
    X, spans = source_spans
    ops = model.ops
    data = ops.to_numpy(spans.dataXd).astype("int32", copy=False).reshape((-1, 2))
    indices = span_row_indices(numpy.ascontiguousarray(data),
                               ops.to_numpy(spans.lengths).astype("int32"),
                               ops.to_numpy(X.lengths).astype("int32"))
    indices = ops.asarray1i(indices)
    if len(indices):
        Y = Ragged(X.dataXd[indices], ops.asarray1i(data[:, 1] - data[:, 0]))
    else:
        Y = Ragged(ops.xp.zeros(X.dataXd.shape, dtype=X.dataXd.dtype),
                   ops.xp.zeros((len(X.lengths),), dtype="i"))
    shape, lengths = X.dataXd.shape, X.lengths

    def backprop(dY):
        dX = Ragged(ops.alloc2f(*shape), lengths)
        ops.scatter_add(dX.dataXd, indices, dY.dataXd)
        return dX, spans

    return Y, backprop


@registry.layers("spacy.LinearLogistic.v1")
def build_linear_logistic(nO: Optional[int] = None, nI: Optional[int] = None) -> Model:
    """A linear layer and a logistic per label: the multi-label scorer."""
    return chain(Linear(nO=nO, nI=nI, init_W=glorot_uniform_init), Logistic())


@registry.layers("spacy.mean_max_reducer.v1")
def build_mean_max_reducer(hidden_size: int) -> Model:
    """A span's last, first, mean and max token vectors, concatenated, then a
    layer-normalized Maxout of hidden_size."""
    reducer = chain(concatenate(reduce_last(), reduce_first(), reduce_mean(), reduce_max()),
                    Maxout(nO=hidden_size, normalize=True, dropout=0.0))
    reducer.attrs["mean_max"] = True  # SpanCategorizer runs its pooling fused, in C
    return reducer


@register("architectures", "fastnlp.SpanCategorizer.v1", "spacy.SpanCategorizer.v1")
def build_spancat_model(tok2vec: Model, reducer: Model, scorer: Model) -> Model:
    """(docs, candidate spans) -> one score row per span.

    The node tree is spaCy's: tok2vec, extract_spans, reducer, scorer. With the
    mean_max reducer, the forward pass skips extract_spans and the four reductions and
    pools each span straight from the token vectors (span_kernels.mean_max_forward),
    with the same result; any other reducer runs the chain as built."""
    model = chain(with_getitem(0, chain(tok2vec, list2ragged())), extract_spans(), reducer,
                  scorer)
    model.set_ref("tok2vec", tok2vec)
    model.set_ref("reducer", reducer)
    model.set_ref("scorer", scorer)
    model.attrs["unfused_forward"] = model._func
    model._func = _spancat_forward
    return model


def _spancat_forward(model, docs_spans, is_train):
    reducer = model.get_ref("reducer")
    if not reducer.attrs.get("mean_max") or model.ops.xp is not numpy:
        return model.attrs["unfused_forward"](model, docs_spans, is_train)
    ops = model.ops
    (X, spans), backprop_tok2vec = model.layers[0](docs_spans, is_train)
    data = numpy.ascontiguousarray(ops.to_numpy(spans.dataXd), dtype="int32").reshape((-1, 2))
    starts, ends = span_row_bounds(data, ops.to_numpy(spans.lengths).astype("int32"),
                                   ops.to_numpy(X.lengths).astype("int32"))
    vectors = numpy.ascontiguousarray(X.dataXd, dtype="float32")
    maxout, scorer = reducer.layers[1], model.get_ref("scorer")
    # Spans go through pooling, maxout and scorer in chunks, so the pooled rows (four
    # token vectors per span) stay small instead of spans x 4 x width at once.
    chunks, outputs = [], []
    for begin in range(0, len(starts), SPAN_CHUNK):
        part = slice(begin, begin + SPAN_CHUNK)
        pooled, which = mean_max_forward(vectors, starts[part], ends[part])
        hidden, backprop_hidden = maxout(pooled, is_train)
        scores, backprop_scores = scorer(hidden, is_train)
        outputs.append(scores)
        chunks.append((part, which, backprop_hidden, backprop_scores))
    scores = outputs[0] if len(outputs) == 1 else ops.xp.concatenate(outputs)

    def backprop(d_scores):
        d_vectors = numpy.zeros(vectors.shape, dtype="float32")
        for part, which, backprop_hidden, backprop_scores in chunks:
            d_pooled = backprop_hidden(backprop_scores(d_scores[part]))
            mean_max_backward(numpy.ascontiguousarray(d_pooled, dtype="float32"),
                              starts[part], ends[part], which, d_vectors)
        return backprop_tok2vec((Ragged(d_vectors, X.lengths), spans))

    return scores, backprop
