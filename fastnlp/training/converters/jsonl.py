"""JSONL reader: one JSON object per line, entities and spans as character offsets.

Schema (one document per non-empty line):

    {"text": "Apple is in Cupertino.",
     "entities": [[0, 5, "ORG"], [12, 21, "GPE"]],       # doc.ents; no overlaps
     "spans": {"sc": [[0, 5, "COMPANY"]]},                 # span groups; may overlap
     "cats": {"TECH": 1.0},                                # optional
     "label": "TECH",                                      # or, for one class
     "words": ["Apple", "is", "in", "Cupertino", "."],     # optional tokenization
     "spaces": [true, true, true, false, false]}           # optional, with "words"

- offsets are [start, end) character offsets into "text"; an item may also be a
  dict {"start": 0, "end": 5, "label": "ORG"} (Prodigy's layout);
- "spans" given as a list (not a dict) goes to the span group "sc";
- without "words" the text is tokenized by the converter's tokenizer (`--lang`);
  with "words" and no "spaces", the spaces are read from the text;
- an entity or span whose ends are not token boundaries is an error, as is an
  entity overlapping another; tokens outside every entity are "O";
- "label" (instead of "cats") gives cats {label: 1.0}: exclusive classes (textcat)
  read the other labels as 0.0; textcat_multilabel needs them in "cats".
"""
import json
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple

from ...errors import FormatError, Messages
from .records import DocRecord, Span3, check_record, entities_to_iob

Tokenize = Callable[[str], Tuple[List[str], List[bool]]]


def jsonl_to_records(text: str, source=None, tokenize: Optional[Tokenize] = None
                     ) -> Iterator[DocRecord]:
    """Yield one record per JSON line."""
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as err:
            raise FormatError(Messages.bad_json.format(err=err), source, number) from None
        try:
            yield check_record(json_object_to_record(obj, tokenize))
        except (ValueError, TypeError, KeyError) as err:
            raise FormatError(str(err), source, number) from None


def guess_spaces(text: str, words: Sequence[str]) -> List[bool]:
    """Whether each word is followed by a space, finding the words in order in text."""
    spaces = []
    pos = 0
    for word in words:
        found = text.find(word, pos)
        if found < 0:
            spaces.append(True)
            continue
        pos = found + len(word)
        spaces.append(pos < len(text) and text[pos] == " ")
    return spaces


def _offsets(items, what: str) -> List[Tuple[int, int, str]]:
    out = []
    for item in items:
        if isinstance(item, dict):
            item = (item["start"], item["end"], item["label"])
        if not isinstance(item, (list, tuple)) or len(item) != 3:
            raise ValueError(f"{what}: expected [start, end, label], found {item!r}")
        start, end, label = item
        if not (isinstance(start, int) and isinstance(end, int) and isinstance(label, str)):
            raise ValueError(f"{what}: expected [int, int, str], found {item!r}")
        out.append((start, end, label))
    return out


def _to_tokens(text: str, words: List[str], spaces: List[bool],
               offsets: List[Tuple[int, int, str]]) -> List[Span3]:
    starts: Dict[int, int] = {}
    ends: Dict[int, int] = {}
    pos = 0
    for i, (word, space) in enumerate(zip(words, spaces)):
        starts[pos] = i
        pos += len(word)
        ends[pos] = i + 1
        pos += int(bool(space))
    spans = []
    for start, end, label in offsets:
        if start not in starts or end not in ends or ends[end] <= starts[start]:
            raise ValueError(Messages.misaligned_span.format(
                start=start, end=end, label=label, text=text[start:end]))
        spans.append((starts[start], ends[end], label))
    return spans


def json_object_to_record(obj: dict, tokenize: Optional[Tokenize] = None) -> DocRecord:
    """One JSONL object (see the module docstring) to a record."""
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        raise ValueError('expected an object with a "text" string')
    text = obj["text"]
    if obj.get("words") is not None:
        words = list(obj["words"])
        spaces = list(obj["spaces"]) if obj.get("spaces") is not None \
            else guess_spaces(text, words)
        if len(spaces) != len(words):
            raise ValueError(f'{len(spaces)} "spaces" for {len(words)} "words"')
    elif tokenize is None:
        raise ValueError('no "words" given and no tokenizer (pass --lang)')
    else:
        words, spaces = tokenize(text)
    joined = "".join(w + (" " if s else "") for w, s in zip(words, spaces))
    if joined.rstrip() != text.rstrip():
        raise ValueError('"words" and "spaces" do not spell "text"')
    rec = DocRecord(words=words, spaces=[bool(s) for s in spaces])
    if "entities" in obj:
        ents = sorted(_to_tokens(text, words, spaces, _offsets(obj["entities"], "entities")))
        for a, b in zip(ents, ents[1:]):
            if b[0] < a[1]:
                raise ValueError(Messages.overlapping_ents.format(a=list(a), b=list(b)))
        rec.ents = entities_to_iob(len(words), ents)
    spans = obj.get("spans")
    if spans is not None:
        groups = spans if isinstance(spans, dict) else {"sc": spans}
        for name, items in groups.items():
            rec.spans[name] = _to_tokens(text, words, spaces, _offsets(items, f"spans[{name!r}]"))
    if obj.get("cats"):
        if not isinstance(obj["cats"], dict):
            raise ValueError('"cats" must be an object {label: score}')
        rec.cats = {str(k): float(v) for k, v in obj["cats"].items()}
    if obj.get("label") is not None:
        if not isinstance(obj["label"], str) or "cats" in obj:
            raise ValueError('"label" must be a string, given without "cats"')
        rec.cats = {obj["label"]: 1.0}
    return rec
