"""Augmenters: new surface forms, annotation and alignment intact."""
import random

import pytest

from fastnlp.language import blank
from fastnlp.registry import registry
from fastnlp.training.augment import (
    lower_casing_augmenter, make_orth_variants, orth_variants_augmenter)
from fastnlp.training.example import Example

ORTH_VARIANTS = {
    "single": [{"tags": ["NFP"], "variants": ["…", "..."]}],
    "paired": [{"tags": ["``", "''"], "variants": [["'", "'"], ["‘", "’"]]}],
}


@pytest.fixture
def nlp():
    return blank("en")


@pytest.fixture
def example(nlp):
    doc = nlp.make_doc("Ada said ' Hi ' ...")
    return Example.from_dict(doc, {
        "words": ["Ada", "said", "'", "Hi", "'", "..."],
        "spaces": [True, True, True, True, True, False],
        "tags": ["NNP", "VBD", "``", "UH", "''", "NFP"],
        "heads": [1, 1, 3, 1, 3, 1], "deps": ["nsubj", "ROOT", "punct", "obj", "punct", "punct"],
        "entities": ["U-PERSON", "O", "O", "O", "O", "-"]})


def test_level_zero_yields_the_example_itself(nlp, example):
    assert list(lower_casing_augmenter(nlp, example, level=0.0)) == [example]
    assert list(orth_variants_augmenter(nlp, example, ORTH_VARIANTS, level=0.0)) == [example]


def test_lower_case_keeps_annotation(nlp, example):
    (out,) = lower_casing_augmenter(nlp, example, level=1.0)
    assert out.text == "ada said ' hi ' ..."
    assert [t.text for t in out.reference][0] == "ada"
    assert out.get_aligned("TAG", as_string=True) == ["NNP", "VBD", "``", "UH", "''", "NFP"]
    assert out.get_aligned_ner() == ["U-PERSON", "O", "O", "O", "O", "-"]
    assert out.get_aligned_parse()[0] == [1, 1, 3, 1, 3, 1]


def test_orth_variants_replace_by_tag(nlp, example):
    rng = random.Random(0)
    seen = set()
    for _ in range(20):
        (out,) = orth_variants_augmenter(nlp, example, ORTH_VARIANTS, level=1.0, rng=rng)
        words = [t.text for t in out.reference]
        assert words[0] == "Ada" and words[3] == "Hi"
        assert (words[2], words[4]) in {("'", "'"), ("‘", "’")}
        assert words[5] in {"…", "..."}
        seen.add((words[2], words[5]))
        assert out.get_aligned_ner()[0] == "U-PERSON"
        assert out.get_aligned("DEP", as_string=True)[1] == "ROOT"
    assert len(seen) > 1


def test_make_orth_variants_without_tags_only_lowercases():
    words, spaces = make_orth_variants(["A", "..."], [True, False], ["", ""], ORTH_VARIANTS,
                                       lower=True)
    assert words == ["a", "..."] and spaces == [True, False]


def test_registered(nlp, example):
    make = registry.augmenters.get("spacy.orth_variants.v1")
    assert make is registry.augmenters.get("fastnlp.orth_variants.v1")
    augment = make(level=1.0, lower=1.0, orth_variants=ORTH_VARIANTS)
    (out,) = augment(nlp, example)
    assert out.text.startswith("ada said")
    lower = registry.augmenters.get("spacy.lower_case.v1")(level=1.0)
    assert next(lower(nlp, example)).text.startswith("ada")
