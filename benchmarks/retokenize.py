"""Retokenization speed, fastnlp vs spaCy 3.8, on the same annotated Docs.

    python benchmarks/retokenize.py [--data ../shared/data] [--repeats 5]

Both libraries get the words, tags, POS, morphology, lemmas, trees and entities of EWT
dev (10 sentences per Doc, benchmarks/matcher.py's `doc_pairs`). Rows:

- `merge_entities`: each library's merge_entities pipeline function;
- `merge ents + noun chunks`: one `doc.retokenize()` block per Doc merging the same
  spans in both, the entities and fastnlp's noun chunks (the libraries' English noun
  chunk rules differ, so both get fastnlp's), without overlaps (filter_spans);
- `split long tokens`: one block per Doc splitting every token of 8+ characters in two,
  the second subtoken attached to the first (the last token of a Doc excepted: spaCy
  3.8 attaches the second subtoken of a split last token to itself).

Each pass retokenizes fresh copies (`Doc.copy()`, not timed). Words, whitespace, heads,
deps, tags, lemmas, entities and sentence starts of the two libraries must be identical
after each row (for the split row: words, whitespace and heads, as spaCy gives a
subtoken after the first the labels of the token that follows it) or the script exits
with an error. Speed is words/sec of the input, best of `--repeats` passes.
"""
import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.matcher import doc_pairs  # noqa: E402
from fastnlp.util import filter_spans  # noqa: E402


def full_view(doc):
    return ([t.text for t in doc], [t.whitespace_ for t in doc], [t.head.i for t in doc],
            [t.dep_ for t in doc], [t.tag_ for t in doc], [t.lemma_ for t in doc],
            [(e.start, e.end, e.label_) for e in doc.ents],
            [bool(t.is_sent_start) for t in doc])


def tree_view(doc):
    return [t.text for t in doc], [t.whitespace_ for t in doc], [t.head.i for t in doc]


def merge_bounds(doc, bounds):
    with doc.retokenize() as retokenizer:
        for start, end in bounds:
            retokenizer.merge(doc[start:end])
    return doc


def split_long(doc):
    with doc.retokenize() as retokenizer:
        for token in list(doc)[:-1]:
            if len(token.text) >= 8:
                half = len(token.text) // 2
                retokenizer.split(token, [token.text[:half], token.text[half:]],
                                  heads=[token, (token, 0)])
    return doc


def best_pass(func, docs, repeats):
    best, out = float("inf"), None
    for _ in range(repeats):
        copies = [doc.copy() for doc in docs]
        start = time.perf_counter()
        out = [func(doc) for doc in copies]
        best = min(best, time.perf_counter() - start)
    return best, out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--limit", type=int, default=None, help="at most this many docs")
    args = parser.parse_args()
    from spacy.pipeline.functions import merge_entities as spacy_merge_entities

    from fastnlp.pipeline.functions import merge_entities

    _, _, pairs = doc_pairs(args.data / "ud-en-ewt" / "en_ewt-dev.conllu", limit=args.limit)
    sdocs, fdocs = [s for s, _ in pairs], [f for _, f in pairs]
    n_words = sum(len(d) for d in fdocs)
    bounds_by_index = [[(s.start, s.end) for s in filter_spans(list(f.ents) +
                                                               list(f.noun_chunks))]
                       for f in fdocs]
    rows = [
        ("merge_entities", spacy_merge_entities, merge_entities, full_view),
        ("merge ents + noun chunks", "bounds", "bounds", full_view),
        ("split long tokens", split_long, split_long, tree_view),
    ]
    print(f"{len(fdocs)} docs, {n_words} words; best of {args.repeats}")
    print(f"{'case':<26}{'tokens after':>13}{'spaCy wps':>14}{'fastnlp wps':>14}{'ratio':>8}")
    for name, sfunc, ffunc, view in rows:
        if sfunc == "bounds":
            s_time, s_out = best_pass_bounds(sdocs, bounds_by_index, args.repeats)
            f_time, f_out = best_pass_bounds(fdocs, bounds_by_index, args.repeats)
        else:
            s_time, s_out = best_pass(sfunc, sdocs, args.repeats)
            f_time, f_out = best_pass(ffunc, fdocs, args.repeats)
        for sdoc, fdoc in zip(s_out, f_out):
            if view(sdoc) != view(fdoc):
                sys.exit(f"{name}: results differ on {fdoc.text[:60]!r}")
        n_after = sum(len(d) for d in f_out)
        s_wps, f_wps = n_words / s_time, n_words / f_time
        print(f"{name:<26}{n_after:>13}{s_wps:>14,.0f}{f_wps:>14,.0f}{f_wps / s_wps:>7.1f}x")


def best_pass_bounds(docs, bounds_by_index, repeats):
    best, out = float("inf"), None
    for _ in range(repeats):
        copies = [doc.copy() for doc in docs]
        start = time.perf_counter()
        out = [merge_bounds(doc, b) for doc, b in zip(copies, bounds_by_index)]
        best = min(best, time.perf_counter() - start)
    return best, out


if __name__ == "__main__":
    main()
