"""Models: hash-embedding kernels, Thinc layers and the tok2vec architectures.

Importing this package registers the architectures (fastnlp.* and spacy.* names).
"""
from .layers import FeatureExtractor, HashEmbedMulti, StaticVectors
from .tok2vec import (
    HashEmbedCNN,
    MaxoutWindowEncoder,
    MultiHashEmbed,
    build_tok2vec_model,
)

__all__ = [
    "FeatureExtractor",
    "HashEmbedMulti",
    "StaticVectors",
    "HashEmbedCNN",
    "MaxoutWindowEncoder",
    "MultiHashEmbed",
    "build_tok2vec_model",
]
