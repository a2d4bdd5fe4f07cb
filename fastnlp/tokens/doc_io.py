"""Serialization of single Docs: bytes, span groups, and copying a Span into a new Doc.

`Doc.to_bytes` writes spaCy 3's layout, so either library reads the other's bytes: a
msgpack table with the text, an array of (LENGTH, SPACY, DocBin's columns) per token, the
strings those columns use, `cats`, the span groups (spaCy's SpanGroups bytes) and the
user data as two msgpack lists, `user_data_keys` and `user_data_values`. Nothing read
is unpickled: bytes from anyone run no code, and a malformed field is a `DocBytesError`.
"""
import struct

import numpy
import srsly

from .. import attrs
from ..errors import FormatError
from .entity_tags import IOB_NAMES
from .errors import E

# spaCy's DocBin columns (DOCBIN_ALL_ATTRS), in its order; Doc bytes put LENGTH and SPACY
# first, from which the words are cut out of the text.
DOC_ATTRS = ("ORTH", "NORM", "TAG", "HEAD", "DEP", "ENT_IOB", "ENT_TYPE", "ENT_KB_ID",
             "ENT_ID", "LEMMA", "MORPH", "POS", "SENT_START")
ARRAY_HEAD = (attrs.LENGTH, attrs.SPACY) + tuple(attrs.intify_attrs(list(DOC_ATTRS)))
# Columns whose values are string ids.
STRING_COLUMNS = (attrs.NORM, attrs.TAG, attrs.DEP, attrs.ENT_TYPE, attrs.ENT_KB_ID,
                  attrs.ENT_ID, attrs.LEMMA, attrs.MORPH)
EMPTY_SPAN_GROUPS = srsly.msgpack_dumps([])
SPAN_STRUCT = struct.Struct(">QQQllll")  # id, kb_id, label, start, end, start_char, end_char
BYTES_SOURCE = "<Doc bytes>"


class DocBytesError(FormatError):
    """Doc bytes that cannot be read."""

    def __init__(self, message, source=BYTES_SOURCE, line=None):
        super().__init__(message, source, line)


def doc_to_bytes(doc, exclude=tuple()):
    array = doc.to_array(ARRAY_HEAD)
    strings = set()
    msg = {
        "text": doc.text,
        "array_head": list(ARRAY_HEAD),
        "array_body": array,
        "sentiment": 0.0,
        "cats": dict(doc.cats),
        "spans": span_groups_to_bytes(doc, strings),
        "has_unknown_spaces": doc.has_unknown_spaces,
    }
    if doc.tensor is not None:
        msg["tensor"] = numpy.asarray(doc.tensor)
    store = doc.vocab.strings
    for column, attr in enumerate(ARRAY_HEAD):
        if attr in STRING_COLUMNS:
            for key in numpy.unique(array[:, column]):
                if key != 0 and int(key) in store:
                    strings.add(store[int(key)])
    msg["strings"] = sorted(strings)
    if "user_data" not in exclude and doc.user_data:
        keys, values = zip(*doc.user_data.items())
        try:
            if "user_data_keys" not in exclude:
                msg["user_data_keys"] = srsly.msgpack_dumps(list(keys))
            if "user_data_values" not in exclude:
                msg["user_data_values"] = srsly.msgpack_dumps(list(values))
        except TypeError as err:
            raise TypeError(f"Doc.to_bytes: doc.user_data holds a value msgpack cannot "
                            f"write ({err}); store numbers, strings, lists or dicts") from None
    return srsly.msgpack_dumps(msg)


def doc_from_bytes(doc, bytes_data, exclude=tuple()):
    """Fill the empty `doc` from bytes written by Doc.to_bytes of fastnlp or spaCy."""
    if len(doc):
        raise ValueError(E.bytes_not_empty)
    msg = _load_table(bytes_data)
    text = _field(msg, "text", str)
    head = _field(msg, "array_head", (list, tuple))
    body = _field(msg, "array_body", numpy.ndarray)
    if not all(isinstance(attr, int) and not isinstance(attr, bool) for attr in head) or \
            len(set(head)) != len(head) or head[:2] not in ([attrs.LENGTH, attrs.SPACY],
                                                            (attrs.LENGTH, attrs.SPACY)):
        raise DocBytesError(f"array_head must start with LENGTH and SPACY, got {head!r}")
    if body.ndim != 2 or body.shape[1] != len(head) or body.dtype.kind not in "iu":
        raise DocBytesError(f"array_body has shape {body.shape} and type {body.dtype}, "
                            f"not (tokens, {len(head)}) integers")
    lengths = body[:, 0].astype("int64")
    spaces = body[:, 1].astype("int64")
    if (lengths < 1).any() or ((spaces != 0) & (spaces != 1)).any() or \
            int(lengths.sum() + spaces.sum()) != len(text):
        raise DocBytesError("token lengths and spaces do not add up to the text")
    for string in _field(msg, "strings", (list, tuple), default=[]):
        if not isinstance(string, str):
            raise DocBytesError(f"strings holds {type(string).__name__}, not text")
        doc.vocab.strings.add(string)
    words, start = [], 0
    for length, space in zip(lengths.tolist(), spaces.tolist()):
        words.append(text[start:start + length])
        start += length + space
    doc.push_orths([doc.vocab.strings.add(word) for word in words], spaces.astype("uint8"))
    rest = [i for i, attr in enumerate(head) if attr not in (attrs.LENGTH, attrs.SPACY,
                                                               attrs.ORTH)]
    try:
        doc.from_array([head[i] for i in rest], body[:, rest].astype("uint64"))
    except (ValueError, KeyError, IndexError) as err:
        raise DocBytesError(f"bad token annotation: {err}") from None
    if "cats" not in exclude:
        doc.cats = dict(_field(msg, "cats", dict, default={}))
    doc.has_unknown_spaces = bool(msg.get("has_unknown_spaces", False))
    tensor = msg.get("tensor")
    if "tensor" not in exclude and isinstance(tensor, numpy.ndarray) and tensor.size:
        if tensor.ndim != 2 or tensor.shape[0] != len(doc):
            raise DocBytesError(f"tensor has shape {tensor.shape} for {len(doc)} tokens")
        doc.tensor = numpy.array(tensor)
    if "spans" not in exclude and msg.get("spans"):
        span_groups_from_bytes(doc, _field(msg, "spans", bytes))
    if "user_data" not in exclude and "user_data_keys" in msg:
        keys = _load_table(_field(msg, "user_data_keys", bytes), use_list=False)
        values = _load_table(_field(msg, "user_data_values", bytes))
        if not isinstance(keys, tuple) or not isinstance(values, list) or \
                len(keys) != len(values):
            raise DocBytesError("user_data_keys and user_data_values do not pair up")
        for i, (key, value) in enumerate(zip(keys, values)):
            try:
                doc.user_data[key] = value
            except TypeError:
                raise DocBytesError(f"user_data key {i} is a {type(key).__name__}, which "
                                    f"cannot be a key") from None
    return doc


def span_groups_to_bytes(doc, strings: set) -> bytes:
    """spaCy's SpanGroups bytes: {group msgpack: [names]}, or msgpack [] when empty; the
    strings the spans use are added to `strings`."""
    groups = getattr(doc, "spans", None) or {}
    if not groups:
        return EMPTY_SPAN_GROUPS
    store = doc.vocab.strings
    msg = {}
    for name, group in groups.items():
        for span in group:
            strings.add(store[span.label])
            for key in (span.kb_id, span.id):
                if key in store:
                    strings.add(store[key])
        blob = span_group_to_bytes(name, getattr(group, "attrs", None) or {}, group)
        msg.setdefault(blob, []).append(name)
    return srsly.msgpack_dumps(msg)


def span_group_to_bytes(name, attrs, spans) -> bytes:
    """One span group as spaCy writes it: msgpack {"name", "attrs", "spans"}."""
    return srsly.msgpack_dumps({"name": name, "attrs": dict(attrs), "spans": [
        SPAN_STRUCT.pack(span.id, span.kb_id, span.label, span.start, span.end,
                         span.start_char, span.end_char) for span in spans]})


def span_group_from_bytes(doc, blob):
    """(name, attrs, spans of `doc`) from one span group's bytes; DocBytesError if they
    are not a span group that fits the doc."""
    group = _load_table(blob) if isinstance(blob, bytes) else None
    if not isinstance(group, dict) or not isinstance(group.get("spans"), list):
        raise DocBytesError("a span group is not a table with a list of spans")
    attrs = group.get("attrs") or {}
    if not isinstance(attrs, dict):
        raise DocBytesError("the attrs of a span group are not a table")
    spans = []
    for packed in group["spans"]:
        if not isinstance(packed, bytes) or len(packed) != SPAN_STRUCT.size:
            raise DocBytesError("a span of a span group is not a packed span")
        span_id, kb_id, label, start, end, _sc, _ec = SPAN_STRUCT.unpack(packed)
        if not 0 <= start <= end <= len(doc):
            raise DocBytesError(f"span [{start}, {end}) is outside the doc's "
                                f"{len(doc)} tokens")
        span = doc[start:end]
        span.label, span.kb_id, span.id = label, kb_id, span_id
        spans.append(span)
    return group.get("name", ""), attrs, spans


def span_groups_from_bytes(doc, data: bytes) -> None:
    """Fill doc.spans from spaCy's SpanGroups bytes (either of its two layouts)."""
    if not data or data == EMPTY_SPAN_GROUPS:
        return
    msg = _load_table(data)
    if isinstance(msg, dict):
        items = list(msg.items())
    elif isinstance(msg, list):
        items = [(blob, None) for blob in msg]
    else:
        raise DocBytesError("span groups are neither a table nor a list")
    read = [(span_group_from_bytes(doc, blob), names) for blob, names in items]
    for (group_name, attrs, spans), names in read:
        for name in (names or [group_name]):
            doc.spans[name] = list(spans)
            doc.spans[name].attrs = dict(attrs)


def _load_table(data, **kwargs):
    try:
        return srsly.msgpack_loads(data, **kwargs)
    except Exception as err:
        raise DocBytesError(f"not msgpack ({type(err).__name__}: {err})") from None


def _field(msg, key, kinds, default=None):
    if not isinstance(msg, dict):
        raise DocBytesError("not a msgpack table")
    if key not in msg:
        if default is not None:
            return default
        raise DocBytesError(f"missing {key!r}")
    value = msg[key]
    if not isinstance(value, kinds):
        raise DocBytesError(f"{key!r} is a {type(value).__name__}")
    return value


def span_as_doc(span):
    doc = span.doc
    columns = [attr for attr in ARRAY_HEAD if attr not in (attrs.LENGTH, attrs.SPACY,
                                                            attrs.ORTH)]
    array = doc.to_array(columns)[span.start:span.end].copy()
    head_col = columns.index(attrs.HEAD)
    heads = array[:, head_col].astype("int64")
    positions = numpy.arange(span.start, span.end)
    outside = (positions + heads < span.start) | (positions + heads >= span.end)
    heads[outside] = 0
    array[:, head_col] = heads.astype("uint64")
    ent_col = columns.index(attrs.ENT_IOB)
    if len(array) and array[0, ent_col] == IOB_NAMES.index("I"):
        array[0, ent_col] = IOB_NAMES.index("B")
    words = [t.text for t in span]
    spaces = [bool(t.whitespace_) for t in span]
    if spaces:
        spaces[-1] = False
    new = type(doc)(doc.vocab, words=words, spaces=spaces)
    new.from_array(columns, array)
    new.cats = dict(doc.cats)
    return new
