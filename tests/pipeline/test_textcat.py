"""textcat and textcat_multilabel: the BOW kernels against Thinc's and spaCy's layers,
every architecture trained and saved, spaCy's checks on gold cats, scoring options."""
import numpy
import pytest
from thinc.api import Config, SparseLinear as ThincSparseLinearV1, SparseLinear_v2

import fastnlp
from fastnlp.ml.layers.sparse_linear import SparseLinear, extract_ngrams
from fastnlp.training import Example

TEXTS = [("I love this movie", "POS"), ("terrible film , hated it", "NEG"),
         ("great acting and a lovely story", "POS"), ("boring and bad", "NEG"),
         ("what a lovely film", "POS"), ("bad bad bad", "NEG")]
TOK2VEC = {"@architectures": "spacy.HashEmbedCNN.v2", "pretrained_vectors": None,
           "width": 16, "depth": 1, "embed_size": 300, "window_size": 1,
           "maxout_pieces": 2, "subword_features": True}


def bow(exclusive, ngram_size=1):
    return {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": exclusive,
            "ngram_size": ngram_size, "no_output_layer": False, "length": 4096}


ARCHITECTURES = {
    "bow": bow,
    "bow_v2": lambda exclusive: {"@architectures": "spacy.TextCatBOW.v2",
                                 "exclusive_classes": exclusive, "ngram_size": 2,
                                 "no_output_layer": False},
    "cnn": lambda exclusive: {"@architectures": "spacy.TextCatCNN.v2", "tok2vec": TOK2VEC,
                              "exclusive_classes": exclusive},
    "reduce": lambda exclusive: {"@architectures": "spacy.TextCatReduce.v1",
                                 "tok2vec": TOK2VEC, "exclusive_classes": exclusive,
                                 "use_reduce_first": True, "use_reduce_last": True,
                                 "use_reduce_max": True, "use_reduce_mean": True},
    "attention": lambda exclusive: {"@architectures": "spacy.TextCatParametricAttention.v1",
                                    "tok2vec": TOK2VEC, "exclusive_classes": exclusive},
    "ensemble": lambda exclusive: {"@architectures": "spacy.TextCatEnsemble.v2",
                                   "tok2vec": TOK2VEC, "linear_model": bow(exclusive)},
}


def examples(nlp, multilabel=False, lib=fastnlp):
    out = []
    for text, label in TEXTS:
        cats = {"POS": float(label == "POS"), "NEG": float(label == "NEG")}
        if multilabel:
            cats["FILM"] = float("film" in text or "movie" in text)
        out.append(lib.training.Example.from_dict(nlp.make_doc(text), {"cats": cats}))
    return out


def trained(factory, model, *, steps=30, multilabel=False, lib=fastnlp):
    nlp = lib.blank("en")
    textcat = nlp.add_pipe(factory, config={"model": model})
    egs = examples(nlp, multilabel, lib)
    optimizer = nlp.initialize(lambda: egs)
    for _ in range(steps):
        nlp.update(egs, sgd=optimizer)
    return nlp, textcat, egs


def test_ngram_counts_are_spacys():
    import spacy
    from spacy.ml.extract_ngrams import extract_ngrams as spacy_ngrams
    texts = ["the cat sat on the mat . the cat sat", "a b", "x"]
    docs = [fastnlp.blank("en")(text) for text in texts]
    sdocs = [spacy.blank("en").make_doc(text) for text in texts]
    for n in (1, 2, 3):
        ours = extract_ngrams(n).predict(docs)
        theirs = spacy_ngrams(n, attr=fastnlp.attrs.ORTH).predict(sdocs)
        for mine, other in zip(ours, theirs):
            numpy.testing.assert_array_equal(mine, numpy.asarray(other).astype(mine.dtype))
    # An empty doc has no n-grams (spaCy's extract_ngrams fails on one for n > 1).
    keys, counts, lengths = extract_ngrams(3).predict(docs[:1] + [fastnlp.blank("en")("")])
    assert lengths.tolist() == [len(keys), 0][:1] + [0] and len(counts) == len(keys)


@pytest.mark.parametrize("v1_indexing", [False, True])
def test_sparse_linear_is_thincs(v1_indexing):
    nlp = fastnlp.blank("en")
    docs = [nlp("the cat sat on the mat . the cat"), nlp(""), nlp("a b c d")]
    X = extract_ngrams(2).predict(docs)
    ours = SparseLinear(4, 1024, v1_indexing=v1_indexing)
    theirs = (ThincSparseLinearV1 if v1_indexing else SparseLinear_v2)(nO=4, length=1024)
    ours.initialize()
    theirs.initialize()
    rng = numpy.random.default_rng(0)
    W = rng.uniform(-1, 1, ours.get_param("W").shape).astype("float32")
    b = rng.uniform(-1, 1, 4).astype("float32")
    for model in (ours, theirs):
        model.set_param("W", W.copy())
        model.set_param("b", b.copy())
    (y_ours, back_ours), (y_theirs, back_theirs) = ours.begin_update(X), theirs.begin_update(X)
    numpy.testing.assert_allclose(y_ours, y_theirs, atol=1e-5)
    d_scores = rng.uniform(-1, 1, y_ours.shape).astype("float32")
    for _ in range(2):  # the second pass accumulates into the same gradient arrays
        back_ours(d_scores)
        back_theirs(d_scores)
    for name in ("W", "b"):
        numpy.testing.assert_allclose(ours.get_grad(name), theirs.get_grad(name), atol=1e-5)


@pytest.mark.parametrize("exclusive", [True, False])
def test_bow_trains_exactly_as_spacy(exclusive):
    import spacy
    factory = "textcat" if exclusive else "textcat_multilabel"
    model = bow(exclusive, ngram_size=2)
    nlp, ours, _ = trained(factory, model, steps=5, multilabel=not exclusive)
    snlp, theirs, _ = trained(factory, model, steps=5, multilabel=not exclusive, lib=spacy)
    for text in ("I love it", "bad movie", "hated this lovely story", ""):
        mine, other = nlp(text).cats, snlp(text).cats
        assert mine.keys() == other.keys()
        for label in mine:
            assert mine[label] == pytest.approx(other[label], abs=1e-6)
    # spaCy's trained weights load into our model and give its scores.
    ours.model.from_bytes(theirs.model.to_bytes())
    assert nlp("great film").cats == pytest.approx(snlp("great film").cats, abs=1e-6)


@pytest.mark.parametrize("name", sorted(ARCHITECTURES))
@pytest.mark.parametrize("exclusive", [True, False])
def test_every_architecture_learns_and_round_trips(name, exclusive, tmp_path):
    factory = "textcat" if exclusive else "textcat_multilabel"
    nlp, textcat, egs = trained(factory, ARCHITECTURES[name](exclusive),
                                multilabel=not exclusive)
    scores = nlp.evaluate(egs)
    assert scores["cats_macro_f"] == 1.0, scores["cats_f_per_type"]
    doc = nlp("I love this movie")
    assert set(doc.cats) == set(textcat.labels)
    if exclusive:
        assert sum(doc.cats.values()) == pytest.approx(1.0, abs=1e-5)
    assert all(0.0 <= value <= 1.0 for value in doc.cats.values())
    nlp.to_disk(tmp_path)
    loaded = fastnlp.load(tmp_path)
    for text in ("boring film", "lovely", ""):
        assert loaded(text).cats == pytest.approx(nlp(text).cats, abs=1e-6)


def test_empty_docs_get_zero_scores():
    nlp, _, _ = trained("textcat", bow(True), steps=1)
    assert [doc.cats for doc in nlp.pipe(["", ""])] == [{"POS": 0.0, "NEG": 0.0}] * 2
    mixed = list(nlp.pipe(["", "I love it"]))
    assert sum(mixed[1].cats.values()) == pytest.approx(1.0, abs=1e-5)


@pytest.mark.parametrize("cats, match", [
    ({"POS": 1.0, "NEG": 1.0}, "more than one positive label"),
    ({"POS": 0.5, "NEG": 0.5}, "cats value 0.5"),
])
def test_bad_gold_cats_name_the_doc(cats, match):
    nlp = fastnlp.blank("en")
    nlp.add_pipe("textcat")
    egs = [Example.from_dict(nlp.make_doc("some text here"), {"cats": cats})]
    with pytest.raises(ValueError, match=match) as info:
        nlp.initialize(lambda: egs)
    assert "'some text here'" in str(info.value) and "\n" not in str(info.value)


def test_multilabel_takes_several_positives_but_not_other_values():
    nlp = fastnlp.blank("en")
    nlp.add_pipe("textcat_multilabel")
    egs = [Example.from_dict(nlp.make_doc("a b"), {"cats": {"X": 1.0, "Y": 1.0}})]
    nlp.initialize(lambda: egs)
    bad = [Example.from_dict(nlp.make_doc("a b"), {"cats": {"X": 0.3}})]
    with pytest.raises(ValueError, match="cats value 0.3"):
        nlp.update(bad)


def test_label_checks():
    nlp = fastnlp.blank("en")
    textcat = nlp.add_pipe("textcat")
    one = [Example.from_dict(nlp.make_doc("a"), {"cats": {"ONLY": 1.0}})]
    with pytest.raises(ValueError, match="at least two labels"):
        textcat.initialize(lambda: one)
    egs = examples(nlp)
    with pytest.raises(ValueError, match="positive_label 'MAYBE' is not one of"):
        textcat.initialize(lambda: egs, positive_label="MAYBE")
    three = fastnlp.blank("en").add_pipe("textcat")
    with pytest.raises(ValueError, match="is for two labels; there are 3"):
        three.initialize(lambda: egs, labels=["POS", "NEG", "MIXED"], positive_label="POS")
    with pytest.raises(ValueError, match="labels must be strings"):
        textcat.add_label(3)


def test_multilabel_missing_labels_get_no_gradient():
    nlp, textcat, _ = trained("textcat_multilabel", bow(False), steps=1, multilabel=True)
    partial = [Example.from_dict(nlp.make_doc("a lovely film"), {"cats": {"POS": 1.0}})]
    scores = textcat.model.predict([eg.predicted for eg in partial])
    _, d_scores = textcat.get_loss(partial, scores)
    labels = list(textcat.labels)
    assert d_scores[0, labels.index("NEG")] == 0.0
    assert d_scores[0, labels.index("FILM")] == 0.0
    assert d_scores[0, labels.index("POS")] != 0.0
    exclusive, excl_textcat, _ = trained("textcat", bow(True), steps=1)
    one = [Example.from_dict(exclusive.make_doc("a lovely film"), {"cats": {"POS": 1.0}})]
    _, d_excl = excl_textcat.get_loss(one, excl_textcat.model.predict([one[0].predicted]))
    assert d_excl[0, list(excl_textcat.labels).index("NEG")] != 0.0  # missing counts as 0


@pytest.mark.parametrize("name", ["bow", "cnn"])
def test_add_label_after_training_keeps_the_old_scores(name):
    nlp, textcat, _ = trained("textcat", ARCHITECTURES[name](True))
    before = nlp("I love this movie").cats
    assert textcat.add_label("MIXED") == 1 and textcat.add_label("MIXED") == 0
    after = nlp("I love this movie").cats
    assert set(after) == {"POS", "NEG", "MIXED"} and after["MIXED"] < 1e-6
    assert after["POS"] == pytest.approx(before["POS"], abs=1e-4)


def test_ensemble_cannot_grow_after_training():
    nlp, textcat, _ = trained("textcat", ARCHITECTURES["ensemble"](True), steps=1)
    with pytest.raises(ValueError, match="cannot add label 'MIXED' to a trained"):
        textcat.add_label("MIXED")
    assert textcat.labels == ("POS", "NEG")


def test_scorer_uses_positive_label_and_threshold():
    nlp = fastnlp.blank("en")
    textcat = nlp.add_pipe("textcat", config={"model": bow(True)})
    egs = examples(nlp)
    textcat.initialize(lambda: egs, positive_label="POS")
    optimizer = nlp.create_optimizer()
    for _ in range(20):
        nlp.update(egs, sgd=optimizer)
    scores = nlp.evaluate(egs)
    assert scores["cats_score_desc"] == "F (POS)" and scores["cats_score"] == 1.0
    assert textcat.cfg["positive_label"] == "POS"
    multi = fastnlp.blank("en")
    multi_cat = multi.add_pipe("textcat_multilabel", config={"model": bow(False),
                                                             "threshold": 0.99})
    multi_egs = examples(multi, multilabel=True)
    multi.initialize(lambda: multi_egs)
    # untrained scores are near 0.5: nothing passes a 0.99 threshold, so recall is 0
    assert multi.evaluate(multi_egs)["cats_micro_r"] == 0.0
    assert multi_cat.score(multi_egs, threshold=0.0)["cats_micro_r"] == 1.0


def test_default_config_is_spacys_ensemble():
    nlp = fastnlp.blank("en")
    nlp.add_pipe("textcat")
    model = Config(nlp.config)["components"]["textcat"]["model"]
    assert model["@architectures"] == "spacy.TextCatEnsemble.v2"
    assert model["linear_model"]["@architectures"] == "spacy.TextCatBOW.v3"
    assert nlp.get_pipe_meta("textcat").default_score_weights["cats_score"] == 1.0


def test_examples_without_cats_are_skipped_and_unknown_labels_fail():
    nlp, textcat, egs = trained("textcat", bow(True), steps=1)
    bare = [Example.from_dict(nlp.make_doc("no labels here"), {})]
    textcat.n_skipped = 0
    with pytest.warns(UserWarning, match="skipped an example without cats .the doc 'no la"):
        losses = nlp.update(egs[:1] + bare)
    assert textcat.n_skipped == 1 and losses["textcat"] > 0
    other = [Example.from_dict(nlp.make_doc("odd"), {"cats": {"MIXED": 1.0, "POS": 0.0}})]
    with pytest.raises(ValueError, match="has the label 'MIXED', which is not one of"):
        nlp.update(other)
