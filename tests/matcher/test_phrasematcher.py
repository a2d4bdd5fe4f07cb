"""PhraseMatcher: the same matches as spaCy 3.8 on EWT phrases, the API, and its errors."""
import pickle

import pytest

import fastnlp
from benchmarks.matcher import doc_pairs, train_phrases
from fastnlp.matcher import PhraseMatcher
from fastnlp.tokens import Doc
from train_data import EWT

DEV, TRAIN = EWT / "en_ewt-dev.conllu", EWT / "en_ewt-train.conllu"


@pytest.fixture
def nlp():
    return fastnlp.blank("en")


@pytest.mark.skipif(not TRAIN.exists(), reason=f"{TRAIN} not found")
# NORM is left out: fastnlp's norm exceptions are its own, not spaCy's.
@pytest.mark.parametrize("attr", ["LOWER", "ORTH", "SHAPE", "LEMMA", "POS", "TAG"])
def test_same_matches_as_spacy(attr):
    spacy = pytest.importorskip("spacy")
    from spacy.matcher import PhraseMatcher as SpacyPhraseMatcher

    snlp, fnlp, pairs = doc_pairs(DEV, limit=40)
    sm, fm = SpacyPhraseMatcher(snlp.vocab, attr=attr), PhraseMatcher(fnlp.vocab, attr=attr)
    # annotated phrases: the dev docs' own 1- to 3-token slices
    phrases = [(s[i:i + n].as_doc(), f[i:i + n].as_doc()) for s, f in pairs[:20]
               for n in (1, 2, 3) for i in range(0, len(f) - n, 7)]
    if attr in ("LOWER", "ORTH"):
        words = train_phrases(TRAIN, 2000, lower=attr == "LOWER")
        phrases += [(spacy.tokens.Doc(snlp.vocab, words=w), Doc(fnlp.vocab, words=w))
                    for w in words]
    seen, unique = set(), []
    for s, f in phrases:  # one key per phrase: spaCy orders several keys by hash
        values = tuple(t.orth for t in s) if attr == "ORTH" else tuple(
            getattr(t, attr.lower()) for t in f)
        if values not in seen:
            seen.add(values)
            unique.append((s, f))
    for k in range(5):
        sm.add(f"K{k}", [s for s, _ in unique[k::5]])
        fm.add(f"K{k}", [f for _, f in unique[k::5]])
    total = 0
    for sdoc, fdoc in pairs:
        expected = [(snlp.vocab.strings[k], s, e) for k, s, e in sm(sdoc)]
        assert [(fnlp.vocab.strings[k], s, e) for k, s, e in fm(fdoc)] == expected
        span = slice(len(fdoc) // 4, len(fdoc) // 2)
        assert [m[1:] for m in fm(fdoc[span])] == [m[1:] for m in sm(sdoc[span])]
        total += len(expected)
    assert total > 100


def test_api(nlp):
    calls = []
    matcher = PhraseMatcher(nlp.vocab, attr="lower")
    matcher.add("CITY", [nlp.make_doc("New York"), nlp.make_doc("york")])
    matcher.add("CITY", [nlp.make_doc("Paris"), nlp.make_doc("")],  # replaces the callback
                on_match=lambda m, doc, i, matches: calls.append(i))
    matcher.add("Y", [nlp.make_doc("YORK")])
    assert len(matcher) == 2 and "CITY" in matcher and "Z" not in matcher
    doc = nlp("new york and Paris")
    assert [(doc.vocab.strings[k], s, e) for k, s, e in matcher(doc)] == [
        ("CITY", 0, 2), ("CITY", 1, 2), ("Y", 1, 2), ("CITY", 3, 4)]
    assert calls == [0, 1, 3]
    spans = matcher(doc, as_spans=True)
    assert [(s.text, s.label_) for s in spans][0] == ("new york", "CITY")
    matcher.add("CITY", [], on_match=None)  # a lambda does not pickle
    copy = pickle.loads(pickle.dumps(matcher))
    assert copy(doc) == matcher(doc) and copy.attr == matcher.attr
    matcher.remove("CITY")
    assert [m[1:] for m in matcher(doc)] == [(1, 2)]
    with pytest.raises(KeyError, match="no rule for 'CITY'"):
        matcher.remove("CITY")


def test_errors(nlp):
    with pytest.raises(ValueError, match="unknown attribute 'FOO'"):
        PhraseMatcher(nlp.vocab, attr="FOO")
    matcher = PhraseMatcher(nlp.vocab, attr="POS")
    with pytest.raises(ValueError, match=r"phrase 0 \('dog'\) has no POS"):
        matcher.add("N", [nlp.make_doc("dog")])
    with pytest.raises(ValueError, match="give a list of Docs, not one Doc"):
        matcher.add("N", nlp.make_doc("dog"))
    with pytest.raises(ValueError, match="phrase 0 is a str, not a Doc"):
        matcher.add("N", ["dog"])
    assert len(matcher) == 0
