"""`fastnlp convert`: corpus files (CoNLL-U, IOB, JSONL, spaCy v2 JSON) to `.spacy`.

Each output file is written to a temporary file in the output directory and
renamed into place, so a failed conversion leaves no partial file behind.
"""
from pathlib import Path
from typing import Callable, List, Tuple

import typer

from ..errors import ConversionError, FastNLPError, FormatError
from ..language import blank
from ..tokens.docbin import DocBin
from ..training.converters import (
    CONVERTERS,
    SUFFIXES,
    guess_converter,
    read_records,
    record_to_doc,
)
from ..system import write_atomic
from ..vocab import Vocab

AUTO = "auto"


def convert(input_path, output_dir, *, converter: str = AUTO, n_sents: int = 1,
            merge_subtokens: bool = False, lang: str = "en") -> List[Tuple[Path, int]]:
    """Convert a file (or every convertible file under a directory) to `.spacy` files.

    Returns (output path, number of docs) per file written.
    """
    input_path, output_dir = Path(input_path), Path(output_dir)
    if not input_path.exists():
        raise ConversionError(f"{input_path}: input not found")
    if not output_dir.is_dir():
        raise ConversionError(f"{output_dir}: output directory not found")
    if converter != AUTO and converter not in CONVERTERS:
        raise ConversionError(f"unknown converter {converter!r}; choose one of: "
                              f"{', '.join((AUTO,) + CONVERTERS)}")
    jobs = list(_input_files(input_path, output_dir, converter))
    if not jobs:
        raise ConversionError(f"{input_path}: no convertible files")
    tokenize = _lazy_tokenizer(lang)
    written = []
    for source, target, name in jobs:
        try:
            text = source.read_text(encoding="utf8")
        except UnicodeDecodeError as err:
            raise FormatError(f"not UTF-8 text ({err.reason} at byte {err.start})", source) \
                from None
        vocab = Vocab()
        docbin = DocBin(store_user_data=True)
        records = read_records(text, name, source=source, n_sents=n_sents,
                               merge_subtokens=merge_subtokens, tokenize=tokenize)
        for k, record in enumerate(records):
            try:
                docbin.add(record_to_doc(vocab, record))
            except ValueError as err:
                if isinstance(err, FastNLPError):
                    raise
                raise FormatError(f"document {k + 1}: {err}", source) from None
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, docbin.to_bytes())
        written.append((target, len(docbin)))
    return written


def _input_files(input_path: Path, output_dir: Path, converter: str):
    """(source, target, converter name) for the file, or for each file under the dir."""
    if input_path.is_file():
        name = guess_converter(input_path) if converter == AUTO else converter
        yield input_path, output_dir / (input_path.stem + ".spacy"), name
        return
    for source in sorted(p for p in input_path.rglob("*") if p.is_file()):
        suffix = source.suffix.lower()
        if suffix not in SUFFIXES or (converter != AUTO and SUFFIXES[suffix] != converter):
            continue
        target = output_dir / source.relative_to(input_path).with_suffix(".spacy")
        yield source, target, SUFFIXES[suffix] if converter == AUTO else converter


def _lazy_tokenizer(lang: str) -> Callable:
    """A tokenize(text) -> (words, spaces) that loads the language only when first used."""
    state = {}

    def tokenize(text: str):
        if "nlp" not in state:
            try:
                state["nlp"] = blank(lang)
            except Exception as err:
                raise ConversionError(f"no tokenizer for --lang {lang}: {err}") from None
        doc = state["nlp"].make_doc(text)
        return [t.text for t in doc], [bool(t.whitespace_) for t in doc]

    return tokenize


def convert_cli(
    input_path: Path = typer.Argument(..., help="Input file or directory"),
    output_dir: Path = typer.Argument(..., help="Output directory for the .spacy files"),
    converter: str = typer.Option(AUTO, "--converter", "-c",
                                  help=f"Input format: {', '.join((AUTO,) + CONVERTERS)}"),
    n_sents: int = typer.Option(1, "--n-sents", "-n",
                                help="Sentences per doc (conllu, iob; 0: all in one doc)"),
    merge_subtokens: bool = typer.Option(False, "--merge-subtokens", "-T",
                                         help="Merge CoNLL-U multi-word tokens into one token"),
    lang: str = typer.Option("en", "--lang", "-l", help="Language of the tokenizer (jsonl)"),
) -> None:
    """Convert CoNLL-U, IOB, JSONL or spaCy v2 JSON files to .spacy (DocBin) files."""
    try:
        written = convert(input_path, output_dir, converter=converter, n_sents=n_sents,
                          merge_subtokens=merge_subtokens, lang=lang)
    except FastNLPError as err:
        typer.echo(f"✘ {err}", err=True)
        raise typer.Exit(1)
    for path, n_docs in written:
        typer.echo(f"✔ Generated output file ({n_docs} documents): {path}")
