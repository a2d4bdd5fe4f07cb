# cython: infer_types=True
"""Retokenization: merging spans into single tokens and splitting tokens, in C.

`Doc.retokenize()` returns a `Retokenizer`. Inside the `with` block `merge` and `split`
only record and validate what to do; leaving the block applies everything at once:

1. a merge plan: `new_index[i]`, the post-merge position of every old token (the
   tokens of a merged span share the span's start position), and each span's root;
2. for splits, the final position of every post-merge token and every final head,
   checked for range and cycles before anything is written;
3. one forward pass over the TokenC array that writes each merged token (built from
   the span's start token, with the root's tag, pos, morph, dep, entity and head) and
   moves the others down, remapping heads through `new_index`;
4. one backward pass that opens room for the subtokens of the split tokens.

Heads stay relative offsets (TokenC.head); a token whose head was inside a merged span
now points at the merged token, one whose head was split points at the first subtoken.
Entity IOB codes are made consistent afterwards; kid counts, edges and (for a parsed
doc) sentence starts are recomputed from the heads. Span groups in `doc.spans` are
remapped to the new token indices, `doc.tensor` keeps the last row of a merged span and
gets zero rows for subtokens. If the block raises, nothing is applied.
"""
from cymem.cymem cimport Pool
from libc.stdint cimport int64_t
from libc.stdlib cimport free, malloc
from ..attrs cimport (attr_id_t, DEP, ENT_IOB, ENT_TYPE, IS_PUNCT, IS_SPACE, LEMMA, MORPH,
                      NORM, POS, SENT_START, TAG)
from ..lexeme cimport lex_check_flag
from ..parts_of_speech cimport univ_pos_t
from ..strings cimport StringStore
from ..structs cimport LexemeC, TokenC
from ..typedefs cimport attr_t
from .doc cimport Doc, set_children_from_heads
from .entity_tags cimport IOB_BEGIN, IOB_IN, IOB_MISSING, IOB_OUT
from .heads cimport find_head_cycle
from .span cimport Span
from .token cimport Token

import numpy
from ..symbols import EMPTY_MORPH, SYMBOL_IDS, UNIVERSAL_POS
from .doc import RETOKENIZER
from .entity_tags import IOB_NAMES
from .morph import normalize_feats
from .underscore import Underscore

# The token fields merge and split accept in `attrs`, by their index in TokenAttrs.
cdef enum:
    F_TAG
    F_POS
    F_LEMMA
    F_DEP
    F_ENT_TYPE
    F_ENT_IOB
    F_MORPH
    F_NORM
    F_SENT_START
    N_FIELDS


cdef struct TokenAttrs:
    int mask                    # bit f set: values[f] is given
    int64_t values[9]           # N_FIELDS


FIELD_NAMES = ("TAG", "POS", "LEMMA", "DEP", "ENT_TYPE", "ENT_IOB", "MORPH", "NORM",
               "SENT_START")
FIELD_BY_NAME = {name: i for i, name in enumerate(FIELD_NAMES)}
FIELD_BY_ID = {TAG: F_TAG, POS: F_POS, LEMMA: F_LEMMA, DEP: F_DEP, ENT_TYPE: F_ENT_TYPE,
               ENT_IOB: F_ENT_IOB, MORPH: F_MORPH, NORM: F_NORM, SENT_START: F_SENT_START}
STRING_FIELDS = (F_TAG, F_LEMMA, F_DEP, F_ENT_TYPE, F_NORM)

cdef unsigned char FREE = 0
cdef unsigned char IN_MERGE = 1
cdef unsigned char IN_SPLIT = 2


class Errors:
    not_a_span = "Retokenizer.merge: expected a Span, got {type}"
    other_doc = "Retokenizer.{what}: the {obj} belongs to another Doc"
    empty_span = "Retokenizer.merge: cannot merge the empty span [{start}, {end})"
    stale_span = "Retokenizer.merge: span [{start}, {end}) is outside the doc of {n} tokens"
    overlap = ("Retokenizer.merge: can't merge non-disjoint spans: token {i} ({text!r}) is "
               "already part of a span to merge (spaCy E102); fastnlp.util.filter_spans "
               "keeps the longest non-overlapping spans")
    merge_split = "Retokenizer.{what}: token {i} ({text!r}) is already marked for {other}"
    split_orths = ("Retokenizer.split: the orths {new!r} do not concatenate to the token "
                   "text {old!r} (spaCy E117)")
    empty_orth = "Retokenizer.split: orth {i} of token {tok} is an empty string"
    n_heads = ("Retokenizer.split: {n_heads} heads for {n} subtokens of token {tok}; give "
               "one head per subtoken (spaCy E115)")
    bad_head = ("Retokenizer.split: head {j} of token {tok} is {head!r}; give a Token or a "
                "(Token, subtoken index) tuple")
    head_outside = ("Retokenizer.split: head {j} of token {tok} is subtoken {sub} of token "
                    "{head}, outside the doc: that token is split into {n}")
    head_cycle = "Retokenizer.split: the heads of the split tokens form a cycle through token {i}"
    n_values = ("Retokenizer.split: attrs[{key!r}] has {n_values} values for {n} subtokens; "
                "give one per subtoken")
    unknown_attr = ("Retokenizer.{what}: unknown attribute {key!r} in attrs; use TAG, POS, "
                    "LEMMA, DEP, ENT_TYPE, ENT_IOB, MORPH, NORM, SENT_START or '_'")
    bad_value = "Retokenizer.{what}: attrs[{key!r}] = {value!r} is not a valid value"
    bad_pos = "Retokenizer.{what}: POS {value!r} is not a universal POS tag (ADJ, ADP, ..., X)"
    ext_dict = "Retokenizer.{what}: attrs['_'] must be {kind}, not {value!r} (spaCy E120)"
    ext_unknown = ("Retokenizer.{what}: no token extension {name!r}; register it with "
                   "Token.set_extension (spaCy E118)")
    ext_readonly = ("Retokenizer.{what}: token extension {name!r} is not writable: it has a "
                    "method or a getter without setter (spaCy E119)")


def _field_of(key, what):
    if isinstance(key, str):
        name = key.upper()
        if name.startswith("TOKEN."):
            name = name[len("TOKEN."):]
        if name.endswith("_") and name[:-1] in FIELD_BY_NAME:
            name = name[:-1]
        field = FIELD_BY_NAME.get(name)
    elif isinstance(key, int) and not isinstance(key, bool):
        field = FIELD_BY_ID.get(key)
    else:
        field = None
    if field is None:
        raise ValueError(Errors.unknown_attr.format(what=what, key=key))
    return field


def _field_value(strings, int field, key, value, what):
    """The TokenC value of one attribute value (strings interned)."""
    if field == F_POS:
        if isinstance(value, str):
            if value and value not in UNIVERSAL_POS:
                raise ValueError(Errors.bad_pos.format(what=what, value=value))
            return SYMBOL_IDS[value] if value else 0
    elif field == F_MORPH:
        if isinstance(value, (str, dict)):
            feats = normalize_feats(value)
            return strings.add(feats) if feats else EMPTY_MORPH
    elif field == F_ENT_IOB:
        if isinstance(value, str):
            if value not in IOB_NAMES:
                raise ValueError(Errors.bad_value.format(what=what, key=key, value=value))
            return IOB_NAMES.index(value)
        if isinstance(value, int) and not 0 <= value <= 3:
            raise ValueError(Errors.bad_value.format(what=what, key=key, value=value))
    elif field == F_SENT_START:
        if value is None:
            return 0
        if value is True or value is False:
            return 1 if value else -1
        if isinstance(value, int) and value in (-1, 0, 1):
            return value
        raise ValueError(Errors.bad_value.format(what=what, key=key, value=value))
    elif isinstance(value, str):
        return strings.add(value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if hasattr(value, "__index__") and not isinstance(value, bool) and value >= 0:
        return int(value)
    raise ValueError(Errors.bad_value.format(what=what, key=key, value=value))


def _check_extensions(ext, what):
    if not isinstance(ext, dict):
        raise ValueError(Errors.ext_dict.format(what=what, kind="a dict of values",
                                                value=ext))
    for name in ext:
        spec = Underscore.token_extensions.get(name)
        if spec is None:
            raise ValueError(Errors.ext_unknown.format(what=what, name=name))
        default, method, getter, setter = spec
        if method is not None or (getter is not None and setter is None):
            raise ValueError(Errors.ext_readonly.format(what=what, name=name))
    return dict(ext)


def _merge_attrs(strings, attrs):
    """(mask, values, extensions) of a merge's attrs dict."""
    mask = 0
    values = [0] * N_FIELDS
    ext = None
    for key, value in (attrs or {}).items():
        if key == "_":
            ext = _check_extensions(value, "merge")
            continue
        field = _field_of(key, "merge")
        values[field] = _field_value(strings, field, key, value, "merge")
        mask |= 1 << field
    return mask, values, ext


def _split_attrs(strings, attrs, int n, tok):
    """[(mask, values, extensions)] per subtoken of a split's attrs (lists of values)."""
    out = [[0, [0] * N_FIELDS, None] for _ in range(n)]
    for key, values in (attrs or {}).items():
        if key == "_":
            if not isinstance(values, (list, tuple)):
                raise ValueError(Errors.ext_dict.format(
                    what="split", kind="a list of dicts, one per subtoken", value=values))
            if len(values) != n:
                raise ValueError(Errors.n_values.format(key=key, n_values=len(values), n=n))
            for i, ext in enumerate(values):
                out[i][2] = _check_extensions(ext, "split")
            continue
        field = _field_of(key, "split")
        if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
            raise ValueError(Errors.n_values.format(key=key, n_values=1, n=n))
        if len(values) != n:
            raise ValueError(Errors.n_values.format(key=key, n_values=len(values), n=n))
        for i, value in enumerate(values):
            out[i][1][field] = _field_value(strings, field, key, value, "split")
            out[i][0] |= 1 << field
    return out


cdef inline void _set_attrs(TokenC* token, TokenAttrs* attrs) noexcept nogil:
    cdef int mask = attrs.mask
    if mask == 0:
        return
    if mask & (1 << F_TAG):
        token.tag = <attr_t>attrs.values[F_TAG]
    if mask & (1 << F_POS):
        token.pos = <univ_pos_t>attrs.values[F_POS]
    if mask & (1 << F_LEMMA):
        token.lemma = <attr_t>attrs.values[F_LEMMA]
    if mask & (1 << F_DEP):
        token.dep = <attr_t>attrs.values[F_DEP]
    if mask & (1 << F_ENT_TYPE):
        token.ent_type = <attr_t>attrs.values[F_ENT_TYPE]
    if mask & (1 << F_ENT_IOB):
        token.ent_iob = <int>attrs.values[F_ENT_IOB]
    if mask & (1 << F_MORPH):
        token.morph = <attr_t>attrs.values[F_MORPH]
    if mask & (1 << F_NORM):
        token.norm = <attr_t>attrs.values[F_NORM]
    if mask & (1 << F_SENT_START):
        token.sent_start = <int>attrs.values[F_SENT_START]


cdef int _fill_attrs(TokenAttrs* out, mask, values) except -1:
    out.mask = mask
    cdef int f
    for f in range(N_FIELDS):
        out.values[f] = <int64_t>values[f] if f == F_SENT_START else <int64_t><attr_t>values[f]
    return 0


cdef int span_root(const TokenC* tokens, int start, int end, int length) noexcept nogil:
    """spaCy's Span.root: a root in the span, else of the tokens whose head is outside
    [start, end) the one with the fewest steps to a root (a childless punctuation or
    space token counts length - 1 steps); the first of equals; else start."""
    cdef int i, j, steps, best = -1, best_steps = length
    for i in range(start, end):
        if tokens[i].head == 0:
            return i
    for i in range(start, end):
        j = i + tokens[i].head
        if start <= j < end:
            continue
        if tokens[i].l_kids == 0 and tokens[i].r_kids == 0 and (
                lex_check_flag(tokens[i].lex, IS_PUNCT) or lex_check_flag(tokens[i].lex, IS_SPACE)):
            steps = length - 1
        else:
            steps = 1
            while tokens[j].head != 0 and steps <= length:
                j += tokens[j].head
                steps += 1
        if steps < best_steps:
            best, best_steps = i, steps
    return best if best != -1 else start


cdef void make_iob_consistent(TokenC* tokens, int length) noexcept nogil:
    """An I with no entity before it of the same type begins one."""
    cdef int i
    if length and tokens[0].ent_iob == IOB_IN:
        tokens[0].ent_iob = IOB_BEGIN
    for i in range(1, length):
        if tokens[i].ent_iob == IOB_IN and tokens[i - 1].ent_type != tokens[i].ent_type:
            tokens[i].ent_iob = IOB_BEGIN


cdef class Retokenizer:
    """What `with doc.retokenize() as retokenizer:` yields (spaCy's Retokenizer API)."""

    cdef Doc doc
    cdef Pool mem
    cdef unsigned char* marks   # per token: FREE, IN_MERGE or IN_SPLIT
    cdef int n                  # doc length when the block began
    cdef list merges            # (start, end, mask, values, extensions)
    cdef set merged             # (start, end) of the spans marked, to skip repeats
    cdef list splits            # (i, orths, [(head i, subtoken)], per-subtoken attrs)

    def __init__(self, Doc doc):
        self.doc = doc
        self._reset()

    def _reset(self):
        self.mem = Pool()
        self.n = self.doc.length
        self.marks = <unsigned char*>self.mem.alloc(max(self.n, 1), sizeof(unsigned char))
        self.merges = []
        self.merged = set()
        self.splits = []

    def __enter__(self):
        self._reset()
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        if exc_type is None and (self.merges or self.splits):
            try:
                self._apply()
            finally:
                self._reset()
        return False

    def merge(self, span, attrs=None):
        """Mark a span for merging into one token; attrs are set on that token."""
        if not isinstance(span, Span):
            raise ValueError(Errors.not_a_span.format(type=type(span).__name__))
        cdef Span sp = span
        if sp.doc is not self.doc:
            raise ValueError(Errors.other_doc.format(what="merge", obj="span"))
        cdef int start = sp.start, end = sp.end, i
        if (start, end) in self.merged:
            return
        if end <= start:
            raise ValueError(Errors.empty_span.format(start=start, end=end))
        if end > self.n or self.doc.length != self.n:
            raise ValueError(Errors.stale_span.format(start=start, end=end, n=self.doc.length))
        for i in range(start, end):
            if self.marks[i] != FREE:
                self._raise_marked(i, "merge")
        mask, values, ext = _merge_attrs(self.doc.vocab.strings, attrs)
        for i in range(start, end):
            self.marks[i] = IN_MERGE
        self.merged.add((start, end))
        self.merges.append((start, end, mask, values, ext))

    def merge_bounds(self, bounds):
        """Mark the token ranges (start, end) for merging with default attributes: what
        merge(doc[start:end]) does for each, without making Span objects."""
        cdef int start, end, i, n = self.n
        if self.doc.length != n:
            raise ValueError(Errors.stale_span.format(start=0, end=n, n=self.doc.length))
        no_attrs = (0, [0] * N_FIELDS, None)
        for start, end in bounds:
            if end <= start:
                raise ValueError(Errors.empty_span.format(start=start, end=end))
            if start < 0 or end > n:
                raise ValueError(Errors.stale_span.format(start=start, end=end, n=n))
            if self.marks[start] == IN_MERGE and (start, end) in self.merged:
                continue
            for i in range(start, end):
                if self.marks[i] != FREE:
                    self._raise_marked(i, "merge")
            for i in range(start, end):
                self.marks[i] = IN_MERGE
            self.merged.add((start, end))
            self.merges.append((start, end) + no_attrs)

    def _raise_marked(self, int i, what):
        text = self.doc[i].text
        if self.marks[i] == IN_MERGE and what == "merge":
            raise ValueError(Errors.overlap.format(i=i, text=text))
        other = "merging" if self.marks[i] == IN_MERGE else "splitting"
        raise ValueError(Errors.merge_split.format(what=what, i=i, text=text, other=other))

    def split(self, token, orths, heads, attrs=None):
        """Mark a token for splitting into `orths`; heads: one Token or (Token, subtoken
        index) per subtoken; attrs: {name: [one value per subtoken]}."""
        if not isinstance(token, Token) or (<Token>token).doc is not self.doc:
            raise ValueError(Errors.other_doc.format(what="split", obj="token"))
        cdef int i = (<Token>token).i, n
        if i >= self.n or self.doc.length != self.n:
            raise ValueError(Errors.stale_span.format(start=i, end=i + 1, n=self.doc.length))
        orths = list(orths)
        text = token.text
        if not all(isinstance(orth, str) for orth in orths) or "".join(orths) != text:
            raise ValueError(Errors.split_orths.format(new="".join(map(str, orths)), old=text))
        for j, orth in enumerate(orths):
            if not orth:
                raise ValueError(Errors.empty_orth.format(i=j, tok=i))
        n = len(orths)
        heads = list(heads)
        if len(heads) != n:
            raise ValueError(Errors.n_heads.format(n_heads=len(heads), n=n, tok=i))
        head_specs = []
        for j, head in enumerate(heads):
            sub = 0
            if isinstance(head, tuple) and len(head) == 2:
                head, sub = head
                if isinstance(sub, bool) or not hasattr(sub, "__index__") or sub < 0:
                    raise ValueError(Errors.bad_head.format(j=j, tok=i, head=heads[j]))
            if not isinstance(head, Token):
                raise ValueError(Errors.bad_head.format(j=j, tok=i, head=heads[j]))
            if (<Token>head).doc is not self.doc:
                raise ValueError(Errors.other_doc.format(what="split", obj="head token"))
            head_specs.append(((<Token>head).i, int(sub)))
        if self.marks[i] != FREE:
            self._raise_marked(i, "split")
        per_sub = _split_attrs(self.doc.vocab.strings, attrs, n, i)
        self.marks[i] = IN_SPLIT
        self.splits.append((i, orths, head_specs, per_sub))

    def _apply(self):
        cdef Doc doc = self.doc
        cdef int n = doc.length, K = len(self.merges), S = len(self.splits)
        cdef int i, j, k, q, s, e, r, sub, nsub, M, F
        cdef TokenC* c = doc.c
        cdef Pool mem = Pool()
        merges = sorted(self.merges)
        splits = sorted(self.splits)
        # 1. The merge plan.
        cdef int* new_index = <int*>mem.alloc(max(n, 1), sizeof(int))
        cdef int* m_start = <int*>mem.alloc(max(K, 1), sizeof(int))
        cdef int* m_end = <int*>mem.alloc(max(K, 1), sizeof(int))
        cdef int* m_root = <int*>mem.alloc(max(K, 1), sizeof(int))
        for k, (s, e, _, _, _) in enumerate(merges):
            m_start[k] = s
            m_end[k] = e
            m_root[k] = span_root(c, s, e, n)
        i = j = k = 0
        while i < n:
            if k < K and i == m_start[k]:
                while i < m_end[k]:
                    new_index[i] = j
                    i += 1
                k += 1
            else:
                new_index[i] = j
                i += 1
            j += 1
        M = j
        # 2. The split plan, and every final head checked before anything changes.
        cdef int* n_sub = <int*>mem.alloc(max(M, 1), sizeof(int))     # per post-merge token
        cdef int* fpos = <int*>mem.alloc(M + 1, sizeof(int))          # post-merge -> final
        cdef unsigned char* is_split = <unsigned char*>mem.alloc(max(M, 1), 1)
        cdef int* final_heads = NULL
        cdef int* rep = NULL
        for q in range(M):
            n_sub[q] = 1
        for i, orths, _, _ in splits:
            n_sub[new_index[i]] = len(orths)
            is_split[new_index[i]] = 1
        F = 0
        for q in range(M):
            fpos[q] = F
            F += n_sub[q]
        fpos[M] = F
        cdef const LexemeC** sub_lex = NULL
        cdef TokenAttrs* sub_attrs = NULL
        if S:
            rep = <int*>mem.alloc(M, sizeof(int))   # the old token whose head q takes
            for i in range(n - 1, -1, -1):
                rep[new_index[i]] = i
            for k in range(K):
                rep[new_index[m_start[k]]] = m_root[k]
            final_heads = <int*>mem.alloc(max(F, 1), sizeof(int))
            for q in range(M):
                if not is_split[q]:
                    r = rep[q]
                    final_heads[fpos[q]] = fpos[new_index[r + c[r].head]]
            for i, orths, head_specs, _ in splits:
                q = new_index[i]
                for j, (h, sub) in enumerate(head_specs):
                    r = new_index[h]
                    if sub >= n_sub[r]:
                        raise ValueError(Errors.head_outside.format(j=j, tok=i, sub=sub, head=h,
                                                                    n=n_sub[r]))
                    final_heads[fpos[q] + j] = fpos[r] + sub
            self._check_cycles(final_heads, F)
            sub_lex = <const LexemeC**>mem.alloc(F, sizeof(LexemeC*))
            sub_attrs = <TokenAttrs*>mem.alloc(F, sizeof(TokenAttrs))
            for i, orths, _, per_sub in splits:
                q = fpos[new_index[i]]
                for j, orth in enumerate(orths):
                    sub_lex[q + j] = doc.vocab.get(orth)
                    _fill_attrs(&sub_attrs[q + j], per_sub[j][0], per_sub[j][1])
        # 3. Merges: build each merged token, then compact the array in one pass.
        cdef TokenC* merged = <TokenC*>mem.alloc(max(K, 1), sizeof(TokenC))
        cdef TokenAttrs* m_attrs = <TokenAttrs*>mem.alloc(max(K, 1), sizeof(TokenAttrs))
        cdef TokenC* tok
        cdef int iob
        cdef StringStore strings = doc.vocab.strings
        for k, (s, e, mask, values, _) in enumerate(merges):
            _fill_attrs(&m_attrs[k], mask, values)
            tok = &merged[k]
            tok[0] = c[s]
            if e - s > 1:
                parts = []
                for i in range(s, e - 1):
                    parts.append(strings.decode(c[i].lex.orth))
                    if c[i].spacy:
                        parts.append(" ")
                parts.append(strings.decode(c[e - 1].lex.orth))
                tok.lex = doc.vocab.get("".join(parts))
            tok.lemma = self._merged_lemma(s, e, strings)
        for k in range(K):
            tok = &merged[k]
            s, e, r = m_start[k], m_end[k], m_root[k]
            tok.tag = c[r].tag
            tok.pos = c[r].pos
            tok.morph = c[r].morph
            tok.dep = c[r].dep
            tok.ent_type = c[r].ent_type
            iob = c[r].ent_iob
            if iob == IOB_IN or iob == IOB_BEGIN:
                iob = IOB_BEGIN
                if c[s].ent_iob == IOB_IN and s > 0 and c[s].ent_type == tok.ent_type \
                        and c[s - 1].ent_type == tok.ent_type:
                    iob = IOB_IN
            tok.ent_iob = iob
            tok.norm = 0
            tok.spacy = c[e - 1].spacy
            tok.head = new_index[r + c[r].head] - new_index[s]
            _set_attrs(tok, &m_attrs[k])
        if K:
            i = j = k = 0
            while i < n:
                if k < K and i == m_start[k]:
                    c[j] = merged[k]
                    i = m_end[k]
                    k += 1
                else:
                    c[j] = c[i]
                    c[j].head = new_index[i + c[i].head] - j
                    i += 1
                j += 1
            for i in range(M, n):
                c[i] = c[-1]
                c[i].l_edge = i
                c[i].r_edge = i
            doc.length = M
        # 4. Splits: open room from the back, writing each subtoken.
        cdef TokenC orig
        cdef int idx
        if S:
            doc._realloc(F)
            c = doc.c
            for q in range(M - 1, -1, -1):
                if not is_split[q]:
                    if fpos[q] != q:
                        c[fpos[q]] = c[q]
                    continue
                orig = c[q]
                idx = orig.idx
                for j in range(n_sub[q]):
                    tok = &c[fpos[q] + j]
                    tok[0] = orig
                    tok.lex = sub_lex[fpos[q] + j]
                    tok.idx = idx
                    idx += tok.lex.length
                    tok.norm = 0
                    if orig.lemma != 0:
                        tok.lemma = tok.lex.orth
                    tok.spacy = orig.spacy if j == n_sub[q] - 1 else False
                    if j > 0:
                        if orig.ent_iob == IOB_BEGIN:
                            tok.ent_iob = IOB_IN
                        if orig.sent_start != 0:
                            tok.sent_start = -1
                    _set_attrs(tok, &sub_attrs[fpos[q] + j])
            for i in range(F):
                c[i].head = final_heads[i] - i
            doc.length = F
        make_iob_consistent(c, doc.length)
        self._set_children()
        self._fix_extras(mem, new_index, n, fpos, n_sub, is_split, merges, splits)

    cdef int _check_cycles(self, int* heads, int F) except -1:
        cdef int* marks = <int*>malloc(max(F, 1) * sizeof(int))
        cdef int entry = -1
        if marks == NULL:
            raise MemoryError()
        first = find_head_cycle(heads, F, marks, &entry)
        free(marks)
        if first >= 0:
            raise ValueError(Errors.head_cycle.format(i=entry))
        return 0

    cdef attr_t _merged_lemma(self, int s, int e, StringStore strings) except? 0:
        cdef TokenC* c = self.doc.c
        cdef int i
        for i in range(s, e):
            if c[i].lemma != 0:
                break
        else:
            return 0
        parts = []
        for i in range(s, e):
            parts.append(strings.decode(c[i].lemma))
            if c[i].spacy:
                parts.append(" ")
        lemma = "".join(parts).strip()
        return strings.add(lemma) if lemma else 0

    cdef int _set_children(self) except -1:
        """Kids and edges from the heads; sentence starts too only for a parsed doc."""
        cdef Doc doc = self.doc
        cdef int i, n = doc.length
        cdef bint has_dep = False
        for i in range(n):
            if doc.c[i].dep != 0:
                has_dep = True
                break
        if has_dep:
            return set_children_from_heads(doc.c, 0, n)
        cdef int* kept = <int*>malloc(max(n, 1) * sizeof(int))
        if kept == NULL:
            raise MemoryError()
        for i in range(n):
            kept[i] = doc.c[i].sent_start
        try:
            set_children_from_heads(doc.c, 0, n)
        finally:
            for i in range(n):
                doc.c[i].sent_start = kept[i]
            free(kept)
        return 0

    cdef int _fix_extras(self, Pool mem, int* new_index, int n, int* fpos, int* n_sub,
                         unsigned char* is_split, merges, splits) except -1:
        """Extension values, span groups and the tensor, after the token array."""
        cdef Doc doc = self.doc
        cdef int i, j, k, q, s, e, F = doc.length
        cdef int* final_of = <int*>mem.alloc(n + 1, sizeof(int))      # old -> final start
        cdef int* final_end = <int*>mem.alloc(n + 1, sizeof(int))     # old -> final end
        for i in range(n):
            q = new_index[i]
            final_of[i] = fpos[q]
            final_end[i] = fpos[q] + n_sub[q]
        final_of[n] = F
        final_end[n] = F
        for s, e, _, _, ext in merges:
            if ext:
                token = doc[final_of[s]]
                for name, value in ext.items():
                    setattr(token._, name, value)
        for i, orths, _, per_sub in splits:
            for j, (_, _, ext) in enumerate(per_sub):
                if ext:
                    token = doc[final_of[i] + j]
                    for name, value in ext.items():
                        setattr(token._, name, value)
        for name, group in list(doc.spans.items()):
            remapped = []
            for span in group:
                s, e = (<Span>span).start, (<Span>span).end
                if e > n or s > e:
                    remapped.append(span)
                    continue
                s2 = final_of[s]
                e2 = final_end[e - 1] if e > s else s2
                remapped.append(Span(doc, s2, e2, label=span.label, kb_id=span.kb_id,
                                     span_id=span.id))
            del group[:]
            group.extend(remapped)
        tensor = doc.tensor
        if isinstance(tensor, numpy.ndarray) and tensor.ndim == 2 and tensor.shape[0] == n:
            source = numpy.full((F,), -1, dtype="int64")
            for i in range(n - 1, -1, -1):
                q = new_index[i]
                if not is_split[q] and source[fpos[q]] == -1:
                    source[fpos[q]] = i          # the last token of a merged span
            out = numpy.zeros((F, tensor.shape[1]), dtype=tensor.dtype)
            keep = source >= 0
            out[keep] = tensor[source[keep]]
            doc.tensor = out
        return 0


def entity_bounds(Doc doc):
    """[(start, end)] of doc.ents, read from the IOB codes as Doc.ents reads them."""
    cdef const TokenC* c = doc.c
    cdef int i, start = -1, n = doc.length
    cdef attr_t label = 0
    out = []
    for i in range(n):
        if start != -1 and (c[i].ent_iob != IOB_IN or c[i].ent_type != label):
            out.append((start, i))
            start = -1
        if c[i].ent_iob == IOB_BEGIN or (c[i].ent_iob == IOB_IN and start == -1
                                         and c[i].ent_type != 0):
            start = i
            label = c[i].ent_type
    if start != -1:
        out.append((start, n))
    return out


def subtoken_bounds(Doc doc, attr_t label):
    """[(start, end)]: each maximal run of tokens with dep `label`, with the token
    after it (if any)."""
    cdef const TokenC* c = doc.c
    cdef int i = 0, start, n = doc.length
    out = []
    while i < n:
        if c[i].dep != label:
            i += 1
            continue
        start = i
        while i < n and c[i].dep == label:
            i += 1
        out.append((start, min(i + 1, n)))
        i += 1
    return out


RETOKENIZER[0] = Retokenizer
