"""Cost against document length: the full pipeline and the tokenizer on ~10 KB, ~100 KB and
~1 MB documents, fastnlp (and optionally spaCy 3.8 beside it).

Usage: python benchmarks/long_docs.py --fastnlp-model DIR [--spacy-model DIR]
       [--data ../shared/data/ud-en-ewt/en_ewt-dev.conllu] [--sizes 10000,100000,1000000]
       [--repeats 3] [--threads 1]

Each document is EWT dev texts (10 sentences each, as in speed.py) joined by a space,
cycling through them, until its UTF-8 size reaches the size asked for. `nlp(text)` and the
tokenizer alone (`nlp.make_doc(text)`) are timed on each, median of --repeats, after a
warm-up (the largest tokenized, the smallest annotated). "x smallest" is the time over
the smallest document's time; linear cost gives the size ratio (10x, 100x). fastnlp
runs with no character cap; spaCy's nlp.max_length (1,000,000 by default) is raised to
fit the largest document.
"""
import argparse
import gc
import itertools
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fastnlp.cli.benchmark import median, read_texts  # noqa: E402

EWT_DEV = ROOT.parent / "shared" / "data" / "ud-en-ewt" / "en_ewt-dev.conllu"


def build_document(texts, size):
    """Texts joined by a space, cycling, until the UTF-8 length reaches `size` bytes."""
    parts, n_bytes = [], 0
    for text in itertools.cycle(texts):
        if n_bytes >= size:
            break
        parts.append(text)
        n_bytes += len(text.encode("utf8")) + 1
    return " ".join(parts)


def time_call(func, text, repeats):
    """(median seconds, tokens of the result) of `func(text)`."""
    seconds, n_words = [], 0
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        doc = func(text)
        seconds.append(time.perf_counter() - start)
        n_words = len(doc)
        del doc
    return median(seconds), n_words


def measure(nlp, documents, repeats):
    """[(bytes, words, tokenizer seconds, full seconds)] for each document."""
    nlp.make_doc(documents[-1])  # every text's chunks into the tokenizer's cache
    nlp(documents[0])
    rows = []
    for text in documents:
        tok_seconds, words = time_call(nlp.make_doc, text, repeats)
        full_seconds, _ = time_call(nlp, text, repeats)
        rows.append((len(text.encode("utf8")), words, tok_seconds, full_seconds))
    return rows


def print_table(name, rows):
    print(f"\n{name}")
    header = (f"{'size':>10}{'words':>10}{'tokenizer s':>13}{'words/sec':>12}"
              f"{'x smallest':>11}{'full s':>10}{'words/sec':>12}{'x smallest':>11}"
              f"{'ideal':>8}")
    print(header + "\n" + "-" * len(header))
    base_bytes, _, base_tok, base_full = rows[0]
    for n_bytes, words, tok, full in rows:
        print(f"{_size(n_bytes):>10}{words:10,}{tok:13.3f}{words / tok:12,.0f}"
              f"{tok / base_tok:10.1f}x{full:10.2f}{words / full:12,.0f}"
              f"{full / base_full:10.1f}x{n_bytes / base_bytes:7.1f}x")


def _size(n_bytes):
    return f"{n_bytes / 1e6:.2f} MB" if n_bytes >= 1e6 else f"{n_bytes / 1e3:.1f} KB"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fastnlp-model", type=Path, required=True)
    parser.add_argument("--spacy-model", type=Path, default=None)
    parser.add_argument("--data", type=Path, default=EWT_DEV)
    parser.add_argument("--sizes", default="10000,100000,1000000",
                        help="document sizes in bytes, comma-separated")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads")
    args = parser.parse_args()
    from threadpoolctl import threadpool_limits

    import fastnlp
    texts = read_texts(args.data)
    sizes = sorted(int(size) for size in args.sizes.split(","))
    documents = [build_document(texts, size) for size in sizes]
    shown = ", ".join(_size(len(d.encode("utf8"))) for d in documents)
    print(f"{args.data.name}: documents of {shown}; median of {args.repeats}, "
          f"{args.threads} BLAS thread(s)")
    with threadpool_limits(limits=args.threads, user_api="blas"):
        nlp = fastnlp.load(args.fastnlp_model)
        cap = getattr(nlp, "max_length", None)
        print(f"fastnlp character cap: {cap if cap else 'none'}")
        print_table(f"fastnlp ({', '.join(nlp.pipe_names)})",
                    measure(nlp, documents, args.repeats))
        if args.spacy_model is not None:
            import spacy
            nlp = spacy.load(args.spacy_model)
            nlp.max_length = max(nlp.max_length, max(len(d) for d in documents) + 1)
            print_table(f"spaCy ({', '.join(nlp.pipe_names)})",
                        measure(nlp, documents, args.repeats))


if __name__ == "__main__":
    main()
