"""Tokenizer API: round trip, whitespace, special cases, explain, serialization."""
import pickle
import re

import pytest

from fastnlp.attrs import NORM, ORTH
from fastnlp.tokenizer import Tokenizer


@pytest.fixture
def tokenizer(vocab):
    return Tokenizer(vocab, rules={"can't": [{ORTH: "ca"}, {ORTH: "n't", NORM: "not"}]},
                     prefix_search=re.compile(r"[\"(]").match,
                     suffix_search=re.compile(r"[\".,)]$").search,
                     infix_finditer=re.compile(r"(?<=\w)-(?=\w)").finditer)


@pytest.mark.parametrize("text", [
    "", " ", "a", "hello world", "hello  world", "  leading", "trailing  ", "tab\there",
    "line\nbreak", "mixed \n\t spaces ", "(quoted, text).", "\u00a0nbsp", "end\n",
])
def test_text_round_trip(tokenizer, text):
    doc = tokenizer(text)
    assert doc.text == text
    assert "".join(t.text_with_ws for t in doc) == text


def test_whitespace_tokens(tokenizer):
    doc = tokenizer("a  b\nc")
    assert [t.text for t in doc] == ["a", " ", "b", "\n", "c"]
    assert [t.whitespace_ for t in doc] == [" ", "", "", "", ""]


def test_idx_are_char_offsets(tokenizer):
    text = "héllo (wörld)."
    doc = tokenizer(text)
    for token in doc:
        assert text[token.idx:token.idx + len(token.text)] == token.text


def test_affixes(tokenizer):
    assert [t.text for t in tokenizer('("well-known")')] == \
        ["(", '"', "well", "-", "known", '"', ")"]


def test_special_case_and_norm(tokenizer):
    doc = tokenizer("I can't.")
    assert [t.text for t in doc] == ["I", "ca", "n't", "."]
    assert doc[2].norm_ == "not"


def test_add_special_case_flushes_cache(tokenizer):
    assert [t.text for t in tokenizer("gimme")] == ["gimme"]
    tokenizer.add_special_case("gimme", [{ORTH: "gim", NORM: "give"}, {ORTH: "me"}])
    doc = tokenizer("gimme")
    assert [t.text for t in doc] == ["gim", "me"]
    assert doc[0].norm_ == "give"
    assert "gimme" in tokenizer.rules


@pytest.mark.parametrize("string,substrings", [
    ("gimme", [{ORTH: "gim"}, {ORTH: "mee"}]),
    ("gimme", [{ORTH: ""}, {ORTH: "gimme"}]),
    ("a b", [{ORTH: "a b"}]),
])
def test_bad_special_case_raises(tokenizer, string, substrings):
    with pytest.raises(ValueError):
        tokenizer.add_special_case(string, substrings)


def test_setting_a_rule_flushes_cache(tokenizer):
    assert [t.text for t in tokenizer("a-b")] == ["a", "-", "b"]
    tokenizer.infix_finditer = None
    assert [t.text for t in tokenizer("a-b")] == ["a-b"]


def test_token_match_and_url_match(vocab):
    tokenizer = Tokenizer(vocab, suffix_search=re.compile(r"[.]$").search,
                          infix_finditer=re.compile(r"[.:/]").finditer,
                          token_match=re.compile(r"\d+\.\d+").fullmatch,
                          url_match=re.compile(r"https?://\S+").fullmatch)
    assert [t.text for t in tokenizer("3.14. http://a.b/c.")] == \
        ["3.14", ".", "http://a.b/c", "."]
    assert [t.text for t in tokenizer("a.b")] == ["a", ".", "b"]


def test_explain(tokenizer):
    assert tokenizer.explain("(can't)") == [
        ("PREFIX", "("), ("SPECIAL", "ca"), ("SPECIAL", "n't"), ("SUFFIX", ")")]
    assert tokenizer.explain("well-known.") == [
        ("TOKEN", "well"), ("INFIX", "-"), ("TOKEN", "known"), ("SUFFIX", ".")]


def test_pipe(tokenizer):
    texts = ["one two", "three (four)"]
    assert [d.text for d in tokenizer.pipe(texts, batch_size=1)] == texts


def test_bytes_round_trip(tokenizer, vocab):
    text = '("can\'t well-known")'
    other = Tokenizer(vocab).from_bytes(tokenizer.to_bytes())
    assert [t.text for t in other(text)] == [t.text for t in tokenizer(text)]
    assert other(text)[3].norm_ == "not"
    assert other.rules == tokenizer.rules


def test_disk_round_trip(tokenizer, vocab, tmp_path):
    tokenizer.to_disk(tmp_path / "tokenizer")
    other = Tokenizer(vocab).from_disk(tmp_path / "tokenizer")
    assert [t.text for t in other("(well-known)")] == ["(", "well", "-", "known", ")"]


def test_pickle(tokenizer):
    other = pickle.loads(pickle.dumps(tokenizer))
    assert [t.text for t in other("can't.")] == ["ca", "n't", "."]


def test_unserializable_function_raises(vocab):
    tokenizer = Tokenizer(vocab, token_match=lambda s: False)
    with pytest.raises(ValueError):
        tokenizer.to_bytes()


def test_plain_fast_path_is_opt_in(vocab):
    splitter = re.compile(r"(?<=a)b").finditer
    slow = Tokenizer(vocab, infix_finditer=splitter)
    assert [t.text for t in slow("abc")] == ["a", "b", "c"]
    fast = Tokenizer(vocab, infix_finditer=splitter, plain_chunks_whole=True)
    assert [t.text for t in fast("abc")] == ["abc"]
