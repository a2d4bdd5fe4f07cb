"""Language-neutral base ("xx", spaCy's MultiLanguage): English's generic punctuation
splitting (quotes, brackets, dots, dashes, symbols, units after numbers), its URL match
and emoticons, without English's clitics, abbreviations, special cases or stop words."""
from ...attrs import ORTH
from ...language import Language
from ...tokenizer import Tokenizer
from ..en.punctuation import CLITIC_SUFFIXES, INFIXES, PREFIXES, SUFFIXES
from ..en.tokenizer_exceptions import EMOTICONS, URL_MATCH
from ..lex_attrs import LEX_ATTRS
from ..punctuation import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

PREFIX_RE = compile_prefix_regex(PREFIXES)
SUFFIX_RE = compile_suffix_regex([s for s in SUFFIXES if s not in CLITIC_SUFFIXES])
INFIX_RE = compile_infix_regex(INFIXES)
TOKENIZER_EXCEPTIONS = {emoticon: [{ORTH: emoticon}] for emoticon in EMOTICONS.split()}


def make_multi_tokenizer(vocab):
    return Tokenizer(vocab, rules=TOKENIZER_EXCEPTIONS, prefix_search=PREFIX_RE.match,
                     suffix_search=SUFFIX_RE.search, infix_finditer=INFIX_RE.finditer,
                     url_match=URL_MATCH)


class MultiLanguage(Language):
    lang = "xx"

    class Defaults(Language.Defaults):
        lex_attr_getters = LEX_ATTRS
        stop_words = frozenset()

        @staticmethod
        def create_tokenizer(vocab):
            return make_multi_tokenizer(vocab)


LANGUAGE = MultiLanguage
