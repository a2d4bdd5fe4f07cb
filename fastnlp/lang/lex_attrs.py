"""Language-independent lexical attribute getters, computed once per word type.

These Python functions are the specification. `Vocab` recognises the stock getters
by identity and computes the same values in C (`fastnlp.lex_kernels`); any other
callable in a getters table is called as is.
"""
import re
import unicodedata

from .. import attrs

_BRACKETS = set("()[]{}<>")
_QUOTES = set("'\"`‘’‚‛“”„‟«»‹›「」『』〝〞＂＇")
_LEFT_PUNCT = set("([{<«‹‘“„‚「『〝")
_RIGHT_PUNCT = set(")]}>»›’”」』〞")
_EMAIL = re.compile(r"^[\w.+-]+@[\w-]+(\.[\w-]+)*\.[A-Za-z]{2,}$")
_URL_SCHEME = re.compile(r"^(https?|ftp|file|mailto)://|^www\.", re.IGNORECASE)
_URL_TLD = re.compile(r"^[\w.-]+\.(com|org|net|edu|gov|io|co|uk|de|fr|info|biz|us|ca|au)(/\S*)?$",
                      re.IGNORECASE)


def lower(text):
    return text.lower()


def norm(text):
    return text.lower()


def shape(text, max_run=4):
    """Replace letters by x/X and digits by d, cutting each run of one kind at max_run."""
    out = []
    last = ""
    run = 0
    for char in text:
        if char.isalpha():
            kind = "X" if char.isupper() else "x"
        elif char.isdigit():
            kind = "d"
        else:
            kind = char
        run = run + 1 if kind == last else 1
        last = kind
        if run <= max_run:
            out.append(kind)
    return "".join(out)


def prefix(text):
    return text[:1]


def suffix(text):
    return text[-3:]


def is_punct(text):
    return bool(text) and all(unicodedata.category(c).startswith("P") for c in text)


def is_currency(text):
    return bool(text) and all(unicodedata.category(c) == "Sc" for c in text)


def is_bracket(text):
    return len(text) == 1 and text in _BRACKETS


def is_quote(text):
    return bool(text) and all(c in _QUOTES for c in text)


def is_left_punct(text):
    return len(text) == 1 and text in _LEFT_PUNCT


def is_right_punct(text):
    return len(text) == 1 and text in _RIGHT_PUNCT


class IsStop:
    """Getter: the lower-cased text is one of `words` (any container)."""

    __slots__ = ("words",)

    def __init__(self, words):
        self.words = words

    def __call__(self, text):
        return text.lower() in self.words

    def __repr__(self):
        return f"IsStop({len(self.words)} words)"


def like_num(text):
    text = text.lstrip("+-±~")
    text = text.replace(",", "").replace(".", "", 1)
    if text.isdigit():
        return True
    if text.count("/") == 1:
        num, denom = text.split("/")
        return num.isdigit() and denom.isdigit()
    return False


def like_url(text):
    if len(text) < 4 or text.startswith(("@", "#")) or "@" in text:
        return False
    return bool(_URL_SCHEME.match(text) or _URL_TLD.match(text))


def like_email(text):
    return bool(_EMAIL.match(text))


def make_getters(stop_words=frozenset(), like_num_fn=like_num, norm_fn=norm):
    """The attr-id -> getter table a Vocab uses to fill new lexemes."""
    return {
        attrs.LOWER: lower,
        attrs.NORM: norm_fn,
        attrs.SHAPE: shape,
        attrs.PREFIX: prefix,
        attrs.SUFFIX: suffix,
        attrs.IS_ALPHA: str.isalpha,
        attrs.IS_ASCII: str.isascii,
        attrs.IS_DIGIT: str.isdigit,
        attrs.IS_LOWER: str.islower,
        attrs.IS_UPPER: str.isupper,
        attrs.IS_TITLE: str.istitle,
        attrs.IS_SPACE: str.isspace,
        attrs.IS_PUNCT: is_punct,
        attrs.IS_BRACKET: is_bracket,
        attrs.IS_QUOTE: is_quote,
        attrs.IS_LEFT_PUNCT: is_left_punct,
        attrs.IS_RIGHT_PUNCT: is_right_punct,
        attrs.IS_CURRENCY: is_currency,
        attrs.LIKE_NUM: like_num_fn,
        attrs.LIKE_URL: like_url,
        attrs.LIKE_EMAIL: like_email,
        attrs.IS_STOP: IsStop(stop_words),
    }


LEX_ATTRS = make_getters()
