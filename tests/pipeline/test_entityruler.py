"""entity_ruler: the same entities as spaCy 3.8's on EWT with patterns made from the
training entities, overwrite_ents, ids, saving and loading (ours and spaCy's files), the
config's [initialize] patterns, and one-line errors."""
import pytest
import srsly

import fastnlp
from benchmarks.matcher import entity_patterns
from fastnlp.errors import FormatError
from fastnlp.matcher import MatchPatternError
from fastnlp.pipeline.entityruler import EntityRuler
from train_data import EWT

DEV, TRAIN = EWT / "en_ewt-dev.conllu", EWT / "en_ewt-train.conllu"
PATTERNS = [{"label": "ORG", "pattern": "Apple"},
            {"label": "GPE", "pattern": [{"LOWER": "san"}, {"LOWER": "francisco"}], "id": "sf"},
            {"label": "GPE", "pattern": "San Francisco Bay"},
            {"label": "NUM", "pattern": [{"IS_DIGIT": True, "OP": "+"}]}]
TEXT = "Apple opened in San Francisco Bay and san francisco 12 34."


def _ents(doc):
    return [(e.text, e.label_, e.ent_id_) for e in doc.ents]


def test_longest_match_wins_and_ids_are_kept():
    nlp = fastnlp.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(PATTERNS)
    assert _ents(nlp(TEXT)) == [("Apple", "ORG", ""), ("San Francisco Bay", "GPE", ""),
                                ("san francisco", "GPE", "sf"), ("12 34", "NUM", "")]
    assert ruler.labels == ("GPE", "NUM", "ORG") and ruler.ent_ids == ("sf",)
    assert len(ruler) == 4 and "GPE" in ruler
    assert {p["label"] for p in ruler.patterns} == {"ORG", "GPE", "NUM"}
    ruler.remove("sf")
    assert len(ruler) == 3 and ("san francisco", "GPE", "sf") not in _ents(nlp(TEXT))


def test_overwrite_ents():
    nlp = fastnlp.blank("en")
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": False})
    ruler.add_patterns([{"label": "CITY", "pattern": "San Francisco"}])
    doc = nlp.make_doc("San Francisco rocks")
    doc.ents = [doc.char_span(0, 3, label="X")]
    assert _ents(ruler(doc)) == [("San", "X", "")]
    ruler.overwrite = True
    assert _ents(ruler(doc)) == [("San Francisco", "CITY", "")]


def test_saved_and_loaded_with_the_pipeline(tmp_path):
    nlp = fastnlp.blank("en")
    nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"}).add_patterns(
        PATTERNS)
    nlp.to_disk(tmp_path / "p")
    lines = list(srsly.read_jsonl(tmp_path / "p" / "entity_ruler" / "patterns.jsonl"))
    assert lines == nlp.get_pipe("entity_ruler").patterns
    loaded = fastnlp.load(tmp_path / "p")
    assert _ents(loaded("apple and san francisco")) == [("apple", "ORG", ""),
                                                        ("san francisco", "GPE", "sf")]
    copy = EntityRuler(fastnlp.blank("en")).from_bytes(nlp.get_pipe("entity_ruler").to_bytes())
    assert copy.patterns == nlp.get_pipe("entity_ruler").patterns
    assert copy.phrase_matcher_attr == "LOWER"


def test_reads_spacys_saved_ruler(tmp_path):
    spacy = pytest.importorskip("spacy")
    snlp = spacy.blank("en")
    snlp.add_pipe("entity_ruler").add_patterns(PATTERNS)
    snlp.get_pipe("entity_ruler").to_disk(tmp_path / "ruler")
    nlp = fastnlp.blank("en")
    ruler = nlp.add_pipe("entity_ruler").from_disk(tmp_path / "ruler")
    assert _ents(nlp(TEXT)) == [(e.text, e.label_, e.ent_id_) for e in snlp(TEXT).ents]
    assert ruler.patterns == snlp.get_pipe("entity_ruler").patterns


def test_patterns_from_the_initialize_section(tmp_path):
    path = tmp_path / "patterns.jsonl"
    srsly.write_jsonl(path, PATTERNS)
    config = {"nlp": {"lang": "en", "pipeline": ["entity_ruler"]},
              "components": {"entity_ruler": {"factory": "entity_ruler"}},
              "initialize": {"components": {"entity_ruler": {"patterns": {
                  "@readers": "srsly.read_jsonl.v1", "path": str(path)}}}}}
    nlp = fastnlp.Language.from_config(config)
    nlp.initialize()
    assert len(_ents(nlp(TEXT))) == 4


@pytest.mark.parametrize("patterns,error,message", [
    ([{"pattern": "x"}], ValueError, "pattern 0 must be a dict with 'label' and 'pattern'"),
    ([{"label": "A", "pattern": 5}], ValueError, "pattern 0: 'pattern' must be a phrase"),
    ([{"label": "A", "pattern": "ok"}, {"label": "B", "pattern": [{"BAD": 1}]}],
     MatchPatternError, "unknown token attribute 'BAD'"),
])
def test_a_bad_pattern_adds_nothing(patterns, error, message):
    ruler = fastnlp.blank("en").add_pipe("entity_ruler")
    with pytest.raises(error, match=message):
        ruler.add_patterns(patterns)
    assert len(ruler) == 0


def test_a_bad_jsonl_line_names_the_file_and_line(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text('{"label": "A", "pattern": "a"}\n{"label": \n', encoding="utf8")
    with pytest.raises(FormatError, match=r"p\.jsonl:2: not JSON"):
        fastnlp.blank("en").add_pipe("entity_ruler").from_disk(path)


@pytest.mark.skipif(not TRAIN.exists(), reason=f"{TRAIN} not found")
def test_same_entities_as_spacy_on_ewt():
    spacy = pytest.importorskip("spacy")
    from benchmarks.matcher import doc_pairs

    patterns = entity_patterns(TRAIN, 2000)
    snlp, fnlp, pairs = doc_pairs(DEV, limit=60)
    sruler, fruler = snlp.add_pipe("entity_ruler"), fnlp.add_pipe("entity_ruler")
    sruler.add_patterns(patterns)
    fruler.add_patterns(patterns)
    n_ents = 0
    for sdoc, fdoc in pairs:
        sdoc.ents, fdoc.ents = [], []
        expected = [(e.start, e.end, e.label_, e.ent_id_) for e in sruler(sdoc).ents]
        assert [(e.start, e.end, e.label_, e.ent_id_) for e in fruler(fdoc).ents] == expected
        n_ents += len(expected)
    assert n_ents > 50
