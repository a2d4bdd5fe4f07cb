import pytest
import srsly

from fastnlp import attrs
from fastnlp.errors import FormatError
from fastnlp.lang.lex_attrs import LEX_ATTRS
from fastnlp.lexeme import Lexeme
from fastnlp.symbols import SYMBOL_IDS
from fastnlp.vocab import Vocab


def test_lexeme_attributes(vocab):
    lex = vocab["Hello"]
    assert isinstance(lex, Lexeme)
    assert lex.text == "Hello"
    assert lex.lower_ == "hello"
    assert lex.norm_ == "hello"
    assert lex.shape_ == "Xxxxx"
    assert lex.prefix_ == "H"
    assert lex.suffix_ == "llo"
    assert lex.is_alpha and lex.is_title and not lex.is_digit


def test_flags(vocab):
    assert vocab["2,000"].like_num
    assert vocab["!"].is_punct
    assert vocab["("].is_bracket and vocab["("].is_left_punct
    assert vocab["$"].is_currency
    assert vocab["https://example.com/a"].like_url
    assert vocab["someone@example.org"].like_email
    assert vocab["   "].is_space


def test_shape_truncates_runs(vocab):
    assert vocab["Mississippi1234567"].shape_ == "Xxxxxdddd"


def test_same_lexeme_once(vocab):
    first = vocab["word"]
    n = len(vocab)
    assert vocab["word"] == first
    assert len(vocab) == n


def test_set_norm(vocab):
    vocab.set_norm("n't", "not")
    assert vocab["n't"].norm_ == "not"


def test_get_attr_matches_properties(vocab):
    lex = vocab["Apple"]
    assert lex.get_attr(attrs.LOWER) == lex.lower
    assert lex.get_attr(attrs.IS_TITLE) == 1


# The C path (stock getters recognised by identity) against the Python path (the same
# getters wrapped, so the Vocab must call them).

def _lexeme_fields(lex):
    flags = [flag for flag in range(64) if lex.check_flag(flag)]
    return (lex.orth, lex.lower, lex.norm, lex.shape, lex.prefix, lex.suffix, lex.lang,
            lex.length, flags)


def _wrapped(getters):
    return {attr_id: (lambda text, g=getter: g(text)) for attr_id, getter in getters.items()}


def _sample_words():
    import random
    rng = random.Random(3)
    alphabet = "aAbZ09 .,'-/@:$(“”—ßİǅΣ²٣€中\u00a0\U0001d400"
    words = ["Hello", "A", "X", "x", "d", "NOUN", "n't", "Ca", "wo", "1,000", "3rd",
             "twenty-one", "THE", "www.example.com", "me@example.org", "ǅungla", "İstanbul",
             "   ", "\n", "$", "(", "—", "colour", "“", "Xx", "dd"]
    words += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 7)))
              for _ in range(3000)]
    return words


@pytest.mark.parametrize("lang", ["", "en"])
def test_c_path_gives_the_python_getters_values(lang):
    from fastnlp.lang.en.lex_attrs import LEX_ATTRS as EN_ATTRS
    from fastnlp.lang.lex_attrs import LEX_ATTRS
    getters = EN_ATTRS if lang == "en" else LEX_ATTRS
    fast = Vocab(lex_attr_getters=getters, lang=lang)
    slow = Vocab(lex_attr_getters=_wrapped(getters), lang=lang)
    for word in _sample_words():
        assert _lexeme_fields(fast[word]) == _lexeme_fields(slow[word]), word
    assert list(fast.strings) == list(slow.strings)


def test_symbol_names_map_to_symbol_ids(vocab):
    lex = vocab["A"]
    assert lex.shape == vocab.strings["X"] == SYMBOL_IDS["X"]
    assert lex.shape_ == "X"
    assert "X" not in list(vocab.strings)


def test_custom_getters_are_honoured():
    getters = dict(LEX_ATTRS)
    getters[attrs.IS_PUNCT] = lambda text: text == "word"
    getters[attrs.SHAPE] = lambda text: "custom"
    getters[40] = str.isdigit                       # a stock getter under another flag
    vocab = Vocab(lex_attr_getters=getters)
    lex = vocab["word"]
    assert lex.is_punct and lex.shape_ == "custom" and not lex.check_flag(40)
    assert vocab["12"].check_flag(40) and not vocab["!"].is_punct


def test_getters_table_changed_in_place_or_replaced():
    vocab = Vocab(lex_attr_getters=LEX_ATTRS)
    assert vocab["alpha"].is_alpha
    vocab.lex_attr_getters[attrs.IS_ALPHA] = lambda text: False
    assert not vocab["beta"].is_alpha
    del vocab.lex_attr_getters[attrs.IS_ALPHA]
    vocab.lex_attr_getters[attrs.IS_ALPHA] = str.isalpha
    assert vocab["gamma"].is_alpha
    vocab.lex_attr_getters = {attrs.IS_DIGIT: lambda text: True}
    lex = vocab["delta"]
    assert lex.is_digit and not lex.is_alpha and lex.lower_ == "delta" and lex.shape == 0


def test_getter_errors_propagate():
    def broken(text):
        raise RuntimeError("broken getter")
    vocab = Vocab(lex_attr_getters={attrs.LOWER: broken})
    with pytest.raises(RuntimeError, match="broken getter"):
        vocab["x"]
    vocab = Vocab(lex_attr_getters={attrs.NORM: lambda text: 3})
    with pytest.raises(TypeError):
        vocab["y"]


def test_lang_change_is_seen():
    vocab = Vocab(lex_attr_getters=LEX_ATTRS, lang="en")
    assert vocab["one"].lang_ == "en"
    vocab.lang = "de"
    assert vocab["zwei"].lang_ == "de"


# Inputs the fuzz suite (tests/fuzz/test_fuzz_vocab.py) found raising KeyError, TypeError
# or msgpack's ValueError from inside Vocab.from_bytes.
@pytest.mark.parametrize("data, match", [
    (b"\xc1", "not Vocab bytes: "),
    (b"\x92\x01\x02", "expected a table with a list of strings"),
    (srsly.msgpack_dumps({"lang": "en"}), "expected a table with a list of strings"),
    (srsly.msgpack_dumps({"strings": [True]}), "found bool"),
    (srsly.msgpack_dumps({"strings": [], "lang": 3}), "lang is int, not text"),
    (srsly.msgpack_dumps({"strings": [], "tag_map": [[1]]}), "tag_map is not a table"),
])
def test_bad_vocab_bytes_are_one_format_error(data, match):
    with pytest.raises(FormatError, match=match) as info:
        Vocab().from_bytes(data)
    assert str(info.value).startswith("<Vocab bytes>: ")


def test_vocab_bytes_round_trip():
    vocab = Vocab(lang="en", tag_map={"N": {"pos": "NOUN"}})
    vocab.strings.add("Łódź")
    other = Vocab().from_bytes(vocab.to_bytes())
    assert other.lang == "en" and other.tag_map == {"N": {"pos": "NOUN"}}
    assert "Łódź" in other.strings
