"""DependencyParser: learning, sentences, partial and non-projective gold, the Doc API it
fills, serialization, labels, and gold the oracle cannot use."""
import warnings

import numpy
import pytest

import fastnlp
from fastnlp.tokens.docbin import DocBin
from fastnlp.errors import DocBinError
from fastnlp.training.corpus import Corpus
from fastnlp.training.example import Example

from parser_helpers import PARSES, heads_and_deps, make_nlp, parse_examples, train

# Two sentences per doc: the second starts at the token after the first root's subtree.
TWO_SENTS = [
    ("I like eggs . They sleep", [1, 1, 1, 1, 5, 5], ["nsubj", "ROOT", "dobj", "punct",
                                                      "nsubj", "ROOT"]),
    ("Eat ham . She ate the pizza", [0, 0, 0, 4, 4, 6, 4], ["ROOT", "dobj", "punct", "nsubj",
                                                            "ROOT", "det", "dobj"]),
    ("They sleep . I like eggs", [1, 1, 1, 4, 4, 4], ["nsubj", "ROOT", "punct", "nsubj",
                                                      "ROOT", "dobj"]),
]
# "A hearing is scheduled on the issue today": on -> hearing crosses is/scheduled.
NONPROJ = ("A hearing is scheduled on the issue today", [1, 3, 3, 3, 1, 6, 4, 3],
           ["det", "nsubj", "aux", "ROOT", "prep", "det", "pobj", "npadvmod"])


def _uas(nlp, parses):
    right = total = 0
    for text, heads, _ in parses:
        predicted, _ = heads_and_deps(nlp(text))
        right += sum(p == g for p, g in zip(predicted, heads))
        total += len(heads)
    return right / total


@pytest.fixture(scope="module")
def trained():
    """A small parser that has memorized PARSES + TWO_SENTS + NONPROJ."""
    nlp = make_nlp("parser")
    data = PARSES + TWO_SENTS + [NONPROJ]
    examples = parse_examples(nlp, data)
    train(nlp, examples, 60)
    return nlp, data


def test_parser_memorizes_tiny_training_set(trained):
    nlp, data = trained
    for text, heads, deps in data:
        assert heads_and_deps(nlp(text)) == (heads, deps), text


def test_untrained_parser_is_far_from_the_gold():
    """Guards the memorization test: without updates the same check fails."""
    nlp = make_nlp("parser")
    examples = parse_examples(nlp, PARSES + TWO_SENTS)
    train(nlp, examples, 0)
    assert _uas(nlp, PARSES + TWO_SENTS) < 0.8


def test_training_loss_falls():
    nlp = make_nlp("parser")
    examples = parse_examples(nlp)
    _, first = train(nlp, examples, 1)
    losses = {}
    for _ in range(20):
        losses = {}
        nlp.update(examples, losses=losses)
    assert losses["parser"] < 0.5 * first["parser"]


def test_multi_sentence_docs_get_sentence_starts(trained):
    nlp, _ = trained
    for text, heads, _ in TWO_SENTS:
        doc = nlp(text)
        roots = [i for i, h in enumerate(heads) if h == i]
        second = max(roots) - (1 if heads[max(roots) - 1] == max(roots) else 0)
        starts = [t.i for t in doc if t.is_sent_start]
        assert starts == [0, second], text
        assert len(list(doc.sents)) == 2
        assert [s.root.i for s in doc.sents] == roots


def test_doc_api_after_parsing(trained):
    nlp, _ = trained
    doc = nlp.make_doc("The dog saw a cat")
    for token, pos in zip(doc, ["DET", "NOUN", "VERB", "DET", "NOUN"]):
        token.pos_ = pos
    doc = nlp.get_pipe("parser")(doc)
    assert doc.has_annotation("DEP")
    assert [t.head.i for t in doc] == [1, 2, 2, 4, 2]
    assert [t.dep_ for t in doc] == ["det", "nsubj", "ROOT", "det", "dobj"]
    assert [s.text for s in doc.sents] == ["The dog saw a cat"]
    assert [c.text for c in doc.noun_chunks] == ["The dog", "a cat"]
    assert [t.text for t in doc[2].children] == ["dog", "cat"]
    assert [t.text for t in doc[4].subtree] == ["a", "cat"]


def test_partial_heads_in_gold_train():
    nlp = make_nlp("parser")
    examples = [Example.from_dict(nlp.make_doc(text), {
        "heads": [h if i % 3 else None for i, h in enumerate(heads)],
        "deps": [d if i % 3 else None for i, d in enumerate(deps)]}) for text, heads, deps in PARSES]
    examples += [Example.from_dict(nlp.make_doc("Eat blue ham"), {})]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _, losses = train(nlp, examples, 30)
    assert numpy.isfinite(losses["parser"])
    # Tokens with a known (non-root) head are learnt. A known root may be attached to
    # another root by join_fragments (one root per predicted sentence) when the model
    # left the neighbours whose heads the gold did not give unattached.
    for eg in examples[:-1]:
        doc = nlp(eg.reference.text)
        for i, (token, gold) in enumerate(zip(doc, eg.reference)):
            if i % 3 and gold.head.i != i:
                assert token.head.i == gold.head.i, (doc.text, i)


def test_non_projective_gold_trains_and_decodes_deprojectivized(trained):
    nlp, _ = trained
    parser = nlp.get_pipe("parser")
    assert any("||" in label for label in parser.labels)
    text, heads, deps = NONPROJ
    doc = nlp(text)
    assert heads_and_deps(doc) == (heads, deps)
    assert not any("||" in t.dep_ for t in doc)


@pytest.mark.parametrize("how", ["disk", "bytes"])
def test_save_load_round_trip_parses_identically(trained, tmp_path, how):
    nlp, data = trained
    texts = [text for text, _, _ in data] + ["The cat saw the dog . Eat eggs"]
    before = [heads_and_deps(doc) for doc in nlp.pipe(texts)]
    if how == "disk":
        nlp.to_disk(tmp_path / "model")
        loaded = fastnlp.load(tmp_path / "model")
    else:
        loaded = make_nlp("parser", seed=1)
        loaded.from_bytes(nlp.to_bytes())
    assert loaded.get_pipe("parser").labels == nlp.get_pipe("parser").labels
    assert [heads_and_deps(doc) for doc in loaded.pipe(texts)] == before


def test_predictions_use_only_known_labels(trained):
    nlp, _ = trained
    known = set(nlp.get_pipe("parser").labels) | {"ROOT"}
    for text in ["Zebras quickly ate unknown words", "Who ? Me . Yes"]:
        labels = {t.dep_ for t in nlp(text)}
        assert labels <= known, labels - known


def test_label_added_after_initialize_is_a_clear_error():
    nlp = make_nlp("parser")
    examples = parse_examples(nlp)
    train(nlp, examples, 2)
    parser = nlp.get_pipe("parser")
    labels = parser.labels
    with pytest.raises(ValueError, match="after initialize"):
        parser.add_label("brand_new")
    assert parser.labels == labels
    nlp("The dog saw a cat")


def test_label_added_before_initialize_is_predictable():
    nlp = make_nlp("parser")
    parser = nlp.get_pipe("parser")
    parser.add_label("extra")
    train(nlp, parse_examples(nlp), 1)
    assert "LEFT-extra" in parser.moves.move_names


def test_bad_heads_in_example_from_dict_are_a_clear_error():
    nlp = fastnlp.blank("en")
    with pytest.raises(ValueError, match="cycle"):
        Example.from_dict(nlp.make_doc("I like eggs"), {"heads": [1, 2, 0],
                                                         "deps": ["a", "b", "c"]})
    with pytest.raises(ValueError, match="outside"):
        Example.from_dict(nlp.make_doc("I like eggs"), {"heads": [1, 7, 1],
                                                         "deps": ["a", "ROOT", "c"]})


def test_bad_heads_in_a_spacy_file_are_a_clear_error(tmp_path):
    nlp = fastnlp.blank("en")
    good = parse_examples(nlp, PARSES[:1])[0].reference
    db = DocBin()
    db.add(good)
    db.add(good)
    column = db.attrs.index(fastnlp.attrs.HEAD)
    tokens = db.tokens[1].copy()
    tokens[:, column] = numpy.array([1, -1, 1, -1], dtype="int64").astype("uint64")
    db.tokens[1] = tokens
    db.to_disk(tmp_path / "bad.spacy")
    with pytest.raises(DocBinError, match=r"bad\.spacy: .*document 1: .*cycle"):
        list(Corpus(tmp_path / "bad.spacy")(nlp))


class _GoldOverride:
    """An Example stand-in whose aligned parse is given (what a broken alignment or a
    custom reader could hand the parser)."""

    def __init__(self, example, heads, deps):
        self.predicted, self.reference = example.predicted, example.reference
        self.x, self.y = self.predicted, self.reference
        self._parse = (heads, deps)

    def get_aligned_parse(self, projectivize=True):
        return self._parse


def test_unusable_gold_is_skipped_with_a_counting_warning():
    nlp = make_nlp("parser")
    examples = parse_examples(nlp)
    train(nlp, examples, 1)
    parser = nlp.get_pipe("parser")
    eg = examples[0]
    cycle = _GoldOverride(eg, [1, 2, 3, 0], ["a", "b", "c", "d"])
    outside = _GoldOverride(eg, [1, 1, 9, 1], ["nsubj", "ROOT", "amod", "dobj"])
    with pytest.warns(UserWarning, match=r"skipped 2 example\(s\).*\(2 so far\)"):
        losses = parser.update([cycle, outside, examples[1]], sgd=None)
    assert numpy.isfinite(losses["parser"])
    with pytest.warns(UserWarning, match=r"skipped 1 example\(s\).*\(3 so far\)"):
        parser.update([cycle], sgd=None)
    assert parser.n_skipped == 3


def test_missing_heads_do_not_make_gold_arcs_non_projective():
    """Regression: a token without a head annotation counted as a root when checking
    projectivity, so the arc over it was lifted to the root ("advmod||ROOT")."""
    from fastnlp.tokens.nonproj import is_nonproj_arc, projectivize
    assert not is_nonproj_arc(4, [None, 1, 3, None, 1])
    assert is_nonproj_arc(4, [0, 1, 3, 3, 1])
    assert projectivize([None, 1, 3, None, 1], [None, "ROOT", "det", None, "advmod"])[0] == \
        [None, 1, 3, None, 1]
    nlp = fastnlp.blank("en")
    eg = Example.from_dict(nlp.make_doc("She ate the pizza quickly"), {
        "heads": [None, 1, 3, None, 1], "deps": [None, "ROOT", "det", None, "advmod"]})
    heads, deps = eg.get_aligned_parse(projectivize=True)
    assert heads[4] == 1 and deps[4] == "advmod"
