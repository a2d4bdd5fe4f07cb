"""Memory over a long stream: RSS and string-store size while `nlp.pipe` runs over
--words words (EWT dev texts repeated).

Usage: python benchmarks/memory.py --fastnlp-model DIR [--words 2000000]
       [--every 200000] [--batch-size 32] [--data en_ewt-dev.conllu] [--threads 1]
       [--library spacy --spacy-model DIR]

The texts (10 sentences each, as in speed.py) cycle until --words tokens have come out
of nlp.pipe; every --every words a row gives RSS now and its peak (/proc/self/status),
len(nlp.vocab.strings) and len(nlp.vocab). Once every text has been seen (warm-up), a
bounded pipeline keeps all of these flat; the last line gives their growth since then.
"""
import argparse
import itertools
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fastnlp.cli.benchmark import (  # noqa: E402
    DEFAULT_BATCH_SIZE, current_rss_mb, peak_rss_mb, read_texts)

EWT_DEV = ROOT.parent / "shared" / "data" / "ud-en-ewt" / "en_ewt-dev.conllu"


def snapshot(nlp, words, start):
    return {"words": words, "seconds": time.perf_counter() - start, "rss": current_rss_mb(),
            "peak": peak_rss_mb(), "strings": len(nlp.vocab.strings),
            "lexemes": len(nlp.vocab)}


def print_row(row, previous):
    wps = (row["words"] - previous["words"]) / max(row["seconds"] - previous["seconds"], 1e-9)
    print(f"{row['words']:12,}{row['seconds']:10.1f}{wps:12,.0f}{row['rss']:10.1f}"
          f"{row['peak']:10.1f}{row['strings']:12,}{row['lexemes']:10,}", flush=True)


def run(nlp, texts, *, total, every, batch_size):
    """Rows after loading, every `every` words and at the end; and the words of one pass
    (counted by the tokenizer before the timed stream starts)."""
    rows = [snapshot(nlp, 0, time.perf_counter())]
    one_pass = sum(len(nlp.make_doc(text)) for text in texts)
    start = time.perf_counter()
    print(f"{'words':>12}{'seconds':>10}{'words/sec':>12}{'RSS MB':>10}{'peak MB':>10}"
          f"{'strings':>12}{'lexemes':>10}")
    print_row(rows[0], rows[0])
    words, next_report = 0, every
    for doc in nlp.pipe(itertools.cycle(texts), batch_size=batch_size):
        words += len(doc)
        if words >= next_report or words >= total:
            rows.append(snapshot(nlp, words, start))
            print_row(rows[-1], rows[-2])
            next_report += every
        if words >= total:
            break
    return rows, one_pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fastnlp-model", type=Path)
    parser.add_argument("--spacy-model", type=Path)
    parser.add_argument("--library", choices=["fastnlp", "spacy"], default="fastnlp")
    parser.add_argument("--data", type=Path, default=EWT_DEV)
    parser.add_argument("--words", type=int, default=2_000_000, help="words in all")
    parser.add_argument("--every", type=int, default=200_000, help="words between rows")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads")
    args = parser.parse_args()
    model = args.fastnlp_model if args.library == "fastnlp" else args.spacy_model
    if model is None:
        sys.exit(f"--{args.library}-model is required for --library {args.library}")
    from threadpoolctl import threadpool_limits
    if args.library == "fastnlp":
        import fastnlp as library
    else:
        import spacy as library
    texts = read_texts(args.data)
    with threadpool_limits(limits=args.threads, user_api="blas"):
        nlp = library.load(model)
        print(f"{args.library} {model} ({', '.join(nlp.pipe_names)}); {args.data.name}: "
              f"{len(texts):,} texts repeated to {args.words:,} words; batch size "
              f"{args.batch_size}")
        rows, one_pass = run(nlp, texts, total=args.words, every=args.every,
                             batch_size=args.batch_size)
    warm = next((row for row in rows if row["words"] >= one_pass), None)
    if warm is None or warm is rows[-1]:
        print(f"(fewer than two rows after one pass of the texts, {one_pass:,} words: raise "
              "--words or lower --every to see growth after warm-up)")
        return
    last = rows[-1]
    print(f"after warm-up ({warm['words']:,} -> {last['words']:,} words): RSS "
          f"{last['rss'] - warm['rss']:+.1f} MB ({warm['rss']:.1f} -> {last['rss']:.1f}), "
          f"peak {last['peak'] - warm['peak']:+.1f} MB, strings "
          f"{last['strings'] - warm['strings']:+,}, lexemes {last['lexemes'] - warm['lexemes']:+,}")


if __name__ == "__main__":
    main()
