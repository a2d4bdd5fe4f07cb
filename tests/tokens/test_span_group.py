"""SpanGroup and doc.spans: list behaviour, overlap, copies, bytes in spaCy's layout."""
import gc
import pickle

import pytest

import fastnlp
from fastnlp.tokens import Doc, DocBin, Span, SpanGroup
from fastnlp.tokens.doc_io import DocBytesError


@pytest.fixture
def doc():
    return fastnlp.blank("en")("The big grey cat sat on the warm mat")


def test_assigned_list_becomes_a_named_group(doc):
    doc.spans["animals"] = [doc[1:4], doc[3:4]]
    group = doc.spans["animals"]
    assert isinstance(group, SpanGroup) and group.name == "animals" and group.doc is doc
    assert [span.text for span in group] == ["big grey cat", "cat"] and len(group) == 2
    assert group.has_overlap
    doc.spans.setdefault("empty")
    assert len(doc.spans["empty"]) == 0 and not doc.spans["empty"].has_overlap


def test_list_operations(doc):
    group = SpanGroup(doc, name="g", attrs={"source": "rules"}, spans=[doc[0:1]])
    group.append(doc[2:4])
    group.extend([doc[6:7], doc[7:9]])
    assert not group.has_overlap
    group[0] = Span(doc, 0, 2, label="NP")
    del group[1]
    assert [span.text for span in group] == ["The big", "the", "warm mat"]
    assert group[0].label_ == "NP" and group[-1].text == "warm mat"
    assert [span.text for span in group[1:]] == ["the", "warm mat"]
    both = group + SpanGroup(doc, attrs={"source": "other", "n": 2}, spans=[doc[4:5]])
    assert [span.text for span in both][-1] == "sat" and both.attrs == {"source": "rules",
                                                                        "n": 2}
    group += [doc[5:6]]
    assert len(group) == 4 and group.name == "g"


def test_spans_of_another_doc_are_refused(doc):
    other = fastnlp.blank("en")("Another text here")
    group = SpanGroup(doc, spans=[doc[0:1]])
    with pytest.raises(ValueError, match="belongs to another Doc"):
        group.append(other[0:1])
    with pytest.raises(ValueError, match="belongs to another Doc"):
        doc.spans["x"] = [other[0:2]]
    with pytest.raises(ValueError, match="another Doc; use group.copy"):
        doc.spans["y"] = SpanGroup(other, spans=[other[0:1]])
    assert list(group) == [doc[0:1]] and "x" not in doc.spans


def test_copy_and_doc_copy_rebind_the_spans(doc):
    doc.spans["g"] = [doc[1:3]]
    doc.spans["g"].attrs["k"] = "v"
    copied = doc.copy()
    group = copied.spans["g"]
    assert group.doc is copied and group[0].doc is copied and group.attrs == {"k": "v"}
    assert group[0].text == "big grey"


def test_groups_do_not_keep_the_doc_alive():
    doc = fastnlp.blank("en")("a b c")
    group = doc.spans.setdefault("g")
    del doc
    gc.collect()
    with pytest.raises(RuntimeError, match="no longer exists"):
        group.doc


def test_bytes_round_trip_and_bad_bytes(doc):
    group = SpanGroup(doc, name="g", attrs={"a": [1, 2]},
                      spans=[Span(doc, 0, 2, label="X", kb_id="Q1", span_id="id1")])
    back = SpanGroup(doc).from_bytes(group.to_bytes())
    assert back == group and back[0].kb_id_ == "Q1" and back[0].id_ == "id1"
    short = fastnlp.blank("en")("one")
    with pytest.raises(DocBytesError, match="outside the doc"):
        SpanGroup(short).from_bytes(group.to_bytes())
    with pytest.raises(DocBytesError, match="not msgpack"):
        SpanGroup(doc).from_bytes(b"\xc1")


def test_doc_bytes_docbin_and_pickle_keep_groups_and_attrs(doc):
    doc.spans["g"] = [Span(doc, 1, 4, label="NP"), doc[3:4]]
    doc.spans["g"].attrs["scorer"] = "x"
    for restored in (Doc(doc.vocab).from_bytes(doc.to_bytes()),
                     pickle.loads(pickle.dumps(doc)),
                     next(iter(DocBin(docs=[doc]).get_docs(doc.vocab)))):
        group = restored.spans["g"]
        assert [(s.start, s.end, s.label_) for s in group] == [(1, 4, "NP"), (3, 4, "")]
        assert group.attrs == {"scorer": "x"} and group.doc is restored


def test_spacy_reads_our_groups_and_we_read_its():
    spacy = pytest.importorskip("spacy")
    text = "The big grey cat sat on the warm mat"
    ours = fastnlp.blank("en")(text)
    ours.spans["sc"] = SpanGroup(ours, name="sc", attrs={"n": 1},
                                 spans=[Span(ours, 1, 4, label="NP"), Span(ours, 2, 4)])
    theirs = spacy.tokens.Doc(spacy.blank("en").vocab).from_bytes(ours.to_bytes())
    group = theirs.spans["sc"]
    assert [(s.start, s.end, s.label_) for s in group] == [(1, 4, "NP"), (2, 4, "")]
    assert group.attrs == {"n": 1} and group.has_overlap
    assert SpanGroup(ours).from_bytes(group.to_bytes()) == ours.spans["sc"]
    theirs.spans["other"] = [theirs[0:1]]
    back = Doc(ours.vocab).from_bytes(theirs.to_bytes())
    assert [s.text for s in back.spans["other"]] == ["The"]
