# cython: infer_types=True
"""Span: a view of a slice of a Doc."""
import numpy
from .doc_io import span_as_doc
from .errors import E
from .underscore import Underscore, remove_extension, set_extension


cdef class Span:
    def __cinit__(self, Doc doc, int start, int end, label=0, *, kb_id=0, span_id=0):
        if start < 0 or end > doc.length or start > end:
            raise IndexError(E.bad_span.format(start=start, end=end, n=doc.length))
        self.doc = doc
        self.start = start
        self.end = end
        self.label = doc.vocab.strings.add(label) if isinstance(label, str) else label
        self.kb_id = doc.vocab.strings.add(kb_id) if isinstance(kb_id, str) else kb_id
        self.id = doc.vocab.strings.add(span_id) if isinstance(span_id, str) else span_id

    @property
    def _(self):
        """Custom attributes registered with Span.set_extension."""
        return Underscore(Underscore.span_extensions, self, self.doc, self.start_char, self.end_char)

    @classmethod
    def set_extension(cls, name, **kwargs):
        set_extension(Underscore.span_extensions, "Span", name, kwargs)

    @classmethod
    def get_extension(cls, name):
        return Underscore.span_extensions.get(name)

    @classmethod
    def has_extension(cls, name):
        return name in Underscore.span_extensions

    @classmethod
    def remove_extension(cls, name):
        return remove_extension(Underscore.span_extensions, "Span", name)

    def __len__(self):
        return self.end - self.start

    def __getitem__(self, key):
        if isinstance(key, slice):
            start, stop, step = key.indices(len(self))
            if step != 1:
                raise ValueError(E.slice_step)
            return Span(self.doc, self.start + start, self.start + max(start, stop))
        cdef int i = key
        if i < 0:
            i += len(self)
        if i < 0 or i >= len(self):
            raise IndexError(E.token_index.format(i=key, n=len(self)))
        return self.doc[self.start + i]

    def __iter__(self):
        cdef int i
        for i in range(self.start, self.end):
            yield self.doc[i]

    def __repr__(self):
        return self.text

    def __str__(self):
        return self.text

    def _order_key(self):
        return (self.start, self.end, self.label, self.kb_id, self.id)

    def __richcmp__(self, other, int op):
        """Spans of one Doc compare by (start, end, label, kb_id, id), as spaCy's do by
        their characters; equal spans are also of the same Doc."""
        if not isinstance(other, Span):
            if op == 2:
                return False
            if op == 3:
                return True
            return NotImplemented
        mine, theirs = self._order_key(), (<Span>other)._order_key()
        if op == 2:
            return mine == theirs and (<Span>other).doc is self.doc
        if op == 3:
            return mine != theirs or (<Span>other).doc is not self.doc
        if op == 0:
            return mine < theirs
        if op == 1:
            return mine <= theirs
        if op == 4:
            return mine > theirs
        return mine >= theirs

    def __hash__(self):
        return hash((id(self.doc), self.start, self.end, self.label, self.kb_id, self.id))

    @property
    def start_char(self):
        return self.doc.c[self.start].idx if self.end > self.start else \
            (self.doc.c[self.start].idx if self.start < self.doc.length else len(self.doc.text))

    @property
    def end_char(self):
        if self.end == self.start:
            return self.start_char
        last = &self.doc.c[self.end - 1]
        return last.idx + last.lex.length

    @property
    def text(self):
        return "".join(t.text_with_ws for t in self)[: self.end_char - self.start_char]

    @property
    def text_with_ws(self):
        return "".join(t.text_with_ws for t in self)

    @property
    def label_(self):
        return self.doc.vocab.strings.decode(self.label)

    @label_.setter
    def label_(self, str value):
        self.label = self.doc.vocab.strings.add(value)

    @property
    def kb_id_(self):
        return self.doc.vocab.strings.decode(self.kb_id)

    @property
    def id_(self):
        return self.doc.vocab.strings.decode(self.id)

    @property
    def ent_id(self):
        """The entity id of the span's root token (as spaCy reads it)."""
        return self.root.ent_id

    @property
    def ent_id_(self):
        return self.root.ent_id_

    @property
    def orth_(self):
        return self.text

    @property
    def vocab(self):
        return self.doc.vocab

    @property
    def root(self):
        """spaCy's rule: a sentence root in the span, else of the tokens whose head lies
        outside it the one nearest the root (a childless punctuation or space token
        counting as far as possible); the leftmost of equals."""
        cdef int i, head
        best = -1
        best_depth = None
        for i in range(self.start, self.end):
            if self.doc.c[i].head == 0:
                return self.doc[i]
        for i in range(self.start, self.end):
            head = i + self.doc.c[i].head
            if head < self.start or head >= self.end:
                token = self.doc[i]
                if self.doc.c[i].l_kids == 0 and self.doc.c[i].r_kids == 0 \
                        and (token.is_punct or token.is_space):
                    depth = self.doc.length - 1
                else:
                    depth = sum(1 for _ in token.ancestors)
                if best_depth is None or depth < best_depth:
                    best, best_depth = i, depth
        return self.doc[best if best != -1 else self.start]

    @property
    def ents(self):
        return tuple(ent for ent in self.doc.ents
                     if ent.start >= self.start and ent.end <= self.end)

    @property
    def sent(self):
        for sent in self.doc.sents:
            if sent.start <= self.start < sent.end:
                return sent

    @property
    def sents(self):
        for sent in self.doc.sents:
            if sent.end > self.start and sent.start < self.end:
                yield sent

    @property
    def lefts(self):
        for token in self:
            for left in token.lefts:
                if left.i < self.start:
                    yield left

    @property
    def rights(self):
        for token in self:
            for right in token.rights:
                if right.i >= self.end:
                    yield right

    @property
    def subtree(self):
        """The span's tokens and all their descendants, in document order."""
        indices = set()
        for token in self:
            indices.update(t.i for t in token.subtree)
        for i in sorted(indices):
            yield self.doc[i]

    @property
    def noun_chunks(self):
        for chunk in self.doc.noun_chunks:
            if chunk.start >= self.start and chunk.end <= self.end:
                yield chunk

    def char_span(self, int start_idx, int end_idx, label=0, **kwargs):
        offset = self.start_char
        return self.doc.char_span(start_idx + offset, end_idx + offset, label, **kwargs)

    def to_array(self, attr_ids):
        return self.doc.to_array(attr_ids)[self.start:self.end]

    def as_doc(self):
        """A new Doc holding a copy of this span's tokens and annotations."""
        return span_as_doc(self)
