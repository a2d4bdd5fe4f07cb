"""Transition systems in C: the parser's arc-eager system, the BILUO entity system,
the batch of states the model decodes, and pseudo-projective lifting/lowering."""
from .arc_eager import ArcEager
from .batch import StateBatch
from .biluo_moves import BiluoMoves
from .features import FeatureTemplate, NER_TEMPLATES, PARSER_TEMPLATES, TemplateSet
from ...tokens.nonproj import deprojectivize, is_nonproj_tree, projectivize
from .state import State
from .transition_system import Gold, GoldError, TransitionSystem

__all__ = ["ArcEager", "BiluoMoves", "StateBatch", "State", "Gold", "GoldError",
           "TransitionSystem", "FeatureTemplate", "TemplateSet", "PARSER_TEMPLATES",
           "NER_TEMPLATES", "projectivize", "deprojectivize", "is_nonproj_tree"]
