"""DocBin: many Docs in one `.spacy` file, byte-compatible with spaCy 3's DocBin.

The file is zlib-compressed msgpack of a dict:

    version      "0.1"
    attrs        attribute ids of the token columns, ORTH first
    tokens       uint64 array bytes, one row per token of every doc (C order)
    spaces       bool array bytes, one per token (trailing whitespace)
    lengths      int32 array bytes, tokens per doc
    strings      sorted list of every string the columns and span labels use
    cats         one {label: score} dict per doc
    flags        one {"has_unknown_spaces": bool} dict per doc
    span_groups  one msgpack blob per doc (spaCy's SpanGroups bytes)
    user_data    one msgpack blob per doc (only if store_user_data)

HEAD is a relative offset and SENT_START is 1/-1/0, both as two's complement
uint64; string columns hold 64-bit string ids (symbols get spaCy's small ids).
"""
import zlib
from pathlib import Path
from typing import Dict, Iterable, Iterator, List, Optional, Union

import numpy
import srsly

from .. import attrs as attr_ids
from msgpack.exceptions import UnpackException

from ..errors import DocBinError, FormatError, Messages, one_line
from .doc import Doc
from .doc_io import span_groups_from_bytes, span_groups_to_bytes
from .docbin_kernels import doc_from_orths

ALL_ATTRS = ("ORTH", "NORM", "TAG", "HEAD", "DEP", "ENT_IOB", "ENT_TYPE", "ENT_KB_ID",
             "ENT_ID", "LEMMA", "MORPH", "POS", "SENT_START")
# Columns whose values are string ids: every one used goes into "strings".
STRING_ATTRS = (attr_ids.ORTH, attr_ids.TAG, attr_ids.LEMMA, attr_ids.NORM, attr_ids.MORPH,
                attr_ids.DEP, attr_ids.ENT_TYPE, attr_ids.ENT_KB_ID, attr_ids.ENT_ID)
EMPTY_USER_DATA = srsly.msgpack_dumps({})  # skips srsly's per-call registry lookups
REQUIRED_KEYS = ("attrs", "tokens", "spaces", "lengths", "strings", "cats")


class DocBin:
    """Pack Docs for serialization: per-token attribute columns plus a shared string list.

    attrs: attributes to store (names or ids); ORTH and SPACY are always stored.
    store_user_data: whether `doc.user_data` is written.
    docs: Docs to add.
    """

    def __init__(self, attrs: Iterable = ALL_ATTRS, store_user_data: bool = False,
                 docs: Iterable[Doc] = ()):
        ids = sorted(set(_intify(attrs)))
        self.version = "0.1"
        self.attrs: List[int] = [attr_ids.ORTH] + [
            a for a in ids if a not in (attr_ids.ORTH, attr_ids.SPACY)]
        self.tokens: List[numpy.ndarray] = []
        self.spaces: List[numpy.ndarray] = []
        self.cats: List[Dict] = []
        self.span_groups: List[bytes] = []
        self.user_data: List[Optional[bytes]] = []
        self.flags: List[Dict] = []
        self.strings: set = set()
        self._seen_keys: set = set()  # string ids whose strings are in self.strings
        self._seen_morphs: set = set()
        self.store_user_data = store_user_data
        self._source = None  # what from_bytes read, for get_docs' errors
        for doc in docs:
            self.add(doc)

    def __len__(self) -> int:
        return len(self.tokens)

    def add(self, doc: Doc) -> None:
        """Add a Doc's annotations."""
        extra = [a for a in STRING_ATTRS if a not in self.attrs]
        table = doc.to_array(self.attrs + [attr_ids.SPACY] + extra)
        n_cols = len(self.attrs)
        self.tokens.append(numpy.ascontiguousarray(table[:, :n_cols]))
        self.spaces.append(table[:, n_cols:n_cols + 1].astype(bool))
        self.flags.append({"has_unknown_spaces": bool(doc.has_unknown_spaces)})
        columns = [n_cols + 1 + extra.index(a) if a in extra else self.attrs.index(a)
                   for a in STRING_ATTRS if a != attr_ids.MORPH]
        morph_col = n_cols + 1 + extra.index(attr_ids.MORPH) if attr_ids.MORPH in extra \
            else self.attrs.index(attr_ids.MORPH)
        self._add_strings(doc.vocab.strings, numpy.unique(table[:, columns]).tolist(), False)
        self._add_strings(doc.vocab.strings, numpy.unique(table[:, morph_col]).tolist(), True)
        self.cats.append(dict(doc.cats))
        if self.store_user_data:
            self.user_data.append(srsly.msgpack_dumps(doc.user_data) if doc.user_data
                                  else EMPTY_USER_DATA)
        self.span_groups.append(span_groups_to_bytes(doc, self.strings))

    def _add_strings(self, store, keys, morph: bool) -> None:
        """Add the strings of ids not seen before (an empty morph is "", as in spaCy)."""
        seen = self._seen_morphs if morph else self._seen_keys
        for key in keys:
            if key not in seen:
                seen.add(key)
                text = store[key]
                self.strings.add("" if morph and text == "_" else text)

    def get_docs(self, vocab) -> Iterator[Doc]:
        """Yield the Docs, their strings added to `vocab` (user data always restored)."""
        for string in self.strings:
            vocab.strings.add(string)
        orth_col = self.attrs.index(attr_ids.ORTH)
        rest = [a for a in self.attrs if a != attr_ids.ORTH]
        rest_cols = [j for j, a in enumerate(self.attrs) if a != attr_ids.ORTH]
        for i in range(len(self.tokens)):
            try:
                doc = self._get_doc(vocab, i, orth_col, rest, rest_cols)
            except (FormatError, ValueError, KeyError, IndexError, TypeError, OverflowError,
                    UnpackException) as err:
                # Fields that from_bytes let through but no Doc can hold (unknown string
                # ids, unsettable attrs, garbled span groups or user data).
                what = one_line(getattr(err, "message", err))
                raise DocBinError(Messages.docbin_shape.format(what=f"document {i}: {what}"),
                                  getattr(self, "_source", None)) from None
            yield doc

    def _get_doc(self, vocab, i, orth_col, rest, rest_cols) -> Doc:
        tokens = self.tokens[i]
        unknown = self.flags[i].get("has_unknown_spaces") if i < len(self.flags) else False
        spaces = None if unknown else numpy.ascontiguousarray(
            self.spaces[i].reshape(-1), dtype=numpy.uint8)
        doc = doc_from_orths(vocab, numpy.ascontiguousarray(tokens[:, orth_col]), spaces)
        if rest:
            doc.from_array(rest, tokens[:, rest_cols])
        doc.cats = dict(self.cats[i])
        if i < len(self.span_groups):
            span_groups_from_bytes(doc, self.span_groups[i])
        if i < len(self.user_data) and self.user_data[i] not in (None, EMPTY_USER_DATA):
            doc.user_data.update(srsly.msgpack_loads(self.user_data[i], use_list=False))
        return doc

    def merge(self, other: "DocBin") -> None:
        """Append another DocBin's docs; attrs and store_user_data must agree."""
        for param in ("attrs", "store_user_data"):
            if getattr(self, param) != getattr(other, param):
                raise ValueError(Messages.attrs_mismatch.format(
                    param=param, current=getattr(self, param), other=getattr(other, param)))
        self.tokens.extend(other.tokens)
        self.spaces.extend(other.spaces)
        self.strings.update(other.strings)
        self.cats.extend(other.cats)
        self.span_groups.extend(other.span_groups)
        self.flags.extend(other.flags)
        self.user_data.extend(other.user_data)

    def to_bytes(self, compress: bool = True) -> bytes:
        """The zlib-compressed msgpack bytes of a `.spacy` file. compress=False skips
        zlib (most of the writing time), for bytes that only cross a pipe; from_bytes
        reads both."""
        lengths = [len(tokens) for tokens in self.tokens]
        tokens = numpy.vstack(self.tokens) if self.tokens else numpy.asarray([])
        spaces = numpy.vstack(self.spaces) if self.spaces else numpy.asarray([])
        msg = {
            "version": self.version,
            "attrs": self.attrs,
            "tokens": tokens.tobytes("C"),
            "spaces": spaces.tobytes("C"),
            "lengths": numpy.asarray(lengths, dtype="int32").tobytes("C"),
            "strings": sorted(self.strings),
            "cats": self.cats,
            "flags": self.flags,
            "span_groups": self.span_groups,
        }
        if self.store_user_data:
            msg["user_data"] = self.user_data
        data = srsly.msgpack_dumps(msg)
        return zlib.compress(data) if compress else data

    def from_bytes(self, bytes_data: bytes, source=None) -> "DocBin":
        """Load `.spacy` bytes; raise DocBinError (naming `source`) if they are not valid."""
        try:
            # A zlib stream starts with 0x78; a msgpack dict never does.
            raw = zlib.decompress(bytes_data) if bytes_data[:1] == b"\x78" else bytes_data
            msg = srsly.msgpack_loads(raw)
        except Exception as err:  # zlib.error, msgpack's various errors
            raise DocBinError(Messages.not_docbin.format(err=err), source) from None
        if not isinstance(msg, dict):
            raise DocBinError(Messages.not_docbin.format(err="not a msgpack dict"), source)
        for key in REQUIRED_KEYS:
            if key not in msg:
                raise DocBinError(Messages.docbin_missing_key.format(key=key), source)
        _check_fields(msg, source)
        self.attrs = [int(a) for a in msg["attrs"]]
        if attr_ids.ORTH not in self.attrs:
            raise DocBinError(Messages.docbin_shape.format(what="no ORTH column"), source)
        lengths = numpy.frombuffer(msg["lengths"], dtype="int32")
        flat_tokens = numpy.frombuffer(msg["tokens"], dtype="uint64")
        flat_spaces = numpy.frombuffer(msg["spaces"], dtype=bool)
        n_tokens = int(lengths.sum()) if len(lengths) else 0
        if (lengths < 0).any() or flat_tokens.size != n_tokens * len(self.attrs) \
                or flat_spaces.size != n_tokens:
            raise DocBinError(Messages.docbin_shape.format(
                what=f"{len(lengths)} docs of {n_tokens} tokens, but {flat_tokens.size} "
                     f"values for {len(self.attrs)} attrs and {flat_spaces.size} spaces"), source)
        n_docs = len(lengths)
        for key in ("cats", "flags", "span_groups", "user_data"):
            if key in msg and len(msg[key]) != n_docs:
                raise DocBinError(Messages.docbin_shape.format(
                    what=f"{len(msg[key])} {key} entries for {n_docs} docs"), source)
        bounds = numpy.cumsum(lengths)[:-1]
        table = flat_tokens.reshape((n_tokens, len(self.attrs)))
        self.tokens = numpy.split(table, bounds) if n_docs else []
        self.spaces = numpy.split(flat_spaces.reshape((n_tokens, 1)), bounds) if n_docs else []
        self.strings = set(msg["strings"])
        self._seen_keys, self._seen_morphs = set(), set()
        self.cats = list(msg["cats"])
        self.span_groups = list(msg.get("span_groups", [b""] * n_docs))
        self.flags = list(msg.get("flags", [{}] * n_docs))
        self.user_data = list(msg["user_data"]) if "user_data" in msg else [None] * n_docs
        self.version = msg.get("version", self.version)
        self._source = source
        return self

    def to_disk(self, path: Union[str, Path]) -> None:
        """Write a `.spacy` file."""
        Path(path).write_bytes(self.to_bytes())

    def from_disk(self, path: Union[str, Path]) -> "DocBin":
        """Read a `.spacy` file; an invalid file raises DocBinError naming it."""
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as err:
            raise DocBinError(f"cannot read: {err.strerror}", path) from None
        return self.from_bytes(data, source=path)

    def __reduce__(self):
        return (_unpickle_docbin, (self.to_bytes(), self.store_user_data))


def _unpickle_docbin(data: bytes, store_user_data: bool) -> DocBin:
    return DocBin(store_user_data=store_user_data).from_bytes(data)



# Types of the fields from_bytes reads (lists: the type of every item).
FIELD_TYPES = {"tokens": bytes, "spaces": bytes, "lengths": bytes, "attrs": list,
               "strings": list, "cats": list, "flags": list, "span_groups": list,
               "user_data": list}
ITEM_TYPES = {"attrs": int, "strings": str, "cats": dict, "flags": dict, "span_groups": bytes,
              "user_data": (bytes, type(None))}
ITEM_SIZES = {"tokens": 8, "lengths": 4}


def _check_fields(msg: dict, source) -> None:
    """Raise DocBinError unless every field has the type and size DocBin writes."""
    for key, kind in FIELD_TYPES.items():
        if key not in msg:
            continue
        value = msg[key]
        if not isinstance(value, kind):
            raise DocBinError(Messages.docbin_shape.format(
                what=f"{key} is {type(value).__name__}, not {kind.__name__}"), source)
        item = ITEM_TYPES.get(key)
        if item is not None and not all(isinstance(v, item) and not isinstance(v, bool)
                                        for v in value):
            raise DocBinError(Messages.docbin_shape.format(
                what=f"{key} holds an item of the wrong type"), source)
        if len(value) % ITEM_SIZES.get(key, 1):
            raise DocBinError(Messages.docbin_shape.format(
                what=f"{key} has {len(value)} bytes, not a multiple of {ITEM_SIZES[key]}"),
                source)
    unknown = [a for a in msg["attrs"] if a not in attr_ids.NAMES]
    if unknown:
        raise DocBinError(Messages.docbin_shape.format(
            what=f"unknown attribute id {unknown[0]}"), source)


def _intify(names) -> List[int]:
    if isinstance(names, (str, int)):
        names = [names]
    return attr_ids.intify_attrs(list(names))
