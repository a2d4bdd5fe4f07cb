"""Morphologizer: predicts UPOS and FEATS jointly, one "POS=...|Feat=..." label per token.

Labels are the token's features with its POS added as one more feature, normalized
(fields sorted): "Number=Sing|POS=NOUN". The component keeps, per label, the FEATS
string and the POS id it stands for (cfg "labels_morph" / "labels_pos", as spaCy saves
them), so annotation is two array lookups per token.
"""
from typing import Dict, Optional, Tuple

import numpy
from thinc.api import SequenceCategoricalCrossentropy

from .. import attrs
from ..factories import register_factory
from ..registry import registry
from ..scorer import Scorer
from ..symbols import SYMBOL_IDS, UNIVERSAL_POS
from ..tokens.morph import normalize_feats
from .tagger import DEFAULT_TAGGER_MODEL, Tagger
from .trainable import TrainablePipe

POS_FEAT = "POS"
EMPTY_MORPH = SYMBOL_IDS["_"]


def feats_to_dict(feats: str) -> Dict[str, str]:
    """{"Number": "Sing", ...} of a FEATS string ("" and "_" are empty)."""
    if not feats or feats == "_":
        return {}
    out = {}
    for feature in normalize_feats(feats).split("|"):
        field, _, value = feature.partition("=")
        out[field] = value
    return out


def dict_to_feats(features: Dict[str, str]) -> str:
    return normalize_feats("|".join(f"{k}={v}" for k, v in features.items())) \
        if features else ""


def morph_label(pos: Optional[str], morph: Optional[str]) -> Optional[str]:
    """The label of a gold (POS, FEATS) pair; None where the annotation is missing."""
    if pos is None or morph is None or (pos == "" and morph in ("", "_")):
        return None
    features = feats_to_dict(morph)
    if pos:
        features[POS_FEAT] = pos
    return dict_to_feats(features)


@registry.scorers("fastnlp.morphologizer_scorer.v1")
def make_morphologizer_scorer():
    def score(examples, **kwargs):
        results = Scorer.score_token_attr(examples, "pos", **kwargs)
        results.update(Scorer.score_token_attr(examples, "morph", **kwargs))
        results.update(Scorer.score_token_attr_per_feat(examples, "morph", **kwargs))
        return results
    return score


registry.scorers.register("spacy.morphologizer_scorer.v1", func=make_morphologizer_scorer)


@register_factory(
    "morphologizer",
    default_config={"model": DEFAULT_TAGGER_MODEL, "overwrite": True, "extend": False,
                    "scorer": {"@scorers": "spacy.morphologizer_scorer.v1"},
                    "label_smoothing": 0.0},
    default_score_weights={"pos_acc": 0.5, "morph_acc": 0.5, "morph_per_feat": None},
    files=TrainablePipe.FILES,
    assigns=["token.morph", "token.pos"],
)
def make_morphologizer(nlp, name, model, overwrite: bool, extend: bool, scorer,
                       label_smoothing: float):
    return Morphologizer(nlp.vocab, model, name, overwrite=overwrite, extend=extend,
                         scorer=scorer, label_smoothing=label_smoothing)


class Morphologizer(Tagger):
    """Sets token.pos_ and token.morph. overwrite: replace what a token already has;
    extend: keep the token's existing features and add the predicted ones (with
    overwrite too, the predicted value wins where both give a field), as spaCy's."""

    def __init__(self, vocab, model, name="morphologizer", *, overwrite=True, extend=False,
                 scorer=None, label_smoothing=0.0):
        TrainablePipe.__init__(self, vocab, model, name, scorer=scorer, overwrite=overwrite,
                               extend=extend, label_smoothing=label_smoothing,
                               labels_morph={}, labels_pos={})
        del self.cfg["labels"]
        self._tables = None

    @property
    def labels(self) -> Tuple[str, ...]:
        return tuple(self.cfg["labels_morph"])

    @property
    def label_data(self):
        return {"morph": self.cfg["labels_morph"], "pos": self.cfg["labels_pos"]}

    def add_label(self, label):
        """Add a "Feat=Val|POS=TAG" label before initialize; 1 if it was new, else 0."""
        if not isinstance(label, str):
            raise ValueError(f"{self.name}: labels must be strings, got {label!r}")
        features = feats_to_dict(label)
        normalized = dict_to_feats(features)
        if normalized in self.cfg["labels_morph"]:
            return 0
        pos = features.pop(POS_FEAT, "")
        if pos and pos not in UNIVERSAL_POS:
            raise ValueError(f"{self.name}: label {label!r} has POS={pos}, which is not a "
                             f"universal POS tag")
        self.cfg["labels_morph"][normalized] = dict_to_feats(features)
        self.cfg["labels_pos"][normalized] = SYMBOL_IDS.get(pos, 0)
        self.vocab.strings.add(normalized)
        self._tables = None
        return 1

    def _label_tables(self):
        """(morph key, POS id) per label index, as uint64 arrays."""
        if self._tables is None or len(self._tables[0]) != len(self.labels):
            strings = self.vocab.strings
            morph = [strings.add(self.cfg["labels_morph"][label]) if
                     self.cfg["labels_morph"][label] else EMPTY_MORPH for label in self.labels]
            pos = [self.cfg["labels_pos"][label] for label in self.labels]
            self._tables = (numpy.asarray(morph, dtype="uint64"),
                            numpy.asarray(pos, dtype="uint64"))
        return self._tables

    def set_annotations(self, docs, scores):
        morph_ids, pos_ids = self._label_tables()
        overwrite, extend = self.cfg["overwrite"], self.cfg["extend"]
        for doc, doc_scores in zip(docs, scores):
            if len(doc) == 0:
                continue
            guesses = self.model.ops.to_numpy(doc_scores).argmax(axis=1)
            existing = doc.to_array([attrs.MORPH, attrs.POS])
            morph, pos = morph_ids[guesses], pos_ids[guesses]
            if extend:
                morph = self._extended(existing[:, 0], morph, overwrite)
            elif not overwrite:
                morph = numpy.where(existing[:, 0] != 0, existing[:, 0], morph)
            if not overwrite:
                pos = numpy.where(existing[:, 1] != 0, existing[:, 1], pos)
            doc.from_array([attrs.MORPH, attrs.POS], numpy.stack([morph, pos], axis=1))

    def _extended(self, existing, predicted, predicted_wins):
        """Per token, the existing features merged with the predicted ones."""
        strings = self.vocab.strings
        out = predicted.copy()
        merged = {}
        for i, (old, new) in enumerate(zip(existing.tolist(), predicted.tolist())):
            if old in (0, EMPTY_MORPH):
                continue
            key = (old, new)
            if key not in merged:
                features = feats_to_dict(strings[new] if new != EMPTY_MORPH else "")
                old_features = feats_to_dict(strings[old])
                if predicted_wins:
                    old_features.update(features)
                    features = old_features
                else:
                    features.update(old_features)
                feats = dict_to_feats(features)
                merged[key] = strings.add(feats) if feats else EMPTY_MORPH
            out[i] = merged[key]
        return out

    def get_loss(self, examples, scores):
        loss_func = SequenceCategoricalCrossentropy(
            names=self.labels, normalize=False, label_smoothing=self.cfg["label_smoothing"])
        known = self.cfg["labels_morph"]
        truths = []
        for eg in examples:
            labels = [morph_label(pos, morph) for pos, morph in
                      zip(eg.get_aligned("POS", as_string=True),
                          eg.get_aligned("MORPH", as_string=True))]
            truths.append([label if label in known else None for label in labels])
        d_scores, loss = loss_func(scores, truths)
        if self.model.ops.xp.isnan(loss):
            raise ValueError(f"{self.name}: the loss is NaN; lower the learning rate")
        return float(loss), d_scores

    def initialize(self, get_examples, *, nlp=None, labels=None):
        """Labels from `labels` ({"morph": {...}, "pos": {...}} as label_data gives) or
        from the POS and FEATS of the examples' reference tokens."""
        if labels is not None:
            self.cfg["labels_morph"] = dict(labels["morph"])
            self.cfg["labels_pos"] = dict(labels["pos"])
        else:
            for example in get_examples():
                gold = example.reference.to_array([attrs.POS, attrs.MORPH])
                strings = example.reference.vocab.strings
                for pos, morph in set(map(tuple, gold.tolist())):
                    label = morph_label(strings[pos] if pos else "",
                                        strings[morph] if morph else "")
                    if label is not None:
                        self.add_label(label)
        if not self.labels:
            raise ValueError(f"{self.name}: no labels. Pass examples with 'pos' or "
                             f"'morphs' to nlp.initialize(get_examples), or call "
                             f"nlp.get_pipe({self.name!r}).add_label('POS=NOUN|...') first")
        self.cfg["labels_morph"] = dict(sorted(self.cfg["labels_morph"].items()))
        self.cfg["labels_pos"] = {k: self.cfg["labels_pos"][k] for k in self.labels}
        self._tables = None
        self._rebuild_output_layer()
        index = {label: i for i, label in enumerate(self.labels)}
        sample_docs, sample_truths = [], []
        for example in get_examples():
            sample_docs.append(example.predicted)
            gold = [morph_label(pos, morph) for pos, morph in
                    zip(example.get_aligned("POS", as_string=True),
                        example.get_aligned("MORPH", as_string=True))]
            one_hot = numpy.zeros((len(gold), len(index)), dtype="float32")
            for i, label in enumerate(gold):
                if label in index:
                    one_hot[i, index[label]] = 1.0
            sample_truths.append(one_hot)
            if len(sample_docs) >= 10:
                break
        self.model.initialize(X=sample_docs or None, Y=sample_truths or None)

    def _cfg_labels_ok(self):
        return all(isinstance(self.cfg.get(key), dict) for key in ("labels_morph", "labels_pos"))

    def from_disk(self, path, *, exclude=()):
        self._tables = None
        return super().from_disk(path, exclude=exclude)

    def from_bytes(self, data, *, exclude=()):
        self._tables = None
        return super().from_bytes(data, exclude=exclude)
