# cython: infer_types=True, boundscheck=False, wraparound=False
"""sentencizer: sentence starts from punctuation, without a model.

A sentence ends after a run of split characters (by default Unicode's Sentence_Terminal
characters) and the punctuation that follows it, as in spaCy; the next token starts a
sentence. Only tokens without a sentence-start value get one, unless `overwrite`. Whether
a token's text is a split character is kept per orth id, so the loop over the tokens is C.
"""
from pathlib import Path

import srsly

from libc.stdlib cimport free, malloc
from preshed.maps cimport PreshMap
from ..attrs cimport IS_PUNCT
from ..lexeme cimport lex_check_flag
from ..tokens.doc cimport Doc
from ..typedefs cimport attr_t
from ..factories import register_factory
from ..lang.sentence_terminals import SENTENCE_TERMINALS
from ..registry import registry
from ..scorer import Scorer


@registry.scorers("fastnlp.senter_scorer.v1")
def make_senter_scorer():
    return Scorer.score_sents


registry.scorers.register("spacy.senter_scorer.v1", func=make_senter_scorer)


@register_factory("sentencizer",
                  default_config={"punct_chars": None, "overwrite": False,
                                  "scorer": {"@scorers": "fastnlp.senter_scorer.v1"}},
                  default_score_weights={"sents_f": 1.0, "sents_p": 0.0, "sents_r": 0.0},
                  assigns=["token.is_sent_start", "doc.sents"])
def make_sentencizer(nlp, name, punct_chars, overwrite, scorer):
    return Sentencizer(name, punct_chars=punct_chars, overwrite=overwrite, scorer=scorer)


cdef class Sentencizer:
    """Rule-based sentence segmentation (spaCy's `Sentencizer` API)."""

    default_punct_chars = list(SENTENCE_TERMINALS)
    cdef public str name
    cdef public bint overwrite
    cdef public object scorer
    cdef object _punct_chars
    cdef PreshMap _is_split     # orth -> 1 (not a split character) or 2 (one)

    def __init__(self, name="sentencizer", *, punct_chars=None, overwrite=False,
                 scorer=None):
        self.name = name
        self.punct_chars = punct_chars
        self.overwrite = overwrite
        self.scorer = scorer if scorer is not None else Scorer.score_sents

    @property
    def punct_chars(self):
        return self._punct_chars

    @punct_chars.setter
    def punct_chars(self, chars):
        self._punct_chars = set(chars) if chars else set(self.default_punct_chars)
        self._is_split = PreshMap()

    def __call__(self, Doc doc):
        self._set_sent_starts(doc)
        return doc

    def pipe(self, docs, batch_size=128):
        for doc in docs:
            yield self(doc)

    def predict(self, docs):
        """Per doc, whether each token starts a sentence (the doc is not changed)."""
        out = []
        for doc in docs:
            copy = doc.copy()
            for token in copy:
                token.is_sent_start = None
            self._set_sent_starts(copy, overwrite=True)
            out.append([token.is_sent_start is True for token in copy])
        return out

    def set_annotations(self, docs, guesses):
        cdef Doc doc
        for doc, starts in zip(docs, guesses):
            for i, start in enumerate(starts):
                if doc.c[i].sent_start == 0 or self.overwrite:
                    doc.c[i].sent_start = 1 if start else -1

    cdef bint _splits(self, attr_t orth, strings) except -1:
        cdef size_t known = <size_t>self._is_split.get(orth)
        if known == 0:
            known = 2 if strings[orth] in self._punct_chars else 1
            self._is_split.set(orth, <void*>known)
        return known == 2

    cdef int _set_sent_starts(self, Doc doc, overwrite=None) except -1:
        cdef bint replace = self.overwrite if overwrite is None else overwrite
        cdef int n = doc.length, i
        if n == 0:
            return 0
        strings = doc.vocab.strings
        cdef bint seen_split = False, split
        cdef int* starts = <int*>malloc(n * sizeof(int))  # doc.c[i].sent_start to set
        if starts == NULL:
            raise MemoryError()
        try:
            for i in range(n):
                split = self._splits(doc.c[i].lex.orth, strings)
                if i == 0 or (seen_split and not split and
                              not lex_check_flag(doc.c[i].lex, IS_PUNCT)):
                    starts[i] = 1
                    seen_split = False
                else:
                    starts[i] = -1
                if split:
                    seen_split = True
            for i in range(n):
                if doc.c[i].sent_start == 0 or replace:
                    doc.c[i].sent_start = starts[i]
        finally:
            free(starts)
        return 0

    def score(self, examples, **kwargs):
        return self.scorer(examples, **kwargs)

    def _cfg(self):
        return {"punct_chars": sorted(self._punct_chars), "overwrite": self.overwrite}

    def _set_cfg(self, cfg, where):
        if not isinstance(cfg, dict):
            raise ValueError(f"{where}: expected a table with punct_chars and overwrite")
        self.punct_chars = cfg.get("punct_chars")
        self.overwrite = bool(cfg.get("overwrite", self.overwrite))

    def to_bytes(self, *, exclude=()):
        return srsly.msgpack_dumps(self._cfg())

    def from_bytes(self, data, *, exclude=()):
        self._set_cfg(srsly.msgpack_loads(data), f"{self.name}: bytes")
        return self

    def to_disk(self, path, *, exclude=()):
        srsly.write_json(Path(path).with_suffix(".json"), self._cfg())

    def from_disk(self, path, *, exclude=()):
        path = Path(path).with_suffix(".json")
        self._set_cfg(srsly.read_json(path), str(path))
        return self
