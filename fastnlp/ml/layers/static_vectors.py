"""StaticVectors: look up each token's pretrained vector and project it to nO, untrained.

The table is the vocab's `vectors` object, read through the spaCy Vectors interface:
`vectors.data` (n_rows x nM float array) and `vectors.find(keys=uint64 array)` giving
row indices, -1 for keys without a vector (those tokens get a zero vector). Tokens are
keyed by ORTH. Only the projection W (nO x nM) is learned.
"""
from typing import Callable, List, Tuple

from thinc.api import Model, glorot_uniform_init
from thinc.types import Floats2d, Ragged

from ...attrs import ORTH

NO_VECTORS = (
    "include_static_vectors = true, but the Docs' vocab has no vectors loaded. Load a "
    "vectors table into the vocab before initializing, or set include_static_vectors = false."
)


def StaticVectors(nO: int) -> Model[List, Ragged]:
    """Map Docs to a Ragged (n_tokens, nO) of projected static vectors."""
    return Model(
        "static_vectors", forward, init=init, params={"W": None}, dims={"nO": nO, "nM": None}
    )


def _vector_table(docs: List):
    vectors = getattr(docs[0].vocab, "vectors", None)
    data = getattr(vectors, "data", None)
    if data is None or len(data.shape) != 2 or data.shape[0] == 0:
        raise ValueError(NO_VECTORS)
    return vectors, data


def forward(model: Model, docs: List, is_train: bool) -> Tuple[Ragged, Callable]:
    ops = model.ops
    lengths = ops.asarray1i([len(doc) for doc in docs])
    n_out = model.get_dim("nO")
    if not docs or int(lengths.sum()) == 0:
        return Ragged(ops.alloc2f(0, n_out), lengths), lambda d_out: []
    vectors, data = _vector_table(docs)
    if not model.has_param("W"):
        raise ValueError("StaticVectors is not initialized: call model.initialize(X=docs)")
    keys = ops.xp.concatenate([doc.to_array(ORTH) for doc in docs])
    rows = ops.asarray1i(vectors.find(keys=keys))
    found = rows >= 0
    V = ops.alloc2f(keys.shape[0], data.shape[1])
    V[found] = ops.asarray2f(data[rows[found]])
    W = model.get_param("W")
    Y = ops.gemm(V, W, trans2=True)

    def backprop(d_out: Ragged) -> List:
        model.inc_grad("W", ops.gemm(d_out.dataXd, V, trans1=True))
        return []

    return Ragged(Y, lengths), backprop


def init(model: Model, X=None, Y=None) -> None:
    if X is not None and len(X) > 0:
        model.set_dim("nM", _vector_table(X)[1].shape[1], force=True)
    if model.has_dim("nM"):
        shape = (model.get_dim("nO"), model.get_dim("nM"))
        model.set_param("W", glorot_uniform_init(model.ops, shape))
