"""The tokenizer on random Unicode: the text always round-trips and no token is empty."""
from hypothesis import given, strategies as st

import fastnlp
from fuzzing import OUTCOMES, fuzz

NLP = fastnlp.blank("en")

WHITESPACE = st.sampled_from([" ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u2009", "\u3000",
                              " \n ", "\u200b", "\ufeff", "      "])
COMBINING = st.characters(min_codepoint=0x0300, max_codepoint=0x036F)
ASTRAL = st.characters(min_codepoint=0x10000, max_codepoint=0x10FFFF,
                       blacklist_categories=("Cs",))
CONTROL = st.characters(min_codepoint=0, max_codepoint=0x1F)
RTL = st.sampled_from(["\u05e9\u05dc\u05d5\u05dd", "\u0645\u0631\u062d\u0628\u0627",
                       "\u200f", "\u202e", "\u0627\u0644\u0652", "(\u05d0)", "\u0661\u0662"])
PIECES = st.one_of(
    st.text(max_size=12), WHITESPACE, COMBINING, ASTRAL, CONTROL, RTL,
    st.sampled_from(["don't", "U.S.", "e-mail", "http://x.org/a?b=c", ":-)", "(a)", "...",
                     "$3.50", "10km", "'s", "\"", "--", "Mr.", "a.b.c."]),
    st.builds(lambda c, n: c * n, st.characters(blacklist_categories=("Cs",)),
              st.integers(100, 3000)),  # very long words
)
TEXTS = st.lists(PIECES, max_size=12).map("".join)


def check_tokens(text):
    doc = NLP(text)
    assert doc.text == text
    assert all(len(token.text) > 0 for token in doc)
    assert "".join(t.text_with_ws for t in doc) == text
    OUTCOMES["tokenizer"]["ok"] += 1


@fuzz(800)
@given(TEXTS)
def test_random_unicode_round_trips(text):
    try:
        check_tokens(text)
    except BaseException:
        OUTCOMES["tokenizer"]["other"] += 1
        raise


@fuzz(200)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_any_text_round_trips(text):
    try:
        check_tokens(text)
    except BaseException:
        OUTCOMES["tokenizer"]["other"] += 1
        raise
