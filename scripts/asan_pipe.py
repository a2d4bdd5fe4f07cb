"""nlp.pipe over N words through every C stage (tokenizer, tok2vec, tagger, parser, NER),
for scripts/asan.sh's leak check: the components are initialized on the sample corpus
(their weights are random, their code paths the trained ones), the texts are the sample
corpus's sentences repeated until N words, and the Docs go through DocBin and Doc bytes."""
import sys
from pathlib import Path

import fastnlp
from fastnlp.cli.init_config import make_config
from fastnlp.loading import build_nlp
from fastnlp.tokens import Doc
from fastnlp.tokens.docbin import DocBin
from fastnlp.training.converters import conllu_to_records, record_to_doc
from fastnlp.training import Example

SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "sample" / "train.conllu"


def main(n_words):
    print(f"asan_pipe: fastnlp from {Path(fastnlp.__file__).parent}")
    config = make_config("en", ["tagger", "parser", "ner"])
    config["components"]["tok2vec"]["model"]["encode"]["width"] = 32
    nlp = build_nlp(config)
    records = conllu_to_records(SAMPLE.read_text(encoding="utf8"), n_sents=5)
    references = [record_to_doc(nlp.vocab, record) for record in records]
    examples = [Example(nlp.make_doc(doc.text), doc) for doc in references[:40]]
    nlp.initialize(lambda: examples)
    texts, words = [], 0
    while words < n_words:
        for doc in references:
            if words >= n_words:
                break
            texts.append(doc.text)
            words += len(doc)
    annotated = 0
    for batch_start in range(0, len(texts), 256):
        docs = list(nlp.pipe(texts[batch_start:batch_start + 256], batch_size=64))
        annotated += sum(len(doc) for doc in docs)
        restored = list(DocBin().from_bytes(DocBin(docs=docs).to_bytes())
                        .get_docs(nlp.vocab))
        for doc in restored[:8]:
            Doc(nlp.vocab).from_bytes(doc.to_bytes())
    print(f"asan_pipe: {annotated} words annotated, {len(texts)} texts")
    del nlp, docs, restored


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
