"""fastnlp.explain / fastnlp.glossary: spaCy 3.8's glossary keys, in fastnlp's own words."""
import warnings

import pytest

import fastnlp
from fastnlp.glossary import GLOSSARY, explain


def test_explain_is_exported():
    assert fastnlp.explain is explain and "explain" in fastnlp.__all__


@pytest.mark.parametrize("term", ["NORP", "PERSON", "GPE", "NOUN", "PROPN", "NN", "VBZ",
                                  "PRP$", "-LRB-", "nsubj", "dobj", "ROOT", "root", "NP",
                                  "ADJA", "sb", "GPE_LOC", "``"])
def test_explain_known_terms(term):
    text = explain(term)
    assert isinstance(text, str) and text.strip()


def test_explain_unknown_warns_and_returns_none():
    with pytest.warns(UserWarning, match="not in fastnlp's glossary"):
        assert explain("NOT_A_TAG") is None


def test_lookup_is_case_sensitive():
    # as in spaCy: no fallback to another case ("ROOT" and "root" are separate keys)
    assert explain("nsubj") is not None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert explain("NSUBJ") is None and explain("norp") is None


def test_every_value_is_a_non_empty_single_line():
    assert len(GLOSSARY) == 302
    for key, value in GLOSSARY.items():
        assert isinstance(key, str) and key
        assert isinstance(value, str) and value.strip() == value and value, key
        assert "\n" not in value, key


def test_keys_match_spacy_3_8():
    spacy_glossary = pytest.importorskip("spacy.glossary")
    assert set(GLOSSARY) == set(spacy_glossary.GLOSSARY)


def test_wording_is_our_own():
    spacy_glossary = pytest.importorskip("spacy.glossary")
    theirs = spacy_glossary.GLOSSARY
    longer = [k for k, v in theirs.items() if len(v.split()) > 3]
    same = [k for k in longer if GLOSSARY.get(k) == theirs[k]]
    assert longer and len(same) <= 0.05 * len(longer), same
