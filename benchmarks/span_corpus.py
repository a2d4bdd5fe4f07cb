"""A span categorization corpus from UD English-EWT: each doc's entities (the `NE=`
tags of the CoNLL-U MISC column: PER, ORG, LOC) as the span group "sc".

Usage: python benchmarks/span_corpus.py CONLLU OUTPUT.spacy [--sents 10]

The CoNLL-U is converted by fastnlp's converter (10 sentences to a doc); the spans are
the entities, which stay in doc.ents too. Both libraries read the one .spacy file.
"""
import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPANS_KEY = "sc"


def write_span_corpus(conllu, output, *, sents_per_doc=10):
    """Write the docs of `conllu` with their entities as spans; returns the doc count."""
    sys.path.insert(0, str(ROOT))
    from fastnlp.cli.convert import convert
    from fastnlp.tokens import DocBin
    from fastnlp.vocab import Vocab
    with tempfile.TemporaryDirectory() as tmp:
        ((converted, _),) = convert(Path(conllu), Path(tmp), n_sents=sents_per_doc)
        docs = list(DocBin().from_disk(converted).get_docs(Vocab()))
    for doc in docs:
        doc.spans[SPANS_KEY] = list(doc.ents)
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    DocBin(docs=docs, store_user_data=False).to_disk(output)
    return len(docs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("conllu", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--sents", type=int, default=10, help="sentences per doc")
    args = parser.parse_args()
    n = write_span_corpus(args.conllu, args.output, sents_per_doc=args.sents)
    print(f"{n} docs -> {args.output}")


if __name__ == "__main__":
    main()
