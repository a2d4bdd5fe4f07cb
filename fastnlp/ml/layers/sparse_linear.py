"""The two layers of the bag-of-n-grams text classifier: n-gram counts per doc, and a
linear model over them with a hashed weight table. Both run in fastnlp.ml.bow_kernels.

The names, parameters and dimensions are those of spaCy's `extract_ngrams` and Thinc's
`SparseLinear.v2`, so a TextCatBOW model has the same shape as spaCy's.
"""
from typing import Callable, List, Tuple

import numpy
from thinc.api import Model
from thinc.types import Floats2d

from ...attrs import ORTH
from ..bow_kernels import doc_ngram_counts, sparse_linear_backward, sparse_linear_forward
from .gradients import gradient_buffer

NgramCounts = Tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]  # keys, counts, lengths


def extract_ngrams(ngram_size: int, attr: int = ORTH) -> Model[List, NgramCounts]:
    """Docs -> (keys, counts, lengths): each doc's distinct 1..ngram_size-grams of `attr`."""
    if ngram_size < 1:
        raise ValueError(f"extract_ngrams: ngram_size must be at least 1, got {ngram_size}")
    return Model("extract_ngrams", _ngrams_forward,
                 attrs={"ngram_size": int(ngram_size), "attr": int(attr)})


def _ngrams_forward(model, docs, is_train):
    counts = doc_ngram_counts(list(docs), model.attrs["ngram_size"], model.attrs["attr"])
    return counts, lambda d_counts: []


def SparseLinear(nO=None, length: int = 2 ** 18, *, v1_indexing: bool = False
                 ) -> Model[NgramCounts, Floats2d]:
    """Scores (n_docs, nO) from n-gram counts: W (nO * length,) and b (nO,), zeros at
    first; `v1_indexing` is Thinc's SparseLinear.v1 row layout (length a power of two)."""
    if length < 1 or v1_indexing and length & (length - 1):
        raise ValueError(f"SparseLinear: length must be positive"
                         f"{' and a power of two' if v1_indexing else ''}, got {length}")
    return Model("sparse_linear", _linear_forward, init=_linear_init,
                 params={"W": None, "b": None}, dims={"nO": nO, "length": length},
                 attrs={"v1_indexing": bool(v1_indexing)})


def _linear_init(model, X=None, Y=None):
    if Y is not None:
        model.set_dim("nO", Y.shape[1])
    n_out, length = model.get_dim("nO"), model.get_dim("length")
    model.set_param("W", model.ops.alloc1f(n_out * length))
    model.set_param("b", model.ops.alloc1f(n_out))
    return model


def _linear_forward(model, counts: NgramCounts, is_train) -> Tuple[Floats2d, Callable]:
    keys, values, lengths = (numpy.ascontiguousarray(model.ops.to_numpy(array))
                             for array in counts)
    keys = keys.astype("uint64", copy=False)
    values = values.astype("float32", copy=False)
    lengths = lengths.astype("int32", copy=False)
    if lengths.sum() != keys.shape[0] or values.shape[0] != keys.shape[0]:
        raise ValueError(f"sparse_linear: {keys.shape[0]} keys, {values.shape[0]} values "
                         f"and lengths summing to {lengths.sum()} do not agree")
    length = model.get_dim("length")
    v1 = model.attrs["v1_indexing"]
    W, b = model.get_param("W"), model.get_param("b")
    scores = sparse_linear_forward(keys, values, lengths, W, b, length, v1)

    def backprop(d_scores: Floats2d) -> NgramCounts:
        d_scores = numpy.ascontiguousarray(model.ops.to_numpy(d_scores), dtype="float32")
        if d_scores.shape != scores.shape:
            raise ValueError(f"sparse_linear: gradient of shape {d_scores.shape} for "
                             f"scores of shape {scores.shape}")
        grads = [gradient_buffer(model, name) for name in ("W", "b")]
        sparse_linear_backward(keys, values, lengths, d_scores, grads[0], grads[1],
                               length, v1)
        return counts

    return model.ops.asarray2f(scores), backprop


def resize_sparse_linear(layer: Model, new_nO: int, *, new_bias: float = 0.0) -> Model:
    """`layer` with `new_nO` outputs: the same layer while it has no weights, else a new
    one keeping the weights of the old outputs (each output's rows are stored together);
    new outputs start with zero weights and bias `new_bias`."""
    if not layer.has_dim("nO") or layer.get_dim("nO") == new_nO:
        layer.set_dim("nO", new_nO)
        return layer
    if not layer.has_param("W"):
        layer.set_dim("nO", new_nO, force=True)
        return layer
    old_nO = layer.get_dim("nO")
    if new_nO < old_nO:
        raise ValueError(f"sparse_linear: cannot shrink from {old_nO} to {new_nO} outputs")
    if layer.attrs["v1_indexing"]:
        raise ValueError("sparse_linear: a SparseLinear.v1 layer cannot be resized")
    length = layer.get_dim("length")
    resized = SparseLinear(new_nO, length)
    W = resized.ops.alloc1f(new_nO * length)
    W[: old_nO * length] = layer.get_param("W")
    b = resized.ops.alloc1f(new_nO) + new_bias
    b[:old_nO] = layer.get_param("b")
    resized.set_param("W", W)
    resized.set_param("b", b)
    return resized
