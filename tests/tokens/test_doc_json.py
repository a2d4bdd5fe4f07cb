"""Doc.to_json / Doc.from_json in spaCy's shape: round trips, spaCy reading ours and we
reading spaCy's, extensions, and one-line errors that leave the Doc unchanged."""
import pytest

import fastnlp
from fastnlp.errors import FormatError
from fastnlp.tokens import Doc, Span, Token

WORDS = ["Apple", "is", "big", ".", "\n", "It", "grows", "  "]
SPACES = [True, True, False, True, False, True, False, False]


def _annotated(vocab):
    doc = Doc(vocab, words=WORDS, spaces=SPACES,
              tags=["NNP", "VBZ", "JJ", ".", "_SP", "PRP", "VBZ", "_SP"],
              pos=["PROPN", "AUX", "ADJ", "PUNCT", "SPACE", "PRON", "VERB", "SPACE"],
              morphs=["Number=Sing", "", "Degree=Pos", "", "", "Case=Nom", "", ""],
              lemmas=["apple", "be", "big", ".", "\n", "it", "grow", "  "],
              heads=[1, 1, 1, 1, 3, 6, 6, 6],
              deps=["nsubj", "ROOT", "acomp", "punct", "dep", "nsubj", "ROOT", "dep"],
              ents=["U-ORG", "O", "O", "O", "O", "O", "O", "O"])
    doc.spans["g"] = [Span(doc, 0, 2, label="X", kb_id="Q1"), doc[5:7]]
    doc.cats = {"tech": 1.0}
    return doc


def _state(doc):
    return ([(t.text, t.whitespace_, t.tag_, t.pos_, str(t.morph), t.lemma_, t.head.i, t.dep_,
              t.ent_iob_, t.ent_type_, t.is_sent_start) for t in doc],
            {k: [(s.start, s.end, s.label_, s.kb_id_) for s in g] for k, g in doc.spans.items()},
            doc.cats)


def test_round_trip_keeps_every_layer():
    doc = _annotated(fastnlp.blank("en").vocab)
    back = Doc(doc.vocab).from_json(doc.to_json())
    assert back.text == doc.text and _state(back) == _state(doc)
    assert back.spans["g"].doc is back


def test_json_is_spacys_both_ways():
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import Doc as SpacyDoc
    ours = _annotated(fastnlp.blank("en").vocab)
    # spaCy cannot read back a whitespace token ending the text (its from_json asserts)
    ours = ours[:-1].as_doc()
    svocab = spacy.blank("en").vocab
    theirs = SpacyDoc(svocab).from_json(ours.to_json())
    assert theirs.to_json() == ours.to_json()
    back = Doc(ours.vocab).from_json(theirs.to_json())
    assert _state(back) == _state(ours)


def test_sentences_without_a_parse_and_partial_layers():
    vocab = fastnlp.blank("en").vocab
    doc = Doc(vocab, words=["a", "b", "c", "d"], sent_starts=[True, False, True, False],
              pos=["NOUN", "NOUN", "NOUN", "NOUN"])
    data = doc.to_json()
    assert "dep" not in data["tokens"][0] and len(data["sents"]) == 2
    back = Doc(vocab).from_json(data)
    assert [s.text for s in back.sents] == ["a b", "c d"] and back[2].pos_ == "NOUN"
    assert not back.has_annotation("TAG")


def test_extensions_go_through_underscore():
    Doc.set_extension("json_topic", default=None, force=True)
    Token.set_extension("json_flag", default=False, force=True)
    Span.set_extension("json_note", default=None, force=True)
    doc = fastnlp.blank("en")("one two three")
    doc._.json_topic = "numbers"
    doc[1]._.json_flag = True
    doc[0:2]._.json_note = "first two"
    data = doc.to_json(underscore=["json_topic", "json_flag", "json_note"])
    assert data["_"] == {"json_topic": "numbers"}
    assert data["underscore_token"] == {"json_flag": [{"start": 4, "value": True}]}
    assert data["underscore_span"] == {"json_note": [{"start": 0, "end": 7,
                                                      "value": "first two"}]}
    back = Doc(doc.vocab).from_json(data)
    assert back._.json_topic == "numbers" and back[1]._.json_flag and not back[0]._.json_flag
    assert back[0:2]._.json_note == "first two"
    with pytest.raises(ValueError, match="no extension value for 'nope'"):
        doc.to_json(underscore=["nope"])


@pytest.mark.parametrize("change, match", [
    (lambda d: d.pop("tokens"), "must be a dict with 'text'"),
    (lambda d: d["tokens"][1].pop("pos"), r"tokens\[1\] has no 'pos', which tokens\[0\] has"),
    (lambda d: d["tokens"][0].pop("lemma"), r"tokens\[1\] has 'lemma', which tokens\[0\]"),
    (lambda d: d["tokens"][2].update(start=1), r"tokens\[2\]: characters \[1, 12\)"),
    (lambda d: d.update(text=d["text"].replace("is big", "is  big")), "which no token covers"),
    (lambda d: d["ents"].append({"start": 1, "end": 3, "label": "X"}),
     "Doc JSON: ents: .* does not cover whole tokens"),
    (lambda d: d["spans"]["g"].append({"start": 0, "end": 2, "label": "", "kb_id": ""}),
     r"Doc JSON: spans\['g'\]"),
    (lambda d: d["spans"]["g"][0].update(label=457),
     r"Doc JSON: spans\['g'\]: label 457 is not a string"),
    (lambda d: d["ents"][0].update(label=None), "Doc JSON: ents: label None"),
])
def test_bad_json_is_one_line_and_leaves_the_doc_unchanged(change, match):
    vocab = fastnlp.blank("en").vocab
    data = _annotated(vocab).to_json()
    change(data)
    target = Doc(vocab)
    with pytest.raises(ValueError, match=match) as info:
        target.from_json(data)
    assert isinstance(info.value, FormatError)
    assert "\n" not in str(info.value) and len(target) == 0 and not target.spans
