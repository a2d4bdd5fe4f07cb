"""The merge_entities, merge_noun_chunks and merge_subtokens pipeline functions."""
import pytest

import fastnlp
from fastnlp.config import Config
from fastnlp.pipeline.functions import merge_entities, merge_noun_chunks, merge_subtokens
from fastnlp.tokens import Doc


def parsed_doc(vocab):
    return Doc(vocab, words="I like David Bowie and a blue car .".split(),
               heads=[1, 1, 3, 1, 3, 7, 7, 3, 1],
               deps=["nsubj", "ROOT", "compound", "obj", "cc", "det", "amod", "conj", "punct"],
               pos=["PRON", "VERB", "PROPN", "PROPN", "CCONJ", "DET", "ADJ", "NOUN", "PUNCT"],
               tags=["PRP", "VBP", "NNP", "NNP", "CC", "DT", "JJ", "NN", "."],
               ents=["O", "O", "B-PERSON", "I-PERSON", "O", "O", "O", "O", "O"])


def test_merge_entities(vocab):
    doc = merge_entities(parsed_doc(vocab))
    assert [t.text for t in doc] == ["I", "like", "David Bowie", "and", "a", "blue", "car",
                                     "."]
    bowie = doc[2]
    assert (bowie.tag_, bowie.dep_, bowie.ent_type_, bowie.ent_iob_) == \
        ("NNP", "obj", "PERSON", "B")
    assert bowie.head.i == 1 and [(e.text, e.label_) for e in doc.ents] == \
        [("David Bowie", "PERSON")]


def test_merge_noun_chunks(vocab):
    doc = merge_noun_chunks(parsed_doc(vocab))
    assert [t.text for t in doc] == ["I", "like", "David Bowie", "and", "a blue car", "."]
    assert doc[4].tag_ == "NN" and doc[4].dep_ == "conj" and doc[4].head.i == 2
    assert [(e.text, e.label_) for e in doc.ents] == [("David Bowie", "PERSON")]


def test_merge_functions_are_no_ops_on_nothing_to_merge(vocab):
    unparsed = Doc(vocab, words=["a", "blue", "car"])
    assert merge_noun_chunks(unparsed) is unparsed and len(unparsed) == 3
    assert merge_entities(unparsed) is unparsed and len(unparsed) == 3
    assert merge_subtokens(unparsed) is unparsed and len(unparsed) == 3


def test_merge_subtokens(vocab):
    doc = Doc(vocab, words=["拜", "托", "了", "你", "好", "吗"],
              spaces=[False] * 6, heads=[1, 2, 2, 4, 2, 2],
              deps=["subtok", "subtok", "ROOT", "subtok", "obj", "subtok"])
    merge_subtokens(doc)
    assert [t.text for t in doc] == ["拜托了", "你好", "吗"]
    assert [t.dep_ for t in doc] == ["ROOT", "obj", "subtok"]
    assert [t.head.i for t in doc] == [0, 0, 0]
    other = Doc(vocab, words=["a", "b", "c"], heads=[1, 1, 1], deps=["x", "ROOT", "x"])
    merge_subtokens(other, label="x")
    assert [t.text for t in other] == ["a b", "c"]


@pytest.mark.parametrize("name", ["merge_entities", "merge_noun_chunks", "merge_subtokens"])
def test_add_pipe_and_config(name):
    nlp = fastnlp.blank("en")
    nlp.add_pipe(name)
    assert nlp.pipe_names == [name]
    assert nlp.config["components"][name] == {"factory": name}
    rebuilt = fastnlp.Language.from_config(Config().from_str(nlp.config.to_str()))
    assert rebuilt.pipe_names == [name]
    doc = rebuilt(parsed_doc(rebuilt.vocab))
    expected = {"merge_entities": 8, "merge_noun_chunks": 6, "merge_subtokens": 9}
    assert len(doc) == expected[name]


def test_pipeline_runs_both_merges(tmp_path):
    nlp = fastnlp.blank("en")
    nlp.add_pipe("merge_entities")
    nlp.add_pipe("merge_noun_chunks")
    nlp.to_disk(tmp_path / "nlp")
    loaded = fastnlp.load(tmp_path / "nlp")
    assert loaded.pipe_names == ["merge_entities", "merge_noun_chunks"]
    docs = list(loaded.pipe([parsed_doc(loaded.vocab), parsed_doc(loaded.vocab)]))
    assert [[t.text for t in doc] for doc in docs] == \
        [["I", "like", "David Bowie", "and", "a blue car", "."]] * 2
