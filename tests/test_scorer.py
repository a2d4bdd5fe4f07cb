"""Scorer: hand-checked numbers, and the same keys and numbers as spaCy 3.8's Scorer."""
from pathlib import Path

import pytest

from fastnlp.scorer import PRFScore, Scorer, roc_auc
from fastnlp.tokens import Doc
from fastnlp.training.example import Example

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "spacy-interop"


def test_prf_score():
    score = PRFScore()
    score.score_set({1, 2, 3}, {2, 3, 4, 5})
    assert (score.tp, score.fp, score.fn) == (2, 1, 2)
    assert score.precision == pytest.approx(2 / 3)
    assert score.recall == pytest.approx(0.5)
    assert score.fscore == pytest.approx(4 / 7)
    total = score + PRFScore(tp=1)
    assert len(total) == 6 and score.to_dict()["p"] == pytest.approx(2 / 3)


def test_roc_auc_with_ties():
    import numpy
    positive = numpy.asarray([True, False, True, False])
    assert roc_auc(positive, numpy.asarray([0.9, 0.1, 0.5, 0.5])) == pytest.approx(0.875)


def test_token_attr_and_tokenization(vocab):
    pred = Doc(vocab, words=["I", "cannot", "go"], tags=["PRP", "MD", "VBP"])
    eg = Example.from_dict(pred, {"words": ["I", "can", "not", "go"],
                                  "spaces": [True, False, True, False],
                                  "tags": ["PRP", "MD", "RB", "VB"]})
    scores = Scorer.score_tokenization([eg])
    assert scores["token_acc"] == pytest.approx(2 / 3)
    assert scores["token_p"] == pytest.approx(2 / 3) and scores["token_r"] == pytest.approx(0.5)
    # As in spaCy, "acc" is the F-score of aligned (token, tag) pairs: "I" and "go"
    # align one-to-one, one is right, and four gold tags exist: p=1/2, r=1/4.
    assert Scorer.score_token_attr([eg], "tag")["tag_acc"] == pytest.approx(1 / 3)


def test_missing_gold_values_are_skipped(vocab):
    pred = Doc(vocab, words=["a", "b"], tags=["X", "Y"])
    eg = Example.from_dict(pred, {"tags": ["X", None]})
    assert Scorer.score_token_attr([eg], "tag")["tag_acc"] == 1.0
    assert Scorer.score_token_attr([eg], "pos")["pos_acc"] is None


def test_deps_include_punct_unless_ignored(vocab):
    words = ["Go", "home", "."]
    pred = Doc(vocab, words=words, heads=[0, 0, 1], deps=["ROOT", "obj", "punct"])
    eg = Example.from_dict(pred, {"heads": [0, 0, 0], "deps": ["ROOT", "obj", "punct"]})
    scores = Scorer.score_deps([eg], "dep")
    assert scores["dep_uas"] == pytest.approx(2 / 3)
    assert scores["dep_las_per_type"][vocab.strings["punct"]]["f"] == 0.0
    assert Scorer.score_deps([eg], "dep", ignore_labels=(vocab.strings["punct"],))["dep_uas"] == 1.0


def test_ents_exclude_inexpressible_gold(vocab):
    pred = Doc(vocab, words=["in", "NewYork", "today"], ents=["O", "O", "O"])
    gold = {"words": ["in", "New", "York", "today"], "spaces": [True, False, True, False],
            "entities": ["O", "U-GPE", "O", "O"]}
    eg = Example.from_dict(pred, gold)
    assert Scorer.score_ents([eg])["ents_p"] is None
    spacy_like = Scorer.score_ents([eg], exclude_misaligned=False)
    assert spacy_like["ents_r"] == 0.0 and spacy_like["ents_per_type"]["GPE"]["r"] == 0.0
    assert Scorer.score_spans([eg], "ents")["ents_f"] is None


def test_sents(vocab):
    pred = Doc(vocab, words=["A", ".", "B", "."], sent_starts=[1, 0, 0, 0])
    eg = Example.from_dict(pred, {"sent_starts": [1, -1, 1, -1]})
    scores = Scorer.score_sents([eg])
    assert scores["sents_r"] == pytest.approx(0.0) and set(scores) == {"sents_p", "sents_r", "sents_f"}


def _ewt_pairs(n_docs, retokenize):
    """(spaCy Example, fastnlp Example) pairs with deterministically damaged predictions."""
    if not (DATA / "ewt-dev200.spacy").exists():
        pytest.skip(f"shared data not found at {DATA}")
    import spacy
    from spacy.tokens import DocBin as SpacyDocBin
    from spacy.training import Example as SpacyExample
    from spacy.training.iob_utils import doc_to_biluo_tags
    from fastnlp.lang.lex_attrs import LEX_ATTRS
    from fastnlp.vocab import Vocab

    nlp = spacy.blank("en")
    vocab = Vocab(lex_attr_getters=LEX_ATTRS, lang="en")
    pairs = []
    for k, gold in enumerate(SpacyDocBin().from_disk(DATA / "ewt-dev200.spacy").get_docs(nlp.vocab)):
        if k >= n_docs:
            break
        annot = {"words": [t.text for t in gold], "spaces": [bool(t.whitespace_) for t in gold],
                 "tags": [t.tag_ for t in gold], "pos": [t.pos_ for t in gold],
                 "morphs": [str(t.morph) for t in gold], "lemmas": [t.lemma_ for t in gold],
                 "heads": [t.head.i for t in gold], "deps": [t.dep_ for t in gold],
                 "entities": doc_to_biluo_tags(gold)}
        if retokenize:
            words, spaces = _merge_unspaced(annot["words"], annot["spaces"])
            pred = {"words": words, "spaces": spaces}
        else:
            pred = _damage(gold, k)
        spacy_pred = spacy.tokens.Doc(nlp.vocab, **{k2: v for k2, v in pred.items() if k2 != "ent_offsets"})
        ours_pred = Doc(vocab, **{k2: v for k2, v in pred.items() if k2 != "ent_offsets"})
        offsets = [(e.start_char, e.end_char, e.label_) for e in gold.ents][k % 2::2]
        spacy_pred.ents = [s for s in (spacy_pred.char_span(*o) for o in offsets) if s is not None]
        ours_pred.ents = [s for s in (ours_pred.char_span(*o) for o in offsets) if s is not None]
        pairs.append((SpacyExample.from_dict(spacy_pred, annot), Example.from_dict(ours_pred, annot)))
    return pairs


def _damage(gold, k):
    roots = {}
    for sent in gold.sents:
        for t in sent:
            roots[t.i] = sent.root.i
    heads = [roots[t.i] if (t.i + k) % 5 == 0 else t.head.i for t in gold]
    return {"words": [t.text for t in gold], "spaces": [bool(t.whitespace_) for t in gold],
            "tags": ["NN" if t.i % 7 == 3 else t.tag_ for t in gold],
            "pos": ["NOUN" if t.i % 6 == 1 else t.pos_ for t in gold],
            "morphs": ["" if t.i % 9 == 2 else str(t.morph) for t in gold],
            "heads": heads,
            "deps": ["dep" if t.i % 8 == 5 else t.dep_ for t in gold]}


def _merge_unspaced(words, spaces):
    out_w, out_s = [], []
    i = 0
    while i < len(words):
        if not spaces[i] and i + 1 < len(words) and i % 2 == 0:
            out_w.append(words[i] + words[i + 1])
            out_s.append(spaces[i + 1])
            i += 2
        else:
            out_w.append(words[i])
            out_s.append(spaces[i])
            i += 1
    return out_w, out_s


def _assert_same(ours, theirs, path="scores"):
    if isinstance(theirs, dict):
        assert isinstance(ours, dict) and set(ours) == set(theirs), path
        for key, value in theirs.items():
            _assert_same(ours[key], value, f"{path}[{key!r}]")
    elif isinstance(theirs, float):
        assert ours == pytest.approx(theirs), path
    else:
        assert ours == theirs, path


@pytest.mark.parametrize("retokenize", [False, True])
def test_matches_spacy_scorer_on_ewt(retokenize):
    from spacy.scorer import Scorer as SpacyScorer

    pairs = _ewt_pairs(20, retokenize)
    theirs = SpacyScorer().score([p[0] for p in pairs])
    ours = Scorer(exclude_misaligned=False).score([p[1] for p in pairs])
    _assert_same(ours, theirs)
    assert ours["tag_acc"] is not None and ours["ents_f"] is not None
    if not retokenize:
        assert 0.5 < ours["dep_las"] < 1.0
        # Same tokenization: nothing to exclude, so both settings agree.
        _assert_same(Scorer().score([p[1] for p in pairs]), theirs)


def test_static_functions_match_spacy_on_ewt():
    from spacy.scorer import Scorer as SpacyScorer

    pairs = _ewt_pairs(10, False)
    ours_egs, spacy_egs = [p[1] for p in pairs], [p[0] for p in pairs]
    _assert_same(Scorer.score_deps(ours_egs, "dep"), SpacyScorer.score_deps(spacy_egs, "dep"))
    _assert_same(Scorer.score_spans(ours_egs, "ents"), SpacyScorer.score_spans(spacy_egs, "ents"))
    _assert_same(Scorer.score_token_attr(ours_egs, "lemma"),
                 SpacyScorer.score_token_attr(spacy_egs, "lemma"))
    assert Scorer.score_deps(ours_egs, "dep")["dep_las"] < 1.0


def test_per_component():
    pairs = _ewt_pairs(3, False)
    scores = Scorer().score([p[1] for p in pairs], per_component=True)
    assert set(scores) == {"tokenizer", "senter", "tagger", "morphologizer", "parser", "ner", "textcat"}
    assert "dep_uas" in scores["parser"]
