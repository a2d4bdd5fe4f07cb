"""CSV reader for text classification: a header row naming a `text` and a `label`
column (others are ignored), then one text per row.

Each doc's cats give 1.0 to its row's label and 0.0 to every other label of the file,
so the corpus trains `textcat` and `textcat_multilabel` alike. Texts are tokenized by
the converter's tokenizer (`--lang`). Quoting follows Python's csv module (RFC 4180).
"""
import csv
import io
from typing import Callable, Iterator, List, Optional, Tuple

from ...errors import FormatError
from .records import DocRecord, check_record

Tokenize = Callable[[str], Tuple[List[str], List[bool]]]
REQUIRED_COLUMNS = ("text", "label")


def csv_to_records(text: str, source=None, tokenize: Optional[Tokenize] = None
                   ) -> Iterator[DocRecord]:
    """One record per data row, cats one-hot over the file's labels."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []  # (line number where the row ends, cells)
    try:
        for row in reader:
            rows.append((reader.line_num, row))
    except csv.Error as err:
        raise FormatError(f"invalid CSV: {err}", source, reader.line_num) from None
    if not rows:
        raise FormatError("empty file: expected a header row 'text,label'", source, 1)
    header = [name.strip().lower() for name in rows[0][1]]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise FormatError(f"the header row {rows[0][1]!r} has no {' or '.join(missing)!r} "
                          "column (expected 'text,label')", source, rows[0][0])
    if tokenize is None:
        raise FormatError("CSV texts need a tokenizer (pass --lang)", source)
    text_col, label_col = header.index("text"), header.index("label")
    texts = []
    for number, row in rows[1:]:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(text_col, label_col):
            raise FormatError(f"{len(row)} columns, fewer than the header's {len(header)}",
                              source, number)
        label = row[label_col].strip()
        if not label:
            raise FormatError("empty label", source, number)
        texts.append((number, row[text_col], label))
    labels = sorted({label for _, _, label in texts})
    for number, doc_text, label in texts:
        words, spaces = tokenize(doc_text)
        record = DocRecord(words=words, spaces=spaces)
        record.cats = {name: float(name == label) for name in labels}
        try:
            yield check_record(record)
        except ValueError as err:
            raise FormatError(str(err), source, number) from None
