"""Data augmentation: Example -> Examples with varied surface forms, annotation intact.

Each augmenter rebuilds the Example from its reference annotation with new word
forms, and re-tokenizes the new text for the predicted Doc, so the alignment stays
valid. Randomness comes from `random` (seeded by the training loop) or from an
explicit `random.Random` passed as `rng`.
"""
import random
from functools import partial
from typing import Callable, Dict, Iterator, List, Optional, Tuple

from ..registry import register
from .example import Example
from .iob_utils import doc_to_biluo_tags

Augmenter = Callable[..., Iterator[Example]]
OrthVariants = Dict[str, List[Dict]]


def dont_augment(nlp, example: Example) -> Iterator[Example]:
    yield example


def lower_casing_augmenter(nlp, example: Example, *, level: float,
                           rng: Optional[random.Random] = None) -> Iterator[Example]:
    """With probability `level`, yield a lower-cased copy, else the Example itself."""
    rng = rng or random
    if rng.random() >= level:
        yield example
    else:
        yield make_lowercase_variant(nlp, example)


def make_lowercase_variant(nlp, example: Example) -> Example:
    annotation = _annotation(example)
    words = annotation["token_annotation"]["ORTH"]
    annotation["token_annotation"]["ORTH"] = [w.lower() for w in words]
    return Example.from_dict(nlp.make_doc(example.reference.text.lower()), annotation)


def orth_variants_augmenter(nlp, example: Example, orth_variants: OrthVariants, *,
                            level: float = 0.0, lower: float = 0.0,
                            rng: Optional[random.Random] = None) -> Iterator[Example]:
    """With probability `level`, replace punctuation by variants (and lower-case with
    probability `lower`); yields one Example either way."""
    rng = rng or random
    if rng.random() >= level:
        yield example
        return
    annotation = _annotation(example)
    tokens = annotation["token_annotation"]
    words, spaces = make_orth_variants(tokens["ORTH"], tokens["SPACY"], tokens["TAG"],
                                       orth_variants, lower=rng.random() < lower, rng=rng)
    tokens["ORTH"] = words
    text = "".join(w + (" " if s else "") for w, s in zip(words, spaces))
    yield Example.from_dict(nlp.make_doc(text), annotation)


def make_orth_variants(words: List[str], spaces: List[bool], tags: List[str],
                       orth_variants: OrthVariants, *, lower: bool = False,
                       rng: Optional[random.Random] = None) -> Tuple[List[str], List[bool]]:
    """New word forms: "single" variants replace any listed form with one chosen form;
    "paired" variants (e.g. quotes) replace left/right forms with a chosen pair.

    orth_variants = {"single": [{"tags": ["NFP"], "variants": ["…", "..."]}],
                     "paired": [{"tags": ["``", "''"], "variants": [["'", "'"], ["‘", "’"]]}]}
    Only tokens whose tag is listed change; without tags only lower-casing applies.
    """
    rng = rng or random
    words = [w.lower() for w in words] if lower else list(words)
    if not any(tags):
        return words, list(spaces)
    singles = orth_variants.get("single", [])
    choices = [rng.choice(entry["variants"]) for entry in singles]
    for i, word in enumerate(words):
        for entry, choice in zip(singles, choices):
            if tags[i] in entry["tags"] and word in entry["variants"]:
                words[i] = choice
    pairs = orth_variants.get("paired", [])
    choices = [rng.choice(entry["variants"]) for entry in pairs]
    for i, word in enumerate(words):
        for entry, choice in zip(pairs, choices):
            if tags[i] not in entry["tags"]:
                continue
            sides = [pair.index(word) for pair in entry["variants"] if word in pair]
            if not sides:
                continue
            if len(entry["tags"]) == 2:
                side = entry["tags"].index(tags[i])
            else:
                side = sides[-1]
            words[i] = choice[side]
    return words, list(spaces)


def _annotation(example: Example) -> Dict:
    """example.to_dict() with entity tags that keep missing annotation as "-"."""
    annotation = example.to_dict()
    annotation["doc_annotation"]["entities"] = doc_to_biluo_tags(example.reference, missing="-")
    if not example.reference.has_annotation("ENT_IOB"):
        annotation["doc_annotation"]["entities"] = None
    return annotation


@register("augmenters", "fastnlp.orth_variants.v1", "spacy.orth_variants.v1")
def create_orth_variants_augmenter(level: float, lower: float,
                                   orth_variants: OrthVariants) -> Augmenter:
    """Augmenter replacing punctuation by variants in a fraction `level` of Examples."""
    return partial(orth_variants_augmenter, orth_variants=orth_variants, level=level,
                   lower=lower)


@register("augmenters", "fastnlp.lower_case.v1", "spacy.lower_case.v1")
def create_lower_casing_augmenter(level: float) -> Augmenter:
    """Augmenter lower-casing a fraction `level` of Examples."""
    return partial(lower_casing_augmenter, level=level)


__all__ = ["dont_augment", "lower_casing_augmenter", "orth_variants_augmenter",
           "make_lowercase_variant", "make_orth_variants", "create_orth_variants_augmenter",
           "create_lower_casing_augmenter"]
