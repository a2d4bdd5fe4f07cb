"""`fastnlp debug-data`: statistics and problems of training and dev corpora."""
from collections import Counter
from pathlib import Path
from typing import Optional

import typer

from ..errors import ConfigError, FastNLPError
from ..language import blank
from ..training.corpus import Corpus
from ..training.train import import_code, prepare
from ._util import parse_overrides, user_errors

# Labels seen fewer times than this in training are reported as low-data labels.
LOW_COUNT = 20


class CorpusStats:
    """Counts over one corpus: docs, words, labels, and gold entities the tokenizer splits."""

    def __init__(self):
        self.docs = self.sents = self.words = 0
        self.vocab = set()
        self.tags = Counter()
        self.pos = Counter()
        self.deps = Counter()
        self.ents = Counter()
        self.edge_ws_ents = []
        self.misaligned = []
        self.missing_heads = 0
        self.nonproj = 0
        self.cats = Counter()            # label -> docs where it is positive (1.0)
        self.cat_labels = Counter()      # label -> docs that give it a value
        self.docs_without_cats = 0
        self.multi_positive = 0          # docs with more than one positive label
        self.bad_cat_values = []         # (doc index, label, value) other than 0.0/1.0

    def add(self, index, example):
        ref = example.reference
        self.docs += 1
        self.words += len(ref)
        has_parse = ref.has_annotation("DEP")
        if ref.has_sents or has_parse:
            self.sents += sum(1 for _ in ref.sents)
        for token in ref:
            self.vocab.add(token.text)
            if token.tag_:
                self.tags[token.tag_] += 1
            if token.pos_:
                self.pos[token.pos_] += 1
            if has_parse:
                if token.dep_:
                    self.deps[token.dep_] += 1
                else:
                    self.missing_heads += 1
        if has_parse:
            self.nonproj += _count_nonprojective(ref)
        self._add_cats(index, ref.cats)
        predicted = example.predicted
        for ent in ref.ents:
            self.ents[ent.label_] += 1
            # ent.text leaves out the whitespace after the last token, which is no problem;
            # whitespace tokens at either edge are.
            if ent.text != ent.text.strip() or not ent.text.strip():
                self.edge_ws_ents.append((index, ent.start_char, ent.end_char, ent.label_))
            if predicted.char_span(ent.start_char, ent.end_char) is None:
                self.misaligned.append((index, ent.start_char, ent.end_char, ent.label_,
                                        ent.text))


    def _add_cats(self, index, cats):
        if not cats:
            self.docs_without_cats += 1
            return
        positives = 0
        for label, value in cats.items():
            self.cat_labels[label] += 1
            if value == 1.0:
                self.cats[label] += 1
                positives += 1
            elif value != 0.0:
                self.bad_cat_values.append((index, label, value))
        self.multi_positive += positives > 1


def _count_nonprojective(doc):
    """Arcs that cross another arc (make the tree non-projective)."""
    arcs = [(min(t.i, t.head.i), max(t.i, t.head.i)) for t in doc if t.head.i != t.i]
    crossing = 0
    for a_start, a_end in arcs:
        for b_start, b_end in arcs:
            if a_start < b_start < a_end < b_end:
                crossing += 1
    return crossing


def collect(nlp, corpus):
    stats = CorpusStats()
    for index, example in enumerate(corpus(nlp)):
        stats.add(index, example)
    return stats


def report(train, dev, *, out=typer.echo, verbose=False):
    out("=== Data counts ===")
    for name, stats in (("train", train), ("dev", dev)):
        out(f"{name:<6} {stats.docs} docs, {stats.sents} sentences, {stats.words} words, "
            f"{len(stats.vocab)} unique words")
    problems = 0
    for title, key in (("Tags", "tags"), ("POS", "pos"), ("Dependency labels", "deps"),
                       ("Entity labels", "ents"), ("Text categories (docs where positive)",
                                                   "cats")):
        counts = getattr(train, key)
        if not counts:
            continue
        out(f"\n=== {title} ===\n{len(counts)} labels in train")
        if verbose:
            out(", ".join(f"{label} ({n})" for label, n in counts.most_common()))
        low = [f"{label} ({n})" for label, n in counts.items() if n < LOW_COUNT]
        if low:
            out(f"! {len(low)} labels seen fewer than {LOW_COUNT} times: {', '.join(low)}")
        unseen = sorted(set(getattr(dev, key)) - set(counts))
        if unseen:
            problems += 1
            out(f"! dev labels never seen in train: {', '.join(unseen)}")
    problems += _report_cats(train, dev, out)
    for name, stats in (("train", train), ("dev", dev)):
        if stats.edge_ws_ents:
            problems += 1
            out(f"! {name}: {len(stats.edge_ws_ents)} entities start or end with whitespace")
        if stats.misaligned:
            out(f"! {name}: {len(stats.misaligned)} gold entities do not align with the "
                "tokenizer's tokens (they cannot be predicted)")
        if stats.missing_heads:
            out(f"! {name}: {stats.missing_heads} tokens have no head annotation")
        if stats.nonproj:
            out(f"  {name}: {stats.nonproj} crossing arcs (non-projective trees)")
    return problems


def _report_cats(train, dev, out):
    """The text classification checks: docs without cats, labels some docs leave out
    (missing values: textcat reads them as 0.0), several positives, values not 0/1."""
    problems = 0
    for name, stats in (("train", train), ("dev", dev)):
        if not stats.cat_labels:
            continue
        labelled = stats.docs - stats.docs_without_cats
        if stats.docs_without_cats:
            out(f"! {name}: {stats.docs_without_cats} of {stats.docs} docs have no cats")
        partial = [f"{label} ({labelled - n})" for label, n in stats.cat_labels.items()
                   if n < labelled]
        if partial:
            out(f"! {name}: labels missing from some docs with cats (textcat reads them "
                f"as 0.0, textcat_multilabel as unknown): {', '.join(partial)}")
        kind = (f"{stats.multi_positive} docs with several positive labels: for "
                "textcat_multilabel (textcat takes one per doc)" if stats.multi_positive
                else "one positive label per doc at most: mutually exclusive classes "
                     "(textcat)")
        out(f"  {name}: {kind}")
        if stats.bad_cat_values:
            problems += 1
            index, label, value = stats.bad_cat_values[0]
            out(f"! {name}: {len(stats.bad_cat_values)} cats values are neither 0.0 nor "
                f"1.0 (first: doc {index}, {label}={value})")
    return problems


def write_misaligned(path, train, dev):
    """A TSV of every gold entity the tokenizer cannot express: corpus, doc, chars, text."""
    lines = ["corpus\tdoc\tstart_char\tend_char\tlabel\ttext"]
    for name, stats in (("train", train), ("dev", dev)):
        for doc_index, start, end, label, text in stats.misaligned:
            lines.append(f"{name}\t{doc_index}\t{start}\t{end}\t{label}\t{text}")
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf8")


def debug_data_cli(
    ctx: typer.Context,
    misaligned_out: Optional[Path] = typer.Option(
        Path("misaligned-entities.tsv"), "--misaligned-out",
        help="File listing gold entities the tokenizer cannot align"),
    verbose: bool = typer.Option(False, "--verbose", "-V", help="Print every label count"),
    code: Optional[Path] = typer.Option(None, "--code", "-c", help="Python file to import"),
):
    """Analyze training and dev data: counts, labels, misaligned and invalid entities.

    `debug-data CONFIG --paths.train T --paths.dev D` or `debug-data LANG TRAIN DEV`.
    """
    with user_errors(ConfigError, FastNLPError, FileNotFoundError):
        import_code(code)
        positionals, overrides = parse_overrides(ctx.args)
        if len(positionals) == 3:
            lang, train_path, dev_path = positionals
            nlp = blank(lang)
            train_corpus, dev_corpus = Corpus(train_path), Corpus(dev_path)
        elif len(positionals) == 1:
            _, nlp, T, corpora = prepare(positionals[0], overrides)
            train_corpus = corpora[T["train_corpus"].split(".")[-1]]
            dev_corpus = corpora[T["dev_corpus"].split(".")[-1]]
        else:
            raise ConfigError("give CONFIG, or LANG TRAIN DEV")
        train_stats = collect(nlp, train_corpus)
        dev_stats = collect(nlp, dev_corpus)
        problems = report(train_stats, dev_stats, verbose=verbose)
        if misaligned_out is not None:
            write_misaligned(misaligned_out, train_stats, dev_stats)
            n = len(train_stats.misaligned) + len(dev_stats.misaligned)
            typer.echo(f"\nWrote {n} misaligned entities to {misaligned_out}")
        typer.echo(f"\n{problems} problem(s) found" if problems else "\nNo problems found")
