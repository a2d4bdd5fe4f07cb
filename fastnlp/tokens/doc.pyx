# cython: infer_types=True
"""Doc: a sequence of tokens with their annotations, stored as a C array of TokenC."""
cimport numpy as np
from libc.string cimport memset
from libc.stdint cimport int64_t, uint32_t
from libc.stdlib cimport free, malloc

from functools import partial
from pathlib import Path

import numpy
from ..attrs cimport *
from ..lexeme cimport lex_check_flag
from ..parts_of_speech cimport univ_pos_t
from .entity_tags cimport IOB_BEGIN, IOB_IN, IOB_MISSING, IOB_OUT, split_entity_tag
from .heads cimport find_head_cycle
from .token cimport Token, token_get_attr
import fastnlp.attrs as attrs_module
from ..lang import get_syntax_iterator
from .entity_tags import MISSING_TAGS
from ..symbols import EMPTY_MORPH, SYMBOL_IDS, UNIVERSAL_POS
from .doc_io import doc_from_bytes, doc_to_bytes
from .doc_json import doc_from_json, doc_to_json
from .errors import E
from .underscore import Underscore, remove_extension, set_extension
from .morph import MorphAnalysis, normalize_feats
from .span import Span
from .span_group import SpanGroups

np.import_array()

cdef int PADDING = 1
cdef LexemeC EMPTY_LEXEME     # zeroed: the lexeme of padding tokens


cdef int _set_token_attr(TokenC* token, attr_id_t attr, attr_t value) except -1:
    if attr == TAG:
        token.tag = value
    elif attr == POS:
        token.pos = <univ_pos_t>value
    elif attr == DEP:
        token.dep = value
    elif attr == LEMMA:
        token.lemma = value
    elif attr == NORM:
        token.norm = value
    elif attr == HEAD:
        token.head = <int64_t>value
    elif attr == SENT_START:
        token.sent_start = <int64_t>value
    elif attr == ENT_IOB:
        token.ent_iob = value
    elif attr == ENT_TYPE:
        token.ent_type = value
    elif attr == ENT_KB_ID:
        token.ent_kb_id = value
    elif attr == ENT_ID:
        token.ent_id = value
    elif attr == MORPH:
        token.morph = value
    elif attr == SPACY:
        token.spacy = value != 0
    else:
        raise ValueError(E.unsettable_attr.format(attr=attrs_module.NAMES.get(attr, attr)))
    return 0


cdef int set_children_from_heads(TokenC* tokens, int start, int end) except -1:
    """Recompute kid counts, subtree edges and sentence starts from relative heads.

    A token with head 0 and dep 0 has no head annotation; it neither roots a
    sentence nor breaks one. Raises ValueError if a head leaves [start, end) or the
    heads form a cycle.
    """
    cdef int i, j, h, first, entry, n = end - start
    for i in range(start, end):
        tokens[i].l_kids = 0
        tokens[i].r_kids = 0
        tokens[i].l_edge = i
        tokens[i].r_edge = i
    # Heads as indices into [start, end) for the cycle check, then its marks.
    cdef int* heads_n = <int*>malloc(2 * max(n, 1) * sizeof(int))
    if heads_n == NULL:
        raise MemoryError()
    for i in range(start, end):
        h = i + tokens[i].head
        if h < start or h >= end:
            free(heads_n)
            raise ValueError(E.head_out_of_range.format(i=i - start, head=h - start))
        heads_n[i - start] = h - start
        if h < i:
            tokens[h].r_kids += 1
        elif h > i:
            tokens[h].l_kids += 1
    first = find_head_cycle(heads_n, n, heads_n + n, &entry)
    free(heads_n)
    if first >= 0:
        raise ValueError(E.head_cycle.format(i=entry))
    for i in range(start, end):
        j = i
        while tokens[j].head != 0:
            j += tokens[j].head
            if tokens[j].l_edge > <uint32_t>i:
                tokens[j].l_edge = i
            if tokens[j].r_edge < <uint32_t>i:
                tokens[j].r_edge = i
    cdef bint any_parse = False
    for i in range(start, end):
        if tokens[i].head != 0 or tokens[i].dep != 0:
            any_parse = True
            break
    if not any_parse:
        return 0
    for i in range(start, end):
        tokens[i].sent_start = -1
    for i in range(start, end):
        if tokens[i].head == 0 and tokens[i].dep != 0:
            tokens[tokens[i].l_edge].sent_start = 1
    tokens[start].sent_start = 1
    return 0


# tokens.retokenizer.Retokenizer, put here when that module loads (tokens/__init__ loads
# it): it builds on Doc, so Doc names it through this slot instead of importing it.
RETOKENIZER = [None]


cdef class Doc:
    def __init__(self, Vocab vocab, words=None, spaces=None, *, user_data=None,
                 tags=None, pos=None, morphs=None, lemmas=None, heads=None, deps=None,
                 sent_starts=None, ents=None):
        self.vocab = vocab
        self.mem = Pool()
        self.length = 0
        self.max_length = 0
        self.c = NULL
        self._realloc(max(8, len(words) if words is not None else 0))
        self.user_data = {} if user_data is None else user_data
        self.cats = {}
        self.spans = SpanGroups(self)
        self.tensor = None
        self.has_unknown_spaces = False
        if words is None:
            if spaces is not None:
                raise ValueError(E.spaces_without_words)
            return
        words = list(words)
        if spaces is None:
            spaces = [True] * len(words)
            self.has_unknown_spaces = True
        elif len(spaces) != len(words):
            raise ValueError(E.unequal_length.format(arg="spaces", n=len(spaces), n_words=len(words)))
        cdef int i
        for i, word in enumerate(words):
            if not isinstance(word, str) or not word:
                raise ValueError(E.bad_word.format(i=i, word=repr(word)))
            self.push_back(vocab.get(word), bool(spaces[i]))
        annotations = {"tags": tags, "pos": pos, "morphs": morphs, "lemmas": lemmas,
                       "heads": heads, "deps": deps, "sent_starts": sent_starts, "ents": ents}
        for name, values in annotations.items():
            if values is not None and len(values) != len(words):
                raise ValueError(E.unequal_length.format(arg=name, n=len(values), n_words=len(words)))
        self._set_annotations(tags, pos, morphs, lemmas, heads, deps, sent_starts, ents)

    def _set_annotations(self, tags, pos, morphs, lemmas, heads, deps, sent_starts, ents):
        strings = self.vocab.strings
        cdef int i
        cdef TokenC* token
        for i in range(self.length):
            token = &self.c[i]
            if tags is not None and tags[i]:
                token.tag = strings.add(tags[i])
            if pos is not None and pos[i]:
                if pos[i] not in UNIVERSAL_POS:
                    raise ValueError(E.bad_pos.format(i=i, pos=pos[i]))
                token.pos = <univ_pos_t>SYMBOL_IDS[pos[i]]
            if morphs is not None and morphs[i] is not None:
                feats = normalize_feats(morphs[i])
                token.morph = strings.add(feats) if feats else EMPTY_MORPH
            if lemmas is not None and lemmas[i] is not None:
                token.lemma = strings.add(lemmas[i])
            if deps is not None and deps[i]:
                token.dep = strings.add(deps[i])
        if heads is not None:
            for i in range(self.length):
                if heads[i] is None:
                    continue
                if not 0 <= heads[i] < self.length:
                    raise ValueError(E.head_out_of_range.format(i=i, head=heads[i]))
                self.c[i].head = heads[i] - i
                if deps is None or not deps[i]:
                    self.c[i].dep = strings.add("dep")
            self.set_parse_from_heads()
        if sent_starts is not None and heads is None:
            for i in range(self.length):
                value = sent_starts[i]
                if value is True or (value is not False and value == 1):
                    self.c[i].sent_start = 1
                elif value is False or value == -1:
                    self.c[i].sent_start = -1
                else:
                    self.c[i].sent_start = 0
        if ents is not None:
            self._set_ent_tags(ents)

    def _set_ent_tags(self, tags):
        """Set entity IOB codes and types from IOB or BILUO tags ("" / None: missing)."""
        strings = self.vocab.strings
        cdef int i
        for i, tag in enumerate(tags):
            if tag in MISSING_TAGS:
                self.c[i].ent_iob = IOB_MISSING
                self.c[i].ent_type = 0
                continue
            if tag == "O":
                self.c[i].ent_iob = IOB_OUT
                self.c[i].ent_type = 0
                continue
            split = split_entity_tag(tag)
            if split is None:
                raise ValueError(E.bad_ent_tag.format(i=i, tag=tag))
            prefix, label = split
            begins = prefix in "BU" or i == 0 or self.c[i - 1].ent_iob == IOB_OUT \
                or self.c[i - 1].ent_iob == IOB_MISSING \
                or self.c[i - 1].ent_type != strings.add(label)
            self.c[i].ent_iob = IOB_BEGIN if begins else IOB_IN
            self.c[i].ent_type = strings.add(label)

    cdef int _realloc(self, int new_size) except -1:
        """Grow the token array to hold new_size tokens, keeping the padding tokens."""
        if new_size <= self.max_length:
            return 0
        cdef int capacity = max(new_size, 2 * self.max_length)
        cdef TokenC* data
        if self.c == NULL:
            data = <TokenC*>self.mem.alloc(capacity + 2 * PADDING, sizeof(TokenC))
        else:
            data = <TokenC*>self.mem.realloc(self.c - PADDING,
                                             (capacity + 2 * PADDING) * sizeof(TokenC))
            memset(data + PADDING + self.length, 0,
                   (capacity + PADDING - self.length) * sizeof(TokenC))
        self.c = data + PADDING
        self.max_length = capacity
        cdef int i
        for i in range(-PADDING, capacity + PADDING):
            if i >= self.length or i < 0:
                self.c[i].lex = &EMPTY_LEXEME
                self.c[i].l_edge = i if i >= 0 else 0
                self.c[i].r_edge = i if i >= 0 else 0
        return 0

    cdef int push_back(self, const LexemeC* lex, bint has_space) except -1:
        if self.length == self.max_length:
            self._realloc(self.length * 2)
        cdef TokenC* token = &self.c[self.length]
        token.lex = lex
        token.idx = 0 if self.length == 0 else \
            self.c[self.length - 1].idx + self.c[self.length - 1].lex.length + self.c[self.length - 1].spacy
        token.spacy = has_space
        token.l_edge = self.length
        token.r_edge = self.length
        self.length += 1
        return 0

    cdef int set_parse_from_heads(self) except -1:
        return set_children_from_heads(self.c, 0, self.length)

    @staticmethod
    def from_orths(Vocab vocab, orths, spaces):
        """A Doc from arrays of orth ids and trailing-space flags (no annotations)."""
        doc = Doc(vocab)
        doc.push_orths(orths, spaces)
        return doc

    def push_orths(self, orths, spaces):
        """Append tokens given by orth ids and trailing-space flags."""
        cdef np.ndarray[attr_t, ndim=1] orth_ids = numpy.ascontiguousarray(orths, dtype="uint64")
        cdef np.ndarray[np.uint8_t, ndim=1] space_flags = numpy.ascontiguousarray(spaces, dtype="uint8")
        if orth_ids.shape[0] != space_flags.shape[0]:
            raise ValueError(E.unequal_length.format(arg="spaces", n=space_flags.shape[0],
                                                     n_words=orth_ids.shape[0]))
        self._realloc(self.length + orth_ids.shape[0])
        cdef int i
        for i in range(orth_ids.shape[0]):
            if orth_ids[i] == 0:
                raise ValueError(E.bad_word.format(i=self.length, word="''"))
            self.push_back(self.vocab.get_by_orth(orth_ids[i]), space_flags[i])
        return self

    @property
    def _(self):
        """Custom attributes registered with Doc.set_extension."""
        return Underscore(Underscore.doc_extensions, self, self)

    @classmethod
    def set_extension(cls, name, **kwargs):
        set_extension(Underscore.doc_extensions, "Doc", name, kwargs)

    @classmethod
    def get_extension(cls, name):
        return Underscore.doc_extensions.get(name)

    @classmethod
    def has_extension(cls, name):
        return name in Underscore.doc_extensions

    @classmethod
    def remove_extension(cls, name):
        return remove_extension(Underscore.doc_extensions, "Doc", name)

    def __len__(self):
        return self.length

    def __getitem__(self, key):
        if isinstance(key, slice):
            start, stop, step = key.indices(self.length)
            if step != 1:
                raise ValueError(E.slice_step)
            return Span(self, start, max(start, stop))
        cdef int i = key
        if i < 0:
            i += self.length
        if i < 0 or i >= self.length:
            raise IndexError(E.token_index.format(i=key, n=self.length))
        return Token(self.vocab, self, i)

    def __iter__(self):
        cdef int i
        for i in range(self.length):
            yield Token(self.vocab, self, i)

    def __repr__(self):
        return self.text

    def __str__(self):
        return self.text

    @property
    def text(self):
        strings = self.vocab.strings
        parts = []
        cdef int i
        for i in range(self.length):
            parts.append(strings.decode(self.c[i].lex.orth))
            if self.c[i].spacy:
                parts.append(" ")
        return "".join(parts)

    @property
    def text_with_ws(self):
        return self.text

    @property
    def doc(self):
        return self

    def to_array(self, py_attr_ids):
        """Export attributes as a uint64 array: (n_tokens, n_attrs), or 1-d for one attr."""
        one = isinstance(py_attr_ids, (str, int))
        ids = [attrs_module.intify_attr(py_attr_ids)] if one else attrs_module.intify_attrs(py_attr_ids)
        cdef np.ndarray[attr_t, ndim=2] output = numpy.zeros((self.length, len(ids)), dtype="uint64")
        cdef int i, j
        cdef attr_id_t feature
        for j, attr in enumerate(ids):
            feature = <attr_id_t>attr
            for i in range(self.length):
                output[i, j] = token_get_attr(&self.c[i], feature)
        return output[:, 0].copy() if one else output

    def from_array(self, py_attr_ids, array):
        """Load attributes from an array as to_array makes; HEAD resets the parse tree."""
        one = isinstance(py_attr_ids, (str, int))
        ids = [attrs_module.intify_attr(py_attr_ids)] if one else attrs_module.intify_attrs(py_attr_ids)
        values = numpy.asarray(array)
        if values.ndim == 1:
            values = values.reshape((-1, 1))
        if values.shape[0] != self.length or values.shape[1] != len(ids):
            raise ValueError(E.array_shape.format(shape=values.shape, n=self.length, k=len(ids)))
        cdef np.ndarray[attr_t, ndim=2] data = numpy.ascontiguousarray(values.astype("uint64", copy=False))
        cdef int i, j
        cdef attr_id_t feature
        strings = self.vocab.strings
        for j, attr in enumerate(ids):
            feature = <attr_id_t>attr
            if feature == ORTH:
                continue
            for i in range(self.length):
                _set_token_attr(&self.c[i], feature, data[i, j])
            if feature == HEAD:
                for i in range(self.length):
                    if not 0 <= i + self.c[i].head < self.length:
                        raise ValueError(E.head_out_of_range.format(i=i, head=i + self.c[i].head))
        if HEAD in ids:
            self.set_parse_from_heads()
        return self

    def has_annotation(self, attr, *, require_complete=False):
        """Whether any (or every) token has a value for the attribute."""
        attr_id = attrs_module.intify_attr(attr)
        if attr_id == HEAD:
            attr_id = DEP
        if self.length == 0:
            return False
        present = self.to_array([attr_id])[:, 0] != 0
        if attr_id == SENT_START and require_complete:
            present[0] = True
        return bool(present.all()) if require_complete else bool(present.any())

    def copy(self):
        other = Doc(self.vocab)
        other._realloc(self.length)
        cdef Doc out = other
        cdef int i
        for i in range(self.length):
            out.c[i] = self.c[i]
        out.length = self.length
        out.user_data = dict(self.user_data)
        out.cats = dict(self.cats)
        out.tensor = self.tensor
        out.spans = self.spans.copy(out)
        out.has_unknown_spaces = self.has_unknown_spaces
        return out

    def __reduce__(self):
        return (_unpickle_doc, (self.vocab, self.to_bytes()))

    def retokenize(self):
        """Context manager that merges spans and splits tokens when its block ends
        (spaCy's Doc.retokenize; see tokens/retokenizer.pyx). Spans and Tokens made
        before it are stale afterwards; doc.spans groups are remapped."""
        return RETOKENIZER[0](self)

    # Entities ---------------------------------------------------------------

    @property
    def ents(self):
        """Named entities as Spans, read from the tokens' IOB codes and types."""
        spans = []
        cdef int i, start = -1
        cdef attr_t label = 0
        for i in range(self.length):
            iob = self.c[i].ent_iob
            if start != -1 and (iob != IOB_IN or self.c[i].ent_type != label):
                spans.append(Span(self, start, i, label=label, kb_id=self.c[start].ent_kb_id,
                                  span_id=self.c[start].ent_id))
                start = -1
            if iob == IOB_BEGIN or (iob == IOB_IN and start == -1 and self.c[i].ent_type != 0):
                start = i
                label = self.c[i].ent_type
        if start != -1:
            spans.append(Span(self, start, self.length, label=label,
                              kb_id=self.c[start].ent_kb_id, span_id=self.c[start].ent_id))
        return tuple(spans)

    @ents.setter
    def ents(self, spans):
        self.set_ents(spans, default="outside")

    def set_ents(self, entities, *, blocked=None, missing=None, outside=None, default="outside"):
        """Set entities from Spans or (label, start, end) tuples; the rest per `default`."""
        if default not in ("outside", "missing", "blocked", "unmodified"):
            raise ValueError(E.bad_ents_default.format(default=default))
        strings = self.vocab.strings
        spans = []
        for ent in entities or []:
            if isinstance(ent, Span):
                spans.append((ent.start, ent.end, ent.label, ent.kb_id, ent.id))
            else:
                label, start, end = ent
                label = strings.add(label) if isinstance(label, str) else label
                spans.append((start, end, label, 0, 0))
        cdef int i
        covered = numpy.zeros((self.length,), dtype="bool")
        for start, end, *_ in sorted(spans):
            if start < 0 or end > self.length or start >= end:
                raise ValueError(E.bad_span.format(start=start, end=end, n=self.length))
            if covered[start:end].any():
                raise ValueError(E.overlapping_ents.format(start=start, end=end))
            covered[start:end] = True
        if default != "unmodified":
            for i in range(self.length):
                if not covered[i]:
                    self.c[i].ent_iob = IOB_OUT if default in ("outside", "blocked") \
                        else IOB_MISSING
                    self.c[i].ent_type = 0
        for group, code in ((outside, IOB_OUT), (missing, IOB_MISSING), (blocked, IOB_OUT)):
            for span in group or []:
                for i in range(span.start, span.end):
                    self.c[i].ent_iob = code
                    self.c[i].ent_type = 0
        for start, end, label, kb_id, span_id in spans:
            for i in range(start, end):
                self.c[i].ent_iob = IOB_BEGIN if i == start else IOB_IN
                self.c[i].ent_type = label
                self.c[i].ent_kb_id = kb_id
                self.c[i].ent_id = span_id

    # Sentences and syntax ---------------------------------------------------

    @property
    def has_sents(self):
        cdef int i
        for i in range(1, self.length):
            if self.c[i].sent_start != 0:
                return True
        return False

    @property
    def sents(self):
        """Sentences as Spans, from sentence starts (set by the parser or by hand)."""
        if not self.has_sents and self.length > 1 and not self.has_annotation("DEP"):
            raise ValueError(E.no_sents)
        cdef int i, start = 0
        for i in range(1, self.length):
            if self.c[i].sent_start == 1:
                yield Span(self, start, i)
                start = i
        if self.length:
            yield Span(self, start, self.length)

    @property
    def noun_chunks(self):
        """Base noun phrases, from the language's syntax iterator over the parse."""
        iterator = get_syntax_iterator(self.vocab.lang)
        if iterator is None:
            raise ValueError(E.no_noun_chunks.format(lang=self.vocab.lang))
        for start, end, label in iterator(self):
            yield Span(self, start, end, label=label)

    def char_span(self, int start_idx, int end_idx, label=0, *, kb_id=0, span_id=0,
                  alignment_mode="strict"):
        """The Span covering characters [start_idx, end_idx), or None if tokens don't align.

        alignment_mode "contract" keeps the tokens wholly inside, "expand" takes every
        token touched.
        """
        if alignment_mode not in ("strict", "contract", "expand"):
            raise ValueError(E.bad_alignment_mode.format(mode=alignment_mode))
        cdef int i, start = -1, end = -1
        cdef int tok_start, tok_end
        for i in range(self.length):
            tok_start = self.c[i].idx
            tok_end = tok_start + self.c[i].lex.length
            if alignment_mode == "strict":
                if tok_start == start_idx:
                    start = i
                if tok_end == end_idx:
                    end = i + 1
            elif alignment_mode == "contract":
                if start == -1 and tok_start >= start_idx:
                    start = i
                if tok_end <= end_idx:
                    end = i + 1
            else:
                if start == -1 and tok_end > start_idx:
                    start = i
                if tok_start < end_idx:
                    end = i + 1
        if start == -1 or end == -1 or end <= start:
            return None
        if isinstance(label, str):
            label = self.vocab.strings.add(label)
        return Span(self, start, end, label=label, kb_id=kb_id, span_id=span_id)

    # Serialization ----------------------------------------------------------

    def to_bytes(self, *, exclude=tuple()):
        return doc_to_bytes(self, exclude=exclude)

    def from_bytes(self, bytes_data, *, exclude=tuple()):
        return doc_from_bytes(self, bytes_data, exclude=exclude)

    def to_disk(self, path):
        Path(path).write_bytes(self.to_bytes())

    def from_disk(self, path):
        return self.from_bytes(Path(path).read_bytes())

    def to_json(self, underscore=None):
        """spaCy's Doc JSON; `underscore` names the extensions to include."""
        return doc_to_json(self, underscore)

    def from_json(self, doc_json, *, validate=False):
        """Fill this (empty) Doc from Doc JSON as to_json writes it; a FormatError (a
        ValueError) naming the field at fault leaves it unchanged. (The JSON is always
        checked, so `validate` changes nothing.)"""
        cdef Doc built = doc_from_json(partial(Doc, self.vocab), doc_json)
        self._realloc(built.length)
        cdef int i
        for i in range(built.length):
            self.c[i] = built.c[i]
        self.length = built.length
        self.cats = built.cats
        for key, value in built.user_data.items():
            self.user_data[key] = value
        self.spans = built.spans.copy(self)
        return self


def _unpickle_doc(vocab, bytes_data):
    return Doc(vocab).from_bytes(bytes_data)
