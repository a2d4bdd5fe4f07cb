from fastnlp import attrs
from fastnlp.lexeme import Lexeme


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
