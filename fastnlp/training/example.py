"""Example: a predicted Doc, its gold-standard reference Doc, and their alignment.

The predicted Doc holds the pipeline's tokenization (and later its predictions);
the reference holds the annotation, possibly over other tokens. `get_aligned*`
project reference annotation onto the predicted tokens through the alignment.
"""
from typing import Any, Dict, Iterable, List, Optional, Tuple

import numpy

from .. import attrs as attr_ids
from ..tokens import Doc, Span
from ..tokens.entity_tags import IobCode
from ..tokens.nonproj import projectivize as lift
from .alignment import Alignment
from .annotations import reference_from_dict
from .iob_utils import doc_to_biluo_tags, offsets_to_biluo_tags

SIGNED_ATTRS = (attr_ids.HEAD, attr_ids.SENT_START)


class Example:
    """Training or evaluation data for one text: `predicted` (x) and `reference` (y)."""

    __slots__ = ("_x", "_y", "_alignment", "_x_orths", "_y_orths")

    def __init__(self, predicted: Doc, reference: Doc, *, alignment: Optional[Alignment] = None):
        if not isinstance(predicted, Doc):
            raise TypeError(f"Example: predicted must be a Doc, not {type(predicted).__name__}")
        if not isinstance(reference, Doc):
            raise TypeError(f"Example: reference must be a Doc, not {type(reference).__name__}")
        self._x = predicted
        self._y = reference
        self._alignment = alignment
        self._x_orths = predicted.to_array("ORTH") if alignment is not None else None
        self._y_orths = reference.to_array("ORTH") if alignment is not None else None

    @classmethod
    def from_dict(cls, predicted: Doc, example_dict: Dict[str, Any]) -> "Example":
        """An Example whose reference is built from annotations in a dict.

        Keys: words, spaces, tags, pos, morphs, lemmas, heads, deps, sent_starts
        (one value per word; the spaCy upper-case names and the nested
        token_annotation/doc_annotation layout of `to_dict` work too), entities
        (BILUO or IOB tags per word, or (start_char, end_char, label) offsets), cats,
        links ({(start_char, end_char): {kb_id: 1.0}}), spans ({key: [offsets]}).
        Without "words" the reference takes the predicted tokenization.
        """
        if not isinstance(predicted, Doc):
            raise TypeError(f"Example.from_dict: first argument must be a Doc, "
                            f"not {type(predicted).__name__}")
        if not isinstance(example_dict, dict):
            raise TypeError(f"Example.from_dict: second argument must be a dict, "
                            f"not {type(example_dict).__name__}")
        return cls(predicted, reference_from_dict(predicted, example_dict))

    # Docs -------------------------------------------------------------------

    @property
    def predicted(self) -> Doc:
        return self._x

    @predicted.setter
    def predicted(self, doc: Doc) -> None:
        self._x = doc
        self._alignment = None

    @property
    def reference(self) -> Doc:
        return self._y

    @reference.setter
    def reference(self, doc: Doc) -> None:
        self._y = doc
        self._alignment = None

    x = predicted
    y = reference

    @property
    def text(self) -> str:
        return self._x.text

    def __len__(self) -> int:
        return len(self._x)

    def copy(self) -> "Example":
        return Example(self._x.copy(), self._y.copy())

    # Alignment --------------------------------------------------------------

    @property
    def alignment(self) -> Alignment:
        """The token alignment, recomputed only when either Doc's words changed."""
        x_orths = self._x.to_array("ORTH")
        y_orths = self._y.to_array("ORTH")
        if self._alignment is None or not numpy.array_equal(x_orths, self._x_orths) \
                or not numpy.array_equal(y_orths, self._y_orths):
            if numpy.array_equal(x_orths, y_orths):
                self._alignment = Alignment.identity(len(x_orths))
            else:
                self._alignment = Alignment.from_strings([t.text for t in self._x],
                                                         [t.text for t in self._y])
            self._x_orths, self._y_orths = x_orths, y_orths
        return self._alignment

    def get_aligned(self, field, as_string: bool = False) -> List[Any]:
        """Reference values of a token attribute, one per predicted token.

        A predicted token aligned to several reference tokens gets their value if
        they all agree; unaligned or disagreeing tokens get None.
        """
        attr = attr_ids.intify_attr(field)
        gold = self._y.to_array(attr)
        if attr in SIGNED_ATTRS:
            gold = gold.view(numpy.int64)
        values, known = _project(self.alignment.x2y, gold)
        output = [v if k else None for v, k in zip(values.tolist(), known.tolist())]
        if as_string and attr not in (attr_ids.ENT_IOB, attr_ids.SENT_START, attr_ids.HEAD):
            strings = self._y.vocab.strings
            output = [None if v is None else strings[v] for v in output]
        return output

    def get_aligned_parse(self, projectivize: bool = False) -> Tuple[List, List]:
        """Reference heads (as predicted token indices) and dep labels per predicted token.

        None where the token, or its reference head, is not aligned one-to-one.
        projectivize=True lifts non-projective arcs with `tokens/nonproj`.
        """
        align = self.alignment
        n_y = len(self._y)
        gold_heads = numpy.arange(n_y, dtype=numpy.int64) + \
            self._y.to_array(attr_ids.HEAD).view(numpy.int64)
        dep_ids = self._y.to_array(attr_ids.DEP)
        strings = self._y.vocab.strings
        gold_deps = [strings[int(d)] for d in dep_ids]
        if projectivize:
            # A token that is its own head without a label has no head annotation.
            missing = (gold_heads == numpy.arange(n_y)) & (dep_ids == 0)
            proj_heads, proj_deps = lift(
                [None if m else h for m, h in zip(missing.tolist(), gold_heads.tolist())],
                gold_deps)
            gold_heads = numpy.asarray([i if h is None else h for i, h in enumerate(proj_heads)],
                                       dtype=numpy.int64)
            gold_deps = [d if m else p for p, d, m in zip(proj_deps, gold_deps,
                                                          missing.tolist())]
        x2y, y2x = align.x2y, align.y2x
        single_x = numpy.nonzero(x2y.lengths == 1)[0]
        gold_i = x2y.data[x2y.starts[single_x]]
        head_y = gold_heads[gold_i]
        head_single = y2x.lengths[head_y] == 1
        head_x = y2x.data[y2x.starts[head_y[head_single]]]
        heads: List[Optional[int]] = [None] * len(self._x)
        deps: List[Optional[str]] = [None] * len(self._x)
        for i, h in zip(single_x[head_single].tolist(), head_x.tolist()):
            heads[i] = h
        for i, g in zip(single_x.tolist(), gold_i.tolist()):
            deps[i] = gold_deps[g]
        return heads, deps

    def get_aligned_sent_starts(self) -> List[Optional[bool]]:
        """True at the first predicted token of each reference sentence, else False;
        all None if the reference has no sentence boundaries."""
        if not has_sents(self._y):
            return [None] * len(self._x)
        y2x = self.alignment.y2x
        starts = [False] * len(self._x)
        for sent in self._y.sents:
            aligned = y2x[sent.start:sent.end]
            if len(aligned):
                starts[int(aligned[0])] = True
        return starts

    def get_aligned_sent_start_values(self) -> List[Optional[bool]]:
        """Per predicted token: True if it starts a reference sentence, False if it is
        known not to, None if unknown (no sentence annotation on its reference token,
        or it is unaligned). A token that is not the first piece of its reference token
        is False; a token spanning several reference tokens takes the first one's value."""
        n_x = len(self._x)
        if not has_sents(self._y):
            return [None] * n_x
        ref = self._y.to_array(attr_ids.SENT_START).view(numpy.int64).copy()
        ref[0] = 1
        x2y, y2x = self.alignment.x2y, self.alignment.y2x
        values: List[Optional[bool]] = [None] * n_x
        nonempty = numpy.nonzero(x2y.lengths > 0)[0]
        if len(nonempty) == 0:
            return values
        first_y = numpy.minimum.reduceat(x2y.data, x2y.starts[nonempty])
        # Every y aligned to some x is a non-empty row of y2x.
        y_rows = numpy.nonzero(y2x.lengths > 0)[0]
        first_x = numpy.full(len(y2x), -1, dtype=numpy.int64)
        first_x[y_rows] = numpy.minimum.reduceat(y2x.data, y2x.starts[y_rows])
        for x, y in zip(nonempty.tolist(), first_y.tolist()):
            if x != first_x[y]:
                values[x] = False
            elif ref[y] != 0:
                values[x] = bool(ref[y] == 1)
        return values

    def get_aligned_spans_x2y(self, x_spans: Iterable[Span], allow_overlap: bool = False) -> List[Span]:
        """Predicted-doc spans moved onto the reference's tokens (those that fit exactly)."""
        return _align_spans(self._y, x_spans, self.alignment.x2y, allow_overlap)

    def get_aligned_spans_y2x(self, y_spans: Iterable[Span], allow_overlap: bool = False) -> List[Span]:
        """Reference spans moved onto the predicted tokens (those that fit exactly)."""
        return _align_spans(self._x, y_spans, self.alignment.y2x, allow_overlap)

    def get_aligned_ents_and_ner(self) -> Tuple[List[Span], List[str]]:
        """Reference entities on the predicted tokens, and their BILUO tags.

        Tags are "-" where the annotation is missing or the entity cannot be
        expressed with the predicted tokens.
        """
        if not self._y.has_annotation("ENT_IOB"):
            return [], ["-"] * len(self._x)
        x_ents = self.get_aligned_spans_y2x(self._y.ents, allow_overlap=False)
        tags = offsets_to_biluo_tags(
            self._x, [(e.start_char, e.end_char, e.label_) for e in x_ents], missing=None)
        for i, iob in enumerate(self.get_aligned("ENT_IOB")):
            if tags[i] is None:
                tags[i] = "O" if iob == IobCode.IOB_OUT or self._x[i].is_space else "-"
        return x_ents, tags

    def get_aligned_ner(self) -> List[str]:
        return self.get_aligned_ents_and_ner()[1]

    def get_matching_ents(self, check_label: bool = True) -> List[Span]:
        """Predicted entities with the same character offsets (and label) as a reference one."""
        gold = {(e.start_char, e.end_char): e.label for e in self._y.ents}
        return [e for e in self._x.ents if (e.start_char, e.end_char) in gold
                and (not check_label or gold[(e.start_char, e.end_char)] == e.label)]

    # Conversion -------------------------------------------------------------

    def to_dict(self) -> Dict[str, Dict[str, Any]]:
        """The reference's annotation, in the layout `from_dict` reads."""
        doc = self._y
        n = len(doc)
        heads = (numpy.arange(n) + doc.to_array(attr_ids.HEAD).view(numpy.int64)).tolist()
        sent_starts = doc.to_array(attr_ids.SENT_START).view(numpy.int64).tolist()
        if n:
            sent_starts[0] = 1
        return {
            "doc_annotation": {
                "cats": dict(doc.cats),
                "entities": doc_to_biluo_tags(doc),
                "spans": {key: [(s.start_char, s.end_char, s.label_, s.kb_id_) for s in group]
                          for key, group in doc.spans.items()},
                "links": {(e.start_char, e.end_char): {e.kb_id_: 1.0}
                          for e in doc.ents if e.kb_id_},
            },
            "token_annotation": {
                "ORTH": [t.text for t in doc],
                "SPACY": [bool(t.whitespace_) for t in doc],
                "TAG": [t.tag_ for t in doc],
                "LEMMA": [t.lemma_ for t in doc],
                "POS": [t.pos_ for t in doc],
                "MORPH": [str(t.morph) for t in doc],
                "HEAD": heads,
                "DEP": [t.dep_ for t in doc],
                "SENT_START": sent_starts,
            },
        }

    def split_sents(self) -> List["Example"]:
        """One Example per reference sentence (self alone if there are no sentences)."""
        if not has_sents(self._y):
            return [self]
        y2x = self.alignment.y2x
        seen = set()
        output = []
        for y_sent in self._y.sents:
            indices = [int(i) for i in y2x[y_sent.start:y_sent.end] if int(i) not in seen]
            if indices:
                x_sent = self._x[indices[0]:indices[-1] + 1]
                output.append(Example(x_sent.as_doc(), y_sent.as_doc()))
                seen.update(indices)
        return output

    def __repr__(self) -> str:
        return f"Example(predicted={self._x.text[:40]!r}, reference={len(self._y)} tokens)"

    def __reduce__(self):
        return (Example, (self._x, self._y))


def has_sents(doc: Doc) -> bool:
    """Whether a Doc carries sentence boundaries (set directly or from a parse)."""
    return len(doc) > 0 and (doc.has_sents or doc.has_annotation("DEP"))


def _project(align, gold: numpy.ndarray):
    """Per row of `align`: the gold value if the row's gold values agree, and whether known."""
    n = len(align)
    values = numpy.zeros(n, dtype=gold.dtype)
    known = numpy.zeros(n, dtype=bool)
    nonempty = numpy.nonzero(align.lengths > 0)[0]
    if len(nonempty) == 0:
        return values, known
    picked = gold[align.data]
    starts = align.starts[nonempty]
    low = numpy.minimum.reduceat(picked, starts)
    high = numpy.maximum.reduceat(picked, starts)
    values[nonempty] = low
    known[nonempty] = low == high
    return values, known


def _align_spans(target: Doc, spans: Iterable[Span], align, allow_overlap: bool) -> List[Span]:
    seen = set()
    output = []
    for span in spans:
        indices = [int(i) for i in align[span.start:span.end]]
        if not allow_overlap:
            indices = [i for i in indices if i not in seen]
        if not indices:
            continue
        aligned = Span(target, indices[0], indices[-1] + 1, label=span.label, kb_id=span.kb_id)
        if _squash(aligned.text) == _squash(span.text):
            output.append(aligned)
            seen.update(indices)
    return output


def _squash(text: str) -> str:
    return "".join(text.split())
