"""Doc.retokenize against spaCy 3.8 on EWT dev documents with gold annotation: the same
merges (entities, noun chunks, random spans) and splits give the same tokens, heads,
labels, entities and sentence starts in both libraries."""
import itertools
import random

import pytest

spacy = pytest.importorskip("spacy", reason="spaCy is needed for the differential test")
from spacy.tokens import Doc as SpacyDoc  # noqa: E402

from fastnlp.lang.lex_attrs import LEX_ATTRS  # noqa: E402
from fastnlp.tokens import Doc  # noqa: E402
from fastnlp.training.converters import conllu_to_records  # noqa: E402
from fastnlp.util import filter_spans  # noqa: E402
from fastnlp.vocab import Vocab  # noqa: E402

N_DOCS = 120


@pytest.fixture
def records(shared_data):
    path = shared_data / "ud-en-ewt" / "en_ewt-dev.conllu"
    if not path.exists():
        pytest.skip(f"{path} not found")
    text = path.read_text(encoding="utf8")
    return list(itertools.islice(conllu_to_records(text, n_sents=4), N_DOCS))


VOCABS = {}


def build(rec, ours):
    kwargs = dict(words=rec.words, spaces=rec.spaces, heads=rec.heads, deps=rec.deps,
                  pos=rec.pos, tags=rec.tags, lemmas=rec.lemmas, ents=rec.ents)
    if ours not in VOCABS:
        VOCABS[ours] = Vocab(lex_attr_getters=LEX_ATTRS, lang="en") if ours \
            else spacy.blank("en").vocab
    return (Doc if ours else SpacyDoc)(VOCABS[ours], **kwargs)


def view(doc):
    return ([t.text for t in doc], [t.whitespace_ for t in doc], [t.idx for t in doc],
            [t.head.i for t in doc], [t.dep_ for t in doc], [t.tag_ for t in doc],
            [t.pos_ for t in doc], [t.lemma_ for t in doc],
            [(e.start, e.end, e.label_) for e in doc.ents],
            [bool(t.is_sent_start) for t in doc], [(s.start, s.end) for s in doc.sents],
            [[c.i for c in t.children] for t in doc])


def plan(doc, rng):
    """Non-overlapping (start, end) spans to merge: entities, noun chunks, random spans."""
    spans = list(doc.ents) + list(doc.noun_chunks)
    for _ in range(3):
        start = rng.randrange(len(doc))
        spans.append(doc[start:min(len(doc), start + rng.randint(1, 4))])
    return [(s.start, s.end) for s in filter_spans(spans)]


def split_plan(doc, merged, rng):
    """A few tokens outside entities and merges, split in two, with explicit labels."""
    covered = {i for s, e in merged for i in range(s, e)}
    candidates = [t.i for t in doc if len(t.text) >= 4 and t.i not in covered
                  and t.ent_iob_ in ("O", "") and t.i + 1 < len(doc)]
    chosen = sorted(rng.sample(candidates, min(2, len(candidates))))
    out = []
    for i in chosen:
        text = doc[i].text
        cut = rng.randint(1, len(text) - 1)
        inner = rng.random() < 0.5
        out.append((i, [text[:cut], text[cut:]], inner))
    return out


def apply(doc, merges, splits):
    with doc.retokenize() as retokenizer:
        for start, end in merges:
            retokenizer.merge(doc[start:end])
        for i, orths, inner in splits:
            token = doc[i]
            head = token.head
            if inner:
                heads = [(token, 1), (token, 1) if head.i == token.i else head]
            else:
                heads = [token, (token, 0)]
            attrs = {"TAG": ["XX", doc[i].tag_], "POS": ["X", doc[i].pos_],
                     "DEP": ["dep", doc[i].dep_] if inner else [doc[i].dep_, "dep"],
                     "LEMMA": [orths[0].lower(), orths[1].lower()]}
            retokenizer.split(token, orths, heads, attrs=attrs)


def test_merges_and_splits_match_spacy(records):
    rng = random.Random(7)
    n_merged = n_split = 0
    for rec in records:
        ours, theirs = build(rec, True), build(rec, False)
        assert view(ours) == view(theirs)
        merges = plan(ours, rng)
        splits = split_plan(ours, merges, rng)
        # split heads pointing at an outside token must not be inside a merge (spaCy E123)
        covered = {i for s, e in merges for i in range(s + 1, e)}
        splits = [(i, o, inner) for i, o, inner in splits
                  if not (inner and ours[i].head.i in covered)]
        apply(ours, merges, splits)
        apply(theirs, merges, splits)
        assert view(ours) == view(theirs), rec.words
        n_merged += len(merges)
        n_split += len(splits)
    assert n_merged > 300 and n_split > 100


def test_merge_entities_and_noun_chunks_match_spacy(records):
    from fastnlp.pipeline.functions import merge_entities, merge_noun_chunks
    from spacy.pipeline.functions import merge_entities as spacy_merge_entities
    from spacy.pipeline.functions import merge_noun_chunks as spacy_merge_noun_chunks
    for rec in records:
        ours, theirs = build(rec, True), build(rec, False)
        merge_entities(ours)
        spacy_merge_entities(theirs)
        assert view(ours) == view(theirs), rec.words
        # noun chunk rules differ between the libraries: merge our chunks in both
        chunks = [(c.start, c.end) for c in ours.noun_chunks]
        merge_noun_chunks(ours)
        with theirs.retokenize() as retokenizer:
            for start, end in chunks:
                span = theirs[start:end]
                retokenizer.merge(span, attrs={"tag": span.root.tag, "dep": span.root.dep})
        assert view(ours) == view(theirs), rec.words
