"""The C lexical attribute kernels against the Python getters of fastnlp.lang.lex_attrs."""
import random
import sys

import pytest

from fastnlp import attrs
from fastnlp.lang import lex_attrs
from fastnlp.lex_kernels import generic_values

FLAG_GETTERS = {
    "is_alpha": str.isalpha, "is_ascii": str.isascii, "is_digit": str.isdigit,
    "is_lower": str.islower, "is_upper": str.isupper, "is_title": str.istitle,
    "is_space": str.isspace, "is_punct": lex_attrs.is_punct,
    "is_bracket": lex_attrs.is_bracket, "is_quote": lex_attrs.is_quote,
    "is_left_punct": lex_attrs.is_left_punct, "is_right_punct": lex_attrs.is_right_punct,
    "is_currency": lex_attrs.is_currency, "like_num": lex_attrs.like_num,
}
STRING_GETTERS = {"shape": lex_attrs.shape, "prefix": lex_attrs.prefix,
                  "suffix": lex_attrs.suffix}

# Characters chosen to hit every branch: cased/uncased letters, titlecase (ǅ), digits
# that are not decimal (²), other scripts' digits (٣), signs of like_num, quotes and
# brackets of the lex_attrs sets, currency, Unicode spaces, combining marks, astral
# letters, digits and punctuation.
ALPHABET = (
    "aAzZ09 \t\n.,/-+~@#:_'\"`()[]{}<>!?$%&*;="
    "ßİıéÉñǅǈǲΣσςДжß²³½٣७±€£¥₹“”‘’«»‹›「」『』〝〞＂＇—–…\u00a0\u2028\u3000\u0301\u200b"
    "中文ｶ\U0001d400\U0001d7ce\U0001f600\U00010100\U0001e95e"
)


def _random_strings(seed, count, max_len=8):
    rng = random.Random(seed)
    out = ["", "a", "A", "Ab", "AB", "ab", "1,000", "3/4", "+-1.5", "1.2.3", "1/2/3", "/4",
           "1/", "..1", "X", "x", "d", "Xxxxxdddd", "Mississippi1234567", "can't", "'s",
           "www.example.com", "ǅungla", "ǅ", "ΣΑΣ", "²", "٣٤", "—", "“", "(", "$", "€€"]
    for _ in range(count):
        out.append("".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, max_len))))
    return out


def _assert_same(text):
    values = generic_values(text)
    for name, getter in FLAG_GETTERS.items():
        assert values[name] == getter(text), (name, text)
    for name, getter in STRING_GETTERS.items():
        assert values[name] == getter(text), (name, text)
    if not values["maybe_url"]:
        assert not lex_attrs.like_url(text), text
    if not values["maybe_email"]:
        assert not lex_attrs.like_email(text), text


@pytest.mark.parametrize("seed", range(4))
def test_kernels_match_python_getters_on_random_strings(seed):
    for text in _random_strings(seed, 3000):
        _assert_same(text)


def test_kernels_match_python_getters_on_single_code_points():
    rng = random.Random(11)
    points = list(range(0x250)) + [rng.randrange(sys.maxunicode + 1) for _ in range(20000)]
    for point in points:
        if 0xD800 <= point <= 0xDFFF:
            continue
        _assert_same(chr(point))
        _assert_same(chr(point) * 6)
        _assert_same("A" + chr(point) + "b")


def test_url_and_email_pretests_pass_what_the_regexes_accept():
    for text in ["https://example.com/a", "www.x.org", "example.co.uk", "ftp://host",
                 "someone@example.org", "a.b+c@d-e.fr\n", "mailto://me"]:
        _assert_same(text)
        values = generic_values(text)
        assert values["maybe_url"] or values["maybe_email"], text


def test_shape_of_long_non_ascii_runs():
    text = "ÉÉÉÉÉÉééééé٣٣٣٣٣٣——————\U0001d400\U0001d400\U0001d400\U0001d400\U0001d400"
    assert generic_values(text)["shape"] == lex_attrs.shape(text) == "XXXXxxxxdddd————XXXX"


def test_is_stop_getter_is_a_plain_callable():
    getter = lex_attrs.IsStop(frozenset({"the"}))
    assert getter("The") and not getter("cat")
    assert lex_attrs.make_getters(stop_words={"a"})[attrs.IS_STOP]("A")
