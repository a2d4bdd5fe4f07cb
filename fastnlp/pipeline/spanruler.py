"""span_ruler: spans from token patterns (Matcher) and phrase patterns (PhraseMatcher)
into `doc.spans[spans_key]` and, with `annotate_ents`, into doc.ents.

Patterns are `{"label": ..., "pattern": [token specs] or "phrase text", "id": ...}`.
Unlike entity_ruler, matches may overlap in the span group; doc.ents goes through
`ents_filter` (by default the longest, then first, of overlapping spans). As in spaCy,
`overwrite` (default true) replaces the group's and the entities' old contents. Saved
as one JSONL file, `patterns`, in spaCy's layout.
"""
import warnings
from functools import partial
from pathlib import Path

import srsly

from ..factories import register_factory
from ..matcher import Matcher, PhraseMatcher, levenshtein_compare
from ..registry import registry
from ..scorer import Scorer
from ..tokens import Doc, Span
from ..tokens.span_filters import (filter_chain_spans, prioritize_existing_ents_filter,
                                   prioritize_new_ents_filter)
from .entityruler import add_patterns_file
from .ner import make_ner_scorer

DEFAULT_SPANS_KEY = "ruler"
PATTERNS_FILE = "patterns"


def overlapping_labeled_spans_score(examples, *, spans_key=DEFAULT_SPANS_KEY, **kwargs):
    """spans_{key}_p/r/f and per type over doc.spans[spans_key], overlaps allowed."""
    prefix = "spans_"
    kwargs.setdefault("attr", f"{prefix}{spans_key}")
    kwargs.setdefault("allow_overlap", True)
    kwargs.setdefault("labeled", True)
    kwargs.setdefault("getter", lambda doc, key: doc.spans.get(key[len(prefix):], []))
    kwargs.setdefault("has_annotation", lambda doc: spans_key in doc.spans)
    return Scorer.score_spans(examples, **kwargs)


def make_overlapping_labeled_spans_scorer(spans_key: str = DEFAULT_SPANS_KEY):
    return partial(overlapping_labeled_spans_score, spans_key=spans_key)


def make_first_longest_spans_filter():
    return filter_chain_spans


def make_prioritize_new_ents_filter():
    return prioritize_new_ents_filter


def make_prioritize_existing_ents_filter():
    return prioritize_existing_ents_filter


for _prefix in ("fastnlp", "spacy"):
    registry.scorers.register(f"{_prefix}.overlapping_labeled_spans_scorer.v1",
                              func=make_overlapping_labeled_spans_scorer)
    registry.misc.register(f"{_prefix}.first_longest_spans_filter.v1",
                           func=make_first_longest_spans_filter)
    registry.misc.register(f"{_prefix}.prioritize_new_ents_filter.v1",
                           func=make_prioritize_new_ents_filter)
    registry.misc.register(f"{_prefix}.prioritize_existing_ents_filter.v1",
                           func=make_prioritize_existing_ents_filter)


@register_factory(
    "span_ruler",
    default_config={"spans_key": DEFAULT_SPANS_KEY, "spans_filter": None,
                    "annotate_ents": False,
                    "ents_filter": {"@misc": "fastnlp.first_longest_spans_filter.v1"},
                    "phrase_matcher_attr": None,
                    "matcher_fuzzy_compare": {"@misc": "fastnlp.levenshtein_compare.v1"},
                    "validate": False, "overwrite": True,
                    "scorer": {"@scorers": "fastnlp.overlapping_labeled_spans_scorer.v1",
                               "spans_key": DEFAULT_SPANS_KEY}},
    default_score_weights={f"spans_{DEFAULT_SPANS_KEY}_{k}": w for k, w in
                           (("f", 1.0), ("p", 0.0), ("r", 0.0), ("per_type", None))},
    assigns=["doc.spans"],
)
def make_span_ruler(nlp, name, spans_key, spans_filter, annotate_ents, ents_filter,
                    phrase_matcher_attr, matcher_fuzzy_compare, validate: bool,
                    overwrite: bool, scorer):
    return SpanRuler(nlp, name, spans_key=spans_key, spans_filter=spans_filter,
                     annotate_ents=annotate_ents, ents_filter=ents_filter,
                     phrase_matcher_attr=phrase_matcher_attr,
                     matcher_fuzzy_compare=matcher_fuzzy_compare, validate=validate,
                     overwrite=overwrite, scorer=scorer)


@register_factory(
    "future_entity_ruler",
    default_config={"phrase_matcher_attr": None, "validate": False, "overwrite_ents": False,
                    "scorer": {"@scorers": "fastnlp.entity_ruler_scorer.v1"},
                    "ent_id_sep": "__unused__",
                    "matcher_fuzzy_compare": {"@misc": "fastnlp.levenshtein_compare.v1"}},
    default_score_weights={"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None},
    assigns=["doc.ents"],
)
def make_future_entity_ruler(nlp, name, phrase_matcher_attr, validate: bool,
                             overwrite_ents: bool, scorer, ent_id_sep, matcher_fuzzy_compare):
    """spaCy's entity_ruler-to-be: a span_ruler that writes doc.ents only."""
    ents_filter = prioritize_new_ents_filter if overwrite_ents else \
        prioritize_existing_ents_filter
    return SpanRuler(nlp, name, spans_key=None, annotate_ents=True, ents_filter=ents_filter,
                     phrase_matcher_attr=phrase_matcher_attr,
                     matcher_fuzzy_compare=matcher_fuzzy_compare, validate=validate,
                     overwrite=False, scorer=scorer)


class SpanRuler:
    """Adds rule-matched spans to doc.spans and/or doc.ents (spaCy's `SpanRuler` API)."""

    def __init__(self, nlp, name="span_ruler", *, spans_key=DEFAULT_SPANS_KEY,
                 spans_filter=None, annotate_ents=False, ents_filter=filter_chain_spans,
                 phrase_matcher_attr=None, matcher_fuzzy_compare=levenshtein_compare,
                 validate=False, overwrite=True, scorer=None):
        self.nlp, self.name = nlp, name
        self.spans_key, self.spans_filter = spans_key, spans_filter
        self.annotate_ents, self.ents_filter = annotate_ents, ents_filter
        self.phrase_matcher_attr = phrase_matcher_attr
        self.matcher_fuzzy_compare = matcher_fuzzy_compare
        self.validate, self.overwrite = validate, overwrite
        if scorer is None:
            scorer = make_ner_scorer() if spans_key is None else \
                make_overlapping_labeled_spans_scorer(spans_key)
        self.scorer = scorer
        self.clear()

    @property
    def key(self):
        return self.spans_key

    def clear(self):
        """Remove every pattern."""
        self._patterns = []
        self._label_ids = {}  # match key -> (label, id)
        self.matcher = Matcher(self.nlp.vocab, validate=self.validate,
                               fuzzy_compare=self.matcher_fuzzy_compare)
        self.phrase_matcher = PhraseMatcher(self.nlp.vocab,
                                            attr=self.phrase_matcher_attr or "ORTH",
                                            validate=self.validate)

    def __len__(self):
        return len(self._patterns)

    def __contains__(self, label):
        return any(entry["label"] == label for entry in self._patterns)

    @property
    def labels(self):
        return tuple(sorted({entry["label"] for entry in self._patterns}))

    @property
    def ids(self):
        return tuple(sorted({entry["id"] for entry in self._patterns if "id" in entry}))

    @property
    def patterns(self):
        """The patterns as added."""
        return list(self._patterns)

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc

    def pipe(self, docs, batch_size=128):
        for doc in docs:
            yield self(doc)

    def match(self, doc):
        """The distinct matched spans (labels and ids set), sorted."""
        if len(self) == 0:
            warnings.warn(f"{self.name} has no patterns: it adds no spans", stacklevel=2)
        found = list(self.matcher(doc)) if len(self.matcher) else []
        found += self.phrase_matcher(doc)
        spans = set()
        for key, start, end in found:
            if start != end:
                label, span_id = self._label_ids[key]
                spans.add(Span(doc, start, end, label=label, span_id=span_id))
        return sorted(spans)

    def set_annotations(self, doc, matches):
        if self.key:
            group = [] if self.overwrite or self.key not in doc.spans else \
                list(doc.spans[self.key])
            group.extend(self.spans_filter(group, matches) if self.spans_filter else matches)
            doc.spans[self.key] = group
        if self.annotate_ents:
            kept = [] if self.overwrite else list(doc.ents)
            spans = sorted(self.ents_filter(kept, matches))
            try:
                doc.ents = spans
            except ValueError as err:
                raise ValueError(f"{self.name}: the ents_filter left overlapping spans, "
                                 f"which doc.ents cannot hold ({err})") from None

    def initialize(self, get_examples=None, *, nlp=None, patterns=None):
        """Replace the patterns with `patterns` (from [initialize.components.<name>])."""
        self.clear()
        if patterns:
            self.add_patterns(patterns)

    def add_patterns(self, patterns):
        """Add {"label", "pattern", "id"?} entries; phrase texts go through the components
        before this one. Nothing is added if an entry is malformed."""
        entries = [self._checked(i, entry) for i, entry in enumerate(patterns)]
        token_entries = [e for e in entries if isinstance(e["pattern"], list)]
        for entry in token_entries:  # a bad one leaves the ruler as it was
            self.matcher._check_patterns(self._key(entry), [entry["pattern"]])
        phrase_entries = [e for e in entries if isinstance(e["pattern"], str)]
        phrase_docs = self._phrase_docs([e["pattern"] for e in phrase_entries])
        for entry in entries:
            key = self._key(entry)
            self._label_ids[self.nlp.vocab.strings.add(key)] = (entry["label"],
                                                                entry.get("id", ""))
            if isinstance(entry["pattern"], list):
                self.matcher.add(key, [entry["pattern"]])
            self._patterns.append(entry)
        for entry, doc in zip(phrase_entries, phrase_docs):
            self.phrase_matcher.add(self._key(entry), [doc])

    @staticmethod
    def _key(entry):
        return repr((entry["label"], entry.get("id", "")))

    def _checked(self, i, entry):
        if not isinstance(entry, dict) or "label" not in entry or "pattern" not in entry:
            raise ValueError(f"{self.name}: pattern {i} must be a dict with 'label' and "
                             f"'pattern', got {entry!r}"[:300])
        if not isinstance(entry["pattern"], (str, list)):
            raise ValueError(f"{self.name}: pattern {i}: 'pattern' must be a phrase (str) or "
                             f"a list of token specs, got {type(entry['pattern']).__name__}")
        if not isinstance(entry["label"], str):
            raise ValueError(f"{self.name}: pattern {i}: 'label' must be a string, got "
                             f"{entry['label']!r}")
        if "id" in entry and not isinstance(entry["id"], str):
            raise ValueError(f"{self.name}: pattern {i}: 'id' must be a string, got "
                             f"{entry['id']!r}")
        return dict(entry)

    def _phrase_docs(self, texts):
        if not texts:
            return []
        names = self.nlp.pipe_names
        before = names[:names.index(self.name)] if self.name in names else []
        if not before:
            return [self.nlp.make_doc(text) for text in texts]
        return list(self.nlp.pipe(texts, disable=[n for n in names if n not in before]))

    def _remove_where(self, keep, what, value):
        kept = [entry for entry in self._patterns if keep(entry)]
        if len(kept) == len(self._patterns):
            raise ValueError(f"{self.name}: no patterns with {what} {value!r}")
        removed = {self._key(entry) for entry in self._patterns if not keep(entry)}
        self._patterns = kept
        for key in removed - {self._key(entry) for entry in kept}:
            for matcher in (self.matcher, self.phrase_matcher):
                if key in matcher:
                    matcher.remove(key)

    def remove(self, label):
        """Remove the patterns with label `label`."""
        self._remove_where(lambda entry: entry["label"] != label, "label", label)

    def remove_by_id(self, pattern_id):
        """Remove the patterns with id `pattern_id`."""
        self._remove_where(lambda entry: entry.get("id") != pattern_id, "id", pattern_id)

    def score(self, examples, **kwargs):
        return self.scorer(examples, **kwargs)

    # Serialization ------------------------------------------------------------------

    def to_bytes(self, *, exclude=()):
        return srsly.msgpack_dumps({"patterns": srsly.json_dumps(self.patterns)})

    def from_bytes(self, data, *, exclude=()):
        msg = srsly.msgpack_loads(data)
        self.clear()
        if not isinstance(msg, dict) or not isinstance(msg.get("patterns", "[]"), str):
            raise ValueError(f"{self.name}: not span_ruler bytes (a table with 'patterns')")
        self.add_patterns(srsly.json_loads(msg.get("patterns", "[]")))
        return self

    def to_disk(self, path, *, exclude=()):
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_jsonl(path / PATTERNS_FILE, self.patterns)

    def from_disk(self, path, *, exclude=()):
        """A directory written by to_disk (spaCy's or ours)."""
        path = Path(path)
        self.clear()
        patterns_path = path / PATTERNS_FILE
        if patterns_path.is_file():
            add_patterns_file(self, patterns_path)
        elif not path.is_dir():
            raise FileNotFoundError(f"{path}: not a saved {self.name} directory")
        return self
