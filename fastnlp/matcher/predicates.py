"""The predicates of token patterns: REGEX, IN, NOT_IN, IS_SUBSET, IS_SUPERSET, INTERSECTS,
the comparisons and FUZZY, FUZZY1 .. FUZZY9.

A predicate on a token attribute depends only on the attribute's value id, so the
Matcher tests each distinct value once and keeps the result. A predicate on an extension
attribute gets `token._.<name>`.
As in spaCy, a predicate that returns None counts as passing.
"""
import re
from typing import Callable

import srsly

from ..attrs import IDS
from ..tokens.morph import normalize_feats
from .levenshtein import levenshtein_compare

SET_PREDICATES = ("IN", "NOT_IN", "IS_SUBSET", "IS_SUPERSET", "INTERSECTS")
COMPARISONS = ("==", "!=", ">=", "<=", ">", "<")
FUZZY = ("FUZZY",) + tuple(f"FUZZY{i}" for i in range(1, 10))
PREDICATE_NAMES = ("REGEX",) + SET_PREDICATES + COMPARISONS + FUZZY
MORPH = IDS["MORPH"]
PASS, FAIL, UNKNOWN = 1, -1, 0


def make_predicate(kind, attr, value, vocab, *, extension=False, regex=False, fuzzy=None,
                   fuzzy_compare: Callable = levenshtein_compare):
    if kind == "REGEX":
        return RegexPredicate(attr, value, vocab, extension)
    if kind in SET_PREDICATES:
        return SetPredicate(kind, attr, value, vocab, extension, regex, fuzzy, fuzzy_compare)
    if kind in COMPARISONS:
        return ComparisonPredicate(kind, attr, value, vocab, extension)
    level = int(kind[5:]) if kind[5:] else -1
    return FuzzyPredicate(attr, value, vocab, extension, level, fuzzy_compare)


class Predicate:
    """One test of one attribute; `test(value)` gives True, False or None."""

    kind = ""

    def __init__(self, attr, value, vocab, extension):
        self.attr = attr
        self.vocab = vocab
        self.extension = extension
        self.key = (attr, extension, self.kind, srsly.json_dumps(value, sort_keys=True))

    def text(self, value):
        """The string of an attribute value id ('' for an id the StringStore lacks)."""
        if self.extension:
            return value
        strings = self.vocab.strings
        return strings[value] if value in strings else ""


def outcome(result, predicate) -> int:
    if result is True:
        return PASS
    if result is False:
        return FAIL
    if result is None:
        return UNKNOWN
    raise ValueError(f"Matcher: predicate {predicate.kind} on {predicate.attr!r} returned "
                     f"{result!r}; a predicate gives True, False or None")


class RegexPredicate(Predicate):
    kind = "REGEX"

    def __init__(self, attr, value, vocab, extension):
        if not isinstance(value, str):
            raise TypeError(f"REGEX takes a pattern string, not {value!r}")
        try:
            self.regex = re.compile(value)
        except re.error as err:
            raise ValueError(f"bad regular expression {value!r}: {err}") from None
        super().__init__(attr, value, vocab, extension)

    def test(self, value):
        return bool(self.regex.search(self.text(value)))


class FuzzyPredicate(Predicate):
    kind = "FUZZY"

    def __init__(self, attr, value, vocab, extension, level, compare):
        if not isinstance(value, str):
            raise TypeError(f"FUZZY takes a string, not {value!r}")
        self.kind = "FUZZY" + (str(level) if level >= 0 else "")
        self.value, self.level, self.compare = value, level, compare
        super().__init__(attr, value, vocab, extension)

    def test(self, value):
        text = self.text(value)
        return text == self.value or bool(self.compare(text, self.value, self.level))


class SetPredicate(Predicate):
    def __init__(self, kind, attr, value, vocab, extension, regex, fuzzy, compare):
        if not isinstance(value, (list, tuple, set)):
            raise TypeError(f"{kind} takes a list, not {value!r}")
        self.kind = kind + ("_REGEX" if regex else "") + \
            ("" if fuzzy is None else f"_FUZZY{fuzzy}")
        self.set_kind, self.regex, self.fuzzy, self.compare = kind, regex, fuzzy, compare
        if regex:
            try:
                self.values = [re.compile(v) for v in value]
            except (re.error, TypeError) as err:
                raise ValueError(f"bad regular expression in {value!r}: {err}") from None
        elif fuzzy is not None:
            self.values = [str(v) for v in value]
        else:
            for v in value:
                if not isinstance(v, (str, int)) or isinstance(v, bool):
                    raise TypeError(f"{kind} values are strings or ints, not {v!r}")
            if attr == MORPH and not extension:  # spaCy adds them through its Morphology
                value = [normalize_feats(v) if isinstance(v, str) else v for v in value]
            self.values = {vocab.strings.add(v) if isinstance(v, str) else v for v in value}
        super().__init__(attr, value, vocab, extension)

    def test(self, value):
        kind = self.set_kind
        if kind in ("IN", "NOT_IN"):
            if self.extension:
                if not isinstance(value, (str, int)):
                    return False
                if self.regex or self.fuzzy is not None:
                    value = str(value)
            if self.regex:
                found = any(r.search(self.text(value)) for r in self.values)
            elif self.fuzzy is not None:
                text = self.text(value)
                found = any(self.compare(text, v, self.fuzzy) for v in self.values)
            else:
                found = self._id(value) in self.values
            return found if kind == "IN" else not found
        members = self._members(value)
        if members is None:
            return False
        if kind == "IS_SUBSET":
            return members <= self.values
        if kind == "IS_SUPERSET":
            return members >= self.values
        return bool(members & self.values)

    def _id(self, value):
        return self.vocab.strings.add(value) if isinstance(value, str) else value

    def _members(self, value):
        """The value as a set of ids: a MORPH value's features, else the value itself."""
        if not self.extension and self.attr == MORPH:
            feats = self.text(value)
            if feats in ("", "_"):
                return set()
            return {self.vocab.strings.add(f) for f in feats.split("|")}
        if isinstance(value, (str, int)):
            return {self._id(value)}
        if isinstance(value, (list, tuple, set)) and all(isinstance(v, (str, int))
                                                         for v in value):
            return {self._id(v) for v in value}
        return None


class ComparisonPredicate(Predicate):
    def __init__(self, kind, attr, value, vocab, extension):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise TypeError(f"{kind} compares with a number, not {value!r}")
        self.kind, self.value = kind, value
        super().__init__(attr, value, vocab, extension)

    def test(self, value):
        kind, other = self.kind, self.value
        if kind == "==":
            return value == other
        if kind == "!=":
            return value != other
        if kind == ">=":
            return value >= other
        if kind == "<=":
            return value <= other
        if kind == ">":
            return value > other
        return value < other
