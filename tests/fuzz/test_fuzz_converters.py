"""The corpus converters (CoNLL-U, IOB, JSONL, spaCy v2 JSON, CSV) on mutated real inputs,
read as `fastnlp convert` reads them: read_records, then record_to_doc."""
import json
from pathlib import Path

from hypothesis import given, strategies as st

import fastnlp
from fastnlp.training.converters import read_records, record_to_doc
from fastnlp.vocab import Vocab
from fuzzing import check_case, fuzz, mutated_text
from train_data import CONLLU_MWT, CONLLU_TWO, EWT, JSON_V2_DOC

CONLLU = CONLLU_MWT + "\n" + CONLLU_TWO
IOB_COLUMNS = """# text = I like Tampa Bay
1\tI\tO\t-\t-
2\tlike\tO\t-\t-
3\tTampa\tB-LOC\t-\tstephen
4\tBay\tI-LOC\t-\tstephen

1\tBob\tB-PER\t-\t-
"""
IOB_PIPES = "I|PRP|O like|VBP|O New|NNP|B-LOC York|NNP|I-LOC\nBob|NNP|B-PER runs|VBZ|O\n"
JSONL = ('{"text": "Apple is in Cupertino", "entities": [[0, 5, "ORG"], '
         '{"start": 12, "end": 21, "label": "GPE"}], "spans": [[0, 8, "X"]], '
         '"cats": {"TECH": 1}}\n'
         '{"text": "Hi, you.", "words": ["Hi", ",", "you", "."], "entities": []}\n')
JSON_V2 = json.dumps([JSON_V2_DOC], indent=1)
CSV = 'text,label,id\n"Loved it, really",POS,1\nawful,NEG,2\n\n"two\nlines",POS,3\n'


def _head(path: Path, n_lines: int) -> str:
    """The first lines of a shared corpus file, cut at a sentence break ("" if absent)."""
    if not path.exists():
        return ""
    with path.open(encoding="utf8") as f:
        lines = [next(f, "") for _ in range(n_lines)]
    text = "".join(lines)
    return text[:text.rfind("\n\n") + 2] if "\n\n" in text else text


SAMPLES = {
    "conllu": [s for s in (CONLLU, _head(EWT / "en_ewt-dev.conllu", 80)) if s],
    "iob": [s for s in (IOB_COLUMNS, IOB_PIPES, _head(EWT / "en_ewt-dev.uner.iob2", 60)) if s],
    "jsonl": [JSONL],
    "json": [JSON_V2],
    "csv": [CSV],
}
SEPARATORS = {"conllu": "\t", "iob": "\t", "jsonl": ",", "json": ":", "csv": ","}


TOKENIZER = fastnlp.blank("en").tokenizer


def tokenize(text):
    """`fastnlp convert --lang en`'s tokenizer for JSONL lines without "words"."""
    doc = TOKENIZER(text)
    return [t.text for t in doc], [bool(t.whitespace_) for t in doc]


def _convert(converter, text, n_sents=1, merge_subtokens=False):
    source = f"fuzz.{converter}"

    def call():
        vocab = Vocab()
        for rec in read_records(text, converter, source=source, n_sents=n_sents,
                                merge_subtokens=merge_subtokens, tokenize=tokenize):
            record_to_doc(vocab, rec)
    return check_case(f"convert {converter}", source, call)


def test_the_samples_convert():
    for converter, samples in SAMPLES.items():
        for text in samples:
            assert _convert(converter, text) is None, converter


def _strategy(converter):
    sep = SEPARATORS[converter]
    return st.one_of(*[mutated_text(text, sep) for text in SAMPLES[converter]])


@fuzz(500)
@given(_strategy("conllu"), st.integers(1, 3), st.booleans())
def test_conllu(text, n_sents, merge_subtokens):
    _convert("conllu", text, n_sents, merge_subtokens)


@fuzz(400)
@given(st.one_of(_strategy("iob"), mutated_text(IOB_PIPES, " "), mutated_text(IOB_PIPES, "|")),
       st.integers(1, 3))
def test_iob(text, n_sents):
    _convert("iob", text, n_sents)


@fuzz(400)
@given(st.one_of(_strategy("jsonl"), mutated_text(JSONL, " ")))
def test_jsonl(text):
    _convert("jsonl", text)


@fuzz(400)
@given(st.one_of(_strategy("json"), mutated_text(JSON_V2, " "), mutated_text(JSON_V2, ",")))
def test_json_v2(text):
    _convert("json", text)


@fuzz(300)
@given(st.one_of(_strategy("csv"), mutated_text(CSV, "\n"), mutated_text(CSV, '"')))
def test_csv(text):
    _convert("csv", text)


@fuzz(200)
@given(st.sampled_from(sorted(SAMPLES)), st.text(max_size=200))
def test_random_text(converter, text):
    _convert(converter, text)
