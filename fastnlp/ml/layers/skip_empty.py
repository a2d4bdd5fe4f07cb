"""skip_empty: pass a batch with no tokens straight through a sequence layer.

Thinc's with_array flattens an empty list to a (0, 0) array, which a Maxout cannot
multiply, and Maxout's backward fails on zero rows; a batch with no tokens (no Docs, or
only empty ones) should give empty outputs and empty gradients instead.
"""
from typing import Callable, List, Tuple

from thinc.api import Model


def skip_empty(layer: Model) -> Model[List, List]:
    """Wrap a List -> List[Floats2d] layer so that a batch of zero tokens maps to
    (0, nO) outputs, one per item, and backprop gives zero-row gradients (none for Docs).
    """
    model = Model("skip_empty", forward, init=init, layers=[layer], dims={"nO": None})
    if layer.has_dim("nO"):
        model.set_dim("nO", layer.get_dim("nO"))
    return model


def forward(model: Model, X: List, is_train: bool) -> Tuple[List, Callable]:
    if sum(len(x) for x in X) != 0:
        return model.layers[0](X, is_train)
    ops = model.ops
    Y = [ops.alloc2f(0, model.get_dim("nO")) for _ in X]

    def backprop(dY: List) -> List:
        return [ops.alloc2f(*x.shape) for x in X if hasattr(x, "shape")]

    return Y, backprop


def init(model: Model, X=None, Y=None) -> None:
    layer = model.layers[0]
    layer.initialize(X=X if X else None, Y=Y if Y else None)
    if layer.has_dim("nO"):
        model.set_dim("nO", layer.get_dim("nO"), force=True)
