import pytest

from fastnlp.errors import FormatError
from fastnlp.training.converters import iob_to_records
from fastnlp.training.converters.iob import detect_iob_layout

UNER = """# sent_id = a
# text = I like Tampa Bay
1\tI\tO\t-\t-
2\tlike\tO\t-\t-
3\tTampa\tB-LOC\t-\tstephen
4\tBay\tI-LOC\t-\tstephen

1\tBob\tB-PER\t-\t-
"""


def test_uner_columns_use_form_and_iob2_columns():
    first, second = iob_to_records(UNER)
    assert first.words == ["I", "like", "Tampa", "Bay"]
    assert first.ents == ["O", "O", "B-LOC", "I-LOC"]
    assert first.spaces is None and first.tags is None
    assert second.words == ["Bob"] and second.ents == ["B-PER"]
    (both,) = iob_to_records(UNER, n_sents=2)
    assert both.sent_starts == [True, False, False, False, True]


def test_conll2003_columns_with_docstart():
    text = ("-DOCSTART- -X- O O\n\nEU NNP B-NP I-ORG\nrejects VBZ B-VP O\n\n"
            "Peter NNP B-NP I-PER\n\n-DOCSTART- -X- O O\n\nBonn NNP B-NP I-LOC\n")
    first, second = iob_to_records(text, n_sents=1)  # -DOCSTART- decides the documents
    assert first.words == ["EU", "rejects", "Peter"]
    assert first.tags == ["NNP", "VBZ", "NNP"]
    assert first.ents == ["B-ORG", "O", "B-PER"]
    assert first.sent_starts == [True, False, True]
    assert second.ents == ["B-LOC"]


def test_sentence_per_line_pipes():
    text = "I|PRP|O like|VBP|O New|NNP|B-GPE York|NNP|I-GPE\nHi|O there|O\n"
    assert detect_iob_layout(text) == "pipes"
    first, second = iob_to_records(text)
    assert first.tags == ["PRP", "VBP", "NNP", "NNP"]
    assert first.ents == ["O", "O", "B-GPE", "I-GPE"]
    assert second.tags is None


@pytest.mark.parametrize("text,line,match", [
    ("a O\nb X-PER\n", 2, "entity tag 'X-PER' of token 1 is not 'O' or B-, I-, L-, U-"),
    ("a O\nb O\n\nc O\nd O\ne -\n", 6, "entity tag '-' of token 2"),
    ("1 a O x\n2 b B- x\n", 2, "entity tag 'B-' of token 1"),
    ("a|O b|B-X c|Y\n", 1, "entity tag 'Y' of token 2"),
    ("a O\nb\n", 2, "at least 2"),
    ("a NN O\nb O\n", 2, "expected 3"),
    ("a|O b|O|O\n", 1, "word\\|iob"),
])
def test_bad_iob_input_names_file_and_line(text, line, match):
    with pytest.raises(FormatError, match=match) as info:
        list(iob_to_records(text, source="x.iob"))
    assert str(info.value).startswith(f"x.iob:{line}: ")


def _ner(tok):
    return tok.ent_iob_ + "-" + tok.ent_type_ if tok.ent_iob_ in ("B", "I") else tok.ent_iob_


@pytest.mark.parametrize("n_sents", [1, 10])
def test_uner_file_matches_spacy_ner_converter(shared_data, n_sents):
    converters = pytest.importorskip("spacy.training.converters")
    path = shared_data / "ud-en-ewt" / "en_ewt-dev.uner.iob2"
    if not path.exists():
        pytest.skip(f"{path} not found")
    text = path.read_text(encoding="utf8")
    # spaCy's `-c ner` wants "form tag" lines: give it the same data in that layout.
    two_columns = "\n".join(" ".join(line.split()[1:3]) if line.strip() else ""
                            for line in text.split("\n") if not line.startswith("#"))
    ours = list(iob_to_records(text, n_sents=n_sents))
    theirs = list(converters.conll_ner_to_docs(two_columns, n_sents=n_sents, no_print=True))
    assert len(ours) == len(theirs)
    for rec, doc in zip(ours, theirs):
        assert rec.words == [t.text for t in doc]
        assert rec.ents == [_ner(t) for t in doc]
        assert rec.sent_starts == [bool(t.is_sent_start) for t in doc]


def test_iob_empty_word_names_the_line():
    # Found with the fuzz suite: a ValueError from Doc() when the record was built.
    with pytest.raises(FormatError, match=r"t.iob:1: token 1 has the word form ''"):
        list(iob_to_records("a|O |O\n", "t.iob"))
