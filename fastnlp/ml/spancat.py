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
from .span_kernels import ngram_spans, span_row_indices


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
    return chain(concatenate(reduce_last(), reduce_first(), reduce_mean(), reduce_max()),
                 Maxout(nO=hidden_size, normalize=True, dropout=0.0))


@register("architectures", "fastnlp.SpanCategorizer.v1", "spacy.SpanCategorizer.v1")
def build_spancat_model(tok2vec: Model, reducer: Model, scorer: Model) -> Model:
    """(docs, candidate spans) -> one score row per span."""
    model = chain(with_getitem(0, chain(tok2vec, list2ragged())), extract_spans(), reducer,
                  scorer)
    model.set_ref("tok2vec", tok2vec)
    model.set_ref("reducer", reducer)
    model.set_ref("scorer", scorer)
    return model
