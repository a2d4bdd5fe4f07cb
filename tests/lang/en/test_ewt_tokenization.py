"""The English rules reach token F >= 99 against the gold words of UD English-EWT dev.

The scorer (benchmarks/ewt_eval.py) has its own tests in tests/benchmarks/.
"""
from pathlib import Path

import pytest

from benchmarks.ewt_eval import read_conllu_gold, score_corpus

EWT_DEV = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "ud-en-ewt" / \
    "en_ewt-dev.conllu"
TARGET_F = 99.0


@pytest.mark.skipif(not EWT_DEV.exists(), reason=f"UD English-EWT dev not found at {EWT_DEV}")
def test_ewt_dev_token_f(en_tokenizer):
    sentences = read_conllu_gold(EWT_DEV)

    def spans(text):
        return [(t.idx, t.idx + len(t.text)) for t in en_tokenizer(text)]

    precision, recall, f = score_corpus(sentences, spans)
    assert f >= TARGET_F, (precision, recall, f)
