"""CoNLL-U reader: sentences to `DocRecord`s, with the choices `spacy convert` makes.

- words are the syntactic words; a multi-word token line ("3-4 don't") only gives
  the whitespace after its last word (no space inside it), unless
  `merge_subtokens` merges its words into one token;
- empty nodes ("5.1") are skipped; XPOS "_" falls back to UPOS; UPOS/FEATS "_"
  are empty; the deprel "root" becomes "ROOT"; a head "0" or "_" is the token itself;
- entities come from a MISC item "NE=B-PER" / "name=I-LOC" / "B-ORG" (IOB or IOB2),
  read only if some item in the file is one (otherwise entities are missing);
- every `n_sents` sentences make one document.

Malformed lines raise `FormatError` naming the source and line.
"""
import re
from typing import Iterator, List, Tuple

from ...errors import FormatError, Messages
from ...tokens.entity_tags import split_entity_tag
from .records import (DocRecord, check_record_lines, entities_to_iob, group_records,
                      iob_entities)

NER_ITEM = re.compile(r"^((?:name|NE)=)?([BILU])-([A-Z_]+)|O$")

Line = Tuple[int, List[str]]  # (1-based line number, the 10 columns)


def conllu_to_records(text: str, source=None, n_sents: int = 1,
                      merge_subtokens: bool = False) -> Iterator[DocRecord]:
    """Read CoNLL-U text; yield one record per `n_sents` sentences (0: one in all)."""
    sentences = list(split_sentences(text, source))
    set_ents = any(_has_ner_item(cols[9]) for sent in sentences for _, cols in sent)
    records = (sentence_to_record(sent, source, set_ents, merge_subtokens)
               for sent in sentences)
    yield from group_records(records, n_sents)


def split_sentences(text: str, source=None) -> Iterator[List[Line]]:
    """Yield each sentence's token lines (comments dropped), checking the column count."""
    sent: List[Line] = []
    for number, line in enumerate(text.split("\n"), 1):
        line = line.rstrip("\r")
        if not line.strip():
            if sent:
                yield sent
                sent = []
            continue
        if line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 10:
            raise FormatError(Messages.bad_columns.format(n=len(cols)), source, number)
        sent.append((number, cols))
    if sent:
        yield sent


def _has_ner_item(misc: str) -> bool:
    return any(NER_ITEM.match(item) for item in misc.split("|"))


def _ner_tag(misc: str) -> str:
    for item in misc.split("|"):
        match = NER_ITEM.match(item)
        if match:
            if match.group(2) and match.group(3):
                return match.group(2) + "-" + match.group(3)
            return "O"
    return "O"


def sentence_to_record(lines: List[Line], source=None, set_ents: bool = False,
                       merge_subtokens: bool = False) -> DocRecord:
    """One sentence's token lines to a record (heads absolute within the sentence)."""
    words, spaces, tags, pos, morphs, lemmas, deps, ner = [], [], [], [], [], [], [], []
    raw_heads: List[str] = []
    numbers: List[int] = []  # each word's line
    mwts: List[Tuple[int, int, str, bool, int]] = []  # start, end, form, space, line
    mwt_end, mwt_space = 0, True
    for number, cols in lines:
        id_, form, lemma, upos, xpos, feats, head, deprel, _deps, misc = cols
        if "." in id_:
            continue
        if "-" in id_:
            first, _, last = id_.partition("-")
            if not (first.isdecimal() and last.isdecimal()) or int(first) != len(words) + 1 \
                    or int(last) <= int(first):
                raise FormatError(Messages.bad_mwt.format(id=id_), source, number)
            mwt_end, mwt_space = int(last), "SpaceAfter=No" not in misc
            mwts.append((int(first) - 1, int(last), form, mwt_space, number))
            continue
        if not id_.isdecimal() or int(id_) != len(words) + 1:
            raise FormatError(Messages.bad_id.format(id=id_, expected=len(words) + 1),
                              source, number)
        index = int(id_)
        words.append(form)
        if index < mwt_end:
            spaces.append(False)
        elif index == mwt_end:
            spaces.append(mwt_space)
        else:
            spaces.append("SpaceAfter=No" not in misc)
        lemmas.append(lemma)
        pos.append(upos if upos != "_" else "")
        tags.append(upos if xpos == "_" else xpos)
        morphs.append(feats if feats != "_" else "")
        deps.append("ROOT" if deprel == "root" else deprel)
        raw_heads.append(head)
        numbers.append(number)
        if set_ents:
            ner.append(_ner_tag(misc))
    if not words:
        raise FormatError(Messages.empty_sentence, source, lines[0][0])
    for start, end, _form, _space, number in mwts:
        if end > len(words):
            raise FormatError(Messages.bad_mwt.format(id=f"{start + 1}-{end}"), source, number)
    rec = DocRecord(words=words, spaces=spaces, tags=tags, pos=pos, morphs=morphs,
                    lemmas=lemmas, heads=_read_heads(raw_heads), deps=deps)
    if set_ents:
        rec.ents = entities_to_iob(len(words), iob_entities(ner))
    check_record_lines(rec, numbers, source, first_id=1)
    if merge_subtokens and mwts:
        rec = merge_multiword_tokens(rec, [(s, e, form) for s, e, form, _, _ in mwts])
    rec.sent_starts = [True] + [False] * (len(rec.words) - 1)
    return rec


def _read_heads(raw_heads: List[str]) -> list:
    """Absolute head indices (root, "0" or "_": the token itself); a HEAD that is no
    number stays a string, for check_record to report with the out-of-range ones."""
    return [i if head in ("0", "_") else int(head) - 1 if head.isdecimal() else head
            for i, head in enumerate(raw_heads)]


def _span_root(heads: List[int], start: int, end: int) -> int:
    """The highest token of [start, end) in the tree (the first of equals), as spaCy."""
    def depth(i: int) -> int:
        d = 0
        while heads[i] != i and d <= len(heads):
            i = heads[i]
            d += 1
        return d
    return min(range(start, end), key=lambda i: (depth(i), i))


def _merge_feats(feats: List[str]) -> str:
    values = {}
    for string in feats:
        if not string:
            continue
        for feature in string.split("|"):
            field, _, value = feature.partition("=")
            values.setdefault(field, set()).update(value.split(","))
    return "|".join(sorted(f + "=" + ",".join(sorted(v)) for f, v in values.items()))


def merge_multiword_tokens(rec: DocRecord, mwts: List[Tuple[int, int, str]]) -> DocRecord:
    """Merge each multi-word token's words into one token, as `spacy convert -T` does.

    The merged token has the surface form, the lemmas joined by spaces, the tags
    joined by "_", the union of the features, and the POS, dependency and
    entity of the span's syntactic root.
    """
    n = len(rec.words)
    new_index = list(range(n))
    owner: dict = {}
    kept = []
    for start, end, form in mwts:
        owner[start] = (start, end, form)
    i = out = 0
    while i < n:
        span = owner.get(i)
        end = span[1] if span else i + 1
        for k in range(i, end):
            new_index[k] = out
        kept.append((i, end))
        out += 1
        i = end
    merged = DocRecord(words=[], spaces=[], tags=[], pos=[], morphs=[], lemmas=[],
                       heads=[], deps=[], ents=[] if rec.ents is not None else None)
    for start, end in kept:
        root = _span_root(rec.heads, start, end) if end - start > 1 else start
        span = owner.get(start)
        merged.words.append(span[2] if span and end - start > 1 else rec.words[start])
        merged.spaces.append(rec.spaces[end - 1])
        merged.lemmas.append(" ".join(rec.lemmas[start:end]))
        merged.tags.append("_".join(rec.tags[start:end]))
        merged.morphs.append(_merge_feats(rec.morphs[start:end]) if end - start > 1
                             else rec.morphs[start])
        merged.pos.append(rec.pos[root])
        merged.deps.append(rec.deps[root])
        merged.heads.append(new_index[rec.heads[root]])
        if rec.ents is not None:
            tag = rec.ents[root]
            split = split_entity_tag(tag)
            if split is not None and end - start > 1:
                label = split[1]
                continues = (rec.ents[start] == "I-" + label and merged.ents
                             and merged.ents[-1] in ("B-" + label, "I-" + label))
                tag = ("I-" if continues else "B-") + label
            merged.ents.append(tag)
    if merged.ents is not None:
        merged.ents = entities_to_iob(len(merged.words), iob_entities(merged.ents))
    return merged
