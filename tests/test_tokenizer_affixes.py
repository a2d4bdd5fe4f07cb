"""tokenizer_affixes.AffixSplitter on its own: one chunk against the reference's split_chunk."""
import random
import re

import pytest

from fastnlp.attrs import NORM, ORTH
from fastnlp.tokenizer_affixes import AffixSplitter, special_case_pieces
from fastnlp.tokenizer_reference import Rules, split_chunk

SPECIALS = {"can't": [("ca", None), ("n't", "not")], "(x": [("(x", None)],
            "e.g.": [("e.g.", None)]}
PATTERNS = dict(
    prefix_search=re.compile(r"[(\"']|\.\.+").match,
    suffix_search=re.compile(r"(?:[)\"'.,!?]|'s|\.\.+)$").search,
    infix_finditer=re.compile(r"(?<=\w)-(?=\w)|--+|(?=/)").finditer,
    token_match=re.compile(r"\d+(?:\.\d+)+").fullmatch,
    url_match=re.compile(r"\w+://\S+").fullmatch,
)
PARTS = ["(", ")", "\"", "'", "'s", ".", "..", ",", "!", "?", "-", "--", "/", "a", "b", "7",
         "3.1", "can't", "(x", "e.g.", "http://", "é", "²"]


@pytest.fixture
def splitter():
    return AffixSplitter(SPECIALS, **PATTERNS)


def test_pieces_and_trace_equal_reference(splitter):
    rules = Rules(SPECIALS, **PATTERNS)
    rng = random.Random(0)
    for _ in range(3000):
        chunk = "".join(rng.choice(PARTS) for _ in range(rng.randint(1, 8)))
        expected = split_chunk(rules, chunk)
        trace = []
        assert splitter.split(chunk, trace) == [(orth, norm) for _, orth, norm in expected], chunk
        assert trace == [(rule, orth) for rule, orth, _ in expected], chunk
        assert splitter.split(chunk) == splitter.split(chunk, None)


def test_empty_chunk_has_no_pieces(splitter):
    trace = []
    assert splitter.split("", trace) == [] and trace == []


def test_no_rules_keep_the_chunk_whole():
    assert AffixSplitter().split("(a-b).") == [("(a-b).", None)]


def test_rules_are_attributes_read_on_every_call(splitter):
    assert splitter.split("(a)") == [("(", None), ("a", None), (")", None)]
    splitter.prefix_search = None
    splitter.suffix_search = None
    assert splitter.split("(a)") == [("(a)", None)]
    splitter.special_cases = {"(a)": [("(a", None), (")", "paren")]}
    assert splitter.split("(a)") == [("(a", None), (")", "paren")]


def test_special_case_pieces_accepts_ids_and_names():
    assert special_case_pieces("gimme", [{ORTH: "gim", NORM: "give"}, {"ORTH": "me"}],
                               ORTH, NORM) == [("gim", "give"), ("me", None)]


@pytest.mark.parametrize("string,substrings", [
    ("gimme", [{ORTH: "gim"}, {ORTH: "mee"}]),
    ("gimme", [{ORTH: ""}, {ORTH: "gimme"}]),
    ("gimme", [{NORM: "give"}]),
    ("a b", [{ORTH: "a b"}]),
])
def test_bad_special_case_raises(string, substrings):
    with pytest.raises(ValueError):
        special_case_pieces(string, substrings, ORTH, NORM)
