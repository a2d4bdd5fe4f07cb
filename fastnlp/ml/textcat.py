"""Text classification architectures: Docs to one (n_docs, n_labels) score array.

Registered under spaCy 3.8's names with its parameters, so a spaCy textcat config
resolves to these models, and built so that each has the layers, parameters and
dimensions of spaCy's (the same tree of Thinc nodes). Exclusive classes end in a
softmax, multi-label ones in a logistic per label.

- TextCatBOW: a sparse linear model over hashed n-gram counts (bow_kernels, in C).
- TextCatReduce (TextCatCNN is its mean-only case): tok2vec, pooled per doc by any of
  first/last/max/mean (concatenated), then a linear output layer.
- TextCatParametricAttention: tok2vec pooled by learned attention, with a residual
  Maxout + LayerNorm block, then the output layer.
- TextCatEnsemble.v2: the BOW model's scores next to an attention-pooled tok2vec,
  mixed by one output layer.
"""
from functools import partial
from typing import List, Optional

from thinc.api import (
    Dropout,
    Gelu,
    LayerNorm,
    Linear,
    Logistic,
    Maxout,
    Model,
    ParametricAttention,
    ParametricAttention_v2,
    Softmax,
    chain,
    concatenate,
    list2ragged,
    reduce_first,
    reduce_last,
    reduce_max,
    reduce_mean,
    reduce_sum,
    residual,
    resizable,
    softmax_activation,
    with_cpu,
)
from thinc.layers.chain import init as init_chain
from thinc.layers.resizable import resize_linear_weighted, resize_model
from thinc.types import Floats2d

from ..attrs import ORTH
from ..registry import register
from .layers.sparse_linear import SparseLinear, extract_ngrams, resize_sparse_linear

# The bias of a label added to a trained model: its score starts far below the others.
NEW_LABEL_BIAS = -5000.0
DEFAULT_BOW_LENGTH = 2 ** 18


def _resize_output(model, new_nO, *, resizable_layer):
    """model.attrs["resize_output"]: give the output layer new_nO labels, keeping the
    weights learned for the old ones."""
    resize_model(resizable_layer, new_nO)
    model.set_ref("output_layer", resizable_layer.layers[0])
    model.set_dim("nO", new_nO, force=True)
    return model


def _finish(model, nO, exclusive_classes):
    if nO is not None:
        model.set_dim("nO", nO)
    model.attrs["multi_label"] = not exclusive_classes
    return model


@register("architectures", "fastnlp.TextCatBOW.v1", "spacy.TextCatBOW.v3")
def TextCatBOW(exclusive_classes: bool, ngram_size: int, no_output_layer: bool,
               length: int = DEFAULT_BOW_LENGTH, nO: Optional[int] = None
               ) -> Model[List, Floats2d]:
    """Counts of the docs' 1..ngram_size-grams of ORTH, scored by a hashed linear model
    with `length` rows per label (rounded up to a power of two, as spaCy)."""
    if length < 1:
        raise ValueError(f"TextCatBOW: length must be at least 1, got {length}")
    return _bow(exclusive_classes, ngram_size, no_output_layer, nO,
                SparseLinear(nO, 2 ** (length - 1).bit_length()))


@register("architectures", "spacy.TextCatBOW.v2")
def TextCatBOW_v2(exclusive_classes: bool, ngram_size: int, no_output_layer: bool,
                  nO: Optional[int] = None) -> Model[List, Floats2d]:
    """TextCatBOW with Thinc's older SparseLinear.v1 row layout (length 2**18)."""
    return _bow(exclusive_classes, ngram_size, no_output_layer, nO,
                SparseLinear(nO, DEFAULT_BOW_LENGTH, v1_indexing=True))


def _bow(exclusive_classes, ngram_size, no_output_layer, nO, sparse_linear):
    new_bias = 0.0 if no_output_layer else NEW_LABEL_BIAS
    resizable_layer = resizable(sparse_linear,
                                resize_layer=partial(resize_sparse_linear, new_bias=new_bias))
    model = chain(extract_ngrams(ngram_size, attr=ORTH), resizable_layer)
    model = with_cpu(model, model.ops)
    if not no_output_layer:
        activation = softmax_activation() if exclusive_classes else Logistic()
        model = chain(model, with_cpu(activation, activation.ops))
    model.set_ref("output_layer", sparse_linear)
    model.attrs["resize_output"] = partial(_resize_output, resizable_layer=resizable_layer)
    return _finish(model, nO, exclusive_classes)


@register("architectures", "fastnlp.TextCatReduce.v1", "spacy.TextCatReduce.v1")
def TextCatReduce(tok2vec: Model, exclusive_classes: bool, use_reduce_first: bool,
                  use_reduce_last: bool, use_reduce_max: bool, use_reduce_mean: bool,
                  nO: Optional[int] = None) -> Model[List, Floats2d]:
    """tok2vec, each doc pooled by the chosen reductions (concatenated), then a linear
    output layer."""
    chosen = [(use_reduce_first, reduce_first), (use_reduce_last, reduce_last),
              (use_reduce_max, reduce_max), (use_reduce_mean, reduce_mean)]
    reductions = [make() for use, make in chosen if use]
    if not reductions:
        raise ValueError("TextCatReduce: set at least one of use_reduce_first, "
                         "use_reduce_last, use_reduce_max and use_reduce_mean")
    pooled = chain(tok2vec, list2ragged(), concatenate(*reductions))
    width = tok2vec.maybe_get_dim("nO")
    nI = width * len(reductions) if width is not None else None
    output = (Softmax if exclusive_classes else Linear)(nO=nO, nI=nI)
    fill = {"b": NEW_LABEL_BIAS if exclusive_classes else 0.0, "W": 0.0}
    resizable_layer = resizable(output, resize_layer=partial(resize_linear_weighted,
                                                             fill_defaults=fill))
    model = chain(pooled, resizable_layer)
    if not exclusive_classes:
        model = chain(model, Logistic())
    model.set_ref("output_layer", output)
    model.set_ref("tok2vec", tok2vec)
    model.attrs["resize_output"] = partial(_resize_output, resizable_layer=resizable_layer)
    return _finish(model, nO, exclusive_classes)


@register("architectures", "fastnlp.TextCatCNN.v1", "spacy.TextCatCNN.v2")
def TextCatCNN(tok2vec: Model, exclusive_classes: bool, nO: Optional[int] = None
               ) -> Model[List, Floats2d]:
    """TextCatReduce with mean pooling only."""
    return TextCatReduce(tok2vec, exclusive_classes, False, False, False, True, nO=nO)


@register("architectures", "fastnlp.TextCatParametricAttention.v1",
          "spacy.TextCatParametricAttention.v1")
def TextCatParametricAttention(tok2vec: Model, exclusive_classes: bool,
                               nO: Optional[int] = None) -> Model[List, Floats2d]:
    """tok2vec pooled by attention whose keys pass through a Gelu, a residual
    Maxout + LayerNorm block, then the output layer."""
    width = tok2vec.maybe_get_dim("nO")
    attention = _attention_block(tok2vec, ParametricAttention_v2(
        nO=width, key_transform=Gelu(nI=width, nO=width)), Maxout(nI=width, nO=width))
    output = Softmax(nO=nO) if exclusive_classes else chain(Linear(nO=nO), Logistic())
    model = chain(attention, output)
    model.set_ref("output_layer", output)
    return _finish(model, nO, exclusive_classes)


@register("architectures", "fastnlp.TextCatEnsemble.v1", "spacy.TextCatEnsemble.v2")
def TextCatEnsemble(tok2vec: Model, linear_model: Model, nO: Optional[int] = None
                    ) -> Model[List, Floats2d]:
    """The linear model's scores concatenated with an attention-pooled tok2vec (with a
    residual Maxout + LayerNorm block), then one output layer over both."""
    exclusive_classes = not linear_model.attrs["multi_label"]
    width = tok2vec.maybe_get_dim("nO")
    attention = _attention_block(tok2vec, ParametricAttention(width),
                                 Maxout(nO=width, nI=width))
    nI = nO * 2 if nO else None
    output = Softmax(nO=nO, nI=nI) if exclusive_classes \
        else chain(Linear(nO=nO, nI=nI), Logistic())
    model = chain(concatenate(linear_model, attention), output)
    model.set_ref("tok2vec", tok2vec)
    model.set_ref("output_layer", linear_model.get_ref("output_layer"))
    for name in ("attention_layer", "maxout_layer", "norm_layer"):
        model.set_ref(name, attention.get_ref(name))
    model.init = _init_with_tok2vec_first
    return _finish(model, nO, exclusive_classes)


def _attention_block(tok2vec, attention_layer, maxout_layer):
    """tok2vec >> attention-weighted sum per doc >> residual(maxout >> layer norm)."""
    width = tok2vec.maybe_get_dim("nO")
    norm_layer = LayerNorm(nI=width)
    block = chain(tok2vec, list2ragged(), attention_layer, reduce_sum(),
                  residual(chain(maxout_layer, norm_layer, Dropout(0.0))))
    block.set_ref("tok2vec", tok2vec)
    block.set_ref("attention_layer", attention_layer)
    block.set_ref("maxout_layer", maxout_layer)
    block.set_ref("norm_layer", norm_layer)
    if attention_layer.has_ref("key_transform"):
        block.set_ref("key_transform", attention_layer.get_ref("key_transform"))
        block.init = _init_with_tok2vec_first
    return block


def _init_with_tok2vec_first(model, X=None, Y=None):
    """Initialize tok2vec first, so that the attention and residual layers after it get
    its width (which a tok2vec with inferred dimensions only knows once initialized)."""
    tok2vec = model.get_ref("tok2vec")
    tok2vec.initialize(X)
    width = tok2vec_width(tok2vec)
    for name in ("attention_layer", "key_transform", "maxout_layer", "norm_layer"):
        if model.has_ref(name):
            layer = model.get_ref(name)
            for dim in ("nI", "nO"):
                if layer.has_dim(dim) is not False:
                    layer.set_dim(dim, width, force=True)
    init_chain(model, X, Y)
    return model


def tok2vec_width(tok2vec: Model) -> int:
    """The width of a tok2vec's vectors (a listener's declared width included)."""
    if not tok2vec.has_dim("nO"):
        raise ValueError(f"{tok2vec.name}: its output width is not known after it was "
                         "initialized")
    return tok2vec.get_dim("nO")
