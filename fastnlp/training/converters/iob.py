"""IOB/IOB2 readers: token-per-line columns and sentence-per-line `word|tag|iob`.

Column files (CoNLL-2003 style, Universal NER style) have one token per line,
whitespace-separated columns, blank lines between sentences and optional
"-DOCSTART-" lines between documents; "#" comment lines are skipped. The layout
is read from the lines themselves:

- if the first column holds the token ids 1, 2, 3, ... of each sentence (Universal
  NER: id, form, IOB2 tag, -, annotator), the form is the second column and the
  entity tag is the first later column that holds an IOB tag;
- otherwise the form is the first column, the entity tag the last, and a middle
  column (when there are three or more) is the part-of-speech tag, as in
  `spacy convert -c ner`.

Sentence-per-line files hold `word|iob` or `word|tag|iob` items separated by
spaces (`spacy convert -c iob`). Entities are read from IOB or IOB2 tags as spaCy
reads them and never cross a sentence boundary.
"""
import re
from typing import Iterator, List, Tuple

from ...errors import FormatError, Messages
from .records import (DocRecord, check_iob_tag, check_record_lines, entities_to_iob,
                      group_records, iob_entities)

DOCSTART = "-DOCSTART-"
PIPE_ITEM = re.compile(r"\S+\|(O|[IB]-\S+)")
COLUMN_LINE = re.compile(r"\S+\s+(O|[IB]-\S+)$")


def detect_iob_layout(text: str) -> str:
    """"pipes" for sentence-per-line `word|iob` text, "columns" otherwise."""
    for line in text.split("\n")[:50]:
        line = line.strip()
        if not line or line.startswith("#") or line.startswith(DOCSTART):
            continue
        if PIPE_ITEM.match(line.split()[0]) and not COLUMN_LINE.search(line):
            return "pipes"
        return "columns"
    return "columns"


def iob_to_records(text: str, source=None, n_sents: int = 1) -> Iterator[DocRecord]:
    """Read IOB text in either layout; yield one record per `n_sents` sentences."""
    if detect_iob_layout(text) == "pipes":
        yield from group_records(_pipe_sentences(text, source), n_sents)
    else:
        yield from columns_to_records(text, source, n_sents)


def _sentence_record(words, tags, iob, numbers, source) -> DocRecord:
    """One sentence; token i is on line numbers[i], its entity tag is iob[i]."""
    rec = DocRecord(words=list(words), spaces=None,
                    tags=list(tags) if tags is not None else None,
                    sent_starts=[True] + [False] * (len(words) - 1), ents=list(iob))
    check_record_lines(rec, numbers, source)
    rec.ents = entities_to_iob(len(words), iob_entities(rec.ents))
    return rec


def _pipe_sentences(text: str, source) -> Iterator[DocRecord]:
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip() or line.startswith("#"):
            continue
        items = [item.split("|") for item in line.split()]
        width = len(items[0])
        if width not in (2, 3) or any(len(item) != width for item in items):
            bad = next(item for item in items if len(item) != width or width not in (2, 3))
            raise FormatError(Messages.iob_pipes.format(token="|".join(bad)), source, number)
        words = [item[0] for item in items]
        tags = [item[1] for item in items] if width == 3 else None
        iob = [item[-1] for item in items]
        yield _sentence_record(words, tags, iob, [number] * len(words), source)


Row = Tuple[int, List[str]]


def _column_blocks(text: str, source) -> Iterator[Tuple[str, List[Row]]]:
    """Yield ("doc", []) at each -DOCSTART- line and ("sent", rows) per sentence."""
    rows: List[Row] = []
    for number, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if stripped.startswith(DOCSTART):
            if rows:
                yield "sent", rows
                rows = []
            yield "doc", []
            continue
        if not stripped:
            if rows:
                yield "sent", rows
                rows = []
            continue
        if stripped.startswith("#"):
            continue
        cols = stripped.split()
        if len(cols) < 2:
            raise FormatError(Messages.iob_columns.format(n=len(cols)), source, number)
        rows.append((number, cols))
    if rows:
        yield "sent", rows


def _has_id_column(rows: List[Row]) -> bool:
    return len(rows[0][1]) >= 3 and all(
        cols[0] == str(i) for i, (_, cols) in enumerate(rows, 1))


def _column_sentence(rows: List[Row], source) -> DocRecord:
    numbers = [number for number, _ in rows]
    width = len(rows[0][1])
    for number, cols in rows:
        if len(cols) != width:
            raise FormatError(Messages.iob_columns.format(n=len(cols)) +
                              f" (expected {width} as on line {rows[0][0]})", source, number)
    if _has_id_column(rows):
        words = [cols[1] for _, cols in rows]
        tag_col = next((j for j in range(2, width)
                        if all(check_iob_tag(cols[j]) for _, cols in rows)), 2)
        return _sentence_record(words, None, [cols[tag_col] for _, cols in rows],
                                numbers, source)
    words = [cols[0] for _, cols in rows]
    tags = [cols[1] for _, cols in rows] if width > 2 else None
    return _sentence_record(words, tags, [cols[-1] for _, cols in rows], numbers, source)


def columns_to_records(text: str, source=None, n_sents: int = 1) -> Iterator[DocRecord]:
    """Read token-per-line columns; "-DOCSTART-" lines, if any, decide the documents."""
    blocks = list(_column_blocks(text, source))
    if any(kind == "doc" for kind, _ in blocks):
        docs: List[List[DocRecord]] = []
        for kind, rows in blocks:
            if kind == "doc" or not docs:
                docs.append([])
            if kind == "sent":
                docs[-1].append(_column_sentence(rows, source))
        for sents in docs:
            if sents:
                yield from group_records(sents, 0)
        return
    sentences = (_column_sentence(rows, source) for kind, rows in blocks)
    yield from group_records(sentences, n_sents)
