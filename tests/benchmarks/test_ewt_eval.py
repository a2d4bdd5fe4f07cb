"""benchmarks/ewt_eval.py: CoNLL-U gold spans (multi-word tokens split) and token P/R/F."""
import pytest

from benchmarks.ewt_eval import read_conllu_gold, score_corpus, token_prf


def write(tmp_path, text):
    path = tmp_path / "mini.conllu"
    path.write_text(text, encoding="utf8")
    return path


def test_mwt_gold_is_split_into_words(tmp_path):
    path = write(tmp_path, "# text = I don't know.\n1\tI\n2-3\tdon't\n2\tdo\n3\tn't\n"
                           "4\tknow\t\n5\t.\n\n")
    [(text, spans)] = read_conllu_gold(path)
    assert [text[s:e] for s, e in spans] == ["I", "do", "n't", "know", "."]


def test_mwt_whose_words_do_not_spell_it_is_one_span(tmp_path):
    path = write(tmp_path, "# text = Im here\n1-2\tIm\n1\tI\n2\tam\n3\there\n")
    [(text, spans)] = read_conllu_gold(path)
    assert [text[s:e] for s, e in spans] == ["Im", "here"]


def test_empty_nodes_are_skipped_and_last_sentence_read_without_blank_line(tmp_path):
    path = write(tmp_path, "# text = a b\n1\ta\n1.1\tx\n2\tb\n\n# text = c\n1\tc")
    sentences = read_conllu_gold(path)
    assert [[text[s:e] for s, e in spans] for text, spans in sentences] == [["a", "b"], ["c"]]


def test_token_prf():
    assert token_prf([(0, 1), (2, 4)], [(0, 1), (2, 3), (3, 4)]) == pytest.approx(
        (50.0, 100 / 3, 40.0))
    assert token_prf([], [(0, 1)]) == (0.0, 0.0, 0.0)


def test_score_corpus_ignores_whitespace_tokens_and_keys_by_sentence():
    sentences = [("a  b", [(0, 1), (3, 4)]), ("a", [(0, 1)])]
    spans = {"a  b": [(0, 1), (2, 3), (3, 4)], "a": [(0, 1)]}
    assert score_corpus(sentences, spans.__getitem__) == pytest.approx((100.0, 100.0, 100.0))
    # the same span in another sentence is another token
    assert score_corpus(sentences, lambda text: [(0, 1)]) == pytest.approx(
        (100.0, 200 / 3, 80.0))
