"""Matcher: the API (add/remove/get/len/contains, callbacks, greedy, spans, alignments,
pickling), extension attributes, and one-line errors for invalid patterns."""
import pickle

import pytest

import fastnlp
from fastnlp.matcher import Matcher, MatchPatternError, levenshtein, levenshtein_compare
from fastnlp.tokens import Doc, Token


@pytest.fixture
def nlp():
    return fastnlp.blank("en")


def _spans(matcher, doc):
    return [(doc.vocab.strings[k], doc[s:e].text) for k, s, e in matcher(doc)]


def test_operators_give_every_path(nlp):
    matcher = Matcher(nlp.vocab)
    matcher.add("A", [[{"LOWER": "a", "OP": "+"}]])
    doc = nlp("a A a")
    assert [(s, e) for _, s, e in matcher(doc)] == [(0, 1), (0, 2), (1, 2), (0, 3), (1, 3),
                                                   (2, 3)]


@pytest.mark.parametrize("op,expected", [
    ("{2}", ["a a", "a a"]), ("{2,3}", ["a a", "a a a", "a a"]),
    ("{,2}", ["a", "a a", "a", "a a", "a"]), ("{2,}", ["a a", "a a a", "a a"]),
    ("?", ["a", "a", "a"]), ("!", ["b"])])
def test_counted_operators(nlp, op, expected):
    matcher = Matcher(nlp.vocab)
    matcher.add("A", [[{"ORTH": "a", "OP": op}]] if op != "!" else
                [[{"ORTH": "a", "OP": "!"}]])
    doc = nlp("a a a b")
    assert [text for _, text in _spans(matcher, doc)] == expected


def test_rule_api(nlp):
    matcher = Matcher(nlp.vocab)
    pattern = [{"LOWER": "hello"}, {"IS_PUNCT": True, "OP": "?"}, {"LOWER": "world"}]
    matcher.add("HELLO", [pattern])
    matcher.add("HELLO", [[{"ORTH": "hi"}]])
    assert len(matcher) == 1 and "HELLO" in matcher and "BYE" not in matcher
    on_match, patterns = matcher.get("HELLO")
    assert on_match is None and patterns == [pattern, [{"ORTH": "hi"}]]
    assert _spans(matcher, nlp("hi, Hello, world")) == [("HELLO", "hi"),
                                                         ("HELLO", "Hello, world")]
    matcher.remove("HELLO")
    assert len(matcher) == 0 and matcher.get("HELLO", "none") == "none"
    with pytest.raises(ValueError, match="no rule for 'HELLO'"):
        matcher.remove("HELLO")


def test_callbacks_see_the_final_matches(nlp):
    seen = []

    def on_match(matcher, doc, i, matches):
        seen.append((i, doc[matches[i][1]:matches[i][2]].text))

    matcher = Matcher(nlp.vocab)
    matcher.add("N", [[{"LIKE_NUM": True, "OP": "+"}]], on_match=on_match, greedy="LONGEST")
    matcher(nlp("I have 3 4 apples and 5"))
    assert seen == [(0, "3 4"), (1, "5")]


def test_greedy_first_and_longest(nlp):
    doc = nlp("a b b c")
    for greedy, expected in (("FIRST", [(0, 3)]), ("LONGEST", [(0, 3)])):
        matcher = Matcher(nlp.vocab)
        matcher.add("X", [[{"ORTH": "a", "OP": "?"}, {"ORTH": "b", "OP": "+"}]], greedy=greedy)
        assert [(s, e) for _, s, e in matcher(doc)] == expected


def test_as_spans_and_alignments(nlp):
    matcher = Matcher(nlp.vocab)
    matcher.add("X", [[{"ORTH": "a"}, {"ORTH": "b", "OP": "+"}, {"ORTH": "c"}]])
    doc = nlp("z a b b c")
    (span,) = matcher(doc, as_spans=True)
    assert (span.start, span.end, span.label_) == (1, 5, "X")
    (match,) = matcher(doc, with_alignments=True)
    assert match[1:] == (1, 5, [0, 1, 1, 2])
    (span,) = matcher(doc[1:], as_spans=True)
    assert (span.start, span.end) == (1, 5)


def test_predicates(nlp):
    matcher = Matcher(nlp.vocab)
    matcher.add("P", [[{"LENGTH": {">=": 5}, "LOWER": {"NOT_IN": ["apple"]}},
                       {"TEXT": {"REGEX": "^[0-9]+$"}}],
                      [{"LOWER": {"FUZZY": "banana"}}],
                      [{"LOWER": {"IN": ["kiwi", "fig"]}}]])
    doc = nlp("apples 12 apple 3 bananna fig")
    assert [text for _, text in _spans(matcher, doc)] == ["apples 12", "bananna", "fig"]


def test_extension_attributes(nlp):
    Token.set_extension("is_fruit", getter=lambda t: t.lower_ in ("apple", "fig"), force=True)
    matcher = Matcher(nlp.vocab)
    matcher.add("F", [[{"_": {"is_fruit": True}, "OP": "+"}]])
    matcher.add("G", [[{"_": {"is_fruit": {"==": 1}}}]])
    doc = nlp("an apple fig pie")
    assert _spans(matcher, doc) == [("G", "apple"), ("F", "apple"), ("G", "fig"),
                                    ("F", "apple fig"), ("F", "fig")]  # spaCy's order
    Token.remove_extension("is_fruit")


def test_missing_annotation_is_an_error_unless_allowed(nlp):
    matcher = Matcher(nlp.vocab)
    matcher.add("N", [[{"POS": "NOUN"}]])
    with pytest.raises(ValueError, match="tests POS but the doc has none"):
        matcher(nlp("a dog"))
    assert matcher(nlp("a dog"), allow_missing=True) == []
    doc = Doc(nlp.vocab, words=["a", "dog"], pos=["DET", "NOUN"])
    assert _spans(matcher, doc) == [("N", "dog")]


def test_sent_start_of_the_first_token(nlp):
    matcher = Matcher(nlp.vocab)
    matcher.add("S", [[{"IS_SENT_START": True}]])
    assert _spans(matcher, nlp("one two")) == [("S", "one")]


def test_pickle_keeps_patterns_callbacks_and_greedy(nlp):
    matcher = Matcher(nlp.vocab)
    matcher.add("X", [[{"ORTH": "a", "OP": "+"}]], greedy="LONGEST")
    copy = pickle.loads(pickle.dumps(matcher))
    doc = nlp("a a b")
    assert copy(doc) == matcher(doc) == [(nlp.vocab.strings["X"], 0, 2)]


@pytest.mark.parametrize("patterns,message", [
    ([[]], r"Matcher.add\('K'\): pattern 0 is empty"),
    ([{"ORTH": "a"}], r"pattern 0 is a dict, not a list"),
    ([[{"ORTH": "a"}, "b"]], r"pattern 0, token 1: 'b' is a str, not a dict"),
    ([[{"FOO": "a"}]], r"pattern 0, token 0: unknown token attribute 'FOO'"),
    ([[{"ORTH": 1.5}]], r"token 0, ORTH: value 1.5 is a float"),
    ([[{"ORTH": "a", "OP": "++"}]], r"token 0: unknown OP '\+\+'"),
    ([[{"ORTH": "a", "OP": "{3,1}"}]], r"unknown OP '\{3,1\}'"),
    ([[{"ORTH": {"REGEX": "("}}]], r"ORTH, REGEX: bad regular expression"),
    ([[{"ORTH": {"IN": "abc"}}]], r"ORTH, IN: IN takes a list"),
    ([[{"LENGTH": {"MORE": 1}}]], r"LENGTH: unknown predicate 'MORE'"),
    ([[{"_": "x"}]], r"'_' must map extension names"),
])
def test_invalid_patterns_are_one_line_errors(nlp, patterns, message):
    matcher = Matcher(nlp.vocab)
    with pytest.raises(MatchPatternError, match=message) as info:
        matcher.add("K", patterns)
    assert "\n" not in str(info.value)
    assert "K" not in matcher


def test_a_bad_pattern_adds_nothing(nlp):
    matcher = Matcher(nlp.vocab)
    with pytest.raises(MatchPatternError):
        matcher.add("K", [[{"ORTH": "a"}], [{"BAD": 1}]])
    assert len(matcher) == 0 and matcher(nlp("a")) == []


def test_levenshtein():
    assert levenshtein("kitten", "sitting") == 3
    assert levenshtein("kitten", "sitting", 1) == 2
    assert levenshtein("", "abc") == 3 and levenshtein("abc", "abc") == 0
    assert levenshtein_compare("bananna", "banana") and not levenshtein_compare("x", "banana")
    assert levenshtein_compare("ab", "abc", 1) and not levenshtein_compare("a", "abc", 1)
