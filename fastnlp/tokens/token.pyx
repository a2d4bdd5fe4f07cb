# cython: infer_types=True
"""Token: a view of one token in a Doc."""
from ..lexeme cimport lex_check_flag
from ..parts_of_speech cimport univ_pos_t
from ..structs cimport TokenC
from ..symbols import SYMBOL_IDS, SYMBOL_NAMES, UNIVERSAL_POS
from .entity_tags import IOB_NAMES
from .errors import E
from .underscore import Underscore, remove_extension, set_extension
from .morph import MorphAnalysis, normalize_feats


cdef class Token:
    def __cinit__(self, Vocab vocab, Doc doc, int i):
        self.vocab = vocab
        self.doc = doc
        self.i = i
        self.c = &doc.c[i]

    @property
    def _(self):
        """Custom attributes registered with Token.set_extension."""
        return Underscore(Underscore.token_extensions, self, self.doc, self.idx)

    @classmethod
    def set_extension(cls, name, **kwargs):
        set_extension(Underscore.token_extensions, "Token", name, kwargs)

    @classmethod
    def get_extension(cls, name):
        return Underscore.token_extensions.get(name)

    @classmethod
    def has_extension(cls, name):
        return name in Underscore.token_extensions

    @classmethod
    def remove_extension(cls, name):
        return remove_extension(Underscore.token_extensions, "Token", name)

    def __len__(self):
        return self.c.lex.length

    def __repr__(self):
        return self.text

    def __str__(self):
        return self.text

    def __eq__(self, other):
        return isinstance(other, Token) and (<Token>other).doc is self.doc \
            and (<Token>other).i == self.i

    def __hash__(self):
        return hash((id(self.doc), self.i))

    def __lt__(self, Token other):
        return self.i < other.i

    def nbor(self, int offset=1):
        return self.doc[self.i + offset]

    # Text -------------------------------------------------------------------

    @property
    def text(self):
        return self.vocab.strings.decode(self.c.lex.orth)

    @property
    def orth_(self):
        return self.vocab.strings.decode(self.c.lex.orth)

    @property
    def text_with_ws(self):
        return self.text + " " if self.c.spacy else self.text

    @property
    def whitespace_(self):
        return " " if self.c.spacy else ""

    @property
    def orth(self):
        return self.c.lex.orth

    @property
    def idx(self):
        return self.c.idx

    @property
    def lex_id(self):
        return self.c.lex.id

    @property
    def lower(self):
        return self.c.lex.lower

    @property
    def lower_(self):
        return self.vocab.strings.decode(self.c.lex.lower)

    @property
    def norm(self):
        return self.c.norm if self.c.norm != 0 else self.c.lex.norm

    @property
    def norm_(self):
        return self.vocab.strings.decode(self.norm)

    @norm_.setter
    def norm_(self, str value):
        self.c.norm = self.vocab.strings.add(value)

    @property
    def shape(self):
        return self.c.lex.shape

    @property
    def shape_(self):
        return self.vocab.strings.decode(self.c.lex.shape)

    @property
    def prefix(self):
        return self.c.lex.prefix

    @property
    def prefix_(self):
        return self.vocab.strings.decode(self.c.lex.prefix)

    @property
    def suffix(self):
        return self.c.lex.suffix

    @property
    def suffix_(self):
        return self.vocab.strings.decode(self.c.lex.suffix)

    @property
    def lang_(self):
        return self.vocab.strings.decode(self.c.lex.lang)

    # Annotations ------------------------------------------------------------

    @property
    def tag(self):
        return self.c.tag

    @property
    def tag_(self):
        return self.vocab.strings.decode(self.c.tag)

    @tag_.setter
    def tag_(self, str value):
        self.c.tag = self.vocab.strings.add(value)

    @property
    def pos(self):
        return self.c.pos

    @property
    def pos_(self):
        return SYMBOL_NAMES[self.c.pos]

    @pos_.setter
    def pos_(self, str value):
        if value and value not in UNIVERSAL_POS:
            raise ValueError(E.bad_pos.format(i=self.i, pos=value))
        cdef int pos_id = SYMBOL_IDS[value] if value else 0
        self.c.pos = <univ_pos_t>pos_id

    @property
    def morph(self):
        return MorphAnalysis(self.vocab, self.c.morph)

    @morph.setter
    def morph(self, value):
        feats = normalize_feats(value if isinstance(value, (str, dict)) else str(value))
        self.c.morph = self.vocab.strings.add(feats) if feats else SYMBOL_IDS["_"]

    def set_morph(self, value):
        self.morph = value

    @property
    def lemma(self):
        return self.c.lemma

    @property
    def lemma_(self):
        return self.vocab.strings.decode(self.c.lemma)

    @lemma_.setter
    def lemma_(self, str value):
        self.c.lemma = self.vocab.strings.add(value)

    @property
    def dep(self):
        return self.c.dep

    @property
    def dep_(self):
        return self.vocab.strings.decode(self.c.dep)

    @dep_.setter
    def dep_(self, str value):
        self.c.dep = self.vocab.strings.add(value)

    @property
    def ent_iob(self):
        return self.c.ent_iob

    @property
    def ent_iob_(self):
        return IOB_NAMES[self.c.ent_iob]

    @property
    def ent_type(self):
        return self.c.ent_type

    @property
    def ent_type_(self):
        return self.vocab.strings.decode(self.c.ent_type)

    @property
    def ent_kb_id_(self):
        return self.vocab.strings.decode(self.c.ent_kb_id)

    @property
    def ent_id_(self):
        return self.vocab.strings.decode(self.c.ent_id)

    @property
    def is_sent_start(self):
        """True or False where known, None where unset."""
        if self.i == 0:
            return True
        if self.c.sent_start == 0:
            return None
        return self.c.sent_start == 1

    @is_sent_start.setter
    def is_sent_start(self, value):
        if self.doc.has_annotation("DEP"):
            raise ValueError("Token.is_sent_start: cannot change sentence starts of a parsed doc")
        self.c.sent_start = 0 if value is None else (1 if value else -1)

    @property
    def is_sent_end(self):
        if self.i + 1 == self.doc.length:
            return True
        next_start = self.doc.c[self.i + 1].sent_start
        return None if next_start == 0 else next_start == 1

    @property
    def sent(self):
        """The sentence Span holding this token."""
        for sent in self.doc.sents:
            if sent.start <= self.i < sent.end:
                return sent

    # Syntax -----------------------------------------------------------------

    @property
    def head(self):
        return self.doc[self.i + self.c.head]

    @head.setter
    def head(self, Token new_head):
        if new_head.doc is not self.doc:
            raise ValueError("Token.head: the new head is in another Doc")
        old = self.c.head
        self.c.head = new_head.i - self.i
        if self.c.dep == 0 and self.c.head != 0:
            self.c.dep = self.vocab.strings.add("dep")
        try:
            self.doc.set_parse_from_heads()
        except ValueError:
            self.c.head = old
            self.doc.set_parse_from_heads()
            raise

    @property
    def n_lefts(self):
        return self.c.l_kids

    @property
    def n_rights(self):
        return self.c.r_kids

    @property
    def left_edge(self):
        return self.doc[self.c.l_edge]

    @property
    def right_edge(self):
        return self.doc[self.c.r_edge]

    @property
    def lefts(self):
        """The children to the left, nearest last."""
        cdef int j
        for j in range(self.c.l_edge, self.i):
            if j + self.doc.c[j].head == self.i and self.doc.c[j].head != 0:
                yield self.doc[j]

    @property
    def rights(self):
        """The children to the right, nearest first."""
        cdef int j
        for j in range(self.i + 1, self.c.r_edge + 1):
            if j + self.doc.c[j].head == self.i and self.doc.c[j].head != 0:
                yield self.doc[j]

    @property
    def children(self):
        yield from self.lefts
        yield from self.rights

    @property
    def subtree(self):
        """This token and its descendants, in document order."""
        cdef int j
        for j in range(self.c.l_edge, self.c.r_edge + 1):
            yield self.doc[j]

    @property
    def ancestors(self):
        """Heads from this token's head up to the root."""
        cdef int j = self.i
        cdef int steps = 0
        while self.doc.c[j].head != 0 and steps < self.doc.length:
            j += self.doc.c[j].head
            steps += 1
            yield self.doc[j]

    def is_ancestor(self, Token descendant):
        return any(ancestor.i == self.i for ancestor in descendant.ancestors)

    @property
    def conjuncts(self):
        conj = self.vocab.strings["conj"]
        first = self
        while first.c.dep == conj and first.c.head != 0:
            first = first.head
        found = [first] if first is not self else []
        stack = [first]
        while stack:
            token = stack.pop()
            for child in token.rights:
                if (<Token>child).c.dep == conj:
                    found.append(child)
                    stack.append(child)
        return tuple(t for t in found if t.i != self.i)

    # Lexical flags ----------------------------------------------------------

    def check_flag(self, int flag_id):
        return lex_check_flag(self.c.lex, <attr_id_t>flag_id)
    @property
    def is_alpha(self):
        return lex_check_flag(self.c.lex, IS_ALPHA)

    @property
    def is_ascii(self):
        return lex_check_flag(self.c.lex, IS_ASCII)

    @property
    def is_digit(self):
        return lex_check_flag(self.c.lex, IS_DIGIT)

    @property
    def is_lower(self):
        return lex_check_flag(self.c.lex, IS_LOWER)

    @property
    def is_punct(self):
        return lex_check_flag(self.c.lex, IS_PUNCT)

    @property
    def is_space(self):
        return lex_check_flag(self.c.lex, IS_SPACE)

    @property
    def is_title(self):
        return lex_check_flag(self.c.lex, IS_TITLE)

    @property
    def is_upper(self):
        return lex_check_flag(self.c.lex, IS_UPPER)

    @property
    def like_url(self):
        return lex_check_flag(self.c.lex, LIKE_URL)

    @property
    def like_num(self):
        return lex_check_flag(self.c.lex, LIKE_NUM)

    @property
    def like_email(self):
        return lex_check_flag(self.c.lex, LIKE_EMAIL)

    @property
    def is_stop(self):
        return lex_check_flag(self.c.lex, IS_STOP)

    @property
    def is_bracket(self):
        return lex_check_flag(self.c.lex, IS_BRACKET)

    @property
    def is_quote(self):
        return lex_check_flag(self.c.lex, IS_QUOTE)

    @property
    def is_left_punct(self):
        return lex_check_flag(self.c.lex, IS_LEFT_PUNCT)

    @property
    def is_right_punct(self):
        return lex_check_flag(self.c.lex, IS_RIGHT_PUNCT)

    @property
    def is_currency(self):
        return lex_check_flag(self.c.lex, IS_CURRENCY)
