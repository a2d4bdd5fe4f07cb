"""Plain-Python document records: what every converter produces.

A `DocRecord` holds one document's words and per-token annotations as lists
(None where a layer is absent), so readers can be tested without a Vocab and
turned into a `Doc` in one place (`record_to_doc`).
"""
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from ...errors import FormatError, Messages
from ...symbols import UNIVERSAL_POS
from ...tokens import Doc, Span
from ...tokens.entity_tags import split_entity_tag
from ...tokens.heads import head_cycle
from ...tokens.morph import normalize_feats

Span3 = Tuple[int, int, str]  # (start token, end token exclusive, label)


@dataclass
class DocRecord:
    """One document: words, spaces and optional token-aligned annotation layers.

    heads are absolute token indices; ents are IOB tags ("B-PER", "I-PER", "O")
    with None for a token whose entity annotation is missing. Until check_record has
    passed, a reader may hold its raw values there (BILUO tags, a HEAD it could not read).
    """

    words: List[str]
    spaces: Optional[List[bool]] = None
    tags: Optional[List[str]] = None
    pos: Optional[List[str]] = None
    morphs: Optional[List[str]] = None
    lemmas: Optional[List[str]] = None
    heads: Optional[List[int]] = None
    deps: Optional[List[str]] = None
    sent_starts: Optional[List[bool]] = None
    ents: Optional[List[Optional[str]]] = None
    spans: Dict[str, List[Span3]] = field(default_factory=dict)
    cats: Dict[str, float] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.words)


_LAYERS = ("tags", "pos", "morphs", "lemmas", "deps", "ents")


def iob_entities(tags: Sequence[Optional[str]]) -> List[Span3]:
    """Entities from IOB/IOB2 tags, as spaCy reads them.

    An entity starts at any tag that is not "O" and goes on while the next tag is
    "I-" or "L-" with the starting tag's label: so "I-X" after "O" starts an
    entity (IOB1) and "B-X B-X" is two entities.
    """
    spans = []
    i, n = 0, len(tags)
    while i < n:
        start = split_entity_tag(tags[i])
        if start is None:  # "O" or missing
            i += 1
            continue
        end = i + 1
        while end < n:
            inside = split_entity_tag(tags[end])
            if inside is None or inside[0] not in "IL" or inside[1] != start[1]:
                break
            end += 1
        spans.append((i, end, start[1]))
        i = end
    return spans


def check_iob_tag(tag: str) -> bool:
    """Whether `tag` is "O" or a prefix in BILU, "-", and a non-empty label."""
    return tag == "O" or split_entity_tag(tag) is not None


def entities_to_iob(n: int, spans: Sequence[Span3], missing: bool = False) -> List[Optional[str]]:
    """IOB2 tags for n tokens from (start, end, label) spans; others "O" (or None if missing)."""
    tags: List[Optional[str]] = [None if missing else "O"] * n
    for start, end, label in spans:
        tags[start] = "B-" + label
        for i in range(start + 1, end):
            tags[i] = "I-" + label
    return tags


def merge_records(records: Sequence[DocRecord]) -> DocRecord:
    """Concatenate records into one document, like spaCy's `Doc.from_docs`.

    A space is added after the last token of every record but the last unless it
    already has one or is itself whitespace. Each record's first token starts a
    sentence. A layer absent from every record stays absent; absent in some
    records, it is filled with missing values there.
    """
    if len(records) == 1:
        return records[0]
    out = DocRecord(words=[], spaces=[])
    offsets = []
    for k, rec in enumerate(records):
        offset = len(out.words)
        offsets.append(offset)
        out.words.extend(rec.words)
        spaces = list(rec.spaces) if rec.spaces is not None else [True] * len(rec)
        if k < len(records) - 1 and spaces and not rec.words[-1].isspace():
            spaces[-1] = True
        out.spaces.extend(spaces)
        for key, group in rec.spans.items():
            out.spans.setdefault(key, []).extend((s + offset, e + offset, l) for s, e, l in group)
        out.cats.update(rec.cats)
    if all(rec.spaces is None for rec in records):
        out.spaces = None
    for name in _LAYERS:
        if all(getattr(rec, name) is None for rec in records):
            continue
        fill = None if name == "ents" else ""
        merged = []
        for rec in records:
            values = getattr(rec, name)
            merged.extend(values if values is not None else [fill] * len(rec))
        setattr(out, name, merged)
    if any(rec.heads is not None for rec in records):
        out.heads = []
        for rec, offset in zip(records, offsets):
            if rec.heads is None:
                out.heads.extend(range(offset, offset + len(rec)))
            else:
                out.heads.extend(h + offset for h in rec.heads)
    out.sent_starts = []
    for rec in records:
        if rec.sent_starts is not None:
            out.sent_starts.extend(rec.sent_starts)
        elif len(rec):
            out.sent_starts.extend([True] + [False] * (len(rec) - 1))
    return out


def group_records(records, n: int):
    """Merge every n consecutive records into one (n <= 0: all into one)."""
    batch = []
    for rec in records:
        batch.append(rec)
        if n > 0 and len(batch) == n:
            yield merge_records(batch)
            batch = []
    if batch:
        yield merge_records(batch)


class RecordError(ValueError):
    """A record that no Doc can hold: a one-line message and `index`, the token at fault."""

    def __init__(self, message: str, index: int):
        super().__init__(message)
        self.index = index


def check_record(rec: DocRecord, first_id: int = 0) -> DocRecord:
    """Raise RecordError if record_to_doc could not build a Doc from `rec`: a word that is
    not a non-empty string, a non-universal POS, FEATS that do not parse, an entity tag
    that is neither "O" nor B/I/L/U-prefixed (None: missing), a head that is no token
    index (None: missing), heads that form a cycle. Messages number the tokens from
    `first_id` (1 for CoNLL-U, whose ids count from 1)."""
    def fail(template, i, **values):
        raise RecordError(template.format(id=i + first_id, **values), i)

    for i, word in enumerate(rec.words):
        if not isinstance(word, str) or not word:
            fail(Messages.bad_word, i, word=word)
    for i, pos in enumerate(rec.pos or ()):
        if pos and pos not in UNIVERSAL_POS:
            fail(Messages.bad_upos, i, pos=pos)
    for i, feats in enumerate(rec.morphs or ()):
        if isinstance(feats, str):
            try:
                normalize_feats(feats)
            except ValueError as err:
                fail(Messages.bad_feats, i, err=err)
    for i, tag in enumerate(rec.ents or ()):
        if tag is not None and not (isinstance(tag, str) and check_iob_tag(tag)):
            fail(Messages.bad_iob_tag, i, tag=tag)
    if rec.heads is not None:
        n = len(rec.words)
        for i, head in enumerate(rec.heads):
            if head is not None and not (isinstance(head, int) and 0 <= head < n):
                shown = head + first_id if isinstance(head, int) else head
                fail(Messages.bad_head, i, head=shown, n=n)
        cycle = head_cycle(rec.heads)
        if cycle is not None:
            fail(Messages.head_cycle, cycle[1])  # a token on the cycle, not just led to it
    return rec


def check_record_lines(rec: DocRecord, lines: Sequence[int], source=None,
                       first_id: int = 0) -> DocRecord:
    """check_record, its failure a FormatError at the faulty token's line (token i is on
    line lines[i])."""
    try:
        return check_record(rec, first_id)
    except RecordError as err:
        raise FormatError(str(err), source, lines[err.index]) from None


def record_to_doc(vocab, rec: DocRecord):
    """Build a `fastnlp.tokens.Doc` from a record (heads, if given, define the sentences)."""
    sent_starts = rec.sent_starts if rec.heads is None else None
    doc = Doc(vocab, words=rec.words, spaces=rec.spaces, tags=rec.tags, pos=rec.pos,
              morphs=rec.morphs, lemmas=rec.lemmas, heads=rec.heads, deps=rec.deps,
              sent_starts=sent_starts, ents=rec.ents)
    if rec.cats:
        doc.cats.update(rec.cats)
    for key, group in rec.spans.items():
        doc.spans[key] = [Span(doc, s, e, label=label) for s, e, label in group]
    return doc
