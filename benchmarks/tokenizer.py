"""Tokenizer speed and accuracy: fastnlp vs spaCy 3.8 `blank("en")` on UD English-EWT.

Usage: python benchmarks/tokenizer.py [--data ../shared/data] [--repeats 3]

Texts are the `# text =` lines of EWT dev + train. Cold: a fresh vocab and tokenizer
per measurement, so every chunk misses the cache; warm: a second pass over the same
texts with the same tokenizer. Speed is tokens/sec of the tokenizer's own output
(whitespace tokens included), best of `--repeats` runs. Token F is on EWT dev.
"""
import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fastnlp.lang.en.tokenizer_config import LEX_ATTRS, make_english_tokenizer  # noqa: E402
from fastnlp.vocab import Vocab  # noqa: E402

from benchmarks.ewt_eval import read_conllu_gold, score_corpus  # noqa: E402


def make_fastnlp():
    return make_english_tokenizer(Vocab(lex_attr_getters=LEX_ATTRS, lang="en"))


def make_spacy():
    import spacy
    return spacy.blank("en").tokenizer


def time_passes(make, texts, repeats):
    """Best (cold, warm) words/sec over `repeats` fresh tokenizers."""
    cold = warm = 0.0
    for _ in range(repeats):
        tokenizer = make()
        for passes in ("cold", "warm"):
            start = time.perf_counter()
            n_words = 0
            for doc in tokenizer.pipe(texts):
                n_words += len(doc)
            wps = n_words / (time.perf_counter() - start)
            if passes == "cold":
                cold = max(cold, wps)
            else:
                warm = max(warm, wps)
    return cold, warm


def token_f(tokenizer, sentences):
    def spans(text):
        return [(t.idx, t.idx + len(t.text)) for t in tokenizer(text)]
    return score_corpus(sentences, spans)[2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    ewt = args.data / "ud-en-ewt"
    dev = read_conllu_gold(ewt / "en_ewt-dev.conllu")
    texts = [text for text, _ in dev] + [text for text, _ in read_conllu_gold(ewt / "en_ewt-train.conllu")]
    results = {}
    for name, make in (("spacy", make_spacy), ("fastnlp", make_fastnlp)):
        make()  # import and compile the rules outside the timing
        cold, warm = time_passes(make, texts, args.repeats)
        results[name] = (token_f(make(), dev), cold, warm)
    print(f"{len(texts)} texts")
    print(f"{'':10}{'token F':>10}{'cold w/s':>14}{'warm w/s':>14}")
    for name, (f, cold, warm) in results.items():
        print(f"{name:10}{f:10.2f}{cold:14,.0f}{warm:14,.0f}")
    f_sp, cold_sp, warm_sp = results["spacy"]
    f_fn, cold_fn, warm_fn = results["fastnlp"]
    print(f"ratio fastnlp/spacy: cold {cold_fn / cold_sp:.2f}x, warm {warm_fn / warm_sp:.2f}x")


if __name__ == "__main__":
    main()
