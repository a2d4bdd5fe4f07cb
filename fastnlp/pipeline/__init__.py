"""Pipeline components. Importing this package registers their factories."""
from .ner import EntityRecognizer
from .parser import DependencyParser
from .tagger import Tagger
from .tok2vec import Tok2Vec
from .trainable import TrainablePipe

__all__ = ["DependencyParser", "EntityRecognizer", "Tagger", "Tok2Vec", "TrainablePipe"]
