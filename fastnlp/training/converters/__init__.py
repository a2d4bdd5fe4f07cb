"""Converters from corpus formats to `DocRecord`s (and so to Docs and `.spacy` files).

| name   | input                                      | reader                |
| ------ | ------------------------------------------ | --------------------- |
| conllu | CoNLL-U (`NE=` entity tags in MISC)        | `conllu_to_records`   |
| iob    | IOB/IOB2 columns or `word|tag|iob` lines   | `iob_to_records`      |
| jsonl  | JSON lines with character-offset entities  | `jsonl_to_records`    |
| json   | spaCy v2 JSON training format              | `json_v2_to_records`  |
| csv    | `text,label` rows for text classification  | `csv_to_records`      |
"""
from pathlib import Path
from typing import Callable, Dict, Iterator, Optional

from ...errors import ConversionError, Messages
from .conllu import conllu_to_records
from .iob import iob_to_records
from .json_v2 import json_v2_to_records
from .jsonl import jsonl_to_records
from .records import DocRecord, group_records, merge_records, record_to_doc
from .text_labels import csv_to_records

CONVERTERS = ("conllu", "iob", "jsonl", "json", "csv")
SUFFIXES: Dict[str, str] = {
    ".conllu": "conllu", ".conll": "conllu", ".conllubio": "conllu",
    ".iob": "iob", ".iob2": "iob", ".bio": "iob", ".ner": "iob",
    ".jsonl": "jsonl", ".json": "json", ".csv": "csv",
}


def guess_converter(path) -> str:
    """The converter for a file, from its suffix (".conllu", ".iob2", ".jsonl", ...)."""
    for suffix in reversed(Path(path).suffixes):
        if suffix.lower() in SUFFIXES:
            return SUFFIXES[suffix.lower()]
    raise ConversionError(Messages.no_converter.format(path=path))


def read_records(text: str, converter: str, *, source=None, n_sents: int = 1,
                 merge_subtokens: bool = False,
                 tokenize: Optional[Callable] = None) -> Iterator[DocRecord]:
    """Records from text in the named format (`n_sents` is ignored by jsonl and json)."""
    if converter == "conllu":
        return conllu_to_records(text, source, n_sents=n_sents, merge_subtokens=merge_subtokens)
    if converter == "iob":
        return iob_to_records(text, source, n_sents=n_sents)
    if converter == "jsonl":
        return jsonl_to_records(text, source, tokenize=tokenize)
    if converter == "json":
        return json_v2_to_records(text, source)
    if converter == "csv":
        return csv_to_records(text, source, tokenize=tokenize)
    raise ConversionError(Messages.unknown_converter.format(
        name=converter, names=", ".join(CONVERTERS)))


__all__ = ["CONVERTERS", "DocRecord", "guess_converter", "read_records", "record_to_doc",
           "merge_records", "group_records", "conllu_to_records", "iob_to_records",
           "jsonl_to_records", "json_v2_to_records", "csv_to_records"]
