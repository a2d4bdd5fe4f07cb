"""English: tokenizer rules, lexical attributes, stop words and noun chunks."""
from ...language import Language
from .lex_attrs import LEX_ATTRS
from .stop_words import STOP_WORDS
from .tokenizer_config import make_english_tokenizer


class English(Language):
    lang = "en"

    class Defaults(Language.Defaults):
        lex_attr_getters = LEX_ATTRS
        stop_words = STOP_WORDS

        @staticmethod
        def create_tokenizer(vocab):
            return make_english_tokenizer(vocab)


LANGUAGE = English
