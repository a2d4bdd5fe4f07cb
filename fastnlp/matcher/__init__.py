"""Rule-based matching: token patterns (Matcher) and phrases (PhraseMatcher)."""
from .levenshtein import levenshtein, levenshtein_compare
from .matcher import Matcher
from .patterns import MatchPatternError
from .phrasematcher import PhraseMatcher

__all__ = ["Matcher", "MatchPatternError", "PhraseMatcher", "levenshtein", "levenshtein_compare"]
