# cython: infer_types=True, boundscheck=False, wraparound=False
"""PhraseMatcher: every occurrence of phrase Docs, compared on one token attribute.

The phrases form a trie of attribute values: one preshed map per node (value -> child
node + 1), read through its C struct in a nogil loop that walks from each token. A node
where phrases end keeps their keys, each once, in the order added. Matches come by start,
then end, as in spaCy; on a Span, positions are the doc's (spaCy's behaviour, unlike the
Matcher's). Several keys with one phrase come in the order added (spaCy's come in its
hash-table order).
"""
import warnings

from libcpp.vector cimport vector
from preshed.maps cimport MapStruct, PreshMap, map_get
from ..attrs cimport DEP, LEMMA, MORPH, POS, SENT_START, TAG, attr_id_t
from ..tokens.doc cimport Doc
from ..tokens.span cimport Span
from ..tokens.token cimport token_get_attr
from ..typedefs cimport attr_t
from ..attrs import IDS, NAMES
from .matcher import ANNOTATING_PIPES
from .patterns import ALIASES


cdef struct PhraseMatchC:
    attr_t key
    int start
    int end


cdef class PhraseMatcher:
    """Match phrases (Docs) on ORTH, LOWER, NORM, LEMMA, POS, TAG, SHAPE or another
    token attribute (spaCy's `PhraseMatcher` API)."""

    cdef readonly object vocab
    cdef readonly attr_id_t attr
    cdef object _validate
    cdef dict _phrases            # key id -> list of attribute-value tuples, as added
    cdef dict _callbacks
    cdef dict _names              # key id -> the key as given
    cdef list _maps               # the PreshMap of each trie node (keeps them alive)
    cdef vector[MapStruct*] nodes
    cdef vector[vector[attr_t]] ends   # per node, the keys of the phrases ending there

    def __init__(self, vocab, attr="ORTH", validate=False):
        cdef int attr_id = _attr_id(attr)
        self.vocab = vocab
        self.attr = <attr_id_t>attr_id
        self._validate = validate
        self._phrases = {}
        self._callbacks = {}
        self._names = {}
        self._reset_trie()

    def __reduce__(self):
        return (_unpickle_phrase_matcher, (self.vocab, NAMES.get(self.attr, self.attr),
                                           {self._names[k]: v for k, v in self._phrases.items()},
                                           {self._names[k]: v for k, v in self._callbacks.items()}))

    def __len__(self):
        """The number of rules (keys)."""
        return len(self._phrases)

    def __contains__(self, key):
        return self._key_id(key) in self._phrases

    def _key_id(self, key):
        return self.vocab.strings.add(key) if isinstance(key, str) else key

    def _reset_trie(self):
        self._maps = [PreshMap()]
        self.nodes.clear()
        self.ends.clear()
        self.nodes.push_back((<PreshMap>self._maps[0]).c_map)
        self.ends.push_back(vector[attr_t]())

    def add(self, key, docs, *more_docs, on_match=None):
        """Add phrase Docs under `key` (appended to its earlier ones; `on_match` replaces
        the key's callback). Empty Docs are skipped."""
        if docs is None or callable(docs):  # spaCy 2's add(key, on_match, *docs)
            on_match, docs = docs, more_docs
        if isinstance(docs, Doc):
            raise ValueError(f"PhraseMatcher.add({key!r}): give a list of Docs, not one Doc")
        phrases = []
        for i, doc in enumerate(docs):
            if not isinstance(doc, Doc):
                raise ValueError(f"PhraseMatcher.add({key!r}): phrase {i} is a "
                                 f"{type(doc).__name__}, not a Doc")
            if len(doc) == 0:
                continue
            self._check_phrase(key, i, doc)
            phrases.append(_values(doc, self.attr))
        key_id = self._key_id(key)
        self._names[key_id] = key
        self._callbacks[key_id] = on_match
        self._phrases.setdefault(key_id, [])
        for values in phrases:
            self._phrases[key_id].append(values)
            self._insert(key_id, values)

    def _check_phrase(self, key, i, Doc doc):
        pipe = ANNOTATING_PIPES.get(self.attr)
        if pipe is not None and not doc.has_annotation(self.attr):
            raise ValueError(f"PhraseMatcher.add({key!r}): phrase {i} ({doc.text!r}) has no "
                             f"{NAMES[self.attr]}, which this matcher compares; run a {pipe} "
                             f"on it (nlp(text), not nlp.make_doc)")
        if self._validate and pipe is None and any(doc.has_annotation(a) for a in
                                                   ANNOTATING_PIPES):
            warnings.warn(f"PhraseMatcher.add({key!r}): phrase {i} is annotated but the "
                          f"matcher compares {NAMES.get(self.attr, self.attr)} only; "
                          f"nlp.make_doc is faster for such phrases", stacklevel=3)

    cdef _insert(self, attr_t key, tuple values):
        cdef size_t node = 0, child
        cdef PreshMap node_map
        for value in values:
            node_map = self._maps[node]
            child = <size_t>node_map.get(value)
            if child == 0:
                self._maps.append(PreshMap())
                self.nodes.push_back((<PreshMap>self._maps[len(self._maps) - 1]).c_map)
                self.ends.push_back(vector[attr_t]())
                child = self.nodes.size()
                node_map.set(value, <void*>child)
            node = child - 1
        for existing in self.ends[node]:
            if existing == key:
                return
        self.ends[node].push_back(key)

    def remove(self, key):
        """Remove a key's phrases; a KeyError if there are none."""
        key_id = self._key_id(key)
        if key_id not in self._phrases:
            raise KeyError(f"PhraseMatcher.remove: no rule for {key!r}")
        del self._phrases[key_id], self._callbacks[key_id], self._names[key_id]
        self._reset_trie()
        for other, phrases in self._phrases.items():
            for values in phrases:
                self._insert(other, values)

    def __call__(self, doclike, *, as_spans=False):
        """(match_id, start, end) per match, or labelled Spans (`as_spans`)."""
        cdef Doc doc
        cdef int start, end
        if doclike is None or len(doclike) == 0:
            return []
        if isinstance(doclike, Doc):
            doc, start, end = doclike, 0, len(doclike)
        elif isinstance(doclike, Span):
            doc, start, end = doclike.doc, doclike.start, doclike.end
        else:
            raise ValueError(f"PhraseMatcher: expected a Doc or Span, got "
                             f"{type(doclike).__name__}")
        cdef vector[PhraseMatchC] found
        with nogil:
            self._find(doc, start, end, found)
        matches = [(m.key, m.start, m.end) for m in found]
        for i, (key, _, _) in enumerate(matches):
            on_match = self._callbacks.get(key)
            if on_match is not None:
                on_match(self, doc, i, matches)
        if as_spans:
            return [Span(doc, s, e, label=key) for key, s, e in matches]
        return matches

    cdef void _find(self, Doc doc, int start, int end,
                    vector[PhraseMatchC]& found) noexcept nogil:
        cdef int i, j
        cdef size_t node, child, k
        for i in range(start, end):
            node = 0
            j = i
            while j < end:
                child = <size_t>map_get(self.nodes[node], token_get_attr(&doc.c[j], self.attr))
                if child == 0:
                    break
                node = child - 1
                j += 1
                for k in range(self.ends[node].size()):
                    found.push_back(PhraseMatchC(self.ends[node][k], i, j))


cdef tuple _values(Doc doc, attr_id_t attr):
    return tuple(token_get_attr(&doc.c[i], attr) for i in range(doc.length))


def _attr_id(attr):
    if isinstance(attr, int):
        return attr
    name = str(attr).upper()
    name = ALIASES.get(name, name)
    if name not in IDS or IDS[name] == 0:
        raise ValueError(f"PhraseMatcher: unknown attribute {attr!r}")
    return IDS[name]


def _unpickle_phrase_matcher(vocab, attr, phrases, callbacks):
    matcher = PhraseMatcher(vocab, attr=attr)
    for key, values in phrases.items():
        key_id = matcher._key_id(key)
        matcher._names[key_id] = key
        matcher._callbacks[key_id] = callbacks.get(key)
        matcher._phrases[key_id] = list(values)
        for value in values:
            matcher._insert(key_id, value)
    return matcher
