"""`.spacy` files pass both ways between fastnlp and a real spaCy 3 install."""
import pytest

from fastnlp.tokens import Doc, Span
from fastnlp.tokens.docbin import DocBin
from fastnlp.training.converters import conllu_to_records, record_to_doc
from fastnlp.vocab import Vocab

spacy = pytest.importorskip("spacy", reason="spaCy is needed for the interop tests")
from spacy.tokens import DocBin as SpacyDocBin  # noqa: E402


def rows(doc):
    """The annotations compared across libraries, one tuple per token."""
    return [(t.text, t.whitespace_, t.tag_, t.pos_, str(t.morph), t.lemma_, t.head.i, t.dep_,
             t.ent_iob_, t.ent_type_, bool(t.is_sent_start)) for t in doc]


@pytest.fixture
def ewt_dev200(shared_data):
    base = shared_data / "spacy-interop"
    if not (base / "ewt-dev200.spacy").exists():
        pytest.skip("spacy-interop files not found")
    return base / "ewt-dev200.conllu", base / "ewt-dev200.spacy"


def test_fastnlp_file_loads_in_spacy_like_spacys_own(ewt_dev200, tmp_path):
    conllu, spacy_file = ewt_dev200
    vocab = Vocab()
    records = conllu_to_records(conllu.read_text(encoding="utf8"), n_sents=10)
    ours = tmp_path / "ours.spacy"
    DocBin(store_user_data=True, docs=[record_to_doc(vocab, r) for r in records]).to_disk(ours)
    nlp = spacy.blank("en")
    theirs = list(SpacyDocBin().from_disk(spacy_file).get_docs(nlp.vocab))
    loaded = list(SpacyDocBin().from_disk(ours).get_docs(nlp.vocab))
    assert len(loaded) == len(theirs) == 20
    for a, b in zip(loaded, theirs):
        assert rows(a) == rows(b)
        assert [(e.start, e.end, e.label_) for e in a.ents] == \
            [(e.start, e.end, e.label_) for e in b.ents]


def test_spacy_file_loads_in_fastnlp_like_spacy(ewt_dev200):
    _, spacy_file = ewt_dev200
    nlp = spacy.blank("en")
    theirs = list(SpacyDocBin().from_disk(spacy_file).get_docs(nlp.vocab))
    ours = list(DocBin().from_disk(spacy_file).get_docs(Vocab()))
    assert [rows(d) for d in ours] == [rows(d) for d in theirs]
    assert [d.text for d in ours] == [d.text for d in theirs]


def test_spacy_span_groups_cats_user_data_and_unknown_spaces_load():
    nlp = spacy.blank("en")
    doc = spacy.tokens.Doc(nlp.vocab, words=["New", "York", "is", "big"])
    doc.spans["places"] = [spacy.tokens.Span(doc, 0, 2, label="CITY"),
                           spacy.tokens.Span(doc, 0, 1, label="CITY_PART")]
    doc.cats = {"GEO": 1.0}
    doc.user_data["key"] = "value"
    doc.ents = [spacy.tokens.Span(doc, 0, 2, label="GPE")]
    data = SpacyDocBin(store_user_data=True, docs=[doc]).to_bytes()
    ours = next(DocBin().from_bytes(data).get_docs(Vocab()))
    assert ours.has_unknown_spaces
    assert [(s.start, s.end, s.label_) for s in ours.spans["places"]] == \
        [(0, 2, "CITY"), (0, 1, "CITY_PART")]
    assert ours.cats == {"GEO": 1.0}
    assert ours.user_data == {"key": "value"}
    assert [(e.start, e.end, e.label_) for e in ours.ents] == [(0, 2, "GPE")]


def test_fastnlp_span_groups_and_cats_load_in_spacy():
    vocab = Vocab()
    doc = Doc(vocab, words=["New", "York", "is", "big", "!"],
              spaces=[True, True, True, False, False], ents=["B-GPE", "I-GPE", "O", "O", "O"])
    doc.spans["sc"] = [Span(doc, 0, 2, label="CITY"), Span(doc, 1, 2, label="PART")]
    doc.cats = {"GEO": 1.0}
    data = DocBin(docs=[doc]).to_bytes()
    theirs = next(SpacyDocBin().from_bytes(data).get_docs(spacy.blank("en").vocab))
    assert theirs.text == "New York is big!"
    assert [(s.start, s.end, s.label_) for s in theirs.spans["sc"]] == [(0, 2, "CITY"),
                                                                        (1, 2, "PART")]
    assert theirs.cats == {"GEO": 1.0}
    assert [(e.text, e.label_) for e in theirs.ents] == [("New York", "GPE")]
