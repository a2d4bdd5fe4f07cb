"""Doc.retokenize: merging spans and splitting tokens (tokens/retokenizer.pyx)."""
import numpy
import pytest

from fastnlp.tokens import Doc, Span, Token


@pytest.fixture
def parsed(vocab):
    # She met New York City officials . They liked it .
    words = ["She", "met", "New", "York", "City", "officials", ".", "They", "liked", "it", "."]
    return Doc(
        vocab, words=words,
        spaces=[True, True, True, True, True, False, True, True, True, False, False],
        tags=["PRP", "VBD", "NNP", "NNP", "NNP", "NNS", ".", "PRP", "VBD", "PRP", "."],
        pos=["PRON", "VERB", "PROPN", "PROPN", "PROPN", "NOUN", "PUNCT", "PRON", "VERB",
             "PRON", "PUNCT"],
        heads=[1, 1, 4, 4, 5, 1, 1, 8, 8, 8, 8],
        deps=["nsubj", "ROOT", "compound", "compound", "compound", "obj", "punct", "nsubj",
              "ROOT", "obj", "punct"],
        ents=["O", "O", "B-GPE", "I-GPE", "I-GPE", "O", "O", "O", "O", "O", "O"],
        lemmas=["she", "meet", "New", "York", "City", "official", ".", "they", "like", "it",
                "."],
        morphs=["Case=Nom", "Tense=Past", "", "", "", "Number=Plur", "", "", "", "", ""],
    )


def table(doc):
    return [(t.text, t.whitespace_, t.idx, t.head.i, t.dep_, t.tag_, t.pos_, t.lemma_,
             t.ent_iob_, t.ent_type_) for t in doc]


def test_merge_one_span(parsed):
    with parsed.retokenize() as retokenizer:
        retokenizer.merge(parsed[2:5])
    assert [t.text for t in parsed] == ["She", "met", "New York City", "officials", ".",
                                        "They", "liked", "it", "."]
    merged = parsed[2]
    assert merged.idx == 8 and merged.whitespace_ == " "
    assert merged.tag_ == "NNP" and merged.dep_ == "compound" and merged.head.i == 3
    assert merged.lemma_ == "New York City"
    assert [c.text for c in parsed[3].children] == ["New York City"]
    assert parsed.text == "She met New York City officials. They liked it."
    assert [(e.text, e.label_) for e in parsed.ents] == [("New York City", "GPE")]
    assert [s.text for s in parsed.sents] == ["She met New York City officials.",
                                              "They liked it."]
    assert parsed[1].head.i == 1 and parsed[8].head.i == 6
    assert merged.orth == parsed.vocab.strings["New York City"]
    assert merged.lower_ == "new york city"


def test_merge_many_spans_in_one_block(parsed):
    with parsed.retokenize() as retokenizer:
        retokenizer.merge(parsed[2:6])
        retokenizer.merge(parsed[0:2])
        retokenizer.merge(parsed[8:10])
    assert [t.text for t in parsed] == ["She met", "New York City officials", ".", "They",
                                        "liked it", "."]
    assert [t.head.i for t in parsed] == [0, 0, 0, 4, 4, 4]
    assert [t.dep_ for t in parsed] == ["ROOT", "obj", "punct", "nsubj", "ROOT", "punct"]
    assert [t.is_sent_start for t in parsed] == [True, False, False, True, False, False]
    assert [s.text for s in parsed.sents] == ["She met New York City officials.",
                                              "They liked it."]
    # the root token of "New York City officials" has no entity: the entity is gone
    assert parsed.ents == ()


def test_merge_with_attrs(parsed):
    with parsed.retokenize() as retokenizer:
        retokenizer.merge(parsed[2:5], attrs={"LEMMA": "NYC", "tag": "NNP_", "POS": "PROPN",
                                              "DEP": "nmod", "MORPH": "Number=Sing",
                                              "NORM": "nyc", "ENT_TYPE": "LOC"})
    tok = parsed[2]
    assert (tok.lemma_, tok.tag_, tok.pos_, tok.dep_, str(tok.morph), tok.norm_) == \
        ("NYC", "NNP_", "PROPN", "nmod", "Number=Sing", "nyc")
    assert [(e.text, e.label_) for e in parsed.ents] == [("New York City", "LOC")]


def test_merge_without_parse_keeps_sentence_starts(vocab):
    doc = Doc(vocab, words="a b c d e".split(), sent_starts=[1, -1, -1, 1, -1])
    with doc.retokenize() as retokenizer:
        retokenizer.merge(doc[1:3])
        retokenizer.merge(doc[3:5])
    assert [t.text for t in doc] == ["a", "b c", "d e"]
    assert [t.is_sent_start for t in doc] == [True, False, True]
    assert all(t.head.i == t.i for t in doc)
    assert doc[1].lemma == 0


def test_repeated_merge_is_skipped_and_overlap_is_an_error(parsed):
    with parsed.retokenize() as retokenizer:
        retokenizer.merge(parsed[2:5])
        retokenizer.merge(parsed[2:5])
    assert len(parsed) == 9
    before = table(parsed)
    with pytest.raises(ValueError, match="non-disjoint") as info:
        with parsed.retokenize() as retokenizer:
            retokenizer.merge(parsed[0:2])
            retokenizer.merge(parsed[1:3])
    assert "\n" not in str(info.value)
    assert table(parsed) == before        # nothing applied, the first merge neither


def test_errors_leave_the_doc_unchanged(parsed, vocab):
    before = table(parsed)
    other = Doc(vocab, words=["x", "y"])
    cases = [
        lambda r: r.merge(other[0:2]),
        lambda r: r.merge(parsed[3:3]),
        lambda r: r.merge(parsed[0:2], attrs={"LOWER": "x"}),
        lambda r: r.merge(parsed[0:2], attrs={"POS": "NOTAPOS"}),
        lambda r: r.merge(parsed[0:2], attrs={"_": {"no_such_extension": 1}}),
        lambda r: r.split(parsed[1], ["m", "x"], heads=[parsed[1], parsed[1]]),
        lambda r: r.split(parsed[1], ["m", "et"], heads=[parsed[1]]),
        lambda r: r.split(parsed[1], ["m", "et"], heads=[parsed[1], (parsed[1], 2)]),
        lambda r: r.split(parsed[1], ["m", "et"], heads=[parsed[1], (parsed[0], 1)]),
        lambda r: r.split(parsed[1], ["m", "et"], heads=[(parsed[1], 1), (parsed[1], 0)]),
        lambda r: r.split(parsed[1], ["m", "et"], heads=[parsed[1], other[0]]),
        lambda r: r.split(parsed[1], ["m", "et"], heads=[parsed[1], parsed[1]],
                          attrs={"TAG": ["X"]}),
        lambda r: r.split(parsed[1], ["m", "et"], heads=[parsed[1], parsed[1]],
                          attrs={"SHAPE": ["x", "x"]}),
        lambda r: (r.merge(parsed[0:2]), r.split(parsed[1], ["m", "et"],
                                                 heads=[parsed[1], parsed[1]])),
        lambda r: (r.split(parsed[1], ["m", "et"], heads=[parsed[1], parsed[1]]),
                   r.merge(parsed[1:3])),
    ]
    for case in cases:
        with pytest.raises(ValueError) as info:
            with parsed.retokenize() as retokenizer:
                retokenizer.merge(parsed[7:9])
                case(retokenizer)
        assert "\n" not in str(info.value)
        assert table(parsed) == before


def test_split_with_heads_and_attrs(parsed):
    with parsed.retokenize() as retokenizer:
        retokenizer.split(parsed[5], ["offic", "ials"], heads=[(parsed[5], 1), parsed[1]],
                          attrs={"TAG": ["NN", "NNS"], "DEP": ["compound", "obj"],
                                 "LEMMA": ["offic", "ial"], "POS": ["NOUN", "NOUN"],
                                 "MORPH": ["", "Number=Plur"]})
    assert [t.text for t in parsed][4:8] == ["City", "offic", "ials", "."]
    assert [t.whitespace_ for t in parsed][4:8] == [" ", "", "", " "]
    assert [t.idx for t in parsed][5:7] == [22, 27]
    assert parsed[5].head.i == 6 and parsed[6].head.i == 1
    assert [t.tag_ for t in parsed][5:7] == ["NN", "NNS"]
    assert [t.lemma_ for t in parsed][5:7] == ["offic", "ial"]
    assert str(parsed[6].morph) == "Number=Plur"
    # the token that pointed at the split token points at its first subtoken
    assert parsed[4].head.i == 5
    assert parsed[8].head.i == 9
    assert [s.text for s in parsed.sents] == ["She met New York City officials.",
                                              "They liked it."]
    assert parsed.text == "She met New York City officials. They liked it."


def test_split_defaults_and_entities(vocab):
    doc = Doc(vocab, words=["I", "like", "NewYork"], ents=["O", "O", "B-GPE"],
              tags=["PRP", "VBP", "NNP"], lemmas=["I", "like", "NewYork"])
    with doc.retokenize() as retokenizer:
        retokenizer.split(doc[2], ["New", "York"], heads=[doc[2], (doc[2], 0)])
    assert [t.text for t in doc] == ["I", "like", "New", "York"]
    assert [(e.text, e.label_) for e in doc.ents] == [("NewYork", "GPE")]
    assert [t.tag_ for t in doc] == ["PRP", "VBP", "NNP", "NNP"]
    assert [t.lemma_ for t in doc] == ["I", "like", "New", "York"]
    assert doc[3].head.i == 2


def test_split_heads_to_other_split_tokens(parsed):
    with parsed.retokenize() as retokenizer:
        retokenizer.split(parsed[0], ["S", "he"], heads=[(parsed[1], 1), (parsed[0], 0)])
        retokenizer.split(parsed[1], ["m", "et"], heads=[(parsed[1], 1), (parsed[1], 1)],
                          attrs={"DEP": ["dep", "ROOT"]})
        retokenizer.merge(parsed[2:5])
    assert [t.text for t in parsed][:5] == ["S", "he", "m", "et", "New York City"]
    assert [t.head.i for t in parsed][:6] == [3, 0, 3, 3, 5, 2]
    assert parsed[3].dep_ == "ROOT"


def test_extensions(parsed):
    Token.set_extension("retok_flag", default=False, force=True)
    Token.set_extension("retok_getter", getter=lambda t: 1, force=True)
    try:
        with parsed.retokenize() as retokenizer:
            retokenizer.merge(parsed[2:5], attrs={"_": {"retok_flag": True}})
            retokenizer.split(parsed[8], ["lik", "ed"], heads=[parsed[8], (parsed[8], 0)],
                              attrs={"_": [{"retok_flag": "a"}, {"retok_flag": "b"}]})
        assert [t._.retok_flag for t in parsed] == \
            [False, False, True, False, False, False, "a", "b", False, False]
        with pytest.raises(ValueError, match="not writable"):
            with parsed.retokenize() as retokenizer:
                retokenizer.merge(parsed[0:2], attrs={"_": {"retok_getter": 2}})
    finally:
        Token.remove_extension("retok_flag")
        Token.remove_extension("retok_getter")


def test_user_data_spans_tensor_and_bytes(parsed, vocab):
    parsed.user_data["key"] = "value"
    parsed.spans["group"] = [parsed[2:5], parsed[3:6], parsed[8:10], parsed[0:1]]
    parsed.spans["group"].attrs["source"] = "rules"
    group = parsed.spans["group"]
    parsed.tensor = numpy.arange(len(parsed) * 2, dtype="float32").reshape((-1, 2))
    with parsed.retokenize() as retokenizer:
        retokenizer.merge(parsed[2:5])
        retokenizer.split(parsed[9], ["i", "t"], heads=[parsed[9], (parsed[9], 0)])
    assert parsed.user_data["key"] == "value"
    assert [s.text for s in parsed.spans["group"]] == ["New York City",
                                                        "New York City officials",
                                                        "liked it", "She"]
    assert parsed.spans["group"] is group and group.attrs == {"source": "rules"}
    assert parsed.tensor.shape == (10, 2)
    assert parsed.tensor[2].tolist() == [8, 9]       # the last row of the merged span
    assert parsed.tensor[7].tolist() == [0, 0] and parsed.tensor[8].tolist() == [0, 0]
    assert parsed.tensor[9].tolist() == [20, 21]
    again = Doc(vocab).from_bytes(parsed.to_bytes())
    assert table(again) == table(parsed)
    assert [s.text for s in again.spans["group"]] == [s.text for s in parsed.spans["group"]]
    assert again.user_data["key"] == "value"
    assert [t.is_sent_start for t in again] == [t.is_sent_start for t in parsed]


def test_empty_block_and_exception_in_block(parsed):
    before = table(parsed)
    with parsed.retokenize():
        pass
    with pytest.raises(KeyError):
        with parsed.retokenize() as retokenizer:
            retokenizer.merge(parsed[0:2])
            raise KeyError("stop")
    assert table(parsed) == before


def test_merge_whole_doc_and_span_type(parsed):
    with pytest.raises(ValueError, match="expected a Span"):
        with parsed.retokenize() as retokenizer:
            retokenizer.merge(parsed[0])
    with parsed.retokenize() as retokenizer:
        retokenizer.merge(parsed[0:len(parsed)])
    assert len(parsed) == 1 and parsed[0].text == parsed.text
    assert isinstance(parsed[0:1], Span)


def test_split_without_parse_keeps_sentence_starts(vocab):
    doc = Doc(vocab, words=["Hi", "there.", "Bye"], sent_starts=[1, -1, 1])
    with doc.retokenize() as retokenizer:
        retokenizer.split(doc[1], ["there", "."], heads=[doc[1], (doc[1], 0)])
    assert [t.text for t in doc] == ["Hi", "there", ".", "Bye"]
    assert [t.is_sent_start for t in doc] == [True, False, False, True]
    assert [s.text for s in doc.sents] == ["Hi there.", "Bye"]
    assert doc[2].head.i == 1 and doc[1].head.i == 1


def test_merge_bounds_matches_merge(parsed):
    other = parsed.copy()
    with parsed.retokenize() as retokenizer:
        retokenizer.merge_bounds([(2, 5), (8, 10), (2, 5)])
    with other.retokenize() as retokenizer:
        retokenizer.merge(other[2:5])
        retokenizer.merge(other[8:10])
    assert table(parsed) == table(other)
    with pytest.raises(ValueError, match="non-disjoint"):
        with other.retokenize() as retokenizer:
            retokenizer.merge_bounds([(0, 2), (1, 3)])
