import pytest

from fastnlp.errors import FormatError
from fastnlp.training.converters import conllu_to_records
from train_data import CONLLU_MWT, CONLLU_TWO


def test_conllu_reads_words_spaces_and_columns_as_spacy():
    (rec,) = conllu_to_records(CONLLU_MWT)
    assert rec.words == ["I", "do", "n't", "know", "NYC", "."]
    assert rec.spaces == [True, False, True, True, False, True]
    assert rec.tags == ["PRP", "VBP", "RB", "VERB", "NNP", "."]  # XPOS "_" -> UPOS
    assert rec.pos == ["PRON", "AUX", "PART", "VERB", "PROPN", "PUNCT"]
    assert rec.morphs == ["Case=Nom", "Mood=Ind", "", "VerbForm=Inf", "Number=Sing", ""]
    assert rec.heads == [3, 3, 3, 3, 3, 3]
    assert rec.deps == ["nsubj", "aux", "advmod", "ROOT", "obj", "punct"]
    assert rec.ents == ["O", "O", "O", "O", "B-LOC", "O"]
    assert rec.sent_starts == [True, False, False, False, False, False]


def test_conllu_groups_n_sentences_and_adds_space_between():
    text = CONLLU_TWO + "\n" + CONLLU_TWO + "\n" + CONLLU_MWT
    one, two = conllu_to_records(text, n_sents=2)
    assert one.words == ["New", "York", "New", "York"]
    assert one.spaces == [True, True, True, False]  # a space after the inner "York" only
    assert one.heads == [1, 1, 3, 3]
    assert one.ents == ["B-LOC", "I-LOC", "B-LOC", "I-LOC"]
    assert one.sent_starts == [True, False, True, False]
    assert two.words[:2] == ["I", "do"]
    (everything,) = conllu_to_records(text, n_sents=0)
    assert len(everything) == 10


def test_conllu_without_ner_items_leaves_entities_missing():
    text = CONLLU_TWO.replace("NE=B-LOC", "_").replace("NE=I-LOC|", "")
    (rec,) = conllu_to_records(text)
    assert rec.ents is None
    (rec,) = conllu_to_records(CONLLU_TWO.replace("B-LOC", "O").replace("I-LOC", "O"))
    assert rec.ents is None  # "NE=O" alone does not switch entities on, as in spaCy


def test_conllu_iob1_and_adjacent_entities():
    text = ("1\ta\t_\tX\t_\t_\t0\troot\t_\tNE=I-PER\n"
            "2\tb\t_\tX\t_\t_\t1\tdep\t_\tNE=B-PER\n"
            "3\tc\t_\tX\t_\t_\t1\tdep\t_\tNE=I-PER\n"
            "4\td\t_\tX\t_\t_\t1\tdep\t_\tNE=I-ORG\n")
    (rec,) = conllu_to_records(text)
    assert rec.ents == ["B-PER", "B-PER", "I-PER", "B-ORG"]


def test_conllu_merge_subtokens():
    (rec,) = conllu_to_records(CONLLU_MWT, merge_subtokens=True)
    assert rec.words == ["I", "don't", "know", "NYC", "."]
    assert rec.spaces == [True, True, True, False, True]
    assert rec.lemmas[1] == "do not"
    assert rec.tags[1] == "VBP_RB"
    assert rec.morphs[1] == "Mood=Ind"
    assert rec.heads == [2, 2, 2, 2, 2]
    assert rec.deps[1] == "aux"


@pytest.mark.parametrize("bad_line,line,match", [
    ("1\tI\tI\tPRON\tPRP\t_\t2\tnsubj\t_", 1, "expected 10 tab-separated columns, found 9"),
    ("1\tI\tI\tPRON\tPRP\t_\t7\tnsubj\t_\t_", 1, "head 7 of token 1 is out of range"),
    ("1\tI\tI\tPRON\tPRP\t_\tx\tnsubj\t_\t_", 1, "head 'x' of token 1 is out of range"),
    ("1\tI\tI\tPRON\tPRP\t_\t-1\tnsubj\t_\t_", 1, "head '-1' of token 1 is out"),
    ("3\tI\tI\tPRON\tPRP\t_\t2\tnsubj\t_\t_", 1, "token id '3' is not 1"),
])
def test_conllu_malformed_lines_name_file_and_line(bad_line, line, match):
    text = "# comment\n" + bad_line + "\n2\tgo\tgo\tVERB\tVB\t_\t0\troot\t_\t_\n"
    with pytest.raises(FormatError, match=match) as info:
        list(conllu_to_records(text, source="bad.conllu"))
    assert str(info.value).startswith(f"bad.conllu:{line + 1}: ")


def test_conllu_cycle_is_an_error():
    text = ("1\ta\t_\tX\t_\t_\t2\tdep\t_\t_\n"
            "2\tb\t_\tX\t_\t_\t3\tdep\t_\t_\n"
            "3\tc\t_\tX\t_\t_\t1\tdep\t_\t_\n"
            "4\td\t_\tX\t_\t_\t0\troot\t_\t_\n")
    with pytest.raises(FormatError, match=r"cyc.conllu:1: heads form a cycle through token 1"):
        list(conllu_to_records(text, source="cyc.conllu"))


def test_conllu_cycle_names_a_token_on_the_cycle():
    # Token 1 only leads into the cycle {2, 3}: the message names token 2, on its line.
    text = ("1\ta\t_\tX\t_\t_\t2\tdep\t_\t_\n"
            "2\tb\t_\tX\t_\t_\t3\tdep\t_\t_\n"
            "3\tc\t_\tX\t_\t_\t2\tdep\t_\t_\n")
    with pytest.raises(FormatError, match=r"^cyc.conllu:2: heads form a cycle through token 2$"):
        list(conllu_to_records(text, source="cyc.conllu"))


def test_conllu_bad_multiword_range():
    text = "1-3\tdon't\t_\t_\t_\t_\t_\t_\t_\t_\n1\tdo\t_\tAUX\t_\t_\t0\troot\t_\t_\n"
    with pytest.raises(FormatError, match="x.conllu:1: multi-word token range '1-3'"):
        list(conllu_to_records(text, source="x.conllu"))


def _ner(tok):
    return tok.ent_iob_ + "-" + tok.ent_type_ if tok.ent_iob_ in ("B", "I") else tok.ent_iob_


@pytest.mark.parametrize("n_sents,merge", [(1, False), (10, False), (4, True)])
def test_conllu_matches_spacy_converter_on_ewt_dev(shared_data, n_sents, merge):
    converters = pytest.importorskip("spacy.training.converters")
    path = shared_data / "ud-en-ewt" / "en_ewt-dev.conllu"
    if not path.exists():
        pytest.skip(f"{path} not found")
    text = path.read_text(encoding="utf8")
    ours = list(conllu_to_records(text, n_sents=n_sents, merge_subtokens=merge))
    theirs = list(converters.conllu_to_docs(text, n_sents=n_sents, merge_subtokens=merge,
                                            no_print=True))
    assert len(ours) == len(theirs)
    for rec, doc in zip(ours, theirs):
        assert rec.words == [t.text for t in doc]
        assert rec.spaces == [bool(t.whitespace_) for t in doc]
        assert rec.tags == [t.tag_ for t in doc]
        assert rec.pos == [t.pos_ for t in doc]
        assert rec.lemmas == [t.lemma_ for t in doc]
        assert rec.heads == [t.head.i for t in doc]
        assert rec.deps == [t.dep_ for t in doc]
        assert rec.ents == [_ner(t) for t in doc]
        assert rec.sent_starts == [bool(t.is_sent_start) for t in doc]


# Found by tests/fuzz/test_fuzz_converters.py: both escaped as a ValueError from Doc()
# when the record was built, naming neither the file nor the line.
@pytest.mark.parametrize("line, match", [
    ("2\tNew\tNew\t0PROPN\tNNP\t_\t0\troot\t_\t_",
     r"t.conllu:3: UPOS '0PROPN' of token 2 is not a universal POS tag"),
    ("2\t\tNew\tPROPN\tNNP\t_\t0\troot\t_\t_", r"t.conllu:3: token 2 has the word form ''"),
    ("2\tNew\tNew\tPROPN\tNNP\tA=b=c|\t0\troot\t_\t_",
     r"t.conllu:3: FEATS of token 2: Morphology: feature ''"),
])
def test_conllu_token_no_doc_can_hold_names_its_own_line(line, match):
    # Found by the fuzz suite as ValueErrors from Doc(); a check of the whole sentence
    # must still name the faulty token's line, not the sentence's first.
    text = "# text = x\n1\tYork\tYork\tPROPN\tNNP\t_\t2\tdep\t_\t_\n" + line + "\n"
    with pytest.raises(FormatError, match=match):
        list(conllu_to_records(text, "t.conllu"))


def test_conllu_superscript_digit_id_is_a_format_error():
    # "²".isdigit() is true but int("²") fails: found by the long fuzz run.
    line = "\u00b21\tNew\tNew\tPROPN\tNNP\t_\t0\troot\t_\t_"
    with pytest.raises(FormatError, match=r"t.conllu:1: token id '²1' is not 1"):
        list(conllu_to_records(line + "\n", "t.conllu"))
