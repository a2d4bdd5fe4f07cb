import pytest

from fastnlp.lang.en.lex_attrs import english_like_num, english_norm
from fastnlp.lang.en.stop_words import STOP_WORDS


@pytest.mark.parametrize("text", ["10", "1,000", "3.5", "3/4", "twenty", "Twenty-one",
                                  "million", "third", "21st", "3rd"])
def test_like_num_true(text):
    assert english_like_num(text)


@pytest.mark.parametrize("text", ["dog", "-", "twentyish", "1st-class", "", "th"])
def test_like_num_false(text):
    assert not english_like_num(text)


@pytest.mark.parametrize("text,norm", [("n't", "not"), ("N'T", "not"), ("'m", "am"),
                                       ("Colour", "color"), ("Dog", "dog")])
def test_norm(text, norm):
    assert english_norm(text) == norm


def test_stop_words():
    assert {"the", "and", "of"} <= STOP_WORDS
    assert "dog" not in STOP_WORDS
