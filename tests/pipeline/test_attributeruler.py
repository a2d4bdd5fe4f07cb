"""attribute_ruler: the same attributes as spaCy 3.8's from a tag map and rules on EWT,
rule order and index, extensions, saving, and one-line errors."""
import pytest

import fastnlp
from fastnlp.tokens import Doc, Token
from train_data import EWT

DEV = EWT / "en_ewt-dev.conllu"


@pytest.fixture
def nlp():
    return fastnlp.blank("en")


def test_rules_in_order_with_index(nlp):
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "the"}, {"LOWER": "who"}]], {"POS": "PROPN", "LEMMA": "The Who"})
    ruler.add([[{"LOWER": "who"}]], {"TAG": "WP", "MORPH": "PronType=Int"}, index=-1)
    ruler.add([[{"LOWER": "the"}]], {"POS": "DET"})
    doc = nlp("the who sang")
    assert [(t.pos_, t.lemma_, t.tag_, str(t.morph)) for t in doc[:2]] == [
        ("DET", "The Who", "", ""), ("", "", "WP", "PronType=Int")]
    assert len(ruler.patterns) == 3 and ruler.patterns[1]["index"] == -1


def test_tag_map_and_morph_rules(nlp):
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.load_from_tag_map({"NNS": {"POS": "NOUN", "Number": "plur"}, "VBZ": {"POS": "VERB"}})
    ruler.load_from_morph_rules({"VBZ": {"is": {"LEMMA": "be", "Person": "3"}}})
    doc = Doc(nlp.vocab, words=["dogs", "is"], tags=["NNS", "VBZ"])
    ruler(doc)
    assert [(t.pos_, t.lemma_, str(t.morph)) for t in doc] == [
        ("NOUN", "", "Number=plur"), ("VERB", "be", "Person=3")]


def test_extensions_and_saving(nlp, tmp_path):
    Token.set_extension("is_greeting", default=False, force=True)
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add_patterns([{"patterns": [[{"LOWER": "hi"}]], "attrs": {"_": {"is_greeting": True},
                                                                    "NORM": "hello"}}])
    nlp.to_disk(tmp_path / "p")
    loaded = fastnlp.load(tmp_path / "p")
    doc = loaded("hi there")
    assert doc[0]._.is_greeting and doc[0].norm_ == "hello" and not doc[1]._.is_greeting
    copy = loaded.get_pipe("attribute_ruler")
    assert copy.patterns == ruler.patterns
    Token.remove_extension("is_greeting")


@pytest.mark.parametrize("attrs,index,message", [
    ({"HEAD": 1}, 0, r"rule 0: cannot set 'HEAD'; set one of"),
    ({"FOO": "x"}, 0, r"cannot set 'FOO' \(not a token attribute\)"),
    ({"POS": 5}, 0, r"POS must be a string"),
    ({"POS": "NOUN"}, "0", r"index must be an int"),
])
def test_bad_rules_are_one_line_errors(nlp, attrs, index, message):
    ruler = nlp.add_pipe("attribute_ruler")
    with pytest.raises(ValueError, match=message):
        ruler.add([[{"ORTH": "a"}]], attrs, index=index)
    assert ruler.patterns == []


def test_an_index_outside_the_match_names_the_rule(nlp):
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"ORTH": "a"}]], {"POS": "DET"}, index=2)
    with pytest.raises(ValueError, match=r"rule 0 sets token 2 of a 1-token match \('a'\)"):
        nlp("a")


@pytest.mark.skipif(not DEV.exists(), reason=f"{DEV} not found")
def test_same_attributes_as_spacy_on_ewt():
    spacy = pytest.importorskip("spacy")
    from benchmarks.matcher import doc_pairs

    snlp, fnlp, pairs = doc_pairs(DEV, limit=60)
    tag_map = {}
    for _, fdoc in pairs:
        for token in fdoc:
            tag_map.setdefault(token.tag_, {"POS": token.pos_})
    rules = [{"patterns": [[{"LOWER": "the"}, {"POS": "NOUN"}]], "attrs": {"LEMMA": "X"},
              "index": -1},
             {"patterns": [[{"TAG": "NNP", "OP": "+"}]], "attrs": {"MORPH": "Number=Sing"}}]
    sruler = snlp.add_pipe("attribute_ruler")
    fruler = fnlp.add_pipe("attribute_ruler")
    for ruler in (sruler, fruler):
        ruler.load_from_tag_map(tag_map)
        ruler.add_patterns(rules)
    for sdoc, fdoc in pairs:
        expected = [(t.pos_, t.lemma_, str(t.morph)) for t in sruler(sdoc)]
        assert [(t.pos_, t.lemma_, str(t.morph)) for t in fruler(fdoc)] == expected
