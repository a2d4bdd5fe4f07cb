"""Lexeme: a view of one word type's context-independent attributes."""
from .attrs cimport *
from .lexeme cimport lex_check_flag, lex_get_attr


cdef class Lexeme:
    def __init__(self, Vocab vocab, attr_t orth):
        self.vocab = vocab
        self.orth = orth
        self.c = vocab.get_by_orth(orth)

    def __repr__(self):
        return f"Lexeme({self.orth_!r})"

    def __eq__(self, other):
        return isinstance(other, Lexeme) and (<Lexeme>other).orth == self.orth \
            and (<Lexeme>other).vocab is self.vocab

    def __hash__(self):
        return hash(self.orth)

    def check_flag(self, int flag_id):
        return lex_check_flag(self.c, <attr_id_t>flag_id)

    def get_attr(self, int attr_id):
        return lex_get_attr(self.c, <attr_id_t>attr_id)

    @property
    def text(self):
        return self.vocab.strings.decode(self.c.orth)

    @property
    def orth_(self):
        return self.vocab.strings.decode(self.c.orth)

    @property
    def lower(self):
        return self.c.lower

    @property
    def lower_(self):
        return self.vocab.strings.decode(self.c.lower)

    @property
    def norm(self):
        return self.c.norm

    @property
    def norm_(self):
        return self.vocab.strings.decode(self.c.norm)

    @property
    def shape(self):
        return self.c.shape

    @property
    def shape_(self):
        return self.vocab.strings.decode(self.c.shape)

    @property
    def prefix(self):
        return self.c.prefix

    @property
    def prefix_(self):
        return self.vocab.strings.decode(self.c.prefix)

    @property
    def suffix(self):
        return self.c.suffix

    @property
    def suffix_(self):
        return self.vocab.strings.decode(self.c.suffix)

    @property
    def lang(self):
        return self.c.lang

    @property
    def lang_(self):
        return self.vocab.strings.decode(self.c.lang)

    @property
    def length(self):
        return self.c.length


    # Boolean lexical flags.
    @property
    def is_alpha(self):
        return lex_check_flag(self.c, IS_ALPHA)

    @property
    def is_ascii(self):
        return lex_check_flag(self.c, IS_ASCII)

    @property
    def is_digit(self):
        return lex_check_flag(self.c, IS_DIGIT)

    @property
    def is_lower(self):
        return lex_check_flag(self.c, IS_LOWER)

    @property
    def is_punct(self):
        return lex_check_flag(self.c, IS_PUNCT)

    @property
    def is_space(self):
        return lex_check_flag(self.c, IS_SPACE)

    @property
    def is_title(self):
        return lex_check_flag(self.c, IS_TITLE)

    @property
    def is_upper(self):
        return lex_check_flag(self.c, IS_UPPER)

    @property
    def like_url(self):
        return lex_check_flag(self.c, LIKE_URL)

    @property
    def like_num(self):
        return lex_check_flag(self.c, LIKE_NUM)

    @property
    def like_email(self):
        return lex_check_flag(self.c, LIKE_EMAIL)

    @property
    def is_stop(self):
        return lex_check_flag(self.c, IS_STOP)

    @property
    def is_bracket(self):
        return lex_check_flag(self.c, IS_BRACKET)

    @property
    def is_quote(self):
        return lex_check_flag(self.c, IS_QUOTE)

    @property
    def is_left_punct(self):
        return lex_check_flag(self.c, IS_LEFT_PUNCT)

    @property
    def is_right_punct(self):
        return lex_check_flag(self.c, IS_RIGHT_PUNCT)

    @property
    def is_currency(self):
        return lex_check_flag(self.c, IS_CURRENCY)
