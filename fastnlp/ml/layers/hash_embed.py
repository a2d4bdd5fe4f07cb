"""HashEmbedMulti: one Thinc layer that hash-embeds all attribute columns at once."""
from typing import Callable, Sequence, Tuple

import numpy
from thinc.api import Model, uniform_init
from thinc.types import Floats2d, Ints2d

from ..hash_embed import hash_embed_backward, hash_embed_forward, table_offsets
from .gradients import gradient_buffer

UNIFORM_INIT_RANGE = 0.1  # tables start as uniform(-0.1, 0.1), as Thinc's HashEmbed


def HashEmbedMulti(width: int, rows: Sequence[int], seeds: Sequence[int]) -> Model[Ints2d, Floats2d]:
    """Embed a (n_tokens, A) uint64 id array into (n_tokens, A * width).

    Column a is hashed with seeds[a] into its own table of rows[a] x width (the tables
    are stacked in one parameter "E"), and the A embeddings are concatenated. One C
    kernel call per batch forward, one backward. See fastnlp.ml.reference for the spec.

    In training, attrs["dropout_rate"] (set by set_dropout_rate, like Thinc's HashEmbed)
    zeroes whole embedding columns: one (A * width,) mask per batch, as spaCy's
    MultiHashEmbed does with one (width,) mask per attribute table.
    """
    rows = [int(n) for n in rows]
    seeds = [int(s) for s in seeds]
    if len(rows) != len(seeds):
        raise ValueError(f"HashEmbedMulti needs one seed per table: {len(rows)} rows, {len(seeds)} seeds")
    if any(s < 0 or s >= 2**32 for s in seeds):
        raise ValueError(f"HashEmbedMulti seeds must be 32-bit unsigned ints, got {seeds}")
    table_offsets(rows)
    return Model(
        "hash_embed_multi",
        forward,
        init=init,
        dims={"nO": width * len(rows), "nI": len(rows), "nV": sum(rows), "nW": width},
        params={"E": None},
        attrs={"rows": rows, "seeds": seeds, "dropout_rate": 0.0},
    )


def _cpu_kernels(model: Model) -> Tuple[Callable, Callable]:
    """The kernels for the model's array module (only the numpy one exists so far)."""
    if model.ops.xp is not numpy:
        raise ValueError(
            f"HashEmbedMulti has no kernel for {type(model.ops).__name__} yet; use CPU ops"
        )
    return hash_embed_forward, hash_embed_backward


def forward(model: Model[Ints2d, Floats2d], ids_ta: Ints2d, is_train: bool) -> Tuple[Floats2d, Callable]:
    kernel_forward, kernel_backward = _cpu_kernels(model)
    table_rw = model.get_param("E")
    if ids_ta.shape[0] == 0:  # an empty batch flattens to (0, 0)
        ids_ta = ids_ta.reshape((0, model.get_dim("nI")))
    out_taw, rowids_tak = kernel_forward(table_rw, ids_ta, model.attrs["seeds"], model.attrs["rows"])
    mask = None
    if is_train and model.attrs.get("dropout_rate"):
        mask = model.ops.get_dropout_mask((out_taw.shape[1],), model.attrs["dropout_rate"])
        out_taw *= mask

    def backprop(d_out: Floats2d) -> Ints2d:
        if mask is not None:
            d_out = d_out * mask
        kernel_backward(d_out, rowids_tak, gradient_buffer(model, "E"))
        return model.ops.alloc2i(rowids_tak.shape[0], rowids_tak.shape[1])

    return out_taw, backprop


def init(model: Model[Ints2d, Floats2d], X=None, Y=None) -> None:
    shape = (model.get_dim("nV"), model.get_dim("nW"))
    model.set_param("E", uniform_init(model.ops, shape, lo=-UNIFORM_INIT_RANGE, hi=UNIFORM_INIT_RANGE))

