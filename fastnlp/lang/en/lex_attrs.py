"""English lexical attributes: like_num with number words, norm exceptions."""
from ..lex_attrs import like_num as _generic_like_num
from ..lex_attrs import make_getters
from .stop_words import STOP_WORDS

_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
          "fourteen fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_SCALES = "hundred thousand million billion trillion quadrillion dozen".split()
NUMBER_WORDS = frozenset(_UNITS + _TENS + _SCALES)
ORDINAL_WORDS = frozenset(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth "
    "thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth hundredth "
    "thousandth millionth billionth trillionth".split())
_ORDINAL_SUFFIXES = ("st", "nd", "rd", "th")

# Spelling variants and clitics mapped to one normal form.
NORM_EXCEPTIONS = {
    "n't": "not", "nt": "not", "n’t": "not", "'m": "am", "’m": "am", "'re": "are",
    "’re": "are", "'ve": "have", "’ve": "have", "'ll": "will", "’ll": "will", "’s": "'s",
    "`s": "'s", "’d": "'d", "ca": "can", "wo": "will", "ai": "am", "gon": "going",
    "na": "to", "wan": "want", "ta": "to", "u": "you", "ur": "your", "r": "are",
    "cuz": "because", "'cause": "because", "cos": "because", "coz": "because", "thru": "through",
    "tho": "though", "pls": "please", "plz": "please", "thx": "thanks", "ok": "okay",
    "colour": "color", "favourite": "favorite", "honour": "honor", "labour": "labor",
    "centre": "center", "theatre": "theater", "organise": "organize", "realise": "realize",
    "recognise": "recognize", "analyse": "analyze", "defence": "defense", "licence": "license",
    "travelling": "traveling", "travelled": "traveled", "grey": "gray", "mum": "mom",
    "‘": "'", "’": "'", "“": '"', "”": '"', "''": '"', "``": '"', "…": "...", "—": "--",
    "–": "-",
}


def english_like_num(text):
    """True for digits ("1,000", "3/4"), number words ("twenty-one") and ordinals ("3rd")."""
    if _generic_like_num(text):
        return True
    lower = text.lower()
    if lower in NUMBER_WORDS or lower in ORDINAL_WORDS:
        return True
    if "-" in lower:
        parts = lower.split("-")
        if all(p in NUMBER_WORDS or p in ORDINAL_WORDS for p in parts if p):
            return any(parts)
    if lower.endswith(_ORDINAL_SUFFIXES) and lower[:-2].replace(",", "").isdigit():
        return True
    return False


def english_norm(text):
    """Lower-case form, with spelling variants and clitics normalized."""
    lower = text.lower()
    return NORM_EXCEPTIONS.get(lower, lower)


LEX_ATTRS = make_getters(stop_words=STOP_WORDS, like_num_fn=english_like_num,
                         norm_fn=english_norm)
