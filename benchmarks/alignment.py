"""Alignment.from_strings speed, fastnlp vs spaCy 3.8, on UD English-EWT sentences.

    python benchmarks/alignment.py [--conllu ../shared/data/ud-en-ewt/en_ewt-dev.conllu]
                                   [--repeats 5]

x = the gold syntactic words of each sentence ("do", "n't"); y = the `# text` line split
at whitespace ("don't", "it." ...), so most sentences tokenize differently on the two
sides. Sentences whose words do not spell their text are dropped. Reports the best of
`--repeats` passes, in microseconds per sentence and per 40 words.
"""
import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.ewt_eval import conllu_sentences  # noqa: E402
from fastnlp.training.alignment import Alignment, AlignmentError  # noqa: E402

DEFAULT_CONLLU = REPO.parent / "shared" / "data" / "ud-en-ewt" / "en_ewt-dev.conllu"


def read_pairs(path):
    """(gold words, whitespace tokens) per sentence, for sentences that spell their text."""
    pairs = []
    for text, rows in conllu_sentences(path):
        words = [form for ident, form in rows if ident.isdigit()]
        if words:
            pairs.append((words, text.split()))
    kept = []
    for x, y in pairs:
        try:
            Alignment.from_strings(x, y)
        except AlignmentError:
            continue
        kept.append((x, y))
    return kept


def best_pass(align, pairs, repeats):
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for x, y in pairs:
            align(x, y)
        best = min(best, time.perf_counter() - start)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conllu", type=Path, default=DEFAULT_CONLLU)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    from spacy.training import Alignment as SpacyAlignment

    pairs = read_pairs(args.conllu)
    n_words = sum(len(x) for x, _ in pairs)
    differ = sum(x != y for x, y in pairs)
    print(f"{len(pairs)} sentences, {n_words / len(pairs):.1f} words each, "
          f"{differ} tokenized differently")
    print(f"{'':10}{'us/sent':>10}{'us/40 words':>14}")
    times = {}
    for name, align in (("spacy", SpacyAlignment.from_strings),
                        ("fastnlp", Alignment.from_strings)):
        seconds = best_pass(align, pairs, args.repeats)
        times[name] = seconds
        print(f"{name:10}{seconds / len(pairs) * 1e6:10.1f}{seconds / n_words * 40e6:14.1f}")
    print(f"speedup fastnlp vs spacy: {times['spacy'] / times['fastnlp']:.2f}x")


if __name__ == "__main__":
    main()
