"""displacy's output structure (arcs, entity marks, span layers, options, errors) and, on the
same inputs, the same drawing as spaCy 3.8's displacy: words, tags, labels, arc endpoints,
arrow directions, entity texts and labels, span bars, read back from the markup."""
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _markup import read_entities, read_spans, read_svgs  # noqa: E402

import fastnlp  # noqa: E402
from fastnlp import displacy  # noqa: E402
from fastnlp.errors import DisplacyError  # noqa: E402
from fastnlp.tokens import Doc, Span  # noqa: E402

WORDS = ["This", "is", "a", "sentence", "."]
HEADS = [1, 1, 3, 1, 1]
DEPS = ["nsubj", "ROOT", "det", "attr", "punct"]
POS = ["PRON", "AUX", "DET", "NOUN", "PUNCT"]
TAGS = ["DT", "VBZ", "DT", "NN", "."]

MANUAL_DEP = {
    "words": [{"text": "This", "tag": "DT"}, {"text": "is", "tag": "VBZ"},
              {"text": "a", "tag": "DT"}, {"text": "sentence", "tag": "NN"}],
    "arcs": [{"start": 0, "end": 1, "label": "nsubj", "dir": "left"},
             {"start": 2, "end": 3, "label": "det", "dir": "left"},
             {"start": 1, "end": 3, "label": "attr", "dir": "right"}],
}
MANUAL_ENT = {"text": "But Google is starting from behind in New York.",
              "ents": [{"start": 38, "end": 46, "label": "GPE"},
                       {"start": 4, "end": 10, "label": "ORG", "kb_id": "Q95",
                        "kb_url": "https://www.wikidata.org/wiki/Q95"}]}
MANUAL_SPAN = {"text": "Welcome to the Bank of China.",
               "spans": [{"start_token": 3, "end_token": 6, "label": "ORG"},
                         {"start_token": 5, "end_token": 6, "label": "GPE"},
                         {"start_token": 2, "end_token": 4, "label": "X"}],
               "tokens": ["Welcome", "to", "the", "Bank", "of", "China", "."]}


@pytest.fixture(scope="module")
def nlp():
    return fastnlp.blank("en")


def parsed_doc(vocab):
    return Doc(vocab, words=WORDS, heads=HEADS, deps=DEPS, pos=POS, tags=TAGS,
               lemmas=["this", "be", "a", "sentence", "."])


def test_dep_from_doc(nlp):
    svg = displacy.render(parsed_doc(nlp.vocab), style="dep", options={"collapse_punct": False})
    (drawing,) = read_svgs(svg)
    assert [w[:2] for w in drawing["words"]] == list(zip(WORDS, POS))
    arcs = drawing["arcs"]
    assert [a["label"] for a in arcs] == ["nsubj", "det", "attr", "punct"]
    # A left arc's arrowhead is at its start (the dependent), a right arc's at its end.
    assert arcs[0]["head_x"] == arcs[0]["start_x"] and arcs[0]["start_x"] < arcs[0]["end_x"]
    assert arcs[2]["head_x"] == arcs[2]["end_x"]
    xs = [w[3] for w in drawing["words"]]
    assert xs == [50 + 175 * i for i in range(5)]


def test_parse_deps_and_collapse_punct(nlp):
    doc = parsed_doc(nlp.vocab)
    parsed = displacy.parse_deps(doc)
    assert [w["text"] for w in parsed["words"]] == ["This", "is", "a", "sentence ."]
    assert parsed["arcs"] == [
        {"start": 0, "end": 1, "label": "nsubj", "dir": "left"},
        {"start": 2, "end": 3, "label": "det", "dir": "left"},
        {"start": 1, "end": 3, "label": "attr", "dir": "right"}]
    fine = displacy.parse_deps(doc, {"fine_grained": True, "add_lemma": True,
                                     "collapse_punct": False})
    assert [(w["tag"], w["lemma"]) for w in fine["words"]][:2] == [("DT", "this"),
                                                                 ("VBZ", "be")]
    (drawing,) = read_svgs(displacy.render(fine, manual=True))
    assert drawing["words"][1][:3] == ("is", "VBZ", "be")


def test_dep_span_and_no_parse_warns(nlp):
    doc = parsed_doc(nlp.vocab)
    parsed = displacy.parse_deps(doc[2:4])
    assert parsed["arcs"] == [{"start": 0, "end": 1, "label": "det", "dir": "left"}]
    with pytest.warns(UserWarning, match="no dependency parse"):
        parsed = displacy.parse_deps(Doc(nlp.vocab, words=["no", "parse"]))
    assert parsed["arcs"] == []


def test_dep_options():
    svg = displacy.render(MANUAL_DEP, manual=True, options={
        "compact": True, "color": "blue", "bg": "#123456", "font": "Courier",
        "distance": 100, "offset_x": 30, "arrow_spacing": 5, "word_spacing": 20})
    (drawing,) = read_svgs(svg)
    assert [w[3] for w in drawing["words"]] == [30, 130, 230, 330]
    assert "color: blue" in drawing["style"] and "background: #123456" in drawing["style"]
    assert "font-family: Courier" in drawing["style"]
    assert drawing["width"] == 30 + 4 * 100
    arcs = re.findall(r'class="displacy-arc"[^>]* d="([^"]+)"', svg)
    assert len(arcs) == 3 and not any("C" in d for d in arcs)  # compact: straight lines
    assert drawing["arcs"][0]["start_x"] == 30 + 5


def test_dep_page_minify_and_ids():
    page = displacy.render([MANUAL_DEP, MANUAL_DEP], manual=True, page=True)
    assert page.startswith("<!DOCTYPE html>") and page.count("<figure") == 2
    ids = [d["id"] for d in read_svgs(page)]
    assert len(set(ids)) == 2
    small = displacy.render(MANUAL_DEP, manual=True, minify=True)
    assert "\n" not in small and read_svgs(small)[0]["words"] == read_svgs(page)[0]["words"]


def test_ent_view(nlp):
    doc = Doc(nlp.vocab, words=["Anna", "met", "Bob", "in", "Paris", "."],
              spaces=[True, True, True, True, False, False])
    doc.ents = [Span(doc, 0, 1, label="PERSON"), Span(doc, 4, 5, label="GPE")]
    html = displacy.render(doc, style="ent")
    got = read_entities(html)
    assert got["ents"] == [("Anna", "PERSON"), ("Paris", "GPE")]
    assert " ".join(got["text"].split()) == "Anna PERSON met Bob in Paris GPE ."
    assert "#aa9cfc" in got["styles"][0]
    only = read_entities(displacy.render(doc, style="ent", options={
        "ents": ["gpe"], "colors": {"GPE": "red"}}))
    assert only["ents"] == [("Paris", "GPE")] and "background: red" in only["styles"][0]
    custom = displacy.render(doc, style="ent", options={"template": "[{text}|{label}|{bg}]"})
    assert "[Anna|PERSON|#aa9cfc]" in custom
    with pytest.warns(UserWarning, match="no entities"):
        displacy.parse_ents(Doc(nlp.vocab, words=["nothing"]))


def test_ent_manual_sorted_kb_and_escaping():
    html = displacy.render(dict(MANUAL_ENT), style="ent", manual=True)
    got = read_entities(html)
    assert got["ents"] == [("Google", "ORG"), ("New York", "GPE")]
    assert ">Q95</a>" in html
    assert 'href="https://www.wikidata.org/wiki/Q95"' in html
    tricky = displacy.render({"text": "a <b> & c\nd", "ents": [{"start": 2, "end": 5,
                                                               "label": "X"}]},
                             style="ent", manual=True)
    assert "&lt;b&gt;" in tricky and "&amp;" in tricky and "<br>" in tricky


def test_span_layers(nlp):
    html = displacy.render(MANUAL_SPAN, style="span", manual=True)
    tokens = read_spans(html)
    assert [t[0] for t in tokens] == ["the", "Bank", "of", "China"]
    by_text = {t[0]: t for t in tokens}
    # "the Bank" (X) starts first: level 1; ORG starts on "Bank" while X is open: level 2;
    # GPE starts on "China" under ORG (level 2): level 3.
    assert [top for top, _ in by_text["Bank"][1]] == [40, 57]
    assert [top for top, _ in by_text["the"][1]] == [40] and by_text["the"][2] == ["X"]
    assert by_text["Bank"][2] == ["ORG"]
    assert [top for top, _ in by_text["China"][1]] == [57, 74]
    assert by_text["China"][2] == ["GPE"]
    doc = Doc(nlp.vocab, words=MANUAL_SPAN["tokens"])
    doc.spans["mine"] = [Span(doc, 3, 6, label="ORG"), Span(doc, 5, 6, label="GPE")]
    with pytest.warns(UserWarning, match="spans_key 'sc'"):
        displacy.parse_spans(doc)
    html = displacy.render(doc, style="span", options={"spans_key": "mine",
                                                       "colors": {"ORG": "#abcdef"}})
    tokens = {t[0]: t for t in read_spans(html)}
    assert tokens["China"][1] == [(40, "#abcdef"), (57, "#feca74")]


def test_span_template():
    html = displacy.render(MANUAL_SPAN, style="span", manual=True, options={"template": {
        "span": "<b>{text}{span_slices}{span_starts}</b>", "slice": "<i>{bg}</i>",
        "start": "<u>{label}</u>"}})
    assert "<b>China<i>" in html and "<u>GPE</u>" in html


@pytest.mark.parametrize("call,match", [
    (lambda: displacy.render(MANUAL_DEP, style="tree", manual=True), "'tree'"),
    (lambda: displacy.render({"words": []}, manual=True), "'arcs'"),
    (lambda: displacy.render({"text": "x"}, style="ent", manual=True), "'ents'"),
    (lambda: displacy.render({"text": "x", "spans": []}, style="span", manual=True),
     "'tokens'"),
    (lambda: displacy.render({"words": [{"text": "a", "tag": "X"}], "arcs": [
        {"start": 0, "end": 1, "label": "l", "dir": "up"}]}, manual=True), "'up'"),
    (lambda: displacy.render({"words": [{"text": "a"}], "arcs": []}, manual=True), "'tag'"),
    (lambda: displacy.render("a string"), "str"),
    (lambda: displacy.render(MANUAL_DEP), "dict"),
])
def test_errors_are_one_line(call, match):
    with pytest.raises(DisplacyError, match=match) as info:
        call()
    assert isinstance(info.value, ValueError) and "\n" not in str(info.value)


def test_jupyter_mode(monkeypatch):
    ipython_display = pytest.importorskip("IPython.display")
    shown = []
    monkeypatch.setattr(ipython_display, "display", lambda obj: shown.append(obj))
    assert displacy.render(MANUAL_DEP, manual=True, jupyter=True) is None
    assert "tex2jax_ignore" in shown[0].data and "<svg" in shown[0].data
    assert not displacy.is_in_jupyter()


def test_render_wrapper():
    try:
        displacy.set_render_wrapper(lambda html: f"<div id='w'>{html}</div>")
        assert displacy.render(MANUAL_DEP, manual=True).startswith("<div id='w'><svg")
    finally:
        displacy.RENDER_WRAPPER = None
    with pytest.raises(DisplacyError):
        displacy.set_render_wrapper("nope")


# --- the same drawing as spaCy 3.8 ---------------------------------------------------------

spacy = pytest.importorskip("spacy", reason="spaCy 3.8 is needed for the comparison tests")
from spacy import displacy as spacy_displacy  # noqa: E402


def _geometry(drawing):
    return ([w[:3] for w in drawing["words"]],
            [(a["label"], a["start_x"], a["end_x"], a["y_curve"], a["head_x"])
             for a in drawing["arcs"]], drawing["width"], drawing["height"])


@pytest.mark.parametrize("options", [{}, {"compact": True}, {"distance": 90, "offset_x": 10},
                                     {"arrow_spacing": 4, "arrow_width": 3, "word_spacing": 30}])
def test_dep_same_as_spacy(options):
    lemma = dict(MANUAL_DEP, words=[dict(w, lemma=w["text"].lower())
                                    for w in MANUAL_DEP["words"]])
    for data in (MANUAL_DEP, lemma):
        ours = read_svgs(displacy.render(data, manual=True, options=options))
        theirs = read_svgs(spacy_displacy.render(data, manual=True, options=options,
                                                 jupyter=False))
        assert [_geometry(d) for d in ours] == [_geometry(d) for d in theirs]


def test_dep_from_doc_same_as_spacy(nlp):
    sp_nlp = spacy.blank("en")
    words = ["Apple", "is", "looking", "at", "buying", "U.K.", "startup", "for", "$", "1",
             "billion", "!", "!"]
    heads = [2, 2, 2, 2, 3, 6, 4, 4, 10, 10, 7, 2, 2]
    deps = ["nsubj", "aux", "ROOT", "prep", "pcomp", "compound", "dobj", "prep", "quantmod",
            "compound", "pobj", "punct", "punct"]
    pos = ["PROPN", "AUX", "VERB", "ADP", "VERB", "PROPN", "NOUN", "ADP", "SYM", "NUM",
           "NUM", "PUNCT", "PUNCT"]
    ours_doc = Doc(nlp.vocab, words=words, heads=heads, deps=deps, pos=pos)
    sp_doc = spacy.tokens.Doc(sp_nlp.vocab, words=words, heads=heads, deps=deps, pos=pos)
    for options in ({}, {"collapse_punct": False}):
        ours = displacy.parse_deps(ours_doc, options)
        theirs = spacy_displacy.parse_deps(sp_doc, options)
        assert ours["words"] == theirs["words"] and ours["arcs"] == theirs["arcs"]
        assert (_geometry(read_svgs(displacy.render(ours_doc, options=options))[0])
                == _geometry(read_svgs(spacy_displacy.render(sp_doc, options=options,
                                                             jupyter=False))[0]))


def test_ents_same_as_spacy():
    for options in ({}, {"ents": ["GPE"]}, {"colors": {"ORG": "green"}}):
        ours = read_entities(displacy.render(dict(MANUAL_ENT), style="ent", manual=True,
                                             options=options))
        theirs = read_entities(spacy_displacy.render(dict(MANUAL_ENT), style="ent",
                                                     manual=True, options=options,
                                                     jupyter=False))
        assert ours["ents"] == theirs["ents"]
        assert ours["text"].split() == theirs["text"].split()
        bg = [s.split(";")[0] for s in ours["styles"]]
        assert bg == [s.split(";")[0] for s in theirs["styles"]]


def test_spans_same_as_spacy():
    ours = read_spans(displacy.render(MANUAL_SPAN, style="span", manual=True))
    theirs = read_spans(spacy_displacy.render(MANUAL_SPAN, style="span", manual=True,
                                              jupyter=False))
    assert ours == theirs


def test_collapse_phrases_same_as_spacy(nlp):
    words = ["The", "big", "dog", "barks", "at", "the", "cat", "."]
    heads = [2, 2, 3, 3, 3, 6, 4, 3]
    deps = ["det", "amod", "nsubj", "ROOT", "prep", "det", "pobj", "punct"]
    pos = ["DET", "ADJ", "NOUN", "VERB", "ADP", "DET", "NOUN", "PUNCT"]
    ours_doc = Doc(nlp.vocab, words=words, heads=heads, deps=deps, pos=pos)
    sp_doc = spacy.tokens.Doc(spacy.blank("en").vocab, words=words, heads=heads, deps=deps,
                              pos=pos)
    options = {"collapse_phrases": True}
    ours = displacy.parse_deps(ours_doc, options)
    theirs = spacy_displacy.parse_deps(sp_doc, options)
    assert [w["text"] for w in ours["words"]] == ["The big dog", "barks", "at", "the cat ."]
    assert ours["words"] == theirs["words"] and ours["arcs"] == theirs["arcs"]


def test_doc_ents_and_spans_same_as_spacy(nlp):
    words = ["Welcome", "to", "the", "Bank", "of", "China", "in", "Beijing", "."]
    spaces = [True] * 7 + [False, False]
    ours = Doc(nlp.vocab, words=words, spaces=spaces)
    theirs = spacy.tokens.Doc(spacy.blank("en").vocab, words=words, spaces=spaces)
    for doc, span_cls in ((ours, Span), (theirs, spacy.tokens.Span)):
        doc.ents = [span_cls(doc, 2, 6, label="ORG"), span_cls(doc, 7, 8, label="GPE")]
        doc.spans["sc"] = [span_cls(doc, 3, 6, label="ORG"), span_cls(doc, 5, 6, label="GPE"),
                           span_cls(doc, 7, 8, label="GPE")]
    ent_ours = read_entities(displacy.render(ours, style="ent"))
    ent_theirs = read_entities(spacy_displacy.render(theirs, style="ent", jupyter=False))
    assert ent_ours["ents"] == ent_theirs["ents"] == [("the Bank of China", "ORG"),
                                                      ("Beijing", "GPE")]
    assert ent_ours["text"].split() == ent_theirs["text"].split()
    assert displacy.parse_spans(ours)["spans"] == spacy_displacy.parse_spans(theirs)["spans"]
    assert (read_spans(displacy.render(ours, style="span"))
            == read_spans(spacy_displacy.render(theirs, style="span", jupyter=False)))


def test_detects_a_notebook(monkeypatch):
    ipython = pytest.importorskip("IPython")
    ipython_display = pytest.importorskip("IPython.display")

    class ZMQInteractiveShell:
        config = {}

    monkeypatch.setattr(ipython, "get_ipython", lambda: ZMQInteractiveShell())
    shown = []
    monkeypatch.setattr(ipython_display, "display", lambda obj: shown.append(obj))
    assert displacy.is_in_jupyter()
    assert displacy.render(MANUAL_DEP, manual=True) is None and "<svg" in shown[0].data
    assert displacy.render(MANUAL_DEP, manual=True, jupyter=False).startswith("<svg")
    assert fastnlp.displacy is displacy
