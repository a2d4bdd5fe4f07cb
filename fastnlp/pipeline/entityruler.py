"""entity_ruler: doc.ents from token patterns (Matcher) and phrase patterns (PhraseMatcher).

A pattern is `{"label": ..., "pattern": [token specs] or "phrase text", "id": ...}`.
Matches go in longest first (then leftmost); one that overlaps a match already taken,
or an existing entity unless `overwrite_ents`, is dropped, as in spaCy. Phrase texts are
run through the components before the ruler. Saved as `cfg` (JSON) and `patterns.jsonl`.
"""
import warnings
from collections import defaultdict
from pathlib import Path

import srsly

from ..errors import FormatError, one_line
from ..factories import register_factory
from ..matcher import Matcher, PhraseMatcher, levenshtein_compare
from ..registry import registry
from ..tokens import Doc, Span
from .ner import make_ner_scorer

DEFAULT_ENT_ID_SEP = "||"
PATTERNS_FILE = "patterns.jsonl"


@registry.misc("fastnlp.levenshtein_compare.v1")
def make_levenshtein_compare():
    return levenshtein_compare


registry.misc.register("spacy.levenshtein_compare.v1", func=make_levenshtein_compare)
registry.scorers.register("fastnlp.entity_ruler_scorer.v1", func=make_ner_scorer)
registry.scorers.register("spacy.entity_ruler_scorer.v1", func=make_ner_scorer)


@register_factory(
    "entity_ruler",
    default_config={"phrase_matcher_attr": None, "validate": False, "overwrite_ents": False,
                    "ent_id_sep": DEFAULT_ENT_ID_SEP,
                    "matcher_fuzzy_compare": {"@misc": "fastnlp.levenshtein_compare.v1"},
                    "scorer": {"@scorers": "fastnlp.entity_ruler_scorer.v1"}},
    default_score_weights={"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None},
    files={"cfg": "json"},
    assigns=["doc.ents", "token.ent_type", "token.ent_iob"],
)
def make_entity_ruler(nlp, name, phrase_matcher_attr, validate, overwrite_ents, ent_id_sep,
                      matcher_fuzzy_compare, scorer):
    return EntityRuler(nlp, name, phrase_matcher_attr=phrase_matcher_attr, validate=validate,
                       overwrite_ents=overwrite_ents, ent_id_sep=ent_id_sep,
                       matcher_fuzzy_compare=matcher_fuzzy_compare, scorer=scorer)


class EntityRuler:
    """Sets doc.ents from rules (spaCy's `EntityRuler` API)."""

    def __init__(self, nlp, name="entity_ruler", *, phrase_matcher_attr=None,
                 matcher_fuzzy_compare=levenshtein_compare, validate=False,
                 overwrite_ents=False, ent_id_sep=DEFAULT_ENT_ID_SEP, patterns=None,
                 scorer=None):
        self.nlp, self.name = nlp, name
        self.overwrite = overwrite_ents
        self.phrase_matcher_attr = phrase_matcher_attr
        self.matcher_fuzzy_compare = matcher_fuzzy_compare
        self.ent_id_sep = ent_id_sep
        self.scorer = scorer if scorer is not None else make_ner_scorer()
        self._validate = validate
        self.clear()
        if patterns is not None:
            self.add_patterns(patterns)

    def clear(self):
        """Remove every pattern."""
        self.token_patterns = defaultdict(list)
        self.phrase_patterns = defaultdict(list)
        self._ent_ids = {}
        self.matcher = Matcher(self.nlp.vocab, validate=self._validate,
                               fuzzy_compare=self.matcher_fuzzy_compare)
        self.phrase_matcher = PhraseMatcher(self.nlp.vocab,
                                            attr=self.phrase_matcher_attr or "ORTH",
                                            validate=self._validate)

    def __len__(self):
        return sum(map(len, self.token_patterns.values())) + \
            sum(map(len, self.phrase_patterns.values()))

    def __contains__(self, label):
        return label in self.token_patterns or label in self.phrase_patterns

    def __call__(self, doc: Doc) -> Doc:
        self.set_annotations(doc, self.match(doc))
        return doc

    def pipe(self, docs, batch_size=128):
        for doc in docs:
            yield self(doc)

    def match(self, doc):
        """(match_id, start, end), longest first, then leftmost, each once."""
        if len(self) == 0:
            warnings.warn(f"{self.name} has no patterns: it sets no entities", stacklevel=2)
        matches = set(self.matcher(doc, allow_missing=False) if len(self.matcher) else ())
        matches.update(self.phrase_matcher(doc))
        return sorted((m for m in matches if m[1] != m[2]), key=lambda m: (m[2] - m[1], -m[1]),
                      reverse=True)

    def set_annotations(self, doc, matches):
        entities = list(doc.ents)
        new, taken = [], set()
        for match_id, start, end in matches:
            if not self.overwrite and any(t.ent_type for t in doc[start:end]):
                continue
            if start in taken or end - 1 in taken:
                continue
            label, ent_id = self._ent_ids.get(match_id, (match_id, 0))
            new.append(Span(doc, start, end, label=label, span_id=ent_id))
            entities = [e for e in entities if not (e.start < end and e.end > start)]
            taken.update(range(start, end))
        doc.ents = entities + new

    def initialize(self, get_examples=None, *, nlp=None, patterns=None):
        """Replace the patterns with `patterns` (from [initialize.components.<name>])."""
        self.clear()
        if patterns:
            self.add_patterns(patterns)

    @property
    def labels(self):
        return tuple(sorted({self._split_label(k)[0] for k in self._keys()}))

    @property
    def ent_ids(self):
        return tuple({i for i in (self._split_label(k)[1] for k in self._keys()) if i})

    def _keys(self):
        return set(self.token_patterns) | set(self.phrase_patterns)

    @property
    def patterns(self):
        """The patterns as added: {"label", "pattern", and "id" if given}."""
        out = []
        for table, as_pattern in ((self.token_patterns, lambda p: p),
                                  (self.phrase_patterns, lambda p: p.text)):
            for key, patterns in table.items():
                label, ent_id = self._split_label(key)
                for pattern in patterns:
                    entry = {"label": label, "pattern": as_pattern(pattern)}
                    if ent_id:
                        entry["id"] = ent_id
                    out.append(entry)
        return out

    def add_patterns(self, patterns):
        """Add {"label", "pattern", "id"?} entries; phrase texts go through the components
        before this one. Nothing is added if an entry is malformed."""
        entries = [self._checked(i, entry) for i, entry in enumerate(patterns)]
        phrases = [e for e in entries if isinstance(e["pattern"], str)]
        docs = self._phrase_docs([e["pattern"] for e in phrases])
        for entry, doc in zip(phrases, docs):
            entry["pattern"] = doc
        token_patterns = [e for e in entries if isinstance(e["pattern"], list)]
        for entry in token_patterns:  # checked first: a bad one leaves the ruler as it was
            self.matcher._check_patterns(entry["label"], [entry["pattern"]])
        for entry in token_patterns + phrases:
            key = entry["label"]
            if entry.get("id") is not None:
                key = self._create_label(key, entry["id"])
                self._ent_ids[self.nlp.vocab.strings.add(key)] = (
                    self.nlp.vocab.strings.add(entry["label"]),
                    self.nlp.vocab.strings.add(str(entry["id"])))
            pattern = entry["pattern"]
            if isinstance(pattern, Doc):
                self.phrase_patterns[key].append(pattern)
                self.phrase_matcher.add(key, [pattern])
            else:
                self.token_patterns[key].append(pattern)
                self.matcher.add(key, [pattern])

    def _checked(self, i, entry):
        if not isinstance(entry, dict) or "label" not in entry or "pattern" not in entry:
            raise ValueError(f"{self.name}: pattern {i} must be a dict with 'label' and "
                             f"'pattern', got {entry!r}")
        if not isinstance(entry["pattern"], (str, list)):
            raise ValueError(f"{self.name}: pattern {i}: 'pattern' must be a phrase (str) or "
                             f"a list of token specs, got {type(entry['pattern']).__name__}")
        if not isinstance(entry["label"], str):
            raise ValueError(f"{self.name}: pattern {i}: 'label' must be a string, got "
                             f"{entry['label']!r}")
        return dict(entry)

    def _phrase_docs(self, texts):
        if not texts:
            return []
        names = self.nlp.pipe_names
        before = names[:names.index(self.name)] if self.name in names else []
        if not before:
            return [self.nlp.make_doc(text) for text in texts]
        later = [n for n in names if n not in before]
        return list(self.nlp.pipe(texts, disable=later))

    def remove(self, ent_id):
        """Remove the patterns added with id `ent_id`."""
        keys = [k for k in self._keys() if self._split_label(k)[1] == ent_id]
        if not keys:
            raise ValueError(f"{self.name}: no patterns with id {ent_id!r}")
        for key in keys:
            self.token_patterns.pop(key, None)
            self.phrase_patterns.pop(key, None)
            if key in self.phrase_matcher:
                self.phrase_matcher.remove(key)
            if key in self.matcher:
                self.matcher.remove(key)

    def _split_label(self, key):
        if self.ent_id_sep in key:
            label, ent_id = key.rsplit(self.ent_id_sep, 1)
            return label, ent_id
        return key, None

    def _create_label(self, label, ent_id):
        return f"{label}{self.ent_id_sep}{ent_id}" if isinstance(ent_id, str) else label

    def score(self, examples, **kwargs):
        return self.scorer(examples, **kwargs)

    # Serialization ------------------------------------------------------------------

    def _cfg(self):
        return {"overwrite": self.overwrite, "ent_id_sep": self.ent_id_sep,
                "phrase_matcher_attr": self.phrase_matcher_attr}

    def _set_cfg(self, cfg):
        self.overwrite = cfg.get("overwrite", False)
        self.ent_id_sep = cfg.get("ent_id_sep", DEFAULT_ENT_ID_SEP)
        self.phrase_matcher_attr = cfg.get("phrase_matcher_attr")
        self.clear()

    def to_bytes(self, *, exclude=()):
        return srsly.msgpack_dumps({**self._cfg(), "patterns": self.patterns})

    def from_bytes(self, data, *, exclude=()):
        cfg = srsly.msgpack_loads(data)
        if isinstance(cfg, dict):
            self._set_cfg(cfg)
            self.add_patterns(cfg.get("patterns", []))
        else:
            self.clear()
            self.add_patterns(cfg)
        return self

    def to_disk(self, path, *, exclude=()):
        path = Path(path)
        if path.suffix == ".jsonl":
            srsly.write_jsonl(path, self.patterns)
            return
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "cfg", self._cfg())
        srsly.write_jsonl(path / PATTERNS_FILE, self.patterns)

    def from_disk(self, path, *, exclude=()):
        """A directory written by to_disk (spaCy's or ours), or one .jsonl file."""
        path = Path(path)
        if path.suffix == ".jsonl":
            self.clear()
            add_patterns_file(self, path)
        elif path.is_dir():
            cfg_path = path / "cfg"
            self._set_cfg(srsly.read_json(cfg_path) if cfg_path.is_file() else {})
            patterns_path = path / PATTERNS_FILE
            if patterns_path.is_file():
                add_patterns_file(self, patterns_path)
        else:
            raise FileNotFoundError(f"{path}: not a patterns .jsonl file or a saved "
                                    f"{self.name} directory")
        return self


def add_patterns_file(ruler, path):
    """ruler.add_patterns(the entries of a patterns JSONL file); a FormatError names the
    file (and the line, when the JSON is at fault)."""
    entries = read_patterns(path)
    try:
        ruler.add_patterns(entries)
    except (ValueError, TypeError) as err:
        raise FormatError(one_line(err, 300), path) from None


def read_patterns(path):
    """The entries of a patterns JSONL file; a FormatError names the line at fault."""
    entries = []
    try:
        lines = Path(path).read_bytes().decode("utf8").split("\n")
    except UnicodeDecodeError as err:
        raise FormatError(f"not UTF-8 text ({err.reason} at byte {err.start})", path) from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            entry = srsly.json_loads(line)
        except ValueError as err:
            raise FormatError(f"not JSON ({err})", path, number) from None
        if not isinstance(entry, dict) or "label" not in entry or "pattern" not in entry:
            raise FormatError("a pattern is a JSON object with 'label' and 'pattern'",
                              path, number)
        entries.append(entry)
    return entries
