"""DocBin read and write speed, fastnlp vs spaCy, on the same `.spacy` bytes.

    python benchmarks/docbin.py [--conllu ../shared/data/ud-en-ewt/en_ewt-train.conllu]
                                [-n 10] [--repeats 3]

The corpus is converted once (fastnlp's converter, `-n` sentences per doc) and
serialized by spaCy; both libraries then read those bytes into Docs with a fresh
vocab ("read" = from_bytes + get_docs), and write their own Docs back to bytes
("write" = DocBin(docs=...) + to_bytes). Best of `--repeats` runs, in words/sec.
"""
import argparse
import gc
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from fastnlp.tokens.docbin import DocBin  # noqa: E402
from fastnlp.training.converters import conllu_to_records, record_to_doc  # noqa: E402
from fastnlp.vocab import Vocab  # noqa: E402

DEFAULT_CONLLU = REPO.parent / "shared" / "data" / "ud-en-ewt" / "en_ewt-train.conllu"


def best_time(func, repeats):
    best = float("inf")
    result = None
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conllu", type=Path, default=DEFAULT_CONLLU)
    parser.add_argument("-n", "--n-sents", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    import spacy
    from spacy.tokens import DocBin as SpacyDocBin

    text = args.conllu.read_text(encoding="utf8")
    vocab = Vocab()
    docs = [record_to_doc(vocab, r) for r in conllu_to_records(text, n_sents=args.n_sents)]
    data = DocBin(store_user_data=True, docs=docs).to_bytes()
    spacy_docs = list(SpacyDocBin().from_bytes(data).get_docs(spacy.blank("en").vocab))
    data = SpacyDocBin(store_user_data=True, docs=spacy_docs).to_bytes()
    n_words = sum(len(d) for d in docs)
    print(f"{args.conllu.name}: {len(docs)} docs, {n_words} words, "
          f"{len(data) / 1e6:.1f} MB .spacy; best of {args.repeats}")

    def ours_read():
        return list(DocBin().from_bytes(data).get_docs(Vocab()))

    def spacy_read():
        return list(SpacyDocBin().from_bytes(data).get_docs(spacy.blank("en").vocab))

    def ours_write():
        return DocBin(store_user_data=True, docs=docs).to_bytes()

    def spacy_write():
        return SpacyDocBin(store_user_data=True, docs=spacy_docs).to_bytes()

    rows = []
    for task, ours, theirs in (("read", ours_read, spacy_read), ("write", ours_write, spacy_write)):
        t_ours, _ = best_time(ours, args.repeats)
        t_spacy, _ = best_time(theirs, args.repeats)
        rows.append((task, n_words / t_ours, n_words / t_spacy, t_spacy / t_ours))
    print(f"{'task':<6} {'fastnlp words/s':>16} {'spaCy words/s':>14} {'ratio':>6}")
    for task, ours, theirs, ratio in rows:
        print(f"{task:<6} {ours:>16,.0f} {theirs:>14,.0f} {ratio:>5.2f}x")


if __name__ == "__main__":
    main()
