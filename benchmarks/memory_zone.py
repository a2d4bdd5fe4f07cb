"""nlp.memory_zone(): memory and speed of a long stream of new words, fastnlp vs spaCy 3.8.

    python benchmarks/memory_zone.py [--rounds 20] [--texts 500] [--words 40]

A service that sees new words forever (ids, typos, names) grows its StringStore and Vocab
unless each batch runs in a memory zone. Each library, in a subprocess of its own so
that peak RSS is its own, tokenizes `--rounds` batches of `--texts` texts of random
words (the same seed for both) with `blank("en")`, once with every batch in
`nlp.memory_zone()` and once without. Rows: words/sec, strings left at the end, peak RSS.
"""
import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def batches(rounds, texts, words, seed=0):
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    for _ in range(rounds):
        yield [" ".join("".join(rng.choice(letters) for _ in range(rng.randint(3, 10)))
                        + rng.choice(["", ",", ".", "'s"]) for _ in range(words))
               for _ in range(texts)]


def run_one(lib, zone, rounds, texts, words):
    module = __import__(lib)
    nlp = module.blank("en")
    n_words = 0
    start = time.perf_counter()
    for batch in batches(rounds, texts, words):
        if zone:
            with nlp.memory_zone():
                n_words += sum(len(doc) for doc in nlp.pipe(batch))
        else:
            n_words += sum(len(doc) for doc in nlp.pipe(batch))
    elapsed = time.perf_counter() - start
    return {"wps": n_words / elapsed, "strings": len(nlp.vocab.strings),
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--texts", type=int, default=500)
    parser.add_argument("--words", type=int, default=40)
    parser.add_argument("--child", nargs=2, metavar=("LIB", "ZONE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = (args.rounds, args.texts, args.words)
    if args.child:
        lib, zone = args.child
        print(json.dumps(run_one(lib, zone == "zone", *sizes)))
        return
    results = {}
    for zone in ("zone", "none"):
        for lib in ("spacy", "fastnlp"):
            out = subprocess.run(
                [sys.executable, __file__, "--rounds", str(args.rounds), "--texts",
                 str(args.texts), "--words", str(args.words), "--child", lib, zone],
                check=True, capture_output=True, text=True).stdout
            results[lib, zone] = json.loads(out.strip().splitlines()[-1])
    print(f"{args.rounds} batches x {args.texts} texts x {args.words} random words")
    print(f"{'row':<22}{'spaCy wps':>12}{'fastnlp wps':>13}{'speed':>8}"
          f"{'spaCy strings':>15}{'fastnlp strings':>17}{'spaCy MB':>10}{'fastnlp MB':>12}")
    for zone, name in (("zone", "in memory_zone"), ("none", "no zone")):
        s, f = results["spacy", zone], results["fastnlp", zone]
        print(f"{name:<22}{s['wps']:>12,.0f}{f['wps']:>13,.0f}{f['wps'] / s['wps']:>7.2f}x"
              f"{s['strings']:>15,}{f['strings']:>17,}{s['peak_rss_mb']:>10.0f}"
              f"{f['peak_rss_mb']:>12.0f}")


if __name__ == "__main__":
    main()
