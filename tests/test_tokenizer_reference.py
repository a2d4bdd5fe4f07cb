"""The Cython Tokenizer gives exactly what the pure-Python reference gives."""
import random

import pytest

from fastnlp.lang.en.tokenizer_config import LEX_ATTRS, make_english_tokenizer
from fastnlp.tokenizer_reference import tokenize
from fastnlp.vocab import Vocab

SAMPLES = [
    "Hello, world! It's 7:30PM -- don't you know?",
    "Email john.smith@enron.com or visit http://www.enron.com/news.html.",
    "The U.S. non-profit's 15-year plan (approx. $3.5bn) cannot fail :) <3",
    "  Multiple   spaces\tand\ttabs\n\nnewlines  ",
    "Mr. and Mrs. Smith went to Washington D.C.. They're gonna stay.",
    "i dont think its ok,lol!!!?? wait...what",
    "Call 713-853-3989 or 345-9945; 11/20/2000 and 3-4 days",
    "«Ça va?» — café, naïve, ŒUVRE, 東京 (日本), Привет!",
    "end.", ".", "", " ", "Mr", "Mr.", "a,", "ab,", "abc.", "I.", "M.", "ok!", "9,",
]

ALPHABET = ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
            " \t\n.,;:!?'\"()[]{}<>-–—/\\@#$%&*+=_~^`’“”…éüßçñ東京Ж\u00a0\u2028🙂")


def reference_tokens(tokenizer, text):
    return [(orth, has_space) for orth, _, has_space in tokenize(tokenizer_rules(tokenizer), text)]


def tokenizer_rules(tokenizer):
    from fastnlp.tokenizer_reference import AffixRules, special_case_pieces
    from fastnlp.attrs import NORM, ORTH
    specials = {s: special_case_pieces(s, subs, ORTH, NORM) for s, subs in tokenizer.rules.items()}
    return AffixRules(specials, tokenizer.prefix_search, tokenizer.suffix_search,
                      tokenizer.infix_finditer, tokenizer.token_match, tokenizer.url_match)


def fast_tokens(tokenizer, text):
    return [(t.text, bool(t.whitespace_)) for t in tokenizer(text)]


@pytest.fixture(scope="module")
def en_tokenizer():
    return make_english_tokenizer(Vocab(lex_attr_getters=LEX_ATTRS, lang="en"))


@pytest.mark.parametrize("text", SAMPLES)
def test_samples_equal_reference(en_tokenizer, text):
    assert fast_tokens(en_tokenizer, text) == reference_tokens(en_tokenizer, text)
    # second pass: served from the cache
    assert fast_tokens(en_tokenizer, text) == reference_tokens(en_tokenizer, text)


def test_random_unicode_equals_reference(en_tokenizer):
    rng = random.Random(0)
    for _ in range(2000):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 40)))
        assert fast_tokens(en_tokenizer, text) == reference_tokens(en_tokenizer, text), text


def test_random_words_equal_reference(en_tokenizer):
    """Letters with one trailing mark exercise the C fast path's promise."""
    rng = random.Random(1)
    words = list(en_tokenizer.rules) + ["dont", "Mr", "etc", "e", "a", "I", "ab", "word"]
    for _ in range(2000):
        word = rng.choice(words) + rng.choice(["", ".", ",", ";", ":", "!", "?", "..", ".,"])
        text = " ".join([word, rng.choice(words)])
        assert fast_tokens(en_tokenizer, text) == reference_tokens(en_tokenizer, text), text


def test_norms_equal_reference(en_tokenizer):
    text = "I can't, we're gonna, dont."
    ref = tokenize(tokenizer_rules(en_tokenizer), text)
    doc = en_tokenizer(text)
    for token, (orth, norm, _) in zip(doc, ref):
        assert token.text == orth
        if norm is not None:
            assert token.norm_ == norm


def test_ewt_texts_equal_reference(en_tokenizer, shared_data):
    from benchmarks.ewt_eval import read_conllu_gold
    sentences = read_conllu_gold(shared_data / "ud-en-ewt" / "en_ewt-dev.conllu")
    rules = tokenizer_rules(en_tokenizer)
    for text, _ in sentences:
        expected = [(orth, sp) for orth, _, sp in tokenize(rules, text)]
        assert fast_tokens(en_tokenizer, text) == expected, text
