"""Matcher against spaCy 3.8's on the same EWT Docs: random patterns over every kind of
attribute, predicate and operator give the same matches in the same order, with the
same alignments, greedy filtering and spans."""
import pytest
from hypothesis import given, settings, strategies as st

from benchmarks.matcher import doc_pairs
from fastnlp.matcher import Matcher
from train_data import EWT

spacy = pytest.importorskip("spacy")
from spacy.matcher import Matcher as SpacyMatcher  # noqa: E402

DEV = EWT / "en_ewt-dev.conllu"
pytestmark = pytest.mark.skipif(not DEV.exists(), reason=f"{DEV} not found")
SNLP, FNLP, PAIRS = doc_pairs(DEV, n_sents=5, limit=30) if DEV.exists() else (None, None, [])


def _values(attr):
    """The values of `attr` in the corpus, most frequent first."""
    counts = {}
    for _, doc in PAIRS:
        for token in doc:
            value = {"LOWER": token.lower_, "ORTH": token.text, "LEMMA": token.lemma_,
                     "POS": token.pos_, "TAG": token.tag_, "DEP": token.dep_,
                     "ENT_TYPE": token.ent_type_, "SHAPE": token.shape_,
                     "SUFFIX": token.suffix_, "MORPH": str(token.morph)}[attr]
            counts[value] = counts.get(value, 0) + 1
    return sorted(counts, key=lambda v: -counts[v])[:12] or ["x"]


STRING_ATTRS = ["LOWER", "ORTH", "LEMMA", "POS", "TAG", "DEP", "ENT_TYPE", "SHAPE", "SUFFIX",
                "MORPH"]
VALUES = {attr: _values(attr) for attr in STRING_ATTRS} if PAIRS else {}
# IS_STOP is left out: fastnlp's English stop list is its own, not spaCy's.
FLAGS = ["IS_ALPHA", "IS_PUNCT", "IS_DIGIT", "IS_TITLE", "IS_LOWER", "LIKE_NUM",
         "IS_SENT_START", "IS_SPACE"]
OPS = [None, None, None, "?", "*", "+", "!", "{2}", "{1,2}", "{,2}", "{2,}"]


@st.composite
def token_spec(draw):
    spec = {}
    for _ in range(draw(st.integers(0, 2))):
        kind = draw(st.sampled_from(["str", "str", "flag", "length", "in", "not_in",
                                     "regex", "ent_iob", "morph_set", "fuzzy"]))
        if kind == "str":
            attr = draw(st.sampled_from(STRING_ATTRS))
            spec[attr] = draw(st.sampled_from(VALUES[attr]))
        elif kind == "flag":
            spec[draw(st.sampled_from(FLAGS))] = draw(st.booleans())
        elif kind == "length":
            spec["LENGTH"] = {draw(st.sampled_from(["==", "!=", ">=", "<=", ">", "<"])):
                              draw(st.integers(1, 6))}
        elif kind in ("in", "not_in"):
            attr = draw(st.sampled_from(STRING_ATTRS))
            spec[attr] = {kind.upper(): draw(st.lists(st.sampled_from(VALUES[attr]),
                                                      min_size=1, max_size=3))}
        elif kind == "regex":
            spec[draw(st.sampled_from(["TEXT", "LOWER", "TAG"]))] = {
                "REGEX": draw(st.sampled_from(["^[A-Z]", "ing$", "^N", "[0-9]", "^.$"]))}
        elif kind == "ent_iob":
            spec["ENT_IOB"] = draw(st.sampled_from(["B", "I", "O", ""]))
        elif kind == "morph_set":
            spec["MORPH"] = {draw(st.sampled_from(["IS_SUBSET", "IS_SUPERSET", "INTERSECTS"])):
                             draw(st.lists(st.sampled_from(
                                 ["Number=Sing", "Number=Plur", "Tense=Past", "Person=3",
                                  "VerbForm=Fin", "Mood=Ind"]), max_size=3))}
        else:
            spec["LOWER"] = {draw(st.sampled_from(["FUZZY", "FUZZY1", "FUZZY2"])):
                             draw(st.sampled_from(VALUES["LOWER"] + ["teh", "dont"]))}
    op = draw(st.sampled_from(OPS))
    if op:
        spec["OP"] = op
    return spec


PATTERNS = st.lists(st.lists(token_spec(), min_size=1, max_size=4), min_size=1, max_size=4)


def _both(patterns, greedy=None):
    # spaCy's schema rejects SUFFIX and PREFIX, which its matcher supports unvalidated
    sm, fm = SpacyMatcher(SNLP.vocab, validate=False), Matcher(FNLP.vocab)
    for i, pattern in enumerate(patterns):
        sm.add(f"P{i % 3}", [pattern], greedy=greedy)
        fm.add(f"P{i % 3}", [pattern], greedy=greedy)
    return sm, fm


def _names(vocab, matches):
    return [(vocab.strings[m[0]],) + tuple(m[1:]) for m in matches]


@settings(max_examples=80, deadline=None, derandomize=True, database=None)
@given(PATTERNS, st.booleans())
def test_same_matches_as_spacy(patterns, with_alignments):
    sm, fm = _both(patterns)
    for sdoc, fdoc in PAIRS[:15]:
        expected = _names(SNLP.vocab, sm(sdoc, with_alignments=with_alignments))
        assert _names(FNLP.vocab, fm(fdoc, with_alignments=with_alignments)) == expected, \
            (patterns, fdoc.text)


@settings(max_examples=40, deadline=None, derandomize=True, database=None)
@given(PATTERNS, st.sampled_from(["FIRST", "LONGEST"]))
def test_same_greedy_matches_and_spans_as_spacy(patterns, greedy):
    sm, fm = _both(patterns, greedy)
    for sdoc, fdoc in PAIRS[:15]:
        expected = [(s.start, s.end, s.label_) for s in sm(sdoc, as_spans=True)]
        assert [(s.start, s.end, s.label_) for s in fm(fdoc, as_spans=True)] == expected


@settings(max_examples=25, deadline=None, derandomize=True, database=None)
@given(PATTERNS)
def test_same_matches_on_a_span(patterns):
    sm, fm = _both(patterns)
    for sdoc, fdoc in PAIRS[:10]:
        start, end = len(sdoc) // 3, 2 * len(sdoc) // 3
        assert _names(FNLP.vocab, fm(fdoc[start:end])) == \
            _names(SNLP.vocab, sm(sdoc[start:end]))
