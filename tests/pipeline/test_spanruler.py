"""span_ruler (and future_entity_ruler): the same span groups and entities as spaCy 3.8's
on EWT, overwrite, filters, remove/remove_by_id, saving (ours and spaCy's files), the
config's [initialize] patterns and one-line errors."""
import pytest
import srsly

import fastnlp
from benchmarks.matcher import entity_patterns
from fastnlp.matcher import MatchPatternError
from fastnlp.pipeline.spanruler import SpanRuler
from fastnlp.tokens import Span
from train_data import EWT

DEV, TRAIN = EWT / "en_ewt-dev.conllu", EWT / "en_ewt-train.conllu"
PATTERNS = [{"label": "ORG", "pattern": "Apple"},
            {"label": "GPE", "pattern": [{"LOWER": "san"}, {"LOWER": "francisco"}], "id": "sf"},
            {"label": "GPE", "pattern": "San Francisco Bay"},
            {"label": "NUM", "pattern": [{"IS_DIGIT": True, "OP": "+"}]}]
TEXT = "Apple opened in San Francisco Bay and san francisco 12 34."


def _spans(spans):
    return [(s.text, s.label_, s.id_) for s in spans]


def test_overlapping_matches_all_go_into_the_group():
    nlp = fastnlp.blank("en")
    ruler = nlp.add_pipe("span_ruler")
    ruler.add_patterns(PATTERNS)
    doc = nlp(TEXT)
    assert _spans(doc.spans["ruler"]) == [
        ("Apple", "ORG", ""), ("San Francisco", "GPE", "sf"), ("San Francisco Bay", "GPE", ""),
        ("san francisco", "GPE", "sf"), ("12", "NUM", ""), ("12 34", "NUM", ""),
        ("34", "NUM", "")]
    assert doc.ents == ()
    assert ruler.labels == ("GPE", "NUM", "ORG") and ruler.ids == ("sf",) and len(ruler) == 4
    assert "GPE" in ruler and "PER" not in ruler


def test_annotate_ents_filters_overlaps_and_overwrite():
    nlp = fastnlp.blank("en")
    nlp.add_pipe("span_ruler", config={"annotate_ents": True, "spans_key": None,
                                       "overwrite": False}).add_patterns(PATTERNS)
    doc = nlp.make_doc(TEXT)
    doc.ents = [Span(doc, 1, 2, label="EVENT")]
    doc = nlp(doc)
    assert _spans(doc.ents) == [("Apple", "ORG", ""), ("opened", "EVENT", ""),
                                ("San Francisco Bay", "GPE", ""),
                                ("san francisco", "GPE", "sf"), ("12 34", "NUM", "")]
    assert "ruler" not in doc.spans


def test_the_group_is_replaced_unless_overwrite_is_false():
    nlp = fastnlp.blank("en")
    nlp.add_pipe("span_ruler", config={"overwrite": False}).add_patterns(PATTERNS[:1])
    doc = nlp.make_doc(TEXT)
    doc.spans["ruler"] = [doc[2:3]]
    assert _spans(nlp(doc).spans["ruler"]) == [("in", "", ""), ("Apple", "ORG", "")]
    nlp.get_pipe("span_ruler").overwrite = True
    assert _spans(nlp(doc).spans["ruler"]) == [("Apple", "ORG", "")]  # doc is kept


def test_future_entity_ruler_prioritizes_as_entity_ruler_does():
    for overwrite, expected in ((False, "EVENT"), (True, "ORG")):
        nlp = fastnlp.blank("en")
        nlp.add_pipe("future_entity_ruler", config={"overwrite_ents": overwrite}
                     ).add_patterns([{"label": "ORG", "pattern": "Apple opened"}])
        doc = nlp.make_doc(TEXT)
        doc.ents = [Span(doc, 1, 2, label="EVENT")]
        assert [e.label_ for e in nlp(doc).ents] == [expected]


def test_remove_by_label_and_id():
    ruler = fastnlp.blank("en").add_pipe("span_ruler")
    ruler.add_patterns(PATTERNS)
    ruler.remove_by_id("sf")
    assert len(ruler) == 3 and ruler.ids == ()
    ruler.remove("GPE")
    assert ruler.labels == ("NUM", "ORG")
    doc = ruler.nlp(TEXT)
    assert _spans(doc.spans["ruler"])[0] == ("Apple", "ORG", "")
    with pytest.raises(ValueError, match="span_ruler: no patterns with label 'GPE'"):
        ruler.remove("GPE")
    with pytest.raises(ValueError, match="no patterns with id 'zz'"):
        ruler.remove_by_id("zz")


@pytest.mark.parametrize("patterns,error,message", [
    ([{"pattern": "x"}], ValueError, "pattern 0 must be a dict with 'label' and 'pattern'"),
    ([{"label": "A", "pattern": 5}], ValueError, "pattern 0: 'pattern' must be a phrase"),
    ([{"label": "A", "pattern": "a", "id": 3}], ValueError, "pattern 0: 'id' must be a string"),
    ([{"label": "A", "pattern": "ok"}, {"label": "B", "pattern": [{"BAD": 1}]}],
     MatchPatternError, "unknown token attribute 'BAD'"),
])
def test_a_bad_pattern_adds_nothing(patterns, error, message):
    ruler = fastnlp.blank("en").add_pipe("span_ruler")
    with pytest.raises(error, match=message):
        ruler.add_patterns(patterns)
    assert len(ruler) == 0


def test_saved_with_the_pipeline_and_as_bytes(tmp_path):
    nlp = fastnlp.blank("en")
    nlp.add_pipe("span_ruler", config={"spans_key": "rules", "phrase_matcher_attr": "LOWER"}
                 ).add_patterns(PATTERNS)
    nlp.to_disk(tmp_path / "p")
    assert len(srsly.read_jsonl(tmp_path / "p" / "span_ruler" / "patterns").__next__()) == 2
    loaded = fastnlp.load(tmp_path / "p")
    docs = loaded(TEXT), nlp(TEXT)
    assert _spans(docs[0].spans["rules"]) == _spans(docs[1].spans["rules"])
    copy = SpanRuler(fastnlp.blank("en")).from_bytes(nlp.get_pipe("span_ruler").to_bytes())
    assert copy.patterns == PATTERNS


def test_reads_spacys_saved_ruler_and_bytes(tmp_path):
    spacy = pytest.importorskip("spacy")
    snlp = spacy.blank("en")
    sruler = snlp.add_pipe("span_ruler")
    sruler.add_patterns(PATTERNS)
    sruler.to_disk(tmp_path / "ruler")
    nlp = fastnlp.blank("en")
    ruler = nlp.add_pipe("span_ruler").from_disk(tmp_path / "ruler")
    assert ruler.patterns == sruler.patterns
    sdoc = snlp(TEXT)  # a span group holds its Doc weakly: keep the Doc
    assert _spans(nlp(TEXT).spans["ruler"]) == _spans(sdoc.spans["ruler"])
    assert SpanRuler(nlp).from_bytes(sruler.to_bytes()).patterns == PATTERNS
    assert snlp.add_pipe("span_ruler", name="back").from_bytes(ruler.to_bytes()).patterns \
        == PATTERNS


def test_patterns_from_the_initialize_section(tmp_path):
    path = tmp_path / "patterns.jsonl"
    srsly.write_jsonl(path, PATTERNS)
    config = {"nlp": {"lang": "en", "pipeline": ["span_ruler"]},
              "components": {"span_ruler": {"factory": "span_ruler"}},
              "initialize": {"components": {"span_ruler": {"patterns": {
                  "@readers": "srsly.read_jsonl.v1", "path": str(path)}}}}}
    nlp = fastnlp.Language.from_config(config)
    nlp.initialize()
    doc = nlp(TEXT)
    assert len(doc.spans["ruler"]) == 7


def test_scores_the_span_group():
    from fastnlp.training import Example
    nlp = fastnlp.blank("en")
    nlp.add_pipe("span_ruler").add_patterns(PATTERNS[:1])
    reference = nlp.make_doc(TEXT)
    reference.spans["ruler"] = [Span(reference, 0, 1, label="ORG"),
                                Span(reference, 3, 5, label="GPE")]
    scores = nlp.evaluate([Example(nlp.make_doc(TEXT), reference)])
    assert scores["spans_ruler_p"] == 1.0 and scores["spans_ruler_r"] == 0.5


@pytest.mark.skipif(not TRAIN.exists(), reason=f"{TRAIN} not found")
def test_same_spans_and_entities_as_spacy_on_ewt():
    pytest.importorskip("spacy")
    from benchmarks.matcher import doc_pairs

    patterns = entity_patterns(TRAIN, 2000)
    snlp, fnlp, pairs = doc_pairs(DEV, limit=60)
    config = {"annotate_ents": True}
    sruler = snlp.add_pipe("span_ruler", config=config)
    fruler = fnlp.add_pipe("span_ruler", config=config)
    sruler.add_patterns(patterns)
    fruler.add_patterns(patterns)
    n_spans = 0
    for sdoc, fdoc in pairs:
        sdoc.ents, fdoc.ents = [], []
        sdoc, fdoc = sruler(sdoc), fruler(fdoc)
        expected = [(s.start, s.end, s.label_, s.id_) for s in sdoc.spans["ruler"]]
        assert [(s.start, s.end, s.label_, s.id_) for s in fdoc.spans["ruler"]] == expected
        assert [(e.start, e.end, e.label_) for e in fdoc.ents] == \
            [(e.start, e.end, e.label_) for e in sdoc.ents]
        n_spans += len(expected)
    assert n_spans > 50
