"""Build a reference Doc from an annotation dict (the input of `Example.from_dict`)."""
from typing import Any, Dict, List, Optional, Tuple

import numpy

from .. import attrs as attr_ids
from ..tokens import Doc, Span
from .iob_utils import iob_to_biluo, looks_like_iob, offsets_to_biluo_tags, tags_to_entities

# Per-token keys: the names users write -> Doc keyword (None: handled separately).
TOKEN_KEYS = {
    "words": "words", "orth": "words", "spaces": "spaces", "spacy": "spaces",
    "tags": "tags", "tag": "tags", "pos": "pos", "morphs": "morphs", "morph": "morphs",
    "lemmas": "lemmas", "lemma": "lemmas", "heads": "heads", "head": "heads",
    "deps": "deps", "dep": "deps", "sent_starts": "sent_starts", "sent_start": "sent_starts",
}
DOC_KEYS = {"entities": "entities", "ner": "entities", "cats": "cats", "links": "links",
            "spans": "spans"}
IGNORED_KEYS = {"text", "raw", "ids", "brackets"}


class AnnotationError(ValueError):
    """An annotation dict that cannot describe the reference Doc."""


def reference_from_dict(predicted: Doc, example_dict: Dict[str, Any]) -> Doc:
    """The reference Doc for `Example.from_dict`, sharing the predicted Doc's vocab."""
    tokens, doc_annots, text = _normalize(example_dict)
    words = tokens.pop("words", None)
    spaces = tokens.pop("spaces", None)
    if words is None:
        words = [t.text for t in predicted]
        spaces = [bool(t.whitespace_) for t in predicted] if spaces is None else spaces
    elif spaces is None and text is not None:
        spaces = _guess_spaces(text, words)
    for key, values in tokens.items():
        if len(values) != len(words):
            raise AnnotationError(f"Example.from_dict: '{key}' has {len(values)} values "
                                  f"but there are {len(words)} words")
    if tokens.get("heads") is not None and "sent_starts" in tokens:
        tokens.pop("sent_starts")  # the heads define the sentences
    tokens = {k: _as_list(v, k) for k, v in tokens.items()}
    if tokens.get("heads") is not None:
        tokens["heads"] = _missing_heads(tokens["heads"], tokens.get("deps"))
    try:
        reference = Doc(predicted.vocab, words=words, spaces=spaces, **tokens)
    except ValueError as err:
        raise AnnotationError(f"Example.from_dict: {err}") from None
    if doc_annots.get("entities") is not None:
        _add_entities(reference, doc_annots["entities"])
    if doc_annots.get("links"):
        _add_links(reference, doc_annots["links"])
    if doc_annots.get("spans"):
        _add_spans(reference, doc_annots["spans"])
    if doc_annots.get("cats"):
        reference.cats.update(doc_annots["cats"])
    return reference


def _normalize(example_dict: Dict[str, Any]) -> Tuple[Dict[str, list], Dict[str, Any], Optional[str]]:
    """Flatten the legacy nested layout and map every key to one canonical name."""
    flat: Dict[str, Any] = {}
    for key, value in example_dict.items():
        if key in ("token_annotation", "doc_annotation"):
            if not isinstance(value, dict):
                raise AnnotationError(f"Example.from_dict: '{key}' must be a dict")
            flat.update(value)
        else:
            flat[key] = value
    tokens: Dict[str, list] = {}
    doc_annots: Dict[str, Any] = {}
    for key, value in flat.items():
        name = key.lower()
        if name in IGNORED_KEYS or value is None:
            continue
        if name in TOKEN_KEYS:
            if all(v is None for v in value):
                continue
            tokens[TOKEN_KEYS[name]] = value
        elif name in DOC_KEYS:
            doc_annots[DOC_KEYS[name]] = value
        else:
            raise AnnotationError(
                f"Example.from_dict: unknown key {key!r}; expected one of "
                f"{sorted(set(TOKEN_KEYS.values()) | set(DOC_KEYS.values()))}")
    text = flat.get("text", flat.get("raw"))
    if "spaces" in tokens and "words" not in tokens:
        raise AnnotationError("Example.from_dict: 'spaces' was given without 'words'")
    return tokens, doc_annots, text


def _as_list(values, key: str) -> list:
    values = list(values)
    if key in ("pos", "tags", "lemmas", "deps"):
        return [v if v else None for v in values]
    return values


def _missing_heads(heads: list, deps: Optional[list]) -> list:
    """A token that heads itself with no dep label has no head annotation (None)."""
    return [None if h == i and (deps is None or not deps[i]) else h
            for i, h in enumerate(heads)]


def _guess_spaces(text: str, words: List[str]) -> List[bool]:
    """Trailing-space flags for words found in order in `text`."""
    spaces = []
    pos = 0
    for word in words:
        found = text.find(word, pos)
        if found == -1:
            spaces.append(True)
            continue
        pos = found + len(word)
        spaces.append(pos < len(text) and text[pos] == " ")
    return spaces


def _add_entities(doc: Doc, entities) -> None:
    """Set entities from BILUO/IOB tags, character offsets or Spans."""
    if not isinstance(entities, (list, tuple)):
        raise AnnotationError(f"Example.from_dict: 'entities' must be a list of tags, "
                              f"offsets or Spans, not {type(entities).__name__}")
    if len(entities) == 0:
        doc.ents = []
        return
    first = entities[0]
    if isinstance(first, Span):
        known = [e for e in entities if e.label]
        missing = [Span(doc, e.start, e.end) for e in entities if not e.label]
        doc.set_ents([(e.label, e.start, e.end) for e in known], missing=missing)
        return
    if isinstance(first, (list, tuple)):
        tags = offsets_to_biluo_tags(doc, entities)
    elif first is None or isinstance(first, str):
        if len(entities) != len(doc):
            raise AnnotationError(f"Example.from_dict: 'entities' has {len(entities)} tags "
                                  f"but there are {len(doc)} words")
        tags = iob_to_biluo(entities) if looks_like_iob(entities) else list(entities)
    else:
        raise AnnotationError(f"Example.from_dict: entity {first!r} is not a tag, "
                              f"offset triple or Span")
    try:
        found = tags_to_entities(tags)
    except ValueError as err:
        raise AnnotationError(f"Example.from_dict: entities: {err}") from None
    known = [(label, start, end + 1) for label, start, end in found if label]
    missing = [Span(doc, start, end + 1) for label, start, end in found if not label]
    doc.set_ents(known, missing=missing)


def _add_links(doc: Doc, links: Dict) -> None:
    """Entity-linking ids ({(start_char, end_char): {kb_id: 1.0}}) onto token ENT_KB_ID."""
    kb_ids = doc.to_array(attr_ids.ENT_KB_ID)
    for offsets, candidates in links.items():
        chosen = [kb for kb, prob in candidates.items() if prob == 1.0]
        if len(chosen) > 1:
            raise AnnotationError(f"Example.from_dict: link {offsets!r} has several ids with "
                                  f"probability 1.0: {chosen}")
        if not chosen:
            continue
        span = doc.char_span(offsets[0], offsets[1])
        if span is None:
            raise AnnotationError(f"Example.from_dict: link {offsets!r} does not fall on "
                                  f"token boundaries of {doc.text[:50]!r}")
        kb_ids[span.start:span.end] = doc.vocab.strings.add(chosen[0])
    doc.from_array(attr_ids.ENT_KB_ID, numpy.asarray(kb_ids, dtype=numpy.uint64))


def _add_spans(doc: Doc, spans_data: Dict) -> None:
    """Span groups ({key: [(start_char, end_char[, label[, kb_id]])]}) into doc.spans."""
    if not isinstance(spans_data, dict):
        raise AnnotationError("Example.from_dict: 'spans' must be a dict of lists of offsets")
    for key, items in spans_data.items():
        group = []
        for item in items:
            if not isinstance(item, (list, tuple)) or len(item) < 2:
                raise AnnotationError(f"Example.from_dict: spans[{key!r}] item {item!r} is "
                                      f"not (start_char, end_char[, label[, kb_id]])")
            label = item[2] if len(item) > 2 else 0
            kb_id = item[3] if len(item) > 3 else 0
            span = doc.char_span(item[0], item[1], label=label, kb_id=kb_id)
            if span is None:
                raise AnnotationError(f"Example.from_dict: spans[{key!r}] item {item!r} does "
                                      f"not fall on token boundaries")
            group.append(span)
        doc.spans[key] = group
