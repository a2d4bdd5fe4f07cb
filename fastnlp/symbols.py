"""The fixed symbol table shared with spaCy.

A string in this table is stored as its index, not its hash, so `.spacy` files
written by either library carry the same integers for attribute names, coarse POS
tags, common entity labels and dependency labels.
"""

_ATTRIBUTE_NAMES = (
    ["", "IS_ALPHA", "IS_ASCII", "IS_DIGIT", "IS_LOWER", "IS_PUNCT", "IS_SPACE",
     "IS_TITLE", "IS_UPPER", "LIKE_URL", "LIKE_NUM", "LIKE_EMAIL", "IS_STOP",
     "IS_OOV_DEPRECATED", "IS_BRACKET", "IS_QUOTE", "IS_LEFT_PUNCT", "IS_RIGHT_PUNCT",
     "IS_CURRENCY"]
    + [f"FLAG{i}" for i in range(19, 64)]
    + ["ID", "ORTH", "LOWER", "NORM", "SHAPE", "PREFIX", "SUFFIX", "LENGTH", "CLUSTER",
       "LEMMA", "POS", "TAG", "DEP", "ENT_IOB", "ENT_TYPE", "HEAD", "SENT_START",
       "SPACY", "PROB", "LANG"]
)
UNIVERSAL_POS = [
    "ADJ", "ADP", "ADV", "AUX", "CONJ", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART",
    "PRON", "PROPN", "PUNCT", "SCONJ", "SYM", "VERB", "X", "EOL", "SPACE",
]
_RETIRED = [f"DEPRECATED{i:03d}" for i in range(1, 277)]
_ENTITY_LABELS = [
    "PERSON", "NORP", "FACILITY", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "WORK_OF_ART",
    "LANGUAGE", "LAW", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL",
    "CARDINAL",
]
_DEPENDENCY_LABELS = [
    "acomp", "advcl", "advmod", "agent", "amod", "appos", "attr", "aux", "auxpass", "cc",
    "ccomp", "complm", "conj", "cop", "csubj", "csubjpass", "dep", "det", "dobj", "expl",
    "hmod", "hyph", "infmod", "intj", "iobj", "mark", "meta", "neg", "nmod", "nn",
    "npadvmod", "nsubj", "nsubjpass", "num", "number", "oprd", "obj", "obl", "parataxis",
    "partmod", "pcomp", "pobj", "poss", "possessive", "preconj", "prep", "prt", "punct",
    "quantmod", "relcl", "rcmod", "root", "xcomp", "acl",
]
_LATE_ATTRIBUTES = ["ENT_KB_ID", "MORPH", "ENT_ID", "IDX", "_"]

SYMBOL_NAMES = (
    _ATTRIBUTE_NAMES + UNIVERSAL_POS + _RETIRED + _ENTITY_LABELS + _DEPENDENCY_LABELS
    + _LATE_ATTRIBUTES
)
SYMBOL_IDS = {name: i for i, name in enumerate(SYMBOL_NAMES)}
N_SYMBOLS = len(SYMBOL_NAMES)
EMPTY_MORPH = SYMBOL_IDS["_"]

# spaCy's names for the table: `from spacy.symbols import ORTH, nsubj` and IDS / NAMES.
IDS = dict(SYMBOL_IDS)
NAMES = list(SYMBOL_NAMES)
globals().update({name: i for name, i in SYMBOL_IDS.items() if name.isidentifier()})
