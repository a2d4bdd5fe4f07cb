"""Matcher and PhraseMatcher speed, fastnlp vs spaCy 3.8, on the same annotated Docs.

    python benchmarks/matcher.py [--data ../shared/data] [--repeats 5] [--phrases 5000]
                                 [--only ROW ...]

Both libraries get the words, tags, POS, morphology, lemmas, trees and entities of EWT
dev (10 sentences per Doc). Each Matcher row is a set of token patterns run over every
Doc; the PhraseMatcher rows match `--phrases` distinct 1- to 3-word n-grams of EWT train
(spread over 10 keys) on LOWER and on ORTH. The matches of the two libraries must be
identical (same tuples, same order) or the script exits with an error. The entity_ruler
row adds `--ruler-patterns` patterns made from EWT train's gold entities (phrases, and
token patterns with ids) and times clearing doc.ents and running the ruler; the
span_ruler row runs the same patterns into doc.spans["ruler"], overlaps kept. The
dependency row runs DEPENDENCY_PATTERNS through each library's DependencyMatcher on the
gold trees. Speed is words/sec, best of `--repeats` passes.
"""
import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import fastnlp  # noqa: E402
from fastnlp.training.converters import read_records  # noqa: E402
from fastnlp.training.converters.records import record_to_doc  # noqa: E402

PATTERN_SETS = {
    "operators": [
        [{"POS": "ADJ", "OP": "*"}, {"POS": "NOUN", "OP": "+"}],
        [{"LOWER": "the"}, {"OP": "?"}, {"POS": "NOUN"}],
        [{"IS_DIGIT": True, "OP": "{1,3}"}, {"LOWER": {"IN": ["am", "pm", "%"]}}],
        [{"POS": "PROPN", "OP": "{2,}"}],
        [{"POS": "VERB"}, {"POS": "DET", "OP": "!"}, {"POS": "NOUN"}],
    ],
    "sets and regex": [
        [{"LOWER": {"IN": ["monday", "tuesday", "wednesday", "thursday", "friday",
                           "saturday", "sunday"]}}],
        [{"TEXT": {"REGEX": r"^[A-Z][a-z]+ing$"}}],
        [{"LOWER": {"NOT_IN": ["the", "a", "an"]}, "LENGTH": {">=": 12}}],
        [{"TEXT": {"REGEX": r"^\d+(\.\d+)?$"}}, {"LOWER": {"IN": ["dollars", "percent",
                                                                  "million", "billion"]}}],
        [{"SHAPE": "Xxxxx"}, {"IS_PUNCT": True}],
    ],
    "lemma and POS": [
        [{"LEMMA": "be"}, {"POS": "ADV", "OP": "?"}, {"POS": "ADJ"}],
        [{"LEMMA": {"IN": ["say", "tell", "ask"]}}, {"POS": "PRON"}],
        [{"LEMMA": "have"}, {"TAG": "VBN"}],
        [{"DEP": "nsubj"}, {"DEP": "ROOT"}],
        [{"MORPH": {"IS_SUPERSET": ["Number=Plur"]}, "POS": "NOUN"}],
        [{"ENT_TYPE": "PERSON", "OP": "+"}],
    ],
}

def _node(name, attrs, left=None, op=None):
    node = {"RIGHT_ID": name, "RIGHT_ATTRS": attrs}
    if left is not None:
        node.update(LEFT_ID=left, REL_OP=op)
    return node


DEPENDENCY_PATTERNS = [
    # subject - verb - object
    [_node("verb", {"POS": "VERB"}), _node("subj", {"DEP": "nsubj"}, "verb", ">"),
     _node("obj", {"DEP": "obj"}, "verb", ">")],
    # a noun with an adjective somewhere to its left
    [_node("noun", {"POS": "NOUN"}), _node("adj", {"DEP": "amod"}, "noun", ">--")],
    # verb -> oblique -> its preposition
    [_node("verb", {"POS": "VERB"}), _node("obl", {"DEP": "obl"}, "verb", ">"),
     _node("case", {"DEP": "case"}, "obl", ">")],
    # copula "be" heading a subtree with a proper noun in it
    [_node("be", {"LEMMA": "be"}), _node("head", {}, "be", "<"),
     _node("name", {"POS": "PROPN"}, "head", ">>")],
    # two adjacent proper nouns of one tree, a verb after them in it
    [_node("p1", {"POS": "PROPN"}), _node("p2", {"POS": "PROPN"}, "p1", "."),
     _node("verb", {"POS": "VERB"}, "p1", ".*")],
]


def doc_pairs(conllu: Path, n_sents=10, limit=None):
    """The same annotated Docs in spaCy and fastnlp: (spaCy nlp, fastnlp nlp, pairs)."""
    import spacy
    from spacy.tokens import Doc as SpacyDoc

    snlp, fnlp = spacy.blank("en"), fastnlp.blank("en")
    pairs = []
    for rec in read_records(conllu.read_text(encoding="utf8"), "conllu", n_sents=n_sents):
        sdoc = SpacyDoc(snlp.vocab, words=rec.words, spaces=rec.spaces, tags=rec.tags,
                        pos=rec.pos, morphs=rec.morphs, lemmas=rec.lemmas, heads=rec.heads,
                        deps=rec.deps, ents=rec.ents)
        pairs.append((sdoc, record_to_doc(fnlp.vocab, rec)))
        if limit and len(pairs) >= limit:
            break
    return snlp, fnlp, pairs


def train_phrases(conllu: Path, n_phrases, lower):
    """`n_phrases` distinct 1- to 3-word n-grams of the corpus's sentences, in order seen."""
    seen, phrases = set(), []
    for rec in read_records(conllu.read_text(encoding="utf8"), "conllu"):
        words = [w.lower() for w in rec.words] if lower else rec.words
        for n in (3, 1, 2):
            for i in range(0, len(words) - n + 1, 2):
                gram = tuple(words[i:i + n])
                if gram not in seen:
                    seen.add(gram)
                    phrases.append(list(gram))
                    if len(phrases) >= n_phrases:
                        return phrases
    return phrases


def entity_patterns(conllu: Path, n_patterns):
    """entity_ruler patterns from the corpus's gold entities, in order seen: a phrase
    pattern per distinct entity text, every fourth also as a LOWER token pattern with an
    id, and a few generic token patterns; n-gram phrases make up the rest."""
    patterns = [{"label": "MONEY", "pattern": [{"ORTH": "$"}, {"LIKE_NUM": True, "OP": "+"}]},
                {"label": "CARDINAL", "pattern": [{"IS_DIGIT": True, "OP": "{1,3}"}]},
                {"label": "DATE", "pattern": [{"LOWER": {"IN": ["today", "tomorrow",
                                                                "yesterday"]}}]}]
    seen = set()
    for rec in read_records(conllu.read_text(encoding="utf8"), "conllu"):
        start, label = None, None
        for i, tag in enumerate((rec.ents or []) + ["O"]):
            if start is not None and not (tag or "").startswith(("I-", "L-")):
                words = rec.words[start:i]
                key = (label, tuple(words))
                if key not in seen:
                    seen.add(key)
                    text = "".join(w + (" " if sp else "") for w, sp in
                                   zip(words, rec.spaces[start:i])).strip()
                    patterns.append({"label": label, "pattern": text})
                    if len(seen) % 4 == 0:
                        patterns.append({"label": label, "id": f"e{len(seen)}",
                                         "pattern": [{"LOWER": w.lower()} for w in words]})
                    if len(patterns) >= n_patterns:
                        return patterns
                start = None
            if (tag or "").startswith(("B-", "U-")):
                start, label = i, tag[2:]
    # Not enough entities: n-grams of the corpus fill up to n_patterns.
    # (words only: each library tokenizes a phrase pattern's text its own way)
    texts = {p["pattern"].lower() for p in patterns if isinstance(p["pattern"], str)}
    for words in train_phrases(conllu, 4 * n_patterns, lower=False):
        text = " ".join(words)
        if all(w.isalnum() for w in words) and text.lower() not in texts:
            texts.add(text.lower())
            patterns.append({"label": "PHRASE", "pattern": text})
            if len(patterns) >= n_patterns:
                break
    return patterns


def best_pass(matcher, docs, repeats):
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for doc in docs:
            matcher(doc)
        best = min(best, time.perf_counter() - start)
    return best


def named(vocab, matches):
    """The matches with their keys as strings: (key, start, end), or (key, token ids) of a
    DependencyMatcher."""
    return [(vocab.strings[key],) + tuple(rest) for key, *rest in matches]


class EntsOf:
    """An entity ruler called as a matcher: its entities as (label, start, end), from a
    doc whose entities are cleared first."""

    def __init__(self, ruler):
        self.ruler = ruler

    def __call__(self, doc):
        doc.ents = []
        return [(e.label, e.start, e.end) for e in self.ruler(doc).ents]


class SpansOf:
    """A span ruler called as a matcher: its span group as (label, start, end)."""

    def __init__(self, ruler):
        self.ruler = ruler

    def __call__(self, doc):
        return [(s.label, s.start, s.end) for s in self.ruler(doc).spans[self.ruler.key]]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--phrases", type=int, default=5000)
    parser.add_argument("--ruler-patterns", type=int, default=10000)
    parser.add_argument("--only", nargs="+", metavar="ROW",
                        help="run only these rows (names as printed, or their first word)")
    args = parser.parse_args()

    def wanted(name):
        return not args.only or any(name == o or name.split()[0] == o for o in args.only)

    from spacy.matcher import DependencyMatcher as SpacyDependencyMatcher
    from spacy.matcher import Matcher as SpacyMatcher
    from spacy.matcher import PhraseMatcher as SpacyPhraseMatcher
    from spacy.tokens import Doc as SpacyDoc

    from fastnlp.matcher import DependencyMatcher, Matcher, PhraseMatcher
    from fastnlp.tokens import Doc

    snlp, fnlp, pairs = doc_pairs(args.data / "ud-en-ewt" / "en_ewt-dev.conllu")
    sdocs, fdocs = [s for s, _ in pairs], [f for _, f in pairs]
    n_words = sum(len(d) for d in fdocs)
    rows = []
    for name, patterns in PATTERN_SETS.items():
        if not wanted(name):
            continue
        sm, fm = SpacyMatcher(snlp.vocab, validate=False), Matcher(fnlp.vocab)
        for i, pattern in enumerate(patterns):
            sm.add(f"{name}{i}", [pattern])
            fm.add(f"{name}{i}", [pattern])
        rows.append((name, sm, fm))
    if wanted("dependency"):
        sm, fm = SpacyDependencyMatcher(snlp.vocab), DependencyMatcher(fnlp.vocab)
        for i, pattern in enumerate(DEPENDENCY_PATTERNS):
            sm.add(f"dep{i}", [pattern])
            fm.add(f"dep{i}", [pattern])
        rows.append(("dependency", sm, fm))
    for attr in ("LOWER", "ORTH"):
        if not wanted(f"{args.phrases} phrases {attr}") and not wanted("phrases"):
            continue
        phrases = train_phrases(args.data / "ud-en-ewt" / "en_ewt-train.conllu", args.phrases,
                                lower=attr == "LOWER")
        sm, fm = SpacyPhraseMatcher(snlp.vocab, attr=attr), PhraseMatcher(fnlp.vocab, attr=attr)
        for k in range(10):
            sm.add(f"K{k}", [SpacyDoc(snlp.vocab, words=p) for p in phrases[k::10]])
            fm.add(f"K{k}", [Doc(fnlp.vocab, words=p) for p in phrases[k::10]])
        rows.append((f"{len(phrases)} phrases {attr}", sm, fm))
    if wanted("entity_ruler") or wanted("span_ruler"):
        ruler_patterns = entity_patterns(args.data / "ud-en-ewt" / "en_ewt-train.conllu",
                                         args.ruler_patterns)
    if wanted("entity_ruler"):
        sruler, fruler = snlp.add_pipe("entity_ruler"), fnlp.add_pipe("entity_ruler")
        sruler.add_patterns(ruler_patterns)
        fruler.add_patterns(ruler_patterns)
        rows.append((f"entity_ruler {len(ruler_patterns)}", EntsOf(sruler), EntsOf(fruler)))
    if wanted("span_ruler"):
        sspans, fspans = snlp.add_pipe("span_ruler"), fnlp.add_pipe("span_ruler")
        sspans.add_patterns(ruler_patterns)
        fspans.add_patterns(ruler_patterns)
        rows.append((f"span_ruler {len(ruler_patterns)}", SpansOf(sspans), SpansOf(fspans)))
    print(f"{len(fdocs)} docs, {n_words} words; best of {args.repeats}")
    print(f"{'patterns':<22}{'matches':>9}{'spaCy wps':>14}{'fastnlp wps':>14}{'ratio':>8}")
    for name, sm, fm in rows:
        n_matches = 0
        for sdoc, fdoc in pairs:
            expected = named(snlp.vocab, sm(sdoc))
            if named(fnlp.vocab, fm(fdoc)) != expected:
                sys.exit(f"{name}: matches differ on {fdoc.text[:60]!r}")
            n_matches += len(expected)
        spacy_s, ours_s = best_pass(sm, sdocs, args.repeats), best_pass(fm, fdocs, args.repeats)
        print(f"{name:<22}{n_matches:>9}{n_words / spacy_s:>14,.0f}{n_words / ours_s:>14,.0f}"
              f"{spacy_s / ours_s:>7.2f}x")


if __name__ == "__main__":
    main()
