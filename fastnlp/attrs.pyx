"""Attribute names and ids (the ids are the enum in attrs.pxd)."""
from .symbols import SYMBOL_IDS

_NAMES = [
    "IS_ALPHA", "IS_ASCII", "IS_DIGIT", "IS_LOWER", "IS_PUNCT", "IS_SPACE", "IS_TITLE",
    "IS_UPPER", "LIKE_URL", "LIKE_NUM", "LIKE_EMAIL", "IS_STOP", "IS_BRACKET", "IS_QUOTE",
    "IS_LEFT_PUNCT", "IS_RIGHT_PUNCT", "IS_CURRENCY", "ID", "ORTH", "LOWER", "NORM",
    "SHAPE", "PREFIX", "SUFFIX", "LENGTH", "LEMMA", "POS", "TAG", "DEP", "ENT_IOB",
    "ENT_TYPE", "HEAD", "SENT_START", "SPACY", "LANG", "ENT_KB_ID", "MORPH", "ENT_ID", "IDX",
]
IDS = {name: SYMBOL_IDS[name] for name in _NAMES}
NAMES = {value: name for name, value in IDS.items()}
# Token-level boolean attributes that live in the lexeme's flag bits.
FLAG_ATTRS = {name: IDS[name] for name in _NAMES if IDS[name] < 64}

globals().update(IDS)


def intify_attr(name_or_id):
    """Map an attribute name ("TAG", "tag", "token.tag") or id to its id."""
    if isinstance(name_or_id, int):
        if name_or_id not in NAMES:
            raise ValueError(f"Unknown attribute id {name_or_id}")
        return name_or_id
    key = str(name_or_id).upper()
    if key.startswith("TOKEN."):
        key = key[len("TOKEN."):]
    if key.endswith("_") and key[:-1] in IDS:
        key = key[:-1]
    if key not in IDS:
        raise ValueError(f"Unknown attribute {name_or_id!r}; known: {', '.join(sorted(IDS))}")
    return IDS[key]


def intify_attrs(names):
    return [intify_attr(name) for name in names]
