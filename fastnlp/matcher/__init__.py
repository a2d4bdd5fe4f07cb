"""Rule-based matching: token patterns (Matcher)."""
from .levenshtein import levenshtein, levenshtein_compare
from .matcher import Matcher
from .patterns import MatchPatternError

__all__ = ["Matcher", "MatchPatternError", "levenshtein", "levenshtein_compare"]
