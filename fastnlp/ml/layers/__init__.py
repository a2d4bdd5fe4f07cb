"""Thinc layers, one per module."""
from .feature_extractor import FeatureExtractor
from .hash_embed import HashEmbedMulti
from .skip_empty import skip_empty
from .static_vectors import StaticVectors

__all__ = ["FeatureExtractor", "HashEmbedMulti", "StaticVectors", "skip_empty"]
