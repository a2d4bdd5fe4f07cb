# cython: infer_types=True, boundscheck=False, wraparound=False
"""Matcher: token patterns matched in C over a Doc's TokenC array.

Patterns compile once (`patterns.PatternCompiler`) into arrays of specs; a call runs a
nogil loop that keeps the partial matches as plain structs. Before the loop the
predicates (REGEX, IN, ...) are resolved per distinct attribute value and extension
values are read, so the loop itself touches no Python object.

The matching follows spaCy's: every path through `?`, `*` and `+` gives a match (the same
(key, start, end) once, in the order found), `greedy` filters per key afterwards, and
the callbacks run on the final list. A token's SENT_START is 1 for the doc's first token.
"""
import warnings

import numpy

from cymem.cymem cimport Pool
from preshed.maps cimport PreshMap
from libc.stdint cimport int8_t, int32_t
from libc.string cimport memset
from libcpp.algorithm cimport sort
from libcpp.vector cimport vector
from ..attrs cimport DEP, LEMMA, MORPH, POS, SENT_START, TAG, attr_id_t
from ..structs cimport TokenC
from ..tokens.doc cimport Doc
from ..tokens.span cimport Span
from ..tokens.token cimport token_get_attr
from ..typedefs cimport attr_t
from ..attrs import NAMES
from .levenshtein import levenshtein_compare
from .patterns import ONE, ZERO, ZERO_ONE, ZERO_PLUS, MatchPatternError, PatternCompiler
from .predicates import outcome

cdef int Q_ONE = ONE, Q_ZERO = ZERO, Q_ZERO_ONE = ZERO_ONE, Q_ZERO_PLUS = ZERO_PLUS

# What a spec does with a token: bits match (emit with the token), match-without (emit
# without it), advance (next spec, next token), retry (next spec, same token), extend
# (same spec, next token).
cdef enum:
    REJECT = 0
    MATCH = 1
    MATCH_WITHOUT = 2
    ADVANCE = 4
    RETRY = 8
    EXTEND = 16

# Stand-ins when no pattern uses a predicate or an extension (never read then).
NO_PREDICATES = numpy.zeros((1, 1), dtype="int8")
NO_EXTENSIONS = numpy.zeros((1, 1), dtype="uint64")
ANNOTATING_PIPES = {TAG: "tagger", POS: "morphologizer or tagger+attribute_ruler",
                    MORPH: "morphologizer or tagger+attribute_ruler", LEMMA: "lemmatizer",
                    DEP: "parser"}


cdef attr_t matcher_attr(const TokenC* token, attr_id_t attr, bint doc_start) noexcept nogil:
    if attr == SENT_START:
        return 1 if (token.sent_start == 1 or doc_start) else 0
    return token_get_attr(token, attr)


cdef bint spec_matches(const SpecC* spec, const DocInputC* doc, int i) noexcept nogil:
    cdef int k
    for k in range(spec.n_preds):
        if doc.preds[i * doc.n_preds + spec.preds[k]] == -1:
            return False
    cdef const TokenC* token = &doc.tokens[i]
    cdef bint doc_start = doc.starts_doc and i == 0
    for k in range(spec.n_attrs):
        if matcher_attr(token, spec.attrs[k].attr, doc_start) != spec.attrs[k].value:
            return False
    for k in range(spec.n_exts):
        if doc.exts[i * doc.n_exts + spec.exts[k].index] != spec.exts[k].value:
            return False
    return True


cdef int action_of(const PatternC* pattern, int spec_i, const DocInputC* doc,
                   int i) noexcept nogil:
    cdef const SpecC* spec = &pattern.specs[spec_i]
    cdef bint final = spec_i == pattern.n_specs - 1
    cdef bint hit = spec_matches(spec, doc, i)
    cdef int quantifier = spec.quantifier
    if quantifier == Q_ZERO:
        hit = not hit
        quantifier = Q_ONE
    if quantifier == Q_ONE:
        if not hit:
            return REJECT
        return MATCH if final else ADVANCE
    if quantifier == Q_ZERO_PLUS:
        if hit:
            return (MATCH_WITHOUT | EXTEND) if final else (RETRY | EXTEND)
        return MATCH_WITHOUT if final else RETRY
    # ZERO_ONE
    if hit:
        return (MATCH | MATCH_WITHOUT) if final else (RETRY | ADVANCE)
    return MATCH_WITHOUT if final else RETRY


cdef inline void add_align(vector[AlignC]& aligns, StateC* state, const PatternC* patterns,
                           bint with_alignments) noexcept nogil:
    if with_alignments:
        aligns.push_back(AlignC(patterns[state.pattern].specs[state.spec].token_idx,
                                state.length, state.align))
        state.align = <int>aligns.size() - 1


cdef inline void emit(vector[MatchC]& matches, const StateC* state, const PatternC* patterns,
                      int length) noexcept nogil:
    matches.push_back(MatchC(patterns[state.pattern].key, state.start, length, state.align))


cdef void step(vector[StateC]& states, vector[StateC]& grown, vector[MatchC]& matches,
               vector[AlignC]& aligns, const PatternC* patterns, const DocInputC* doc, int i,
               bint with_alignments) noexcept nogil:
    """Move every state over token i: states that live on are kept in order, then the
    states branched off while retrying are appended."""
    cdef size_t k, kept = 0
    cdef int action, length
    cdef StateC state
    grown.clear()
    for k in range(states.size()):
        state = states[k]
        action = action_of(&patterns[state.pattern], state.spec, doc, i)
        if action == REJECT:
            continue
        length = state.length
        while action & RETRY:
            add_align(aligns, &state, patterns, with_alignments)
            if action & EXTEND:
                grown.push_back(StateC(state.pattern, state.spec, state.start, length + 1,
                                       state.align))
            if action & ADVANCE:
                grown.push_back(StateC(state.pattern, state.spec + 1, state.start,
                                       length + 1, state.align))
            state.spec += 1
            action = action_of(&patterns[state.pattern], state.spec, doc, i)
        add_align(aligns, &state, patterns, with_alignments)
        if action == REJECT:
            continue
        if action == ADVANCE:
            state.spec += 1
            state.length += 1
            states[kept] = state
            kept += 1
            continue
        if action & MATCH_WITHOUT and not (action & MATCH and length == 0):
            emit(matches, &state, patterns, length)
        if action & MATCH:
            emit(matches, &state, patterns, length + 1)
        if action & EXTEND:
            state.length += 1
            states[kept] = state
            kept += 1
    states.resize(kept)
    for k in range(grown.size()):
        states.push_back(grown[k])


cdef void finish(vector[StateC]& states, vector[MatchC]& matches, vector[AlignC]& aligns,
                 const PatternC* patterns, bint with_alignments) noexcept nogil:
    """States still open after the last token match if only optional specs remain."""
    cdef size_t k
    cdef StateC state
    cdef const PatternC* pattern
    for k in range(states.size()):
        state = states[k]
        pattern = &patterns[state.pattern]
        while pattern.specs[state.spec].quantifier in (Q_ZERO_PLUS, Q_ZERO_ONE):
            add_align(aligns, &state, patterns, with_alignments)
            if state.spec == pattern.n_specs - 1:
                emit(matches, &state, patterns, state.length)
                break
            state.spec += 1


cdef void start_states(vector[StateC]& states, vector[int]& starting,
                       const vector[attr_id_t]& index_attrs,
                       const vector[vector[IndexEntryC]]& index, const vector[int]& always,
                       const DocInputC* doc, int i) noexcept nogil:
    """A new state at token i for each pattern whose first spec could match it, in
    pattern order (a pattern whose first spec needs a value the token lacks would only
    be rejected)."""
    cdef size_t a, k
    cdef attr_t value
    cdef const IndexEntryC* entries
    cdef size_t lo, hi, mid, n
    starting.clear()
    for a in range(index_attrs.size()):
        value = matcher_attr(&doc.tokens[i], index_attrs[a], doc.starts_doc and i == 0)
        n = index[a].size()
        if n == 0:
            continue
        entries = &index[a][0]
        lo, hi = 0, n
        while lo < hi:
            mid = (lo + hi) // 2
            if entries[mid].value < value:
                lo = mid + 1
            else:
                hi = mid
        while lo < n and entries[lo].value == value:
            starting.push_back(entries[lo].pattern)
            lo += 1
    for k in range(always.size()):
        starting.push_back(always[k])
    if index_attrs.size():
        sort(starting.begin(), starting.end())
    for k in range(starting.size()):
        states.push_back(StateC(starting[k], 0, i, 0, -1))


cdef bint entry_less(const IndexEntryC& a, const IndexEntryC& b) noexcept nogil:
    return a.value < b.value or (a.value == b.value and a.pattern < b.pattern)


cdef class Matcher:
    """Match sequences of tokens against token patterns (spaCy's `Matcher` API)."""

    cdef Pool mem
    cdef readonly object vocab
    cdef public object validate
    cdef object _compiler
    cdef object _fuzzy_compare
    cdef list _rules              # (key, specs) per pattern, in the order added
    cdef dict _patterns           # key -> the patterns as given
    cdef dict _callbacks
    cdef dict _filter
    cdef set _seen_attrs
    cdef list _caches             # per predicate, attribute value id -> result + 2
    cdef bint _stale
    cdef vector[PatternC] c_patterns
    cdef vector[attr_id_t] index_attrs
    cdef vector[vector[IndexEntryC]] index
    cdef vector[int] always

    def __init__(self, vocab, validate=True, *, fuzzy_compare=levenshtein_compare):
        self.vocab = vocab
        self.validate = validate
        self._fuzzy_compare = fuzzy_compare
        self._compiler = PatternCompiler(vocab, fuzzy_compare)
        self._rules = []
        self._patterns = {}
        self._callbacks = {}
        self._filter = {}
        self._seen_attrs = set()
        self._caches = []
        self._stale = True

    def __reduce__(self):
        return (_unpickle_matcher, (self.vocab, self._patterns, self._callbacks,
                                    self._filter, self.validate, self._fuzzy_compare))

    def __len__(self):
        """The number of rules (keys), not of patterns."""
        return len(self._patterns)

    def __contains__(self, key):
        return self._normalize_key(key) in self._patterns

    def has_key(self, key):
        return self._normalize_key(key) in self._patterns

    def get(self, key, default=None):
        """(on_match, patterns) of a key, or `default`."""
        key = self._normalize_key(key)
        if key not in self._patterns:
            return default
        return (self._callbacks[key], self._patterns[key])

    def add(self, key, patterns, *, on_match=None, greedy=None):
        """Add patterns under `key` (appended to its earlier ones; `on_match` and `greedy`
        replace the key's). Nothing is added if any pattern is invalid."""
        if on_match is not None and not callable(on_match):
            raise ValueError(f"Matcher.add({key!r}): on_match must be callable, not "
                             f"{type(on_match).__name__}")
        if not isinstance(patterns, list):
            raise MatchPatternError(f"Matcher.add({key!r}): patterns must be a list of "
                                    f"patterns, not {type(patterns).__name__}")
        if greedy not in (None, "FIRST", "LONGEST"):
            raise ValueError(f"Matcher.add({key!r}): greedy must be 'FIRST', 'LONGEST' or "
                             f"None, not {greedy!r}")
        compiled = [self._compiler.compile(key, i, pattern) for i, pattern in
                    enumerate(patterns)]
        key = self._normalize_key(key)
        for specs in compiled:
            self._rules.append((key, specs))
            for spec in specs:
                self._seen_attrs.update(attr for attr, _ in spec.attrs)
        self._patterns.setdefault(key, []).extend(patterns)
        self._callbacks[key] = on_match
        self._filter[key] = greedy
        self._stale = True

    def _check_patterns(self, key, patterns):
        """Compile `patterns` without adding them: a MatchPatternError if one is invalid."""
        for i, pattern in enumerate(patterns):
            self._compiler.compile(key, i, pattern)

    def remove(self, key):
        """Remove a key's rule; a ValueError if there is none."""
        norm = self._normalize_key(key)
        if norm not in self._patterns:
            raise ValueError(f"Matcher.remove: no rule for {key!r}")
        del self._patterns[norm]
        del self._callbacks[norm]
        self._filter.pop(norm, None)
        self._rules = [(k, specs) for k, specs in self._rules if k != norm]
        self._stale = True

    def _normalize_key(self, key):
        return self.vocab.strings.add(key) if isinstance(key, str) else key

    def __call__(self, doclike, *, as_spans=False, allow_missing=False,
                 with_alignments=False):
        """(match_id, start, end) per match, or Spans labelled with the match id
        (`as_spans`), or (match_id, start, end, alignments) (`with_alignments`: per
        matched token, the index of the pattern's token spec it matched)."""
        if isinstance(doclike, Doc):
            doc, offset, length = doclike, 0, len(doclike)
        elif isinstance(doclike, Span):
            doc, offset, length = doclike.doc, doclike.start, len(doclike)
        else:
            raise ValueError(f"Matcher: expected a Doc or Span, got "
                             f"{type(doclike).__name__}")
        if as_spans:
            with_alignments = False
        if not self._patterns:
            warnings.warn("Matcher is called with no patterns added", stacklevel=2)
        if not allow_missing:
            self._check_annotation(doc)
        if not self._rules or length == 0:
            matches = []
        else:
            matches = self._find(doc, offset, length, with_alignments)
        matches = self._apply_filters(matches)
        if as_spans:
            results = [Span(doc, start + offset, end + offset, label=key)
                       for key, start, end, *_ in matches]
        else:
            results = matches
        for i, (key, *_) in enumerate(matches):
            on_match = self._callbacks.get(key)
            if on_match is not None:
                on_match(self, doc, i, matches)
        return results

    def _check_annotation(self, Doc doc):
        cdef int i
        cdef bint present
        for attr, pipe in ANNOTATING_PIPES.items():
            if attr not in self._seen_attrs:
                continue
            present = False
            for i in range(doc.length):
                if token_get_attr(&doc.c[i], <attr_id_t>attr) != 0:
                    present = True
                    break
            if not present:
                raise ValueError(f"Matcher: a pattern tests {NAMES[attr]} but the doc has "
                                 f"none; run a {pipe} first, or call the matcher with "
                                 f"allow_missing=True")

    def _apply_filters(self, matches):
        """Keep every match of keys without `greedy`; of the others, the first or longest
        matches that overlap no match kept before them."""
        out, by_key = [], {}
        for match in matches:
            if self._filter.get(match[0]) is None:
                out.append(match)
            else:
                by_key.setdefault(match[0], []).append(match)
        for key, found in by_key.items():
            if self._filter[key] == "FIRST":
                found.sort(key=lambda m: (m[1], -m[2]))
            else:
                found.sort(key=lambda m: (m[2] - m[1], -m[1]), reverse=True)
            taken = set()
            for match in found:
                positions = range(match[1], match[2])
                if taken.isdisjoint(positions):
                    out.append(match)
                    taken.update(positions)
        return out

    cdef _build(self):
        """Lay the compiled patterns out in C, with the index of their first specs."""
        self.mem = Pool()
        self.c_patterns.clear()
        self.index_attrs.clear()
        self.index.clear()
        self.always.clear()
        by_attr = {}
        cdef PatternC pattern
        cdef SpecC* specs
        cdef AttrTestC* tests
        cdef ExtTestC* exts
        cdef int32_t* preds
        cdef int j, k
        for key, compiled in self._rules:
            if not compiled:
                continue  # e.g. {"OP": "{0}"} alone: nothing can match, as in spaCy
            specs = <SpecC*>self.mem.alloc(len(compiled), sizeof(SpecC))
            for j, spec in enumerate(compiled):
                specs[j].quantifier = spec.quantifier
                specs[j].token_idx = spec.token_idx
                specs[j].n_attrs = len(spec.attrs)
                tests = <AttrTestC*>self.mem.alloc(max(1, len(spec.attrs)), sizeof(AttrTestC))
                for k, (attr, value) in enumerate(spec.attrs):
                    tests[k].attr = <attr_id_t>attr
                    tests[k].value = value
                specs[j].attrs = tests
                specs[j].n_exts = len(spec.extensions)
                exts = <ExtTestC*>self.mem.alloc(max(1, len(spec.extensions)), sizeof(ExtTestC))
                for k, (index, value) in enumerate(spec.extensions):
                    exts[k].index = index
                    exts[k].value = value
                specs[j].exts = exts
                specs[j].n_preds = len(spec.predicates)
                preds = <int32_t*>self.mem.alloc(max(1, len(spec.predicates)), sizeof(int32_t))
                for k, index in enumerate(spec.predicates):
                    preds[k] = index
                specs[j].preds = preds
            pattern.key = key
            pattern.n_specs = len(compiled)
            pattern.specs = specs
            first = compiled[0]
            if first.quantifier == ONE and first.attrs:
                attr, value = first.attrs[0]
                by_attr.setdefault(attr, []).append((value, self.c_patterns.size()))
            else:
                self.always.push_back(self.c_patterns.size())
            self.c_patterns.push_back(pattern)
        cdef vector[IndexEntryC] entries
        for attr, pairs in by_attr.items():
            entries.clear()
            for value, number in pairs:
                entries.push_back(IndexEntryC(value, number))
            sort(entries.begin(), entries.end(), entry_less)
            self.index_attrs.push_back(<attr_id_t>attr)
            self.index.push_back(entries)
        self._stale = False

    def _find(self, Doc doc, int offset, int length, bint with_alignments):
        if self._stale:
            self._build()
        preds = self._predicate_results(doc, offset, length)
        exts = self._extension_values(doc, offset, length)
        cdef const int8_t[:, ::1] pred_view = preds
        cdef const attr_t[:, ::1] ext_view = exts
        cdef DocInputC inp
        inp.tokens = &doc.c[offset]
        inp.length = length
        inp.starts_doc = offset == 0
        inp.preds = &pred_view[0, 0]
        inp.n_preds = len(self._compiler.predicates)
        inp.exts = &ext_view[0, 0]
        inp.n_exts = len(self._compiler.extensions)
        cdef vector[StateC] states, grown
        cdef vector[int] starting
        cdef vector[MatchC] found
        cdef vector[AlignC] aligns
        cdef const PatternC* patterns = self.c_patterns.data()
        cdef int i
        with nogil:
            for i in range(length):
                start_states(states, starting, self.index_attrs, self.index, self.always,
                             &inp, i)
                step(states, grown, found, aligns, patterns, &inp, i, with_alignments)
            finish(states, found, aligns, patterns, with_alignments)
        out, seen = [], set()
        cdef size_t m
        cdef MatchC match
        for m in range(found.size()):
            match = found[m]
            item = (match.key, match.start, match.start + match.length)
            if match.length == 0 or item in seen:
                continue
            seen.add(item)
            if with_alignments:
                item = item + (_alignment(aligns, match.align, match.length),)
            out.append(item)
        return out

    def _predicate_results(self, Doc doc, int offset, int length):
        """length x n_preds results: each token attribute value is tested once per
        matcher (the result kept in a map), extension values on every call."""
        predicates = self._compiler.predicates
        cdef int n = len(predicates)
        if n == 0:
            return NO_PREDICATES
        out = numpy.zeros((length, n), dtype="int8")
        cdef int8_t[:, ::1] view = out
        cdef PreshMap cache
        cdef attr_id_t attr
        cdef attr_t value
        cdef size_t stored
        cdef int i, p
        while len(self._caches) < n:
            self._caches.append(PreshMap())
        for p, predicate in enumerate(predicates):
            if predicate.extension:
                for i in range(length):
                    value_obj = doc[offset + i]._.get(predicate.attr)
                    view[i, p] = outcome(predicate.test(value_obj), predicate)
                continue
            cache = self._caches[p]
            attr = <attr_id_t>predicate.attr
            for i in range(length):
                value = matcher_attr(&doc.c[offset + i], attr, offset + i == 0)
                stored = <size_t>cache.get(value)
                if stored == 0:  # results are kept as result + 2 (0 is "absent")
                    stored = outcome(predicate.test(value), predicate) + 2
                    cache.set(value, <void*>stored)
                view[i, p] = <int8_t>(<long>stored - 2)
        return out

    def _extension_values(self, Doc doc, int offset, int length):
        names = self._compiler.extensions
        if not names:
            return NO_EXTENSIONS
        out = numpy.zeros((length, len(names)), dtype="uint64")
        strings = self.vocab.strings
        for i in range(length):
            underscore = doc[offset + i]._
            for name, index in names.items():
                value = underscore.get(name)
                if isinstance(value, str):
                    value = strings.add(value)
                elif isinstance(value, (bool, int)):
                    value = int(value) % 2 ** 64
                else:
                    continue  # None or another type equals no pattern value
                out[i, index] = value
        return out


cdef list _alignment(const vector[AlignC]& aligns, int node, int length):
    """Per matched token, the pattern token spec it matched: of the steps taken at each
    match position, the one with the highest spec index (as spaCy reports it)."""
    steps = []
    while node >= 0:
        steps.append((aligns[node].length, aligns[node].token_idx))
        node = aligns[node].parent
    out = [0] * length
    for position, token_idx in sorted(steps):
        if position < length:
            out[position] = token_idx
    return out


def _unpickle_matcher(vocab, patterns, callbacks, filters, validate, fuzzy_compare):
    matcher = Matcher(vocab, validate=validate, fuzzy_compare=fuzzy_compare)
    for key, key_patterns in patterns.items():
        matcher.add(key, key_patterns, on_match=callbacks.get(key), greedy=filters.get(key))
    return matcher
