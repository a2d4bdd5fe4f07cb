"""fastnlp's own errors, and the messages of the corpus readers.

Every error about a file names the file (and the line, where there is one), so
the CLI can print it as one line: ``path:line: message``; config errors name the
file, the section and the key.
"""
from pathlib import Path
from typing import Optional, Union


class FastNLPError(Exception):
    """Base class of fastnlp's own errors."""


class FormatError(FastNLPError, ValueError):
    """Input that does not follow its format: names the source and the line."""

    def __init__(self, message: str, source: Optional[Union[str, Path]] = None,
                 line: Optional[int] = None):
        self.message = message
        self.source = None if source is None else str(source)
        self.line = line
        super().__init__(self._render())

    def _render(self) -> str:
        where = self.source or "<input>"
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}"

    def with_source(self, source: Union[str, Path]) -> "FormatError":
        """The same error, naming `source` (used when the reader saw only text)."""
        return type(self)(self.message, source, self.line)


class ConfigError(FastNLPError, ValueError):
    """A config problem, naming the file, the section and the key at fault."""

    def __init__(self, message, *, path=None, section=None, key=None):
        where = []
        if path:
            where.append(str(path))
        if section:
            where.append(f"[{section}]")
        if key:
            where.append(f"key '{key}'")
        super().__init__(f"{' '.join(where)}: {message}" if where else message)
        self.path, self.section, self.key = path, section, key


class DocBinError(FormatError):
    """A `.spacy` (DocBin) file or byte string that cannot be read."""


class PipelineNotFoundError(FastNLPError, FileNotFoundError):
    """No saved pipeline at a path or package name (still a FileNotFoundError, as before)."""


class PipelineError(FastNLPError, ValueError):
    """A saved pipeline with a missing or unreadable file; names the file."""


class DisplacyError(FastNLPError, ValueError):
    """Input displaCy cannot draw: an unknown style, an object that is no Doc, Span or dict,
    or manual data without a key its style needs. One line, naming the value."""


class ListenerError(FastNLPError, ValueError):
    """A listener in training could not get its upstream component's vectors."""


class ConversionError(FastNLPError):
    """A conversion that cannot run (unknown converter, missing input, ...)."""


def one_line(text, limit=None):
    """str(text) with each run of whitespace as one space, cut to `limit` characters."""
    text = " ".join(str(text).split())
    return text if limit is None else text[:limit]


class Messages:
    """Message templates, one place so tests and docs can quote them."""

    bad_columns = "expected 10 tab-separated columns, found {n}"
    bad_id = "token id {id!r} is not {expected}"
    bad_head = "head {head!r} of token {id} is out of range (sentence has {n} words)"
    head_cycle = "heads form a cycle through token {id}"
    bad_upos = "UPOS {pos!r} of token {id} is not a universal POS tag (ADJ, ADP, ..., X)"
    bad_word = "token {id} has the word form {word!r}; every word must be a non-empty string"
    bad_feats = "FEATS of token {id}: {err}"
    bad_mwt = "multi-word token range {id!r} is not valid here"
    empty_sentence = "sentence has no words"
    bad_iob_tag = "entity tag {tag!r} of token {id} is not 'O' or B-, I-, L-, U- and a label"
    iob_columns = "expected at least 2 whitespace-separated columns, found {n}"
    iob_pipes = "expected word|iob or word|tag|iob, found {token!r}"
    bad_json = "invalid JSON: {err}"
    bad_jsonl_record = "{what}"
    misaligned_span = ("span [{start}, {end}) {label!r} does not match token boundaries "
                       "(text {text!r})")
    overlapping_ents = "entities {a} and {b} overlap"
    not_docbin = "not a .spacy (DocBin) file: {err}"
    docbin_missing_key = "not a .spacy (DocBin) file: missing key {key!r}"
    docbin_shape = "corrupt .spacy (DocBin) file: {what}"
    attrs_mismatch = "cannot merge DocBins: {param} differ ({current} vs {other})"
    unknown_converter = "unknown converter {name!r}; choose one of: {names}"
    no_converter = "cannot tell the format of {path}; pass --converter"
