"""Evaluation scores over Examples, with spaCy 3's keys and numbers.

`Scorer().score(examples)` gives what spaCy's default Scorer gives: tokenization,
sentences, tags, POS, morphology, dependencies (labels lower-cased, punctuation
ignored, as spaCy's parser scorer does), entities and text categories. The static
functions score one thing each and can be called on their own.

Two deliberate differences from spaCy: a reference dependency with no label counts
as missing only in its own Example (spaCy carries the missing indices over to the
following Examples), and by default gold spans/entities that the predicted
tokenization cannot express are left out (`exclude_misaligned=False` counts them
as misses, as spaCy does).
"""
from collections import defaultdict
from typing import Any, Callable, Dict, Iterable, Optional, Set, Tuple

import numpy

from . import attrs as attr_ids
from .tokens.entity_tags import IobCode
from .training.example import Example, has_sents

DEFAULT_PIPELINE = ("senter", "tagger", "morphologizer", "parser", "ner", "textcat")
MISSING_VALUES = frozenset([None, 0, ""])
EMPTY_MORPH = "_"
FEATURE_SEP = "|"
FIELD_SEP = "="
_EPS = 1e-100


class PRFScore:
    """Precision, recall and F1 from true positive, false positive and false negative counts."""

    __slots__ = ("tp", "fp", "fn")

    def __init__(self, *, tp: int = 0, fp: int = 0, fn: int = 0):
        self.tp = tp
        self.fp = fp
        self.fn = fn

    def __len__(self) -> int:
        return self.tp + self.fp + self.fn

    def __iadd__(self, other: "PRFScore") -> "PRFScore":
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        return self

    def __add__(self, other: "PRFScore") -> "PRFScore":
        return PRFScore(tp=self.tp + other.tp, fp=self.fp + other.fp, fn=self.fn + other.fn)

    def score_set(self, cand: set, gold: set) -> None:
        self.tp += len(cand & gold)
        self.fp += len(cand - gold)
        self.fn += len(gold - cand)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp + _EPS)

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn + _EPS)

    @property
    def fscore(self) -> float:
        p, r = self.precision, self.recall
        return 2 * ((p * r) / (p + r + _EPS))

    def to_dict(self) -> Dict[str, float]:
        return {"p": self.precision, "r": self.recall, "f": self.fscore}

    def __repr__(self) -> str:
        return f"PRFScore(tp={self.tp}, fp={self.fp}, fn={self.fn})"


class ROCAUCScore:
    """Area under the ROC curve of one binary label, from (score, gold) pairs."""

    def __init__(self):
        self.golds = []
        self.cands = []

    def score_set(self, cand: float, gold: float) -> None:
        self.cands.append(cand)
        self.golds.append(gold)

    def is_binary(self) -> bool:
        return len(numpy.unique(self.golds)) == 2

    @property
    def score(self) -> float:
        if not self.is_binary():
            raise ValueError(f"ROCAUCScore: needs both positive and negative gold values, "
                             f"got {sorted(set(self.golds))}")
        return roc_auc(numpy.asarray(self.golds, dtype=float) > 0,
                       numpy.asarray(self.cands, dtype=float))


def roc_auc(positive: numpy.ndarray, scores: numpy.ndarray) -> float:
    """ROC AUC as the rank statistic (ties count one half)."""
    order = numpy.argsort(scores, kind="mergesort")
    ranks = numpy.empty(len(scores), dtype=float)
    sorted_scores = scores[order]
    _, first, counts = numpy.unique(sorted_scores, return_index=True, return_counts=True)
    mid_ranks = first + (counts + 1) / 2.0
    ranks[order] = numpy.repeat(mid_ranks, counts)
    n_pos = int(positive.sum())
    n_neg = len(positive) - n_pos
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


class Scorer:
    """Score Examples: with `nlp`, through its components' `score` methods."""

    def __init__(self, nlp=None, default_lang: str = "xx",
                 default_pipeline: Iterable[str] = DEFAULT_PIPELINE, **cfg):
        self.nlp = nlp
        self.default_pipeline = tuple(default_pipeline)
        self.cfg = cfg

    def score(self, examples: Iterable[Example], *, per_component: bool = False) -> Dict[str, Any]:
        """All scores, flat (or keyed by component name if per_component)."""
        examples = list(examples)
        parts = []
        tokenizer = getattr(self.nlp, "tokenizer", None)
        if hasattr(tokenizer, "score"):
            parts.append(("tokenizer", tokenizer.score(examples, **self.cfg)))
        else:
            parts.append(("tokenizer", Scorer.score_tokenization(examples)))
        if self.nlp is not None:
            for name, component in self.nlp.pipeline:
                if hasattr(component, "score"):
                    parts.append((name, component.score(examples, **self.cfg)))
        else:
            for name in self.default_pipeline:
                scorer = DEFAULT_SCORERS.get(name)
                if scorer is None:
                    raise ValueError(f"Scorer: no default scorer for component {name!r}; "
                                     f"known: {sorted(DEFAULT_SCORERS)}")
                parts.append((name, scorer(examples, **self.cfg)))
        if per_component:
            return dict(parts)
        scores: Dict[str, Any] = {}
        for _, part in parts:
            scores.update(part)
        return scores

    @staticmethod
    def score_tokenization(examples: Iterable[Example], **cfg) -> Dict[str, Any]:
        """token_acc (predicted tokens aligned one-to-one) and token_p/r/f over character spans."""
        acc = PRFScore()
        prf = PRFScore()
        for eg in examples:
            gold_doc, pred_doc = eg.reference, eg.predicted
            if gold_doc.has_unknown_spaces:
                continue
            lengths = eg.alignment.x2y.lengths
            gold_spans = {(t.idx, t.idx + len(t)) for t in gold_doc if not t.text.isspace()}
            pred_spans = set()
            for token in pred_doc:
                if token.text.isspace():
                    continue
                pred_spans.add((token.idx, token.idx + len(token)))
                if lengths[token.i] == 1:
                    acc.tp += 1
                else:
                    acc.fp += 1
            prf.score_set(pred_spans, gold_spans)
        if len(acc) == 0:
            return {"token_acc": None, "token_p": None, "token_r": None, "token_f": None}
        return {"token_acc": acc.precision, "token_p": prf.precision,
                "token_r": prf.recall, "token_f": prf.fscore}

    @staticmethod
    def score_token_attr(examples: Iterable[Example], attr: str, *,
                         getter: Callable = getattr,
                         missing_values: Set[Any] = MISSING_VALUES, **cfg) -> Dict[str, Any]:
        """{attr}_acc over predicted tokens aligned one-to-one to a reference token with a value."""
        score = PRFScore()
        for eg in examples:
            gold_values = _token_values(eg.reference, attr, getter)
            gold = set()
            missing = set()
            for i, value in enumerate(gold_values):
                if value in missing_values:
                    missing.add(i)
                else:
                    gold.add((i, value))
            align = eg.alignment.x2y
            pred_values = _token_values(eg.predicted, attr, getter)
            pred = set()
            for token in eg.predicted:
                if token.text.isspace() or align.lengths[token.i] != 1:
                    continue
                gold_i = int(align[token.i][0])
                if gold_i not in missing:
                    pred.add((gold_i, pred_values[token.i]))
            score.score_set(pred, gold)
        key = f"{attr}_acc"
        return {key: None} if len(score) == 0 else {key: score.fscore}

    @staticmethod
    def score_token_attr_per_feat(examples: Iterable[Example], attr: str, *,
                                  getter: Callable = getattr,
                                  missing_values: Set[Any] = MISSING_VALUES,
                                  **cfg) -> Dict[str, Any]:
        """Micro P/R/F and per-field P/R/F of UFEATS values ("Case=Nom|Number=Sing")."""
        micro = PRFScore()
        per_feat: Dict[str, PRFScore] = {}
        for eg in examples:
            strings = eg.reference.vocab.strings
            gold_per_feat: Dict[str, set] = defaultdict(set)
            missing = set()
            for i, value in enumerate(_token_values(eg.reference, attr, getter)):
                morph = strings[value] if isinstance(value, int) else value
                if value in missing_values or morph in ("", EMPTY_MORPH):
                    missing.add(i)
                    continue
                for feat in morph.split(FEATURE_SEP):
                    field = feat.split(FIELD_SEP)[0]
                    per_feat.setdefault(field, PRFScore())
                    gold_per_feat[field].add((i, feat))
            align = eg.alignment.x2y
            pred_values = _token_values(eg.predicted, attr, getter)
            pred_per_feat: Dict[str, set] = defaultdict(set)
            for token in eg.predicted:
                if token.text.isspace() or align.lengths[token.i] != 1:
                    continue
                gold_i = int(align[token.i][0])
                value = pred_values[token.i]
                morph = strings[value] if isinstance(value, int) else value
                if gold_i in missing or value in missing_values or morph in ("", EMPTY_MORPH):
                    continue
                for feat in morph.split(FEATURE_SEP):
                    field = feat.split(FIELD_SEP)[0]
                    per_feat.setdefault(field, PRFScore())
                    pred_per_feat[field].add((gold_i, feat))
            for field, prf in per_feat.items():
                cand, gold = pred_per_feat.get(field, set()), gold_per_feat.get(field, set())
                micro.score_set(cand, gold)
                prf.score_set(cand, gold)
        if len(micro) == 0:
            return {f"{attr}_micro_p": None, f"{attr}_micro_r": None,
                    f"{attr}_micro_f": None, f"{attr}_per_feat": None}
        return {f"{attr}_micro_p": micro.precision, f"{attr}_micro_r": micro.recall,
                f"{attr}_micro_f": micro.fscore,
                f"{attr}_per_feat": {k: v.to_dict() for k, v in per_feat.items()}}

    @staticmethod
    def score_spans(examples: Iterable[Example], attr: str, *,
                    getter: Callable = getattr,
                    has_annotation: Optional[Callable] = None,
                    labeled: bool = True, allow_overlap: bool = False,
                    exclude_misaligned: bool = True, **cfg) -> Dict[str, Any]:
        """{attr}_p/r/f (and {attr}_per_type) for labelled spans such as "ents" or "sents".

        Predicted spans are moved onto reference tokens; reference spans the
        predicted tokens cannot express are skipped if exclude_misaligned.
        """
        score = PRFScore()
        per_type: Dict[str, PRFScore] = {}
        for eg in examples:
            pred_doc, gold_doc = eg.predicted, eg.reference
            if has_annotation is not None and not has_annotation(gold_doc):
                continue
            gold_items = list(getter(gold_doc, attr))
            if exclude_misaligned:
                gold_items = _expressible(eg, gold_items)
            pred_ok = has_annotation is None or has_annotation(pred_doc)
            pred_items = list(getter(pred_doc, attr)) if pred_ok else []
            labels = {s.label_ for s in gold_items} | {s.label_ for s in pred_items}
            for label in labels:
                per_type.setdefault(label, PRFScore())
            gold_spans, pred_spans = set(), set()
            gold_by, pred_by = defaultdict(set), defaultdict(set)
            for span in gold_items:
                key = _span_key(span, labeled)
                gold_spans.add(key)
                gold_by[span.label_].add(key)
            for span in eg.get_aligned_spans_x2y(pred_items, allow_overlap):
                key = _span_key(span, labeled)
                pred_spans.add(key)
                pred_by[span.label_].add(key)
            if labeled:
                for label in labels:
                    per_type[label].score_set(pred_by[label], gold_by[label])
            score.score_set(pred_spans, gold_spans)
        result: Dict[str, Any] = {f"{attr}_p": None, f"{attr}_r": None, f"{attr}_f": None}
        if labeled:
            result[f"{attr}_per_type"] = None
        if len(score) > 0:
            result.update({f"{attr}_p": score.precision, f"{attr}_r": score.recall,
                           f"{attr}_f": score.fscore})
            if labeled:
                result[f"{attr}_per_type"] = {k: v.to_dict() for k, v in per_type.items()}
        return result

    @staticmethod
    def score_sents(examples: Iterable[Example], **cfg) -> Dict[str, Any]:
        """sents_p/r/f over sentence spans, for Examples whose reference has sentences."""
        results = Scorer.score_spans(examples, "sents", has_annotation=has_sents, **cfg)
        results.pop("sents_per_type", None)
        return results

    @staticmethod
    def score_deps(examples: Iterable[Example], attr: str, *,
                   getter: Callable = getattr, head_attr: str = "head",
                   head_getter: Callable = getattr, ignore_labels: Iterable[str] = (),
                   missing_values: Set[Any] = MISSING_VALUES, **cfg) -> Dict[str, Any]:
        """{attr}_uas, {attr}_las and {attr}_las_per_type over aligned arcs."""
        ignore = set(ignore_labels)
        unlabelled, labelled = PRFScore(), PRFScore()
        per_dep: Dict[Any, PRFScore] = {}
        for eg in examples:
            align = eg.alignment.x2y
            gold_deps, gold_by = set(), defaultdict(set)
            missing = set()
            for gold_i, token in enumerate(eg.reference):
                dep = getter(token, attr)
                if dep in missing_values:
                    missing.add(gold_i)
                    continue
                if dep in ignore:
                    continue
                arc = (gold_i, head_getter(token, head_attr).i, dep)
                gold_deps.add(arc)
                gold_by[dep].add(arc)
                per_dep.setdefault(dep, PRFScore())
            pred_deps, pred_by = set(), defaultdict(set)
            for token in eg.predicted:
                if token.text.isspace():
                    continue
                gold_i = int(align[token.i][0]) if align.lengths[token.i] == 1 else None
                if gold_i in missing:
                    continue
                dep = getter(token, attr)
                if dep in ignore or not token.text.strip():
                    continue
                head = head_getter(token, head_attr)
                gold_head = int(align[head.i][0]) if align.lengths[head.i] == 1 else None
                if gold_i is None or gold_head is None:
                    unlabelled.fp += 1
                    labelled.fp += 1
                    continue
                arc = (gold_i, gold_head, dep)
                pred_deps.add(arc)
                pred_by[dep].add(arc)
                per_dep.setdefault(dep, PRFScore())
            labelled.score_set(pred_deps, gold_deps)
            for dep, prf in per_dep.items():
                prf.score_set(pred_by.get(dep, set()), gold_by.get(dep, set()))
            unlabelled.score_set({a[:2] for a in pred_deps}, {a[:2] for a in gold_deps})
        if len(unlabelled) == 0:
            return {f"{attr}_uas": None, f"{attr}_las": None, f"{attr}_las_per_type": None}
        return {f"{attr}_uas": unlabelled.fscore, f"{attr}_las": labelled.fscore,
                f"{attr}_las_per_type": {k: v.to_dict() for k, v in per_dep.items()}}

    @staticmethod
    def score_ents(examples: Iterable[Example], *, exclude_misaligned: bool = True,
                   **cfg) -> Dict[str, Any]:
        """ents_p/r/f and ents_per_type, as spaCy's NER scorer.

        Predictions over reference tokens with missing entity annotation are ignored.
        """
        per_type: Dict[str, PRFScore] = defaultdict(PRFScore)
        for eg in examples:
            if not eg.reference.has_annotation("ENT_IOB"):
                continue
            gold_ents = list(eg.reference.ents)
            if exclude_misaligned:
                gold_ents = _expressible(eg, gold_ents)
            golds = {(e.label_, e.start, e.end) for e in gold_ents}
            align = eg.alignment.x2y
            ent_iob = eg.reference.to_array(attr_ids.ENT_IOB)
            for ent in eg.predicted.ents:
                prf = per_type[ent.label_]
                indices = align[ent.start:ent.end]
                if not len(indices):
                    continue
                first, last = int(indices[0]), int(indices[-1]) + 1
                if (ent_iob[first:last] == IobCode.IOB_MISSING).any():
                    continue
                key = (ent.label_, first, last)
                if key in golds:
                    prf.tp += 1
                    golds.remove(key)
                else:
                    prf.fp += 1
            for label, _, _ in golds:
                per_type[label].fn += 1
        totals = PRFScore()
        for prf in per_type.values():
            totals += prf
        if len(totals) == 0:
            return {"ents_p": None, "ents_r": None, "ents_f": None, "ents_per_type": None}
        return {"ents_p": totals.precision, "ents_r": totals.recall, "ents_f": totals.fscore,
                "ents_per_type": {k: v.to_dict() for k, v in per_type.items()}}

    @staticmethod
    def score_cats(examples: Iterable[Example], attr: str = "cats", *,
                   getter: Callable = getattr, labels: Iterable[str] = (),
                   multi_label: bool = True, positive_label: Optional[str] = None,
                   threshold: Optional[float] = None, **cfg) -> Dict[str, Any]:
        """Text-category P/R/F (micro, macro, per label) and ROC AUC, as spaCy's."""
        if threshold is None or not multi_label:
            threshold = 0.5 if multi_label else 0.0
        labels = list(labels)
        label_set = set(labels)
        f_per_type = {label: PRFScore() for label in labels}
        auc_per_type = {label: ROCAUCScore() for label in labels}
        for eg in examples:
            pred = {k: v for k, v in getter(eg.predicted, attr).items() if k in label_set}
            gold = {k: v for k, v in getter(eg.reference, attr).items() if k in label_set}
            for label in labels:
                gold_score = gold.get(label)
                if not gold_score and not multi_label:
                    gold_score = 0.0
                if gold_score is not None:
                    auc_per_type[label].score_set(pred.get(label, 0.0), gold_score)
            if multi_label:
                for label in labels:
                    gold_score = gold.get(label)
                    if gold_score is None:
                        continue
                    positive = pred.get(label, 0.0) >= threshold
                    if positive and gold_score > 0:
                        f_per_type[label].tp += 1
                    elif positive and gold_score == 0:
                        f_per_type[label].fp += 1
                    elif not positive and gold_score > 0:
                        f_per_type[label].fn += 1
            elif pred and gold:
                pred_label = max(pred.items(), key=lambda item: item[1])[0]
                gold_label = max(gold.items(), key=lambda item: item[1])[0]
                if pred_label == gold_label:
                    f_per_type[pred_label].tp += 1
                else:
                    f_per_type[gold_label].fn += 1
                    f_per_type[pred_label].fp += 1
            elif gold:
                gold_label, gold_score = max(gold.items(), key=lambda item: item[1])
                if gold_score > 0:
                    f_per_type[gold_label].fn += 1
            elif pred:
                f_per_type[max(pred.items(), key=lambda item: item[1])[0]].fp += 1
        micro = PRFScore()
        for prf in f_per_type.values():
            micro += prf
        n_cats = len(f_per_type) + _EPS
        macro_p = sum(prf.precision for prf in f_per_type.values()) / n_cats
        macro_r = sum(prf.recall for prf in f_per_type.values()) / n_cats
        macro_f = sum(prf.fscore for prf in f_per_type.values()) / n_cats
        macro_auc = sum(auc.score if auc.is_binary() else 0.0
                        for auc in auc_per_type.values()) / n_cats
        results: Dict[str, Any] = {
            f"{attr}_score": None, f"{attr}_score_desc": None,
            f"{attr}_micro_p": micro.precision, f"{attr}_micro_r": micro.recall,
            f"{attr}_micro_f": micro.fscore, f"{attr}_macro_p": macro_p,
            f"{attr}_macro_r": macro_r, f"{attr}_macro_f": macro_f,
            f"{attr}_macro_auc": macro_auc,
            f"{attr}_f_per_type": {k: v.to_dict() for k, v in f_per_type.items()},
            f"{attr}_auc_per_type": {k: (v.score if v.is_binary() else None)
                                     for k, v in auc_per_type.items()},
        }
        if len(labels) == 2 and not multi_label and positive_label:
            positive = f_per_type[positive_label].to_dict()
            results[f"{attr}_score"] = positive["f"]
            results[f"{attr}_score_desc"] = f"F ({positive_label})"
        elif not multi_label:
            results[f"{attr}_score"] = results[f"{attr}_macro_f"]
            results[f"{attr}_score_desc"] = "macro F"
        else:
            results[f"{attr}_score"] = results[f"{attr}_macro_auc"]
            results[f"{attr}_score_desc"] = "macro AUC"
        return results


def _token_values(doc, attr: str, getter: Callable) -> list:
    """One value per token: from the C array when getter is getattr on a struct attribute."""
    if getter is getattr and attr.upper() in attr_ids.IDS:
        return doc.to_array(attr.upper()).tolist()
    return [getter(token, attr) for token in doc]


def _span_key(span, labeled: bool) -> Tuple:
    return (span.label_, span.start, span.end - 1) if labeled else (span.start, span.end - 1)


def _expressible(eg: Example, gold_spans: list) -> list:
    """The reference spans whose text the predicted tokens can cover exactly."""
    x2y = eg.alignment.x2y
    if len(x2y) == len(eg.reference) and bool((x2y.lengths == 1).all()):
        return gold_spans
    return [span for span in gold_spans if eg.get_aligned_spans_y2x([span], allow_overlap=True)]


def _dep_getter(token, attr: str) -> str:
    return getattr(token, attr + "_").lower()


def _parser_score(examples, **cfg) -> Dict[str, Any]:
    results = Scorer.score_sents(examples, **cfg)
    cfg.setdefault("getter", _dep_getter)
    cfg.setdefault("ignore_labels", ("p", "punct"))
    results.update(Scorer.score_deps(examples, "dep", **cfg))
    return results


def _morphologizer_score(examples, **cfg) -> Dict[str, Any]:
    results = Scorer.score_token_attr(examples, "pos", **cfg)
    results.update(Scorer.score_token_attr(examples, "morph", **cfg))
    results.update(Scorer.score_token_attr_per_feat(examples, "morph", **cfg))
    return results


DEFAULT_SCORERS: Dict[str, Callable[..., Dict[str, Any]]] = {
    "senter": Scorer.score_sents,
    "tagger": lambda examples, **cfg: Scorer.score_token_attr(examples, "tag", **cfg),
    "morphologizer": _morphologizer_score,
    "parser": _parser_score,
    "ner": Scorer.score_ents,
    "textcat": lambda examples, **cfg: Scorer.score_cats(examples, "cats", multi_label=False,
                                                         **cfg),
    "lemmatizer": lambda examples, **cfg: Scorer.score_token_attr(examples, "lemma", **cfg),
}

__all__ = ["Scorer", "PRFScore", "ROCAUCScore", "roc_auc", "DEFAULT_SCORERS"]
