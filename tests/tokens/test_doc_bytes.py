"""Doc.to_bytes / from_bytes: spaCy 3's msgpack layout, read both ways with a real spaCy,
user data included; bytes from anyone run no code, and malformed ones are DocBytesError."""
import pickle

import numpy
import pytest
import srsly

from fastnlp.tokens import Doc, Span
from fastnlp.tokens.doc_io import SPAN_STRUCT, DocBytesError
from fastnlp.vocab import Vocab

spacy = pytest.importorskip("spacy", reason="spaCy is needed for the interop tests")

WORDS = ["Ada", "Lovelace", "wrote", "in", "London", "."]
SPACES = [True, True, True, True, False, False]
EXTENSION_KEY = ("._.", "topic", None, None)


def rows(doc):
    return [(t.text, t.whitespace_, t.tag_, t.pos_, str(t.morph), t.lemma_, t.head.i, t.dep_,
             t.ent_iob_, t.ent_type_, bool(t.is_sent_start)) for t in doc]


def _annotations():
    return dict(tags=["NNP", "NNP", "VBD", "IN", "NNP", "."],
                pos=["PROPN", "PROPN", "VERB", "ADP", "PROPN", "PUNCT"],
                morphs=["Number=Sing", "Number=Sing", "Tense=Past", "", "Number=Sing", ""],
                lemmas=["Ada", "Lovelace", "write", "in", "London", "."],
                heads=[1, 2, 2, 2, 3, 2], deps=["compound", "nsubj", "ROOT", "prep", "pobj",
                                                "punct"],
                ents=["B-PERSON", "I-PERSON", "O", "O", "B-GPE", "O"])


def _ours():
    doc = Doc(Vocab(), words=WORDS, spaces=SPACES, **_annotations())
    doc.cats = {"HISTORY": 1.0, "SPORT": 0.0}
    doc.spans["people"] = [Span(doc, 0, 2, label="PERSON"), Span(doc, 0, 1, label="GIVEN")]
    doc.user_data[EXTENSION_KEY] = "computing"
    doc.user_data["plain"] = [1, 2.5, {"a": "b"}]
    return doc


def _theirs():
    nlp = spacy.blank("en")
    doc = spacy.tokens.Doc(nlp.vocab, words=WORDS, spaces=SPACES, **_annotations())
    doc.cats = {"HISTORY": 1.0, "SPORT": 0.0}
    doc.spans["people"] = [spacy.tokens.Span(doc, 0, 2, label="PERSON"),
                           spacy.tokens.Span(doc, 0, 1, label="GIVEN")]
    doc.user_data[EXTENSION_KEY] = "computing"
    doc.user_data["plain"] = [1, 2.5, {"a": "b"}]
    return doc


def _same(a, b):
    assert a.text == b.text
    assert rows(a) == rows(b)
    assert [(e.start, e.end, e.label_) for e in a.ents] == \
        [(e.start, e.end, e.label_) for e in b.ents]
    assert a.cats == b.cats
    assert [(s.start, s.end, s.label_) for s in a.spans["people"]] == \
        [(s.start, s.end, s.label_) for s in b.spans["people"]]
    assert a.user_data == b.user_data


def test_fastnlp_bytes_load_in_spacy():
    ours = _ours()
    theirs = spacy.tokens.Doc(spacy.blank("en").vocab).from_bytes(ours.to_bytes())
    _same(theirs, ours)
    assert theirs.user_data[EXTENSION_KEY] == "computing"


def test_spacy_bytes_load_in_fastnlp():
    theirs = _theirs()
    ours = Doc(Vocab()).from_bytes(theirs.to_bytes())
    _same(ours, theirs)


def test_round_trip_keeps_tensor_and_unknown_spaces():
    doc = Doc(Vocab(), words=["a", "b"])
    doc.tensor = numpy.arange(6, dtype="float32").reshape(2, 3)
    back = Doc(Vocab()).from_bytes(doc.to_bytes())
    assert back.has_unknown_spaces and back.text == doc.text
    numpy.testing.assert_array_equal(back.tensor, doc.tensor)
    back.tensor[0, 0] = 9.0  # writable, not a view of the bytes


def test_user_data_that_msgpack_cannot_write_is_a_clear_error():
    doc = Doc(Vocab(), words=["a"])
    doc.user_data["obj"] = object()
    with pytest.raises(TypeError, match="user_data"):
        doc.to_bytes()


class _RunsCode:
    def __reduce__(self):
        return (RuntimeError, ("unpickled: code ran",))


def test_pickled_user_data_is_never_unpickled():
    msg = srsly.msgpack_loads(Doc(Vocab(), words=["a"]).to_bytes())
    msg["user_data"] = pickle.dumps({"x": _RunsCode()})  # the old pickled field
    doc = Doc(Vocab()).from_bytes(srsly.msgpack_dumps(msg))
    assert doc.user_data == {} and doc.text == "a "


def _bytes_with(**changes):
    msg = srsly.msgpack_loads(_ours().to_bytes())
    msg.update(changes)
    return srsly.msgpack_dumps(msg)


@pytest.mark.parametrize("data,message", [
    (b"", "not msgpack"),
    (b"\xc1", "not msgpack"),
    (srsly.msgpack_dumps([1, 2]), "not a msgpack table"),
    (_bytes_with(text=5), "'text' is a int"),
    (_bytes_with(array_head=[65, 66]), "array_head must start with LENGTH"),
    (_bytes_with(array_body=numpy.zeros((2, 3), dtype="uint64")), "array_body has shape"),
    (_bytes_with(text="short"), "do not add up"),
    (_bytes_with(strings=[1]), "strings holds int"),
    (_bytes_with(spans=b"\x93\x01\x02\x03"), "span group"),
    (_bytes_with(spans=srsly.msgpack_dumps(5)), "span groups are neither a table nor a list"),
    (_bytes_with(spans=srsly.msgpack_dumps([b"\x01"])), "a span group is not a table"),
    (_bytes_with(spans=srsly.msgpack_dumps([srsly.msgpack_dumps(
        {"name": "g", "spans": [b"short"]})])), "is not a packed span"),
    (_bytes_with(spans=srsly.msgpack_dumps([srsly.msgpack_dumps(
        {"name": "g", "spans": [SPAN_STRUCT.pack(0, 0, 0, 0, 99, 0, 0)]})])),
     r"span \[0, 99\) is outside"),
    (_bytes_with(user_data_keys=srsly.msgpack_dumps([{"a": 1}]),
                 user_data_values=srsly.msgpack_dumps([1])), "user_data key 0 is a dict"),
    (_bytes_with(user_data_values=srsly.msgpack_dumps([])), "do not pair up"),
    (_bytes_with(tensor=numpy.zeros((2, 4), dtype="float32")), "tensor has shape"),
])
def test_malformed_bytes_name_the_field(data, message):
    with pytest.raises(DocBytesError, match=message) as info:
        Doc(Vocab()).from_bytes(data)
    assert str(info.value).startswith("<Doc bytes>: ")
