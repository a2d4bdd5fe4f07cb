"""Token F-score against the gold words of UD English-EWT dev (MWTs split into words)."""
from pathlib import Path

import pytest

from fastnlp.lang.en.ewt_eval import read_conllu_gold, score_corpus, token_prf

EWT_DEV = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "ud-en-ewt" / \
    "en_ewt-dev.conllu"
TARGET_F = 99.0


def test_mwt_gold_is_split_into_words(tmp_path):
    path = tmp_path / "mini.conllu"
    path.write_text("# text = I don't know.\n1\tI\n2-3\tdon't\n2\tdo\n3\tn't\n4\tknow\t\n5\t.\n\n",
                    encoding="utf8")
    [(text, spans)] = read_conllu_gold(path)
    assert [text[s:e] for s, e in spans] == ["I", "do", "n't", "know", "."]


def test_token_prf():
    assert token_prf([(0, 1), (2, 4)], [(0, 1), (2, 3), (3, 4)]) == pytest.approx(
        (50.0, 100 / 3, 40.0))


@pytest.mark.skipif(not EWT_DEV.exists(), reason=f"UD English-EWT dev not found at {EWT_DEV}")
def test_ewt_dev_token_f(en_tokenizer):
    sentences = read_conllu_gold(EWT_DEV)

    def spans(text):
        return [(t.idx, t.idx + len(t.text)) for t in en_tokenizer(text)]

    precision, recall, f = score_corpus(sentences, spans)
    assert f >= TARGET_F, (precision, recall, f)
