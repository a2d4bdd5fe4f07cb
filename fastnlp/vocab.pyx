"""Vocab: the word types seen so far and their lexical attributes."""
import srsly

from .attrs cimport LANG, LOWER, NORM, PREFIX, SHAPE, SUFFIX
from .lexeme cimport Lexeme
from .strings cimport hash_string
from .typedefs cimport flags_t

from .lang.lex_attrs import LEX_ATTRS
from .symbols import UNIVERSAL_POS


cdef class Vocab:
    def __init__(self, strings=None, lex_attr_getters=None, lang="", tag_map=None):
        self.mem = Pool()
        self._by_orth = PreshMap()
        if isinstance(strings, StringStore):
            self.strings = strings
        else:
            self.strings = StringStore(strings or [])
        self.lex_attr_getters = dict(LEX_ATTRS if lex_attr_getters is None else lex_attr_getters)
        self.lang = lang
        self.length = 0
        self.tag_map = {}
        for tag, features in (tag_map or {}).items():
            pos = features.get("pos", features.get("POS"))
            if pos not in UNIVERSAL_POS:
                raise ValueError(f"Vocab: tag_map[{tag!r}] has pos {pos!r}, not a universal "
                                 "POS tag (ADJ, ADP, ..., X)")
            self.tag_map[tag] = {"pos": pos}
            self.strings.add(tag)

    cdef const LexemeC* get(self, str string) except NULL:
        cdef attr_t orth = hash_string(string)
        cdef const LexemeC* lex = <LexemeC*>self._by_orth.get(orth)
        if lex != NULL:
            return lex
        return self._new_lexeme(string, orth)

    cdef const LexemeC* get_by_orth(self, attr_t orth) except NULL:
        cdef const LexemeC* lex = <LexemeC*>self._by_orth.get(orth)
        if lex != NULL:
            return lex
        return self._new_lexeme(self.strings.decode(orth), orth)

    cdef const LexemeC* _new_lexeme(self, str string, attr_t orth) except NULL:
        cdef LexemeC* lex = <LexemeC*>self.mem.alloc(1, sizeof(LexemeC))
        self.strings.add(string)
        lex.orth = orth
        lex.length = len(string)
        lex.id = self.length
        lex.lang = self.strings.add(self.lang) if self.lang else 0
        cdef flags_t flags = 0
        for attr_id, getter in self.lex_attr_getters.items():
            value = getter(string)
            if attr_id < 64:
                if value:
                    flags |= (<flags_t>1) << attr_id
            elif attr_id == LOWER:
                lex.lower = self.strings.add(value)
            elif attr_id == NORM:
                lex.norm = self.strings.add(value)
            elif attr_id == SHAPE:
                lex.shape = self.strings.add(value)
            elif attr_id == PREFIX:
                lex.prefix = self.strings.add(value)
            elif attr_id == SUFFIX:
                lex.suffix = self.strings.add(value)
        lex.flags = flags
        if lex.norm == 0:
            lex.norm = orth
        if lex.lower == 0:
            lex.lower = orth
        self._by_orth.set(orth, lex)
        self.length += 1
        return lex

    def __getitem__(self, key):
        """A Lexeme view for a string or an orth id."""
        cdef attr_t orth
        if isinstance(key, str):
            orth = self.get(key).orth
        else:
            orth = key
        return Lexeme(self, orth)

    def __contains__(self, key):
        cdef attr_t orth = hash_string(key) if isinstance(key, str) else key
        return self._by_orth.get(orth) != NULL

    def __len__(self):
        return self.length

    def __iter__(self):
        cdef attr_t orth
        for orth in list(self._by_orth.keys()):
            yield Lexeme(self, orth)

    def set_norm(self, str string, str norm):
        """Override the NORM of one word type (e.g. "n't" -> "not")."""
        cdef LexemeC* lex = <LexemeC*>self.get(string)
        lex.norm = self.strings.add(norm)

    def to_bytes(self):
        return srsly.msgpack_dumps({"strings": list(self.strings), "lang": self.lang,
                                    "tag_map": self.tag_map})

    def from_bytes(self, bytes_data):
        msg = srsly.msgpack_loads(bytes_data)
        for string in msg["strings"]:
            self.strings.add(string)
        self.lang = msg.get("lang", self.lang)
        self.tag_map = msg.get("tag_map", self.tag_map)
        return self

    def __reduce__(self):
        return (_unpickle_vocab, (list(self.strings), self.lang, self.tag_map))


def _unpickle_vocab(strings, lang, tag_map=None):
    from .lang import get_lang_class
    try:
        getters = get_lang_class(lang).Defaults.lex_attr_getters if lang else None
    except Exception:
        getters = None
    return Vocab(strings=strings, lex_attr_getters=getters, lang=lang, tag_map=tag_map)
