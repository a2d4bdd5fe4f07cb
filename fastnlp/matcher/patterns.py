"""Token patterns: checking a Matcher pattern and compiling it into specs the C loop reads.

A pattern is a list of token specs (dicts). Each spec compiles to one or more `Spec`s (an
operator such as `{2,3}` expands to ONE, ONE, ZERO_ONE) holding equality tests
`(attr id, value)` for the C loop, extension equality tests `(extension index, value)`,
and the indices of the predicates (REGEX, IN, >=, FUZZY, ...) the token must pass.
Predicates are evaluated outside the C loop, once per distinct attribute value
(`predicates.py`).
"""
from typing import Dict, List, NamedTuple, Tuple

from ..attrs import IDS
from ..errors import FastNLPError
from ..tokens.entity_tags import IOB_NAMES
from .predicates import PREDICATE_NAMES, make_predicate

# Quantifiers of a compiled spec; ZERO is "!" (the token must not match).
ONE, ZERO, ZERO_ONE, ZERO_PLUS = 1, 2, 3, 4
OPERATORS = {"1": (ONE,), "!": (ZERO,), "?": (ZERO_ONE,), "*": (ZERO_PLUS,),
             "+": (ONE, ZERO_PLUS)}
ALIASES = {"TEXT": "ORTH", "IS_SENT_START": "SENT_START"}


class MatchPatternError(FastNLPError, ValueError):
    """A Matcher pattern that cannot be compiled; the message names the key, the pattern,
    the token spec and the part at fault."""


class Spec(NamedTuple):
    quantifier: int
    attrs: Tuple[Tuple[int, int], ...]
    extensions: Tuple[Tuple[int, int], ...]
    predicates: Tuple[int, ...]
    token_idx: int


class PatternCompiler:
    """Compiles patterns for one matcher: owns its extension-name table and the list of
    distinct predicates, which every pattern of the matcher shares."""

    def __init__(self, vocab, fuzzy_compare):
        self.vocab = vocab
        self.fuzzy_compare = fuzzy_compare
        self.extensions: Dict[str, int] = {}
        self.predicates: List = []
        self._predicate_index: Dict[tuple, int] = {}

    def compile(self, key, i, pattern) -> List[Spec]:
        where = f"Matcher.add({key!r}): pattern {i}"
        if not isinstance(pattern, list):
            raise MatchPatternError(f"{where} is a {type(pattern).__name__}, not a list of "
                                    f"token specs (dicts)")
        if not pattern:
            raise MatchPatternError(f"{where} is empty: give at least one token spec")
        specs = []
        for token_idx, token_spec in enumerate(pattern):
            at = f"{where}, token {token_idx}"
            if not isinstance(token_spec, dict):
                raise MatchPatternError(f"{at}: {token_spec!r} is a "
                                        f"{type(token_spec).__name__}, not a dict")
            quantifiers = _operators(token_spec, at)
            attrs, extensions, predicates = self._tests(token_spec, at)
            for quantifier in quantifiers:
                specs.append(Spec(quantifier, attrs, extensions, predicates, token_idx))
        return specs

    def _tests(self, token_spec, at):
        attrs, extensions, predicates = [], [], []
        for name, value in token_spec.items():
            if not isinstance(name, str):
                raise MatchPatternError(f"{at}: key {name!r} is not an attribute name")
            upper = name.upper()
            if upper == "OP":
                continue
            if upper == "_":
                self._extension_tests(value, at, extensions, predicates)
                continue
            attr = IDS.get(ALIASES.get(upper, upper))
            if attr is None or attr == 0:
                raise MatchPatternError(f"{at}: unknown token attribute {name!r}")
            if isinstance(value, dict):
                predicates.extend(self._predicates(attr, value, f"{at}, {name}"))
            else:
                attrs.append((attr, self._value_id(attr, value, f"{at}, {name}")))
        return tuple(attrs), tuple(extensions), tuple(predicates)

    def _value_id(self, attr, value, at):
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            if not 0 <= value < 2 ** 64:
                raise MatchPatternError(f"{at}: value {value} is outside 0 .. 2**64-1")
            return value
        if isinstance(value, str):
            if attr == IDS["ENT_IOB"] and value in IOB_NAMES:
                return IOB_NAMES.index(value)
            return self.vocab.strings.add(value)
        raise MatchPatternError(f"{at}: value {value!r} is a {type(value).__name__}; give "
                                f"a string, an int, a bool or a dict of predicates")

    def _extension_tests(self, value, at, extensions, predicates):
        if not isinstance(value, dict):
            raise MatchPatternError(f"{at}: '_' must map extension names to values, got "
                                    f"{value!r}")
        for name, ext_value in value.items():
            if isinstance(ext_value, dict):
                predicates.extend(self._predicates(name, ext_value, f"{at}, _.{name}",
                                                   extension=True))
                continue
            if isinstance(ext_value, str):
                ext_value = self.vocab.strings.add(ext_value)
            elif isinstance(ext_value, (bool, int)):
                ext_value = int(ext_value) % 2 ** 64
            else:
                raise MatchPatternError(f"{at}, _.{name}: value {ext_value!r} is a "
                                        f"{type(ext_value).__name__}; give a string, an int, "
                                        f"a bool or a dict of predicates")
            index = self.extensions.setdefault(name, len(self.extensions))
            extensions.append((index, ext_value))

    def _predicates(self, attr, spec, at, extension=False, regex=False, fuzzy=None):
        out = []
        for name, value in spec.items():
            kind = name.upper() if isinstance(name, str) else name
            if kind not in PREDICATE_NAMES:
                raise MatchPatternError(f"{at}: unknown predicate {name!r}; use one of "
                                        f"{', '.join(PREDICATE_NAMES)}")
            if isinstance(value, dict) and kind == "REGEX":
                out.extend(self._predicates(attr, value, f"{at}, {name}", extension,
                                            regex=True))
                continue
            if isinstance(value, dict) and kind.startswith("FUZZY"):
                level = int(kind[5:]) if kind[5:] else -1
                out.extend(self._predicates(attr, value, f"{at}, {name}", extension,
                                            fuzzy=level))
                continue
            try:
                predicate = make_predicate(kind, attr, value, self.vocab, extension=extension,
                                           regex=regex, fuzzy=fuzzy,
                                           fuzzy_compare=self.fuzzy_compare)
            except (TypeError, ValueError) as err:
                raise MatchPatternError(f"{at}, {name}: {err}") from None
            index = self._predicate_index.get(predicate.key)
            if index is None:
                index = self._predicate_index[predicate.key] = len(self.predicates)
                self.predicates.append(predicate)
            out.append(index)
        return out


def _operators(token_spec, at):
    op = None
    for name, value in token_spec.items():
        if isinstance(name, str) and name.upper() == "OP":
            op = value
    if op is None:
        return (ONE,)
    if not isinstance(op, str):
        raise MatchPatternError(f"{at}: OP {op!r} is not a string")
    if op in OPERATORS:
        return OPERATORS[op]
    if op.startswith("{") and op.endswith("}"):
        inner = op[1:-1]
        low, _, high = inner.partition(",") if "," in inner else (inner, ",", inner)
        ok = (low.isdecimal() or not low) and (high.isdecimal() or not high) and \
            (low or high) and not (low and high and int(low) > int(high))
        if ok:
            n = int(low or 0)
            tail = (ZERO_ONE,) * (int(high) - n) if high else (ZERO_PLUS,)
            return (ONE,) * n + tail
    raise MatchPatternError(f"{at}: unknown OP {op!r}; use !, ?, +, *, 1, {{n}}, {{n,m}}, "
                            f"{{n,}} or {{,m}} (n <= m)")
