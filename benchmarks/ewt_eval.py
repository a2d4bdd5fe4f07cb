"""Token F-score on character-offset spans against CoNLL-U gold words (e.g. UD English-EWT).

Evaluation tooling, not language data: `benchmarks/tokenizer.py` and the tests
(tests/lang/en/test_ewt_tokenization.py) import it as `benchmarks.ewt_eval`.

Gold spans are the syntactic words: a multi-word token such as "don't" (do + n't) is split
at the offsets of its words inside the surface form. Every MWT in EWT spells its surface
form exactly (case included); should one not, its surface form is scored as one gold span.
Whitespace-only predicted tokens are ignored.
"""


def conllu_sentences(path):
    """Yield (text, [(id, form), ...]) per sentence that has a `# text` line."""
    text, rows = None, []
    with open(path, encoding="utf8") as file_:
        for line in file_:
            line = line.rstrip("\n")
            if line.startswith("# text = "):
                text = line[len("# text = "):]
            elif not line:
                if text is not None:
                    yield text, rows
                text, rows = None, []
            elif not line.startswith("#"):
                ident, form = line.split("\t", 2)[:2]
                rows.append((ident, form))
    if text is not None:
        yield text, rows


def read_conllu_gold(path):
    """Return a list of (text, [(start, end), ...]) pairs, one per sentence."""
    return [(text, _align(text, rows)) for text, rows in conllu_sentences(path)]


def _align(text, rows):
    """Character spans of the gold words, found left to right in `text`."""
    spans = []
    pos = 0
    mwt_end = 0
    mwt_words = []
    i = 0
    while i < len(rows):
        ident, form = rows[i]
        if "." in ident:
            i += 1
            continue
        if "-" in ident:
            first, last = (int(x) for x in ident.split("-"))
            start = text.index(form, pos)
            words = [rows[i + 1 + k][1] for k in range(last - first + 1)]
            spans.extend(_split_mwt(text, start, form, words))
            pos = start + len(form)
            i += 1 + len(words)
            continue
        start = text.index(form, pos)
        spans.append((start, start + len(form)))
        pos = start + len(form)
        i += 1
    return spans


def _split_mwt(text, start, form, words):
    if "".join(words) != form:
        return [(start, start + len(form))]
    spans = []
    for word in words:
        spans.append((start, start + len(word)))
        start += len(word)
    return spans


def token_prf(pred_spans, gold_spans):
    """Precision, recall and F (percent) of predicted spans against gold spans."""
    pred = set(pred_spans)
    gold = set(gold_spans)
    tp = len(pred & gold)
    p = tp / len(pred) if pred else 0.0
    r = tp / len(gold) if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return 100 * p, 100 * r, 100 * f


def score_corpus(sentences, tokenize_spans):
    """Micro-averaged (P, R, F) over sentences; `tokenize_spans(text)` returns spans."""
    pred_all = []
    gold_all = []
    for n, (text, gold) in enumerate(sentences):
        pred_all.extend((n, s, e) for s, e in tokenize_spans(text) if text[s:e].strip())
        gold_all.extend((n, s, e) for s, e in gold)
    return token_prf(pred_all, gold_all)
