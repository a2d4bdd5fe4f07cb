"""skip_empty: the batch guard around tok2vec's sequence layers.

Thinc's with_array flattens an empty list to a (0, 0) array, which a Maxout cannot
multiply, and Maxout's backward fails on zero rows; a batch with no tokens (no Docs, or
only empty ones) should give empty outputs and empty gradients instead.

With `context` given (the rows each side an output row depends on), prediction
(is_train False) runs the layer in calls of at most attrs["chunk_size"] rows (None:
chunks.CHUNK_SIZE), cutting longer sequences into overlapping chunks (see chunks.py), so
long Docs cost linear time and bounded memory; outputs equal one whole-batch call. That
path has no backprop; training keeps the single call. It lives in this node rather than
in a wrapper around it because Thinc's from_bytes needs the saved node count.
"""
from typing import Callable, List, Optional, Tuple

from thinc.api import Model

from .chunks import CHUNK_SIZE, plan_calls, take_rows


def skip_empty(layer: Model, context: Optional[int] = None) -> Model[List, List]:
    """Wrap a List -> List[Floats2d] layer so that a batch of zero tokens maps to
    (0, nO) outputs, one per item, and backprop gives zero-row gradients (none for Docs).
    `context`: see the module docstring; None never cuts.
    """
    model = Model(
        "skip_empty",
        forward,
        init=init,
        layers=[layer],
        dims={"nO": None},
        attrs={"context": context, "chunk_size": None},
    )
    if layer.has_dim("nO"):
        model.set_dim("nO", layer.get_dim("nO"))
    return model


def forward(model: Model, X: List, is_train: bool) -> Tuple[List, Callable]:
    n_rows = sum(len(x) for x in X)
    if n_rows != 0:
        context = model.attrs.get("context")
        chunk_size = model.attrs.get("chunk_size") or CHUNK_SIZE
        if is_train or context is None or n_rows <= chunk_size:
            return model.layers[0](X, is_train)
        return _predict_in_calls(model, X, chunk_size, context), _no_backprop
    ops = model.ops
    Y = [ops.alloc2f(0, model.get_dim("nO")) for _ in X]

    def backprop(dY: List) -> List:
        return [ops.alloc2f(*x.shape) for x in X if hasattr(x, "shape")]

    return Y, backprop


def _predict_in_calls(model: Model, X: List, chunk_size: int, context: int) -> List:
    """The layer's outputs for X, computed in calls of about chunk_size rows."""
    layer = model.layers[0]
    Y: List = [None] * len(X)
    doc_arrays: List[dict] = [{} for _ in X]
    for call in plan_calls([len(x) for x in X], chunk_size, context):
        inputs = [take_rows(X[i], start, end, doc_arrays[i]) for i, start, end, _, _ in call]
        outputs = layer.predict(inputs)
        for (i, start, end, keep_start, keep_end), y in zip(call, outputs):
            if start == 0 and end == len(X[i]):
                Y[i] = y
                continue
            if Y[i] is None:
                Y[i] = model.ops.alloc2f(len(X[i]), y.shape[1], zeros=False)
            Y[i][keep_start:keep_end] = y[keep_start - start:keep_end - start]
        del inputs, outputs
    return Y


def _no_backprop(dY: List) -> List:
    raise ValueError("skip_empty: no backprop for a prediction (is_train=False) call")


def init(model: Model, X=None, Y=None) -> None:
    layer = model.layers[0]
    layer.initialize(X=X if X else None, Y=Y if Y else None)
    if layer.has_dim("nO"):
        model.set_dim("nO", layer.get_dim("nO"), force=True)
