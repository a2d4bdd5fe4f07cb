"""English tokenizer settings, for the English Language class and for `make_english_tokenizer`."""
from ...tokenizer import Tokenizer
from .lex_attrs import LEX_ATTRS
from .punctuation import INFIX_RE, INFIXES, PREFIX_RE, PREFIXES, SUFFIX_RE, SUFFIXES
from .stop_words import STOP_WORDS
from .tokenizer_exceptions import TOKEN_MATCH, TOKENIZER_EXCEPTIONS, URL_MATCH

__all__ = ["TOKENIZER_EXCEPTIONS", "PREFIXES", "SUFFIXES", "INFIXES", "TOKEN_MATCH",
           "URL_MATCH", "LEX_ATTRS", "STOP_WORDS", "make_english_tokenizer"]


def make_english_tokenizer(vocab):
    """A Tokenizer with the English prefixes, suffixes, infixes and special cases."""
    return Tokenizer(
        vocab,
        rules=TOKENIZER_EXCEPTIONS,
        prefix_search=PREFIX_RE.match,
        suffix_search=SUFFIX_RE.search,
        infix_finditer=INFIX_RE.finditer,
        token_match=TOKEN_MATCH,
        url_match=URL_MATCH,
        plain_chunks_whole=True,
    )
