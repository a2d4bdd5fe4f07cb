"""fastnlp: fast statistical NLP pipelines."""
from .about import __version__
from .strings import StringStore
from .vocab import Vocab

__all__ = ["__version__", "StringStore", "Vocab"]
