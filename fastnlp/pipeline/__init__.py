"""Pipeline components. Importing this package registers their factories."""
from .tagger import Tagger
from .tok2vec import Tok2Vec
from .trainable import TrainablePipe

__all__ = ["Tagger", "Tok2Vec", "TrainablePipe"]
