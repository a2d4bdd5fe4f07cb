"""Serialization of single Docs: bytes, JSON, and copying a Span into a new Doc."""
import numpy
import srsly

from .. import attrs
from .errors import E

# Columns saved per token; ORTH first so the words can be rebuilt before the rest.
SERIALIZED_ATTRS = [attrs.ORTH, attrs.SPACY, attrs.NORM, attrs.LEMMA, attrs.TAG, attrs.POS,
                    attrs.MORPH, attrs.DEP, attrs.HEAD, attrs.SENT_START, attrs.ENT_IOB,
                    attrs.ENT_TYPE, attrs.ENT_KB_ID, attrs.ENT_ID]


def _strings_of(doc, array):
    strings = doc.vocab.strings
    found = set()
    for column, attr in enumerate(SERIALIZED_ATTRS):
        if attr in (attrs.SPACY, attrs.HEAD, attrs.SENT_START, attrs.ENT_IOB, attrs.POS):
            continue
        for key in numpy.unique(array[:, column]):
            if key != 0 and int(key) in strings:
                found.add(strings[int(key)])
    return sorted(found)


def doc_to_bytes(doc, exclude=tuple()):
    array = doc.to_array(SERIALIZED_ATTRS)
    msg = {
        "text": doc.text,
        "array_head": SERIALIZED_ATTRS,
        "array_body": array.tobytes(),
        "strings": _strings_of(doc, array),
        "cats": dict(doc.cats),
        "has_unknown_spaces": doc.has_unknown_spaces,
    }
    if "user_data" not in exclude:
        msg["user_data"] = srsly.pickle_dumps(doc.user_data) if doc.user_data else b""
    return srsly.msgpack_dumps(msg)


def doc_from_bytes(doc, bytes_data, exclude=tuple()):
    if len(doc):
        raise ValueError(E.bytes_not_empty)
    msg = srsly.msgpack_loads(bytes_data)
    for string in msg["strings"]:
        doc.vocab.strings.add(string)
    head = msg["array_head"]
    array = numpy.frombuffer(msg["array_body"], dtype="uint64").reshape((-1, len(head)))
    doc.push_orths(array[:, head.index(attrs.ORTH)], array[:, head.index(attrs.SPACY)])
    rest = [attr for attr in head if attr not in (attrs.ORTH, attrs.SPACY)]
    columns = [head.index(attr) for attr in rest]
    doc.from_array(rest, array[:, columns])
    doc.cats = dict(msg.get("cats", {}))
    doc.has_unknown_spaces = msg.get("has_unknown_spaces", False)
    if "user_data" not in exclude and msg.get("user_data"):
        doc.user_data.update(srsly.pickle_loads(msg["user_data"]))
    return doc


def span_as_doc(span):
    doc = span.doc
    columns = [attr for attr in SERIALIZED_ATTRS if attr not in (attrs.ORTH, attrs.SPACY)]
    array = doc.to_array(columns)[span.start:span.end].copy()
    head_col = columns.index(attrs.HEAD)
    heads = array[:, head_col].astype("int64")
    positions = numpy.arange(span.start, span.end)
    outside = (positions + heads < span.start) | (positions + heads >= span.end)
    heads[outside] = 0
    array[:, head_col] = heads.astype("uint64")
    ent_col = columns.index(attrs.ENT_IOB)
    if len(array) and array[0, ent_col] == 1:
        array[0, ent_col] = 3
    words = [t.text for t in span]
    spaces = [bool(t.whitespace_) for t in span]
    if spaces:
        spaces[-1] = False
    new = type(doc)(doc.vocab, words=words, spaces=spaces)
    new.from_array(columns, array)
    new.cats = dict(doc.cats)
    return new


def doc_to_json(doc):
    """A JSON-serializable dict of the doc's text, tokens, entities and sentences."""
    tokens = []
    for token in doc:
        item = {"id": token.i, "start": token.idx, "end": token.idx + len(token)}
        if token.tag:
            item["tag"] = token.tag_
        if token.pos:
            item["pos"] = token.pos_
        if token.morph:
            item["morph"] = str(token.morph)
        if token.lemma:
            item["lemma"] = token.lemma_
        if token.dep:
            item["dep"] = token.dep_
            item["head"] = token.head.i
        tokens.append(item)
    data = {"text": doc.text, "tokens": tokens,
            "ents": [{"start": e.start_char, "end": e.end_char, "label": e.label_}
                     for e in doc.ents]}
    if doc.has_sents:
        data["sents"] = [{"start": s.start_char, "end": s.end_char} for s in doc.sents]
    if doc.cats:
        data["cats"] = dict(doc.cats)
    return data
