"""Tok2vec architectures: Docs to one (n_tokens, width) float32 array per Doc.

Each is registered as "fastnlp.<Name>.v1" and under the name spaCy configs use, with
spaCy 3.8's parameter names, so an existing spaCy config resolves to these models.
Built from Thinc's layers; the hash embedding is our fused kernel (HashEmbedMulti).
"""
from typing import List, Optional, Union

from thinc.api import (
    Dropout,
    Maxout,
    Model,
    chain,
    clone,
    concatenate,
    expand_window,
    list2ragged,
    ragged2list,
    residual,
    with_array,
)
from thinc.types import Floats2d

from ..registry import register
from .layers import FeatureExtractor, HashEmbedMulti, StaticVectors, skip_empty

# Attribute i of a MultiHashEmbed is hashed with seed FIRST_ATTR_SEED + i (spaCy's choice,
# so an id lands in the same rows as in a spaCy model with the same table sizes).
FIRST_ATTR_SEED = 8
# Pieces of the Maxout that mixes the concatenated attribute embeddings down to width.
EMBED_MIX_PIECES = 3
SUBWORD_ATTRS = ["NORM", "PREFIX", "SUFFIX", "SHAPE"]
# HashEmbedCNN gives NORM embed_size rows and each subword attribute embed_size // 2.
SUBWORD_ROWS_DIVISOR = 2


@register("architectures", "fastnlp.Tok2Vec.v1", "spacy.Tok2Vec.v2")
def build_tok2vec_model(embed: Model, encode: Model) -> Model[List, List[Floats2d]]:
    """Chain an embedding (Docs to context-free vectors) and a context encoder."""
    tok2vec = chain(embed, encode)
    if encode.has_dim("nO"):
        tok2vec.set_dim("nO", encode.get_dim("nO"))
    tok2vec.set_ref("embed", embed)
    tok2vec.set_ref("encode", encode)
    return tok2vec


@register("architectures", "fastnlp.MultiHashEmbed.v1", "spacy.MultiHashEmbed.v2")
def MultiHashEmbed(
    width: int,
    attrs: List[Union[int, str]],
    rows: List[int],
    include_static_vectors: bool,
) -> Model[List, List[Floats2d]]:
    """Hash-embed each attribute in its own table (width wide), concatenate, and mix to
    width with a layer-normalized Maxout. With include_static_vectors, the Docs' static
    vectors, projected to width, join the concatenation.
    """
    if len(rows) != len(attrs):
        raise ValueError(f"MultiHashEmbed: {len(attrs)} attrs but {len(rows)} row counts")
    seeds = [FIRST_ATTR_SEED + i for i in range(len(attrs))]
    embed = chain(
        FeatureExtractor(attrs),
        list2ragged(),
        with_array(HashEmbedMulti(width, rows, seeds)),
    )
    n_inputs = len(attrs) + int(include_static_vectors)
    if include_static_vectors:
        embed = concatenate(embed, StaticVectors(width))
    mix = Maxout(width, width * n_inputs, nP=EMBED_MIX_PIECES, dropout=0.0, normalize=True)
    # Every row is embedded alone (context 0), so long Docs are embedded in chunks.
    model = skip_empty(chain(embed, with_array(mix), ragged2list()), context=0)
    model.set_dim("nO", width)
    return model


@register("architectures", "fastnlp.MaxoutWindowEncoder.v1", "spacy.MaxoutWindowEncoder.v2")
def MaxoutWindowEncoder(
    width: int, window_size: int, maxout_pieces: int, depth: int
) -> Model[List[Floats2d], List[Floats2d]]:
    """depth x residual(layer-normalized Maxout over a +-window_size concatenation).

    An output row depends on the window_size * depth rows each side of it, so prediction
    cuts long sequences into chunks overlapping by that much (layers/chunks.py).
    """
    cnn = chain(
        expand_window(window_size=window_size),
        Maxout(
            nO=width,
            nI=width * (2 * window_size + 1),
            nP=maxout_pieces,
            dropout=0.0,
            normalize=True,
        ),
    )
    model = clone(residual(cnn), depth)
    model.set_dim("nO", width)
    receptive_field = window_size * depth
    return skip_empty(with_array(model, pad=receptive_field), context=receptive_field)


def _hash_embed_cnn(
    width: int,
    depth: int,
    embed_size: int,
    window_size: int,
    maxout_pieces: int,
    subword_features: bool,
    pretrained_vectors: Optional[bool],
    dropout: Optional[float],
) -> Model[List, List[Floats2d]]:
    if subword_features:
        attrs = list(SUBWORD_ATTRS)
        sub_rows = embed_size // SUBWORD_ROWS_DIVISOR
        rows = [embed_size] + [sub_rows] * (len(attrs) - 1)
    else:
        attrs, rows = ["NORM"], [embed_size]
    embed = MultiHashEmbed(
        width=width, attrs=attrs, rows=rows, include_static_vectors=bool(pretrained_vectors)
    )
    if dropout is not None:
        embed = chain(embed, with_array(Dropout(dropout)))
        embed.set_dim("nO", width)
    encode = MaxoutWindowEncoder(
        width=width, window_size=window_size, maxout_pieces=maxout_pieces, depth=depth
    )
    return build_tok2vec_model(embed, encode)


@register("architectures", "fastnlp.HashEmbedCNN.v1", "spacy.HashEmbedCNN.v2")
def HashEmbedCNN(
    *,
    width: int,
    depth: int,
    embed_size: int,
    window_size: int,
    maxout_pieces: int,
    subword_features: bool,
    pretrained_vectors: Optional[bool],
) -> Model[List, List[Floats2d]]:
    """MultiHashEmbed (NORM, plus PREFIX/SUFFIX/SHAPE with subword_features) followed by
    a MaxoutWindowEncoder; embed_size rows for NORM, embed_size // 2 for the others.
    """
    return _hash_embed_cnn(
        width, depth, embed_size, window_size, maxout_pieces, subword_features,
        pretrained_vectors, dropout=None,
    )


@register("architectures", "spacy.HashEmbedCNN.v1")
def HashEmbedCNN_v1(
    *,
    width: int,
    depth: int,
    embed_size: int,
    window_size: int,
    maxout_pieces: int,
    subword_features: bool,
    pretrained_vectors: Optional[bool],
    dropout: Optional[float] = None,
) -> Model[List, List[Floats2d]]:
    """HashEmbedCNN as older configs write it: `dropout` (often null) may be given; a
    number adds a Dropout layer after the embedding, null or absent adds none.
    """
    return _hash_embed_cnn(
        width, depth, embed_size, window_size, maxout_pieces, subword_features,
        pretrained_vectors, dropout=dropout,
    )
