#!/usr/bin/env bash
# Install fastnlp and run its main job on the sample corpus that ships in the repo:
# convert CoNLL-U to .spacy, train a tagger, parser and entity recognizer, evaluate them,
# annotate a sentence.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-sample-output}"

python -m pip install --quiet .
mkdir -p "$OUT/corpus"
fastnlp convert examples/sample/train.conllu "$OUT/corpus" -n 10
fastnlp convert examples/sample/dev.conllu "$OUT/corpus" -n 10
fastnlp init config "$OUT/config.cfg" --lang en --pipeline tagger,parser,ner
fastnlp train "$OUT/corpus/train.spacy" "$OUT/corpus/dev.spacy" "$OUT/config.cfg" \
    --output "$OUT/model" --training.max_epochs 8 --training.eval_frequency 100 \
    --training.logger.progress_bar false
fastnlp evaluate "$OUT/model/model-best" "$OUT/corpus/dev.spacy" --output "$OUT/metrics.json"
# Run from the output directory so Python imports the installed package, not ./fastnlp.
cd "$OUT"
python - <<'PY'
import fastnlp

nlp = fastnlp.load("model/model-best")
doc = nlp("Apple is looking at buying a U.K. startup for $1 billion. Tim Cook said so.")
for token in doc:
    print(f"{token.text:<10} {token.tag_:<5} {token.dep_:<10} {token.head.text}")
print("entities:", [(ent.text, ent.label_) for ent in doc.ents])
print("sentences:", [sent.text for sent in doc.sents])
PY
