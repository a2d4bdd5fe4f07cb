"""Doc(Vocab()).from_bytes on mutated real Doc bytes (doc_io validates: DocBytesError)."""
from hypothesis import given

from fastnlp.tokens import Doc, Span
from fastnlp.tokens.doc_io import BYTES_SOURCE
from fastnlp.vocab import Vocab
from fuzzing import check_case, damaged_msgpack, fuzz


def _doc():
    doc = Doc(Vocab(), words=["Ada", "Lovelace", "wrote", "."], spaces=[True, True, False, False],
              tags=["NNP", "NNP", "VBD", "."], heads=[1, 2, 2, 2],
              deps=["compound", "nsubj", "ROOT", "punct"], ents=["B-PERSON", "I-PERSON", "O", "O"],
              morphs=["Number=Sing", "", "Tense=Past", ""])
    doc.cats = {"HISTORY": 1.0}
    doc.spans["people"] = [Span(doc, 0, 2, label="PERSON")]
    doc.user_data["plain"] = [1, 2.5, {"a": "b"}]
    return doc


DATA = _doc().to_bytes()


def _read(data):
    return check_case("Doc.from_bytes", BYTES_SOURCE, lambda: Doc(Vocab()).from_bytes(data))


def test_real_bytes_read():
    assert _read(DATA) is None


@fuzz(1200)
@given(damaged_msgpack(DATA))
def test_damaged_bytes(data):
    _read(data)
