"""Rule-based matching: token patterns (Matcher), phrases (PhraseMatcher) and dependency
trees (DependencyMatcher)."""
from .dependencymatcher import DependencyMatcher
from .levenshtein import levenshtein, levenshtein_compare
from .matcher import Matcher
from .patterns import MatchPatternError
from .phrasematcher import PhraseMatcher

__all__ = ["DependencyMatcher", "Matcher", "MatchPatternError", "PhraseMatcher", "levenshtein", "levenshtein_compare"]
