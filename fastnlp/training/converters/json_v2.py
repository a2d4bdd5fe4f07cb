"""Reader for spaCy v2's JSON training format: one record per paragraph.

    [{"id": 0, "paragraphs": [{"raw": "...",
        "sentences": [{"tokens": [{"id": 0, "orth": "I", "tag": "PRP", "pos": "PRON",
                                   "lemma": "I", "morph": "", "head": 1, "dep": "nsubj",
                                   "ner": "O"}, ...], "brackets": []}],
        "cats": [{"label": "X", "value": 1.0}]}]}]

As `spacy convert` reads it: heads are offsets from the token, "root" (any case)
becomes "ROOT", "ner" holds BILUO tags ("-" or absent: missing), a layer that no
token has stays missing, and spaces come from "space" or from the raw text.
"""
import json
from typing import Iterator, List, Optional

from ...errors import FormatError, Messages
from .jsonl import guess_spaces
from ...tokens.entity_tags import MISSING_TAGS
from .records import DocRecord, check_record, entities_to_iob, iob_entities


def json_v2_to_records(text: str, source=None) -> Iterator[DocRecord]:
    """Yield one record per paragraph of every document."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise FormatError(Messages.bad_json.format(err=err.msg), source, err.lineno) from None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise FormatError("expected a list of documents", source)
    for d, doc in enumerate(data):
        try:
            paragraphs = doc["paragraphs"]
        except (TypeError, KeyError):
            raise FormatError(f'document {d}: no "paragraphs"', source) from None
        for p, para in enumerate(paragraphs):
            try:
                yield paragraph_to_record(para)
            except (ValueError, TypeError, KeyError) as err:
                raise FormatError(f"document {d}, paragraph {p}: {err}", source) from None


def _to_iob(tags: List[Optional[str]]):
    """Checked BILUO/IOB tags as IOB tags (None: missing)."""
    return [tag if tag in (None, "O") else ("B" if tag[0] in "BU" else "I") + tag[1:]
            for tag in tags]


def paragraph_to_record(para: dict) -> DocRecord:
    """One v2 paragraph to a checked record (check_record: RecordError naming the token)."""
    words, spaces, tags, pos, morphs, lemmas, heads, deps, ner = ([] for _ in range(9))
    sent_starts = []
    for sent in para["sentences"]:
        first = len(words)
        for i, token in enumerate(sent["tokens"]):
            words.append(token["orth"])
            spaces.append(token.get("space"))
            tags.append(token.get("tag"))
            pos.append(token.get("pos"))
            morphs.append(token.get("morph"))
            lemmas.append(token.get("lemma"))
            heads.append(token["head"] + first + i if "head" in token else None)
            dep = token.get("dep")
            deps.append("ROOT" if dep is not None and dep.lower() == "root" else dep)
            ner.append(token.get("ner"))
            sent_starts.append(i == 0)
    if not words:
        raise ValueError("paragraph has no tokens")
    if any(s is not None for s in spaces):
        spaces = [bool(s) for s in spaces]
    elif para.get("raw") is not None:
        spaces = guess_spaces(para["raw"], words)
    else:
        spaces = None
    rec = DocRecord(words=words, spaces=spaces, sent_starts=sent_starts)
    for name, values in (("tags", tags), ("pos", pos), ("morphs", morphs),
                         ("lemmas", lemmas), ("deps", deps)):
        if any(values):
            setattr(rec, name, [v or "" for v in values])
    if any(h is not None for h in heads):
        rec.heads = [i if h is None else h for i, h in enumerate(heads)]
        rec.sent_starts = None
    if any(t is not None for t in ner):
        rec.ents = [None if t in MISSING_TAGS else t for t in ner]
    cats = para.get("cats") or []
    rec.cats = {c["label"]: c["value"] for c in cats}
    check_record(rec)
    if rec.ents is not None:
        iob = _to_iob(rec.ents)
        rec.ents = entities_to_iob(len(words), iob_entities(iob))
        for i, tag in enumerate(iob):
            if tag is None:
                rec.ents[i] = None
    return rec
