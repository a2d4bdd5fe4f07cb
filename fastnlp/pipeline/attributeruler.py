"""attribute_ruler: set token attributes (TAG, POS, MORPH, LEMMA, NORM, extensions) where
Matcher patterns match, e.g. to map a tagger's fine tags to POS and features.

Each rule is (patterns, attrs, index): the token at `index` of every match gets `attrs`.
Rules apply in the order added, so a later rule wins where two set the same token, as in
spaCy. Also reads spaCy 2's tag maps and morph rules. Saved as `patterns` (msgpack).
"""
from pathlib import Path

import srsly

from ..attrs import IDS
from ..factories import register_factory
from ..matcher import Matcher
from ..registry import registry
from ..scorer import Scorer
from ..tokens.morph import normalize_feats

PATTERNS_FILE = "patterns"
SETTABLE = {"TAG": "tag_", "POS": "pos_", "LEMMA": "lemma_", "NORM": "norm_",
            "MORPH": "morph"}
# tag-map keys that are not features (spaCy 2's tag maps mix them with the features)
NOT_FEATURES = set(SETTABLE) | {"_"}


def attribute_ruler_score(examples, **kwargs):
    results = {}
    for attr in ("tag", "pos", "morph", "lemma"):
        results.update(Scorer.score_token_attr(examples, attr, **kwargs))
    return results


@registry.scorers("fastnlp.attribute_ruler_scorer.v1")
def make_attribute_ruler_scorer():
    return attribute_ruler_score


registry.scorers.register("spacy.attribute_ruler_scorer.v1", func=make_attribute_ruler_scorer)


@register_factory("attribute_ruler",
                  default_config={"validate": False,
                                  "scorer": {"@scorers": "fastnlp.attribute_ruler_scorer.v1"}},
                  default_score_weights={"tag_acc": None, "pos_acc": None, "morph_acc": None,
                                         "lemma_acc": None},
                  files={PATTERNS_FILE: "msgpack"})
def make_attribute_ruler(nlp, name, validate, scorer):
    return AttributeRuler(nlp.vocab, name, validate=validate, scorer=scorer)


class AttributeRuler:
    """Sets token attributes from rules (spaCy's `AttributeRuler` API)."""

    def __init__(self, vocab, name="attribute_ruler", *, validate=False, scorer=None):
        self.vocab, self.name, self.validate = vocab, name, validate
        self.scorer = scorer if scorer is not None else attribute_ruler_score
        self.clear()

    def clear(self):
        self.matcher = Matcher(self.vocab, validate=self.validate)
        self.attrs, self.indices, self._attrs_unnormed = [], [], []

    def initialize(self, get_examples=None, *, nlp=None, patterns=None, tag_map=None,
                   morph_rules=None):
        self.clear()
        if patterns:
            self.add_patterns(patterns)
        if tag_map:
            self.load_from_tag_map(tag_map)
        if morph_rules:
            self.load_from_morph_rules(morph_rules)

    def add(self, patterns, attrs, index=0):
        """A rule: the token at `index` of each match of `patterns` gets `attrs`."""
        where = f"{self.name}: rule {len(self.attrs)}"
        normed = _normalize_attrs(attrs, where)
        if not isinstance(index, int):
            raise ValueError(f"{where}: index must be an int, not {index!r}")
        self.matcher.add(str(len(self.attrs)), patterns)
        self._attrs_unnormed.append(attrs)
        self.attrs.append(normed)
        self.indices.append(index)

    def add_patterns(self, patterns):
        for i, entry in enumerate(patterns):
            if not isinstance(entry, dict) or "patterns" not in entry or "attrs" not in entry:
                raise ValueError(f"{self.name}: pattern entry {i} must be a dict with "
                                 f"'patterns', 'attrs' and optionally 'index'")
            self.add(entry["patterns"], entry["attrs"], entry.get("index", 0))

    @property
    def patterns(self):
        out = []
        for i, (attrs, index) in enumerate(zip(self._attrs_unnormed, self.indices)):
            out.append({"patterns": self.matcher.get(str(i))[1], "attrs": attrs,
                        "index": index})
        return out

    @property
    def labels(self):
        return tuple(str(i) for i in range(len(self.attrs)))

    def load_from_tag_map(self, tag_map):
        """Rules from a spaCy 2 tag map: {tag: {"POS": ..., feature: value, ...}}."""
        for tag, attrs in tag_map.items():
            attrs = _with_morph(attrs)
            self.add([[{"TAG": tag}]], attrs)

    def load_from_morph_rules(self, morph_rules):
        """Rules from spaCy 2 morph rules: {tag: {word: {"LEMMA": ..., feature: ...}}}."""
        for tag, words in morph_rules.items():
            for word, attrs in words.items():
                self.add([[{"ORTH": word, "TAG": tag}]], _with_morph(attrs, only_if_any=True))

    def __call__(self, doc):
        self.set_annotations(doc, self.match(doc))
        return doc

    def pipe(self, docs, batch_size=128):
        for doc in docs:
            yield self(doc)

    def match(self, doc):
        """(rule number, match id, start, end), by rule then position."""
        strings = self.vocab.strings
        return sorted((int(strings[key]), key, start, end)
                      for key, start, end in self.matcher(doc, allow_missing=True))

    def set_annotations(self, doc, matches):
        for rule, _, start, end in matches:
            index = self.indices[rule]
            if not -(end - start) <= index < end - start:
                raise ValueError(f"{self.name}: rule {rule} sets token {index} of a "
                                 f"{end - start}-token match ({doc[start:end].text!r})")
            token = doc[start + index if index >= 0 else end + index]
            for name, value in self.attrs[rule]:
                if name == "_":
                    for ext, ext_value in value.items():
                        token._.set(ext, ext_value)
                else:
                    setattr(token, name, value)

    def score(self, examples, **kwargs):
        return self.scorer(examples, **kwargs)

    def to_bytes(self, *, exclude=()):
        return srsly.msgpack_dumps(self.patterns)

    def from_bytes(self, data, *, exclude=()):
        self.clear()
        self.add_patterns(srsly.msgpack_loads(data))
        return self

    def to_disk(self, path, *, exclude=()):
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_msgpack(path / PATTERNS_FILE, self.patterns)

    def from_disk(self, path, *, exclude=()):
        self.clear()
        self.add_patterns(srsly.read_msgpack(Path(path) / PATTERNS_FILE))
        return self


def _normalize_attrs(attrs, where):
    """(Token attribute to set, value) pairs for TAG, POS, MORPH, LEMMA, NORM and '_'."""
    if not isinstance(attrs, dict):
        raise ValueError(f"{where}: attrs must be a dict, not {attrs!r}")
    out = []
    for key, value in attrs.items():
        name = key.upper() if isinstance(key, str) else key
        if name == "_":
            if not isinstance(value, dict):
                raise ValueError(f"{where}: '_' must map extension names to values")
            out.append(("_", value))
        elif name in SETTABLE:
            if not isinstance(value, str):
                raise ValueError(f"{where}: {key} must be a string, not {value!r}")
            out.append((SETTABLE[name], normalize_feats(value) if name == "MORPH" else value))
        else:
            known = name in IDS
            raise ValueError(f"{where}: cannot set {key!r}" +
                             ("" if known else " (not a token attribute)") +
                             f"; set one of {', '.join(SETTABLE)} or '_'")
    return out


def _with_morph(attrs, only_if_any=False):
    """spaCy 2 rules mix features with POS/LEMMA: gather the features into MORPH."""
    attrs = dict(attrs)
    feats = {k: v for k, v in attrs.items()
             if not (isinstance(k, str) and k.upper() in NOT_FEATURES)}
    for key in feats:
        del attrs[key]
    if "MORPH" not in {k.upper() for k in attrs if isinstance(k, str)}:
        if feats or not only_if_any:
            attrs["MORPH"] = normalize_feats({str(k): str(v) for k, v in feats.items()})
    return attrs
