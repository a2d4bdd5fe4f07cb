import pickle
import zlib

import numpy
import pytest
import srsly

from fastnlp import attrs
from fastnlp.errors import DocBinError
from fastnlp.tokens import Doc, Span
from fastnlp.tokens.docbin import ALL_ATTRS, DocBin
from fastnlp.training.converters import conllu_to_records
from fastnlp.vocab import Vocab


def _rows(doc):
    return [(t.text, bool(t.whitespace_), t.tag_, t.pos_, str(t.morph), t.lemma_, t.head.i,
             t.dep_, t.ent_iob_, t.ent_type_, bool(t.is_sent_start)) for t in doc]


@pytest.fixture
def parsed(vocab):
    doc = Doc(
        vocab, words=["Apple", "bought", "U.K.", "startup", "."],
        spaces=[True, True, True, False, False],
        tags=["NNP", "VBD", "NNP", "NN", "."], pos=["PROPN", "VERB", "PROPN", "NOUN", "PUNCT"],
        morphs=["Number=Sing", "Tense=Past|VerbForm=Fin", "", "Number=Sing", ""],
        lemmas=["Apple", "buy", "U.K.", "startup", "."], heads=[1, 1, 3, 1, 1],
        deps=["nsubj", "ROOT", "compound", "obj", "punct"],
        ents=["B-ORG", "O", "B-GPE", "O", "O"])
    doc.cats = {"BUSINESS": 1.0, "SPORTS": 0.0}
    return doc


@pytest.fixture
def interop_files(shared_data):
    base = shared_data / "spacy-interop"
    paths = base / "ewt-dev200.spacy", base / "ewt-dev200.conllu"
    for path in paths:
        if not path.exists():
            pytest.skip(f"{path} not found")
    return paths


@pytest.mark.parametrize("compress", [True, False])
def test_docbin_roundtrip_keeps_every_annotation(parsed, vocab, compress):
    data = DocBin(docs=[parsed, parsed]).to_bytes(compress=compress)
    assert (data[:1] == b"\x78") == compress
    docs = list(DocBin().from_bytes(data).get_docs(Vocab()))
    assert len(docs) == 2
    assert _rows(docs[0]) == _rows(parsed)
    assert docs[1].text == "Apple bought U.K. startup."
    assert docs[0].cats == parsed.cats
    assert [(e.start, e.end, e.label_) for e in docs[0].ents] == [(0, 1, "ORG"), (2, 3, "GPE")]


def test_docbin_layout_matches_spacy_keys(parsed):
    msg = srsly.msgpack_loads(zlib.decompress(DocBin(docs=[parsed]).to_bytes()))
    assert list(msg) == ["version", "attrs", "tokens", "spaces", "lengths", "strings", "cats",
                         "flags", "span_groups"]
    assert msg["attrs"][0] == attrs.ORTH
    assert msg["attrs"][1:] == sorted(attrs.intify_attrs(ALL_ATTRS))[1:]
    tokens = numpy.frombuffer(msg["tokens"], dtype="uint64").reshape((5, len(msg["attrs"])))
    head = tokens[:, msg["attrs"].index(attrs.HEAD)].astype("int64")
    assert head.tolist() == [1, 0, 1, -2, -3]
    assert numpy.frombuffer(msg["lengths"], dtype="int32").tolist() == [5]
    assert numpy.frombuffer(msg["spaces"], dtype=bool).tolist() == [True, True, True, False, False]
    assert {"Apple", "NNP", "nsubj", "ORG", "buy", "Number=Sing"} <= set(msg["strings"])
    assert msg["flags"] == [{"has_unknown_spaces": False}]


def test_docbin_user_data_only_when_asked(parsed):
    parsed.user_data["source"] = "test"
    without = srsly.msgpack_loads(zlib.decompress(DocBin(docs=[parsed]).to_bytes()))
    assert "user_data" not in without
    data = DocBin(store_user_data=True, docs=[parsed]).to_bytes()
    doc = next(DocBin().from_bytes(data).get_docs(Vocab()))
    assert doc.user_data == {"source": "test"}


def test_docbin_span_groups_roundtrip(parsed):
    parsed.spans["sc"] = [Span(parsed, 0, 1, label="COMPANY"), Span(parsed, 0, 4, label="EVENT")]
    data = DocBin(docs=[parsed]).to_bytes()
    doc = next(DocBin().from_bytes(data).get_docs(Vocab()))
    assert [(s.start, s.end, s.label_) for s in doc.spans["sc"]] == [(0, 1, "COMPANY"),
                                                                      (0, 4, "EVENT")]


def test_docbin_unknown_spaces_stay_unknown(vocab):
    doc = Doc(vocab, words=["a", "b"])
    assert doc.has_unknown_spaces
    out = next(DocBin(docs=[doc]).from_bytes(DocBin(docs=[doc]).to_bytes()).get_docs(Vocab()))
    assert out.has_unknown_spaces


def test_docbin_attrs_subset_and_merge(parsed):
    first = DocBin(attrs=["TAG", "HEAD", "DEP"], docs=[parsed])
    assert first.attrs == [attrs.ORTH, attrs.TAG, attrs.DEP, attrs.HEAD]
    first.merge(DocBin(attrs=["DEP", "TAG", "HEAD"], docs=[parsed]))
    assert len(first) == 2
    doc = list(DocBin().from_bytes(first.to_bytes()).get_docs(Vocab()))[1]
    assert [t.tag_ for t in doc] == ["NNP", "VBD", "NNP", "NN", "."]
    assert [t.lemma_ for t in doc] == [""] * 5
    with pytest.raises(ValueError, match="attrs"):
        first.merge(DocBin(attrs=["TAG"]))
    with pytest.raises(ValueError, match="store_user_data"):
        first.merge(DocBin(attrs=["TAG", "HEAD", "DEP"], store_user_data=True))


def test_docbin_empty_and_pickle(parsed):
    empty = DocBin()
    assert len(DocBin().from_bytes(empty.to_bytes())) == 0
    copy = pickle.loads(pickle.dumps(DocBin(docs=[parsed])))
    assert _rows(next(copy.get_docs(Vocab()))) == _rows(parsed)


@pytest.mark.parametrize("data,match", [
    (b"not a docbin", "not a .spacy"),
    (zlib.compress(b"\xc1\xc1"), "not a .spacy"),
    (zlib.compress(srsly.msgpack_dumps([1, 2])), "not a msgpack dict"),
    (zlib.compress(srsly.msgpack_dumps({"attrs": [65]})), "missing key 'tokens'"),
])
def test_invalid_docbin_bytes_name_the_file(tmp_path, data, match):
    path = tmp_path / "broken.spacy"
    path.write_bytes(data)
    with pytest.raises(DocBinError, match=match) as info:
        DocBin().from_disk(path)
    assert str(info.value).startswith(str(path))


def test_truncated_docbin_raises(parsed, tmp_path):
    data = DocBin(docs=[parsed]).to_bytes()
    msg = srsly.msgpack_loads(zlib.decompress(data))
    msg["lengths"] = numpy.asarray([7], dtype="int32").tobytes()
    path = tmp_path / "short.spacy"
    path.write_bytes(zlib.compress(srsly.msgpack_dumps(msg)))
    with pytest.raises(DocBinError, match="short.spacy: corrupt"):
        DocBin().from_disk(path)
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DocBinError, match="short.spacy"):
        DocBin().from_disk(path)


def test_spacy_written_file_bytes_roundtrip_identically(interop_files):
    spacy_path, _ = interop_files
    data = spacy_path.read_bytes()
    assert DocBin(store_user_data=True).from_bytes(data).to_bytes() == data


def test_spacy_written_file_matches_its_conllu(interop_files):
    spacy_path, conllu_path = interop_files
    docs = list(DocBin().from_disk(spacy_path).get_docs(Vocab()))
    records = list(conllu_to_records(conllu_path.read_text(encoding="utf8"), n_sents=10))
    assert len(docs) == len(records) == 20
    for doc, rec in zip(docs, records):
        assert [t.text for t in doc] == rec.words
        assert [bool(t.whitespace_) for t in doc] == rec.spaces
        assert [t.tag_ for t in doc] == rec.tags
        assert [t.pos_ for t in doc] == rec.pos
        assert [sorted(str(t.morph).split("|")) for t in doc] == \
            [sorted(m.split("|")) for m in rec.morphs]
        assert [t.lemma_ for t in doc] == rec.lemmas
        assert [t.head.i for t in doc] == rec.heads
        assert [t.dep_ for t in doc] == rec.deps
        iob = [t.ent_iob_ + ("-" + t.ent_type_ if t.ent_type_ else "") for t in doc]
        assert iob == rec.ents
        assert [bool(t.is_sent_start) for t in doc] == rec.sent_starts


def _fuzz_msg():
    doc = Doc(Vocab(), words=["Ada", "wrote"], spaces=[True, False], tags=["NNP", "VBD"])
    doc.spans["people"] = [Span(doc, 0, 1, label="PERSON")]
    return srsly.msgpack_loads(DocBin(store_user_data=True, docs=[doc]).to_bytes(False))


# Field damage the fuzz suite (tests/fuzz/test_fuzz_docbin.py) found escaping as
# TypeError/KeyError/ValueError from deep inside; each is now one DocBinError line.
@pytest.mark.parametrize("key, value, match", [
    ("tokens", None, "tokens is NoneType, not bytes"),
    ("strings", None, "strings is NoneType, not list"),
    ("cats", [None], "cats holds an item of the wrong type"),
    ("attrs", [65, 72], "unknown attribute id 72"),
    ("lengths", b"\x02\x00\x00", "lengths has 3 bytes, not a multiple of 4"),
    ("attrs", lambda ids: ids[:-1] + [attrs.LOWER],
     "document 0: Doc.from_array: attribute LOWER cannot be set"),
    ("strings", [], r"document 0: .*no string for id"),
    ("span_groups", [b"\xc1"], "document 0: "),
    ("user_data", [b"\xc1"], "document 0: "),
])
def test_damaged_docbin_fields_raise_docbin_error(key, value, match):
    msg = _fuzz_msg()
    msg[key] = value(msg[key]) if callable(value) else value
    with pytest.raises(DocBinError, match=match) as info:
        list(DocBin().from_bytes(srsly.msgpack_dumps(msg), source="x.spacy").get_docs(Vocab()))
    assert str(info.value).startswith("x.spacy: ") and "\n" not in str(info.value)
