"""Where raw-text UAS is lost: inside gold sentences the parser segmented exactly, or not.

Usage: python benchmarks/uas_by_segmentation.py LIB MODEL DEV_SPACY
  LIB: fastnlp or spacy; MODEL: a trained pipeline of that library; DEV_SPACY: gold docs
  (.spacy, read with that library's DocBin, e.g. the corpus-LIB dir benchmarks/accuracy.py
  writes).

Annotates each gold doc's text, matches predicted to gold tokens by character span,
leaves punctuation out (as both libraries' parser scorers do), and prints UAS over the
matched tokens, split by whether the gold sentence is also a predicted sentence.
"""
import argparse


def load(lib, model, corpus):
    if lib == "spacy":
        import spacy
        from spacy.tokens import DocBin
        nlp = spacy.load(model)
    else:
        import fastnlp
        from fastnlp.tokens.docbin import DocBin
        nlp = fastnlp.load(model)
    return nlp, list(DocBin().from_disk(corpus).get_docs(nlp.vocab))


def span(token):
    return token.idx, len(token.text)


def score(golds, preds):
    """{"exact"|"other": [correct, total]} and the number of gold tokens scored."""
    stats = {"exact": [0, 0], "other": [0, 0]}
    n_gold = 0
    for gold, pred in zip(golds, preds):
        by_span = {span(t): t for t in pred}
        pred_sents = {(s.start_char, s.end_char) for s in pred.sents}
        for sent in gold.sents:
            key = "exact" if (sent.start_char, sent.end_char) in pred_sents else "other"
            for token in sent:
                if token.dep_.lower() in ("punct", "p"):
                    continue
                n_gold += 1
                match = by_span.get(span(token))
                if match is not None:
                    stats[key][1] += 1
                    stats[key][0] += span(match.head) == span(token.head)
    return stats, n_gold


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("lib", choices=["fastnlp", "spacy"])
    parser.add_argument("model")
    parser.add_argument("dev")
    args = parser.parse_args()
    nlp, golds = load(args.lib, args.model, args.dev)
    preds = list(nlp.pipe([doc.text for doc in golds], batch_size=32))
    stats, n_gold = score(golds, preds)
    correct = sum(c for c, _ in stats.values())
    matched = sum(n for _, n in stats.values())
    print(f"{args.lib}: {matched:,} of {n_gold:,} gold tokens matched, UAS on them "
          f"{100 * correct / max(matched, 1):.2f}")
    for key, (c, n) in stats.items():
        print(f"  {key} sentences: {n:,} tokens, UAS {100 * c / max(n, 1):.2f}")


if __name__ == "__main__":
    main()
