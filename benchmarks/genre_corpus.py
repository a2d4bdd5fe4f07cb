"""A text classification corpus from UD English-EWT: each text's genre is the prefix of
its sentences' `sent_id` (answers, email, newsgroup, reviews, weblog).

A text is one sentence by default, or up to --sents consecutive sentences of one source
document (the sent_id up to its last "-"), tokenized as the treebank is, with no other
annotation. Exclusive cats: one 1.0 among the five genres. With --multilabel the cats
are the genres plus ENTITY, 1.0 when the text has a named entity (an `NE=` tag in the
MISC column), so a text has one or two positive labels.

Usage: python benchmarks/genre_corpus.py CONLLU OUTPUT.spacy [--sents 1] [--multilabel]
"""
import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GENRES = ("answers", "email", "newsgroup", "reviews", "weblog")
ENTITY = "ENTITY"


def read_sentences(conllu):
    """(sent_id, words, spaces, has_entity) per sentence; multi-word tokens give their
    surface form."""
    sent_id, words, spaces, skip_until, entity = None, [], [], 0, False
    with open(conllu, encoding="utf8") as file:
        for line in file:
            line = line.rstrip("\n")
            if line.startswith("# sent_id = "):
                sent_id = line[len("# sent_id = "):].strip()
            elif not line.strip():
                if words:
                    yield sent_id, words, spaces, entity
                sent_id, words, spaces, skip_until, entity = None, [], [], 0, False
            elif not line.startswith("#"):
                cols = line.split("\t")
                if "." in cols[0]:
                    continue
                if "-" in cols[0]:
                    skip_until = int(cols[0].split("-")[1])
                elif int(cols[0]) <= skip_until:
                    continue
                words.append(cols[1])
                spaces.append("SpaceAfter=No" not in cols[9])
                entity = entity or "NE=B-" in cols[9]
    if words:
        yield sent_id, words, spaces, entity


def genre_texts(conllu, sents_per_text=1, multilabel=False):
    """(words, spaces, cats) per text of up to sents_per_text sentences of one document."""
    group, group_doc = [], None

    def flush():
        words, spaces = [], []
        for _, sent_words, sent_spaces, _ in group:
            if spaces:
                spaces[-1] = True
            words.extend(sent_words)
            spaces.extend(sent_spaces)
        spaces[-1] = False
        genre = group[0][0].split("-", 1)[0]
        cats = {label: float(label == genre) for label in GENRES}
        if multilabel:
            cats[ENTITY] = float(any(sent[3] for sent in group))
        return words, spaces, cats

    for sent_id, words, spaces, entity in read_sentences(conllu):
        doc_id = sent_id.rsplit("-", 1)[0]
        if group and (doc_id != group_doc or len(group) >= sents_per_text):
            yield flush()
            group = []
        if sent_id.split("-", 1)[0] not in GENRES:
            raise ValueError(f"{conllu}: sent_id {sent_id!r} has no genre prefix "
                             f"({', '.join(GENRES)})")
        group.append((sent_id, words, spaces, entity))
        group_doc = doc_id
    if group:
        yield flush()


def write_genre_corpus(conllu, output, *, sents_per_text=1, multilabel=False, limit=0):
    """Write the texts of `conllu` as a .spacy file; returns the number of docs."""
    sys.path.insert(0, str(ROOT))
    import fastnlp
    from fastnlp.tokens import Doc, DocBin
    vocab = fastnlp.blank("en").vocab
    docbin = DocBin(store_user_data=False)
    for i, (words, spaces, cats) in enumerate(genre_texts(conllu, sents_per_text,
                                                         multilabel)):
        if limit and i >= limit:
            break
        doc = Doc(vocab, words=words, spaces=spaces)
        doc.cats = cats
        docbin.add(doc)
    Path(output).parent.mkdir(parents=True, exist_ok=True)
    docbin.to_disk(output)
    return len(docbin)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("conllu", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--sents", type=int, default=1, help="sentences per text")
    parser.add_argument("--multilabel", action="store_true")
    parser.add_argument("--limit", type=int, default=0, help="texts (0: all)")
    args = parser.parse_args()
    n = write_genre_corpus(args.conllu, args.output, sents_per_text=args.sents,
                           multilabel=args.multilabel, limit=args.limit)
    print(f"{n} texts -> {args.output}")


if __name__ == "__main__":
    main()
