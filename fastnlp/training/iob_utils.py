"""Conversions between entity encodings: BILUO tags, IOB tags, character offsets, Spans.

BILUO: "B-X" begins, "I-X" continues, "L-X" ends a multi-token entity, "U-X" is a
one-token entity, "O" is outside any entity, and "-" (or None) marks a token whose
annotation is missing, e.g. because an entity does not align to the tokenization.
"""
import warnings
from typing import Iterable, List, Optional, Sequence, Tuple, Union

import numpy

from ..tokens import Doc, Span
from ..tokens.entity_tags import IobCode, split_entity_tag

Offset = Tuple[int, int, Union[str, int]]


class BILUOError(ValueError):
    """A tag or tag sequence that is not valid BILUO/IOB."""


def _is_missing(tag) -> bool:
    return tag is None or tag == "" or tag.startswith("-")


def _split(tag: str, i: int) -> Tuple[str, str]:
    """(prefix, label) of an entity tag; BILUOError naming the tag if malformed."""
    split = split_entity_tag(tag)
    if split is None:
        raise BILUOError(f"tag {i} is {tag!r}: expected 'O', '-', or 'B-', 'I-', 'L-', "
                         f"'U-' followed by a label")
    return split


# spaCy's string helpers: they cut at the first hyphen and validate nothing ("O" gives
# ("O", "")); the converters read tags with split_entity_tag.
def split_bilu_label(tag: str) -> Tuple[str, str]:
    """("B", "PER") for "B-PER"."""
    prefix, _, label = tag.partition("-")
    return prefix, label


def remove_bilu_prefix(tag: str) -> str:
    return tag.partition("-")[2]


def iob_to_biluo(tags: Iterable[Optional[str]]) -> List[Optional[str]]:
    """Convert IOB1 or IOB2 tags to BILUO; missing tags pass through unchanged."""
    tags = list(tags)
    out: List[Optional[str]] = []
    i = 0
    while i < len(tags):
        tag = tags[i]
        if _is_missing(tag) or tag == "O":
            out.append(tag)
            i += 1
            continue
        split = split_entity_tag(tag)
        if split is None or split[0] not in "BI":
            raise BILUOError(f"iob_to_biluo: tag {i} is {tag!r}: expected 'O', '-', or "
                             f"'B-'/'I-' followed by a label")
        label = split[1]
        end = i + 1
        while end < len(tags) and tags[end] == "I-" + label:
            end += 1
        if end - i == 1:
            out.append("U-" + label)
        else:
            out.append("B-" + label)
            out.extend(["I-" + label] * (end - i - 2))
            out.append("L-" + label)
        i = end
    return out


def biluo_to_iob(tags: Iterable[Optional[str]]) -> List[Optional[str]]:
    """Convert BILUO tags to IOB2 ("U-" becomes "B-", "L-" becomes "I-")."""
    out = []
    for tag in tags:
        split = split_entity_tag(tag)
        if split is not None and split[0] == "U":
            out.append("B-" + split[1])
        elif split is not None and split[0] == "L":
            out.append("I-" + split[1])
        else:
            out.append(tag)
    return out


def tags_to_entities(tags: Sequence[Optional[str]]) -> List[Tuple[str, int, int]]:
    """(label, first, last) per entity of a BILUO sequence; last is inclusive.

    Each missing tag outside an entity gives ("", i, i); a missing tag inside an
    entity drops that entity. Raises BILUOError naming the first bad tag.
    """
    entities = []
    start = None
    open_label = None
    for i, tag in enumerate(tags):
        if _is_missing(tag):
            if start is None:
                entities.append(("", i, i))
            start = None
            continue
        if tag == "O":
            if start is not None:
                raise BILUOError(f"tag {i} is 'O' but the entity begun at tag {start} "
                                 f"({tags[start]!r}) has no 'L-' tag")
            continue
        prefix, label = _split(tag, i)
        if prefix in "IL":
            if start is None or label != open_label:
                raise BILUOError(f"tag {i} is {tag!r} but no 'B-{label}' entity is open "
                                 f"(tags so far: {list(tags[max(0, i - 4):i + 1])})")
            if prefix == "L":
                entities.append((label, start, i))
                start = None
        elif start is not None:
            raise BILUOError(f"tag {i} is {tag!r} but the entity begun at tag {start} "
                             f"({tags[start]!r}) has no 'L-' tag")
        elif prefix == "U":
            entities.append((label, i, i))
        else:
            start, open_label = i, label
    if start is not None:
        raise BILUOError(f"the entity begun at tag {start} ({tags[start]!r}) has no 'L-' tag")
    return entities


def biluo_tags_to_spans(doc: Doc, tags: Iterable[Optional[str]]) -> List[Span]:
    """Spans for the entities of BILUO tags; missing tags give Spans with no label."""
    tags = list(tags)
    if len(tags) != len(doc):
        raise BILUOError(f"{len(tags)} tags for a doc of {len(doc)} tokens")
    return [Span(doc, start, end + 1, label=label) for label, start, end in tags_to_entities(tags)]


def biluo_tags_to_offsets(doc: Doc, tags: Iterable[Optional[str]]) -> List[Offset]:
    """(start_char, end_char, label) per entity of BILUO tags."""
    return [(span.start_char, span.end_char, span.label_)
            for span in biluo_tags_to_spans(doc, tags)]


def offsets_to_biluo_tags(doc: Doc, entities: Iterable[Offset],
                          missing: Optional[str] = "O") -> List[Optional[str]]:
    """BILUO tags for character-offset entities.

    Tokens of an entity whose offsets do not fall on token boundaries get "-";
    tokens touching no entity get `missing`. An entity with an empty label marks
    the tokens starting inside it as "O". Overlapping entities raise BILUOError.
    """
    entities = list(entities)
    starts = {token.idx: token.i for token in doc}
    ends = {token.idx + len(token): token.i for token in doc}
    tags: List[Optional[str]] = ["-"] * len(doc)
    text_len = len(doc.text)
    covered = numpy.zeros(text_len + 1, dtype=numpy.int32)
    owner = {}
    for entity in entities:
        if len(entity) != 3:
            raise BILUOError(f"entity {entity!r} is not a (start_char, end_char, label) triple")
        start_char, end_char, label = entity
        if not 0 <= start_char <= end_char <= text_len:
            raise BILUOError(f"entity {entity!r} is outside the text of {text_len} characters")
        covered[start_char] += 1
        covered[end_char] -= 1
        if not label:
            for char, i in starts.items():
                if start_char <= char < end_char:
                    tags[i] = "O"
            continue
        for char in range(start_char, end_char):
            if char in owner:
                raise BILUOError(f"entities {owner[char]!r} and {entity!r} overlap")
            owner[char] = entity
        first, last = starts.get(start_char), ends.get(end_char)
        if first is None or last is None:
            continue
        if first == last:
            tags[first] = f"U-{label}"
        else:
            tags[first] = f"B-{label}"
            for i in range(first + 1, last):
                tags[i] = f"I-{label}"
            tags[last] = f"L-{label}"
    in_entity = numpy.cumsum(covered)[:text_len] > 0
    touched = numpy.concatenate([[0], numpy.cumsum(in_entity)])
    for token in doc:
        if touched[token.idx + len(token)] == touched[token.idx]:
            tags[token.i] = missing
    if missing != "-" and "-" in tags:
        warnings.warn(f"offsets_to_biluo_tags: some entities do not align with the "
                      f"tokenization of {doc.text[:50]!r} and are marked '-': "
                      f"{str(entities)[:80]}", stacklevel=2)
    return tags


def doc_to_biluo_tags(doc: Doc, missing: Optional[str] = "O") -> List[Optional[str]]:
    """BILUO tags of doc.ents; tokens outside entities are "O", or `missing` if unannotated."""
    tags: List[Optional[str]] = []
    for token in doc:
        tags.append("O" if token.ent_iob == IobCode.IOB_OUT else missing)
    for ent in doc.ents:
        label = ent.label_
        if len(ent) == 1:
            tags[ent.start] = f"U-{label}"
            continue
        tags[ent.start] = f"B-{label}"
        for i in range(ent.start + 1, ent.end - 1):
            tags[i] = f"I-{label}"
        tags[ent.end - 1] = f"L-{label}"
    return tags


def looks_like_iob(tags: Sequence[Optional[str]]) -> bool:
    """True if entity tags use only B-/I- prefixes (IOB), so they need iob_to_biluo."""
    has_entity = False
    for tag in tags:
        if _is_missing(tag) or tag == "O":
            continue
        split = split_entity_tag(tag)
        if split is not None and split[0] in "LU":
            return False
        has_entity = True
    return has_entity


# spaCy 2 names, kept so existing scripts run.
biluo_tags_from_offsets = offsets_to_biluo_tags
offsets_from_biluo_tags = biluo_tags_to_offsets
spans_from_biluo_tags = biluo_tags_to_spans

__all__ = ["BILUOError", "iob_to_biluo", "biluo_to_iob", "tags_to_entities",
           "biluo_tags_to_spans", "biluo_tags_to_offsets", "offsets_to_biluo_tags",
           "doc_to_biluo_tags", "split_bilu_label", "remove_bilu_prefix", "looks_like_iob"]
