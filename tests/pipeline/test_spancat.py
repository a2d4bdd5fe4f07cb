"""spancat and spancat_singlelabel: suggesters and span extraction against spaCy's, every
setting of threshold / max_positive / overlap, training, saving, scoring."""
import numpy
import pytest
from thinc.api import NumpyOps
from thinc.types import Ragged

import fastnlp
from fastnlp.ml.spancat import (
    build_ngram_range_suggester,
    build_ngram_suggester,
    build_preset_spans_suggester,
    extract_spans,
)
from fastnlp.training import Example

spacy = pytest.importorskip("spacy")
TEXTS = [("Apple bought a London startup", [(0, 5, "ORG"), (15, 21, "LOC"), (15, 29, "ORG")]),
         ("Google is in London", [(0, 6, "ORG"), (13, 19, "LOC")]),
         ("Paris and London are cities", [(0, 5, "LOC"), (10, 16, "LOC")])]
SMALL_MODEL = {
    "@architectures": "spacy.SpanCategorizer.v1",
    "scorer": {"@layers": "spacy.LinearLogistic.v1"},
    "reducer": {"@layers": "spacy.mean_max_reducer.v1", "hidden_size": 32},
    "tok2vec": {"@architectures": "spacy.HashEmbedCNN.v2", "pretrained_vectors": None,
                "width": 32, "depth": 1, "embed_size": 500, "window_size": 1,
                "maxout_pieces": 2, "subword_features": True}}


@pytest.mark.parametrize("sizes", [[1, 2, 3], [2], [3, 1], [1, 2, 3, 4, 5, 6, 7, 8]])
def test_ngram_suggester_is_spacys(sizes):
    from spacy.pipeline.spancat import build_ngram_suggester as spacy_suggester
    texts = ["a b c d e", "", "x", "one two three four five six seven", "p q"]
    ours = build_ngram_suggester(sizes)([fastnlp.blank("en")(t) for t in texts])
    theirs = spacy_suggester(sizes)([spacy.blank("en")(t) for t in texts])
    assert ours.lengths.tolist() == theirs.lengths.tolist()
    assert numpy.asarray(ours.dataXd).tolist() == numpy.asarray(theirs.dataXd).tolist()


def test_range_and_preset_suggesters():
    nlp = fastnlp.blank("en")
    doc = nlp("a b c")
    assert build_ngram_range_suggester(2, 3)([doc]).lengths.tolist() == [3]
    with pytest.raises(ValueError, match="1 <= min_size <= max_size"):
        build_ngram_range_suggester(3, 2)
    with pytest.raises(ValueError, match="sizes must be positive"):
        build_ngram_suggester([0])
    doc.spans["ruled"] = [doc[0:2], doc[1:3]]
    preset = build_preset_spans_suggester("ruled")([doc, nlp("x")])
    assert preset.dataXd.tolist() == [[0, 2], [1, 3]] and preset.lengths.tolist() == [2, 0]


def test_extract_spans_is_spacys_forward_and_backward():
    from spacy.ml.extract_spans import extract_spans as spacy_extract
    rng = numpy.random.default_rng(0)
    ops = NumpyOps()
    X = Ragged(rng.normal(size=(9, 4)).astype("float32"), ops.asarray1i([5, 0, 4]))
    spans = Ragged(ops.asarray2i([[0, 2], [1, 5], [3, 4], [0, 4], [2, 3]]),
                   ops.asarray1i([3, 0, 2]))
    (ours, back_ours), (theirs, back_theirs) = (
        model.begin_update((X, spans)) for model in (extract_spans(), spacy_extract()))
    numpy.testing.assert_array_equal(ours.dataXd, theirs.dataXd)
    assert ours.lengths.tolist() == theirs.lengths.tolist()
    dY = Ragged(rng.normal(size=ours.dataXd.shape).astype("float32"), ours.lengths)
    numpy.testing.assert_allclose(back_ours(dY)[0].dataXd, back_theirs(dY)[0].dataXd)
    bad = Ragged(ops.asarray2i([[0, 7]]), ops.asarray1i([1, 0, 0]))
    with pytest.raises(ValueError, match=r"span \(0, 7\) does not fit doc 0 of 5 tokens"):
        extract_spans().predict((X, bad))


def examples(nlp):
    return [Example.from_dict(nlp.make_doc(text), {"spans": {"sc": spans}})
            for text, spans in TEXTS]


def trained(factory="spancat", steps=60, **config):
    nlp = fastnlp.blank("en")
    model = dict(SMALL_MODEL)
    if factory == "spancat_singlelabel":
        model["scorer"] = {"@layers": "Softmax.v2"}
    spancat = nlp.add_pipe(factory, config={"model": model, **config})
    egs = examples(nlp)
    optimizer = nlp.initialize(lambda: egs)
    for _ in range(steps):
        nlp.update(egs, sgd=optimizer)
    return nlp, spancat, egs


def test_spancat_learns_overlapping_spans_and_round_trips(tmp_path):
    nlp, spancat, egs = trained()
    assert spancat.labels == ("ORG", "LOC") and spancat.key == "sc"
    scores = nlp.evaluate(egs)
    assert scores["spans_sc_f"] == 1.0 and set(scores["spans_sc_per_type"]) == {"ORG", "LOC"}
    doc = nlp(TEXTS[0][0])
    found = [(span.text, span.label_) for span in doc.spans["sc"]]
    assert found == [("Apple", "ORG"), ("London", "LOC"), ("London startup", "ORG")]
    assert len(doc.spans["sc"].attrs["scores"]) == 3
    assert all(score >= 0.5 for score in doc.spans["sc"].attrs["scores"])
    nlp.to_disk(tmp_path)
    loaded = fastnlp.load(tmp_path)
    again = loaded(TEXTS[0][0])
    assert [(s.text, s.label_) for s in again.spans["sc"]] == found
    numpy.testing.assert_allclose(again.spans["sc"].attrs["scores"],
                                  doc.spans["sc"].attrs["scores"], rtol=1e-5)


def test_threshold_and_max_positive():
    nlp, spancat, _ = trained(steps=60)
    spancat.cfg["threshold"] = 0.0
    every = nlp("Google is in London").spans["sc"]
    assert len(every) == 9 * 2  # 4 + 3 + 2 candidates, both labels
    spancat.cfg["max_positive"] = 1
    one_each = nlp("Google is in London").spans["sc"]
    assert len(one_each) == 9
    assert [(s.text, s.label_) for s in one_each if s.text in ("Google", "London")] == \
        [("Google", "ORG"), ("London", "LOC")]
    empty = nlp("")
    assert list(empty.spans["sc"]) == []


def test_singlelabel_negative_label_and_no_overlap():
    nlp, spancat, egs = trained("spancat_singlelabel", steps=80, allow_overlap=False)
    assert spancat._n_labels == 3 and spancat.cfg["max_positive"] == 1
    doc = nlp(TEXTS[0][0])
    spans = list(doc.spans["sc"])
    covered = [i for span in spans for i in range(span.start, span.end)]
    assert len(covered) == len(set(covered))  # no two spans share a token
    assert ("Apple", "ORG") in [(s.text, s.label_) for s in spans]
    with pytest.raises(ValueError, match="allow_overlap=False needs max_positive 1"):
        from fastnlp.pipeline.spancat import SpanCategorizer
        SpanCategorizer(nlp.vocab, spancat.model, spancat.suggester, allow_overlap=False,
                        max_positive=2)


def test_set_candidates_and_labels():
    nlp, spancat, _ = trained(steps=1)
    doc = nlp.make_doc("a b")
    spancat.set_candidates([doc])
    assert [s.text for s in doc.spans["candidates"]] == ["a", "b", "a b"]
    with pytest.raises(ValueError, match="cannot add label 'MISC' after training"):
        spancat.add_label("MISC")
    blank = fastnlp.blank("en").add_pipe("spancat")
    with pytest.raises(ValueError, match=r"no labels. Pass examples with spans in "
                                         r"doc.spans\['sc'\]"):
        blank.initialize(lambda: [])


def test_default_config_is_spacys():
    nlp = fastnlp.blank("en")
    nlp.add_pipe("spancat")
    config = nlp.config["components"]["spancat"]
    assert config["suggester"] == {"@misc": "spacy.ngram_suggester.v1", "sizes": [1, 2, 3]}
    assert config["model"]["@architectures"] == "spacy.SpanCategorizer.v1"
    assert config["spans_key"] == "sc" and config["threshold"] == 0.5


def test_gold_spans_the_suggester_misses_are_counted_and_unknown_labels_fail():
    nlp, spancat, _ = trained(steps=1)
    long_span = [Example.from_dict(nlp.make_doc("the big red London bus company"),
                                   {"spans": {"sc": [(8, 30, "ORG")]}})]
    spancat.n_unsuggested = 0
    with pytest.warns(UserWarning, match="'red London bus company' .4 tokens. is not among"):
        nlp.update(long_span)
    assert spancat.n_unsuggested == 1
    unknown = [Example.from_dict(nlp.make_doc("Bob"), {"spans": {"sc": [(0, 3, "PER")]}})]
    with pytest.raises(ValueError, match="label 'PER', which is not one of"):
        nlp.update(unknown)


@pytest.mark.parametrize("chunk", [4096, 5])
def test_fused_mean_max_pooling_equals_the_layer_chain(chunk, monkeypatch):
    import fastnlp.ml.spancat
    monkeypatch.setattr(fastnlp.ml.spancat, "SPAN_CHUNK", chunk)
    from thinc.api import Config

    from fastnlp.pipeline.spancat import DEFAULT_SPANCAT_MODEL
    from fastnlp.registry import registry
    model = registry.resolve(Config({"m": DEFAULT_SPANCAT_MODEL}))["m"]
    nlp = fastnlp.blank("en")
    docs = [nlp("The quick brown fox jumps over the lazy dog ."), nlp("a"), nlp("Hi there")]
    spans = build_ngram_suggester([1, 2, 3])(docs)
    model.initialize(X=(docs, spans), Y=model.ops.alloc2f(spans.dataXd.shape[0], 3))
    d_scores = numpy.random.default_rng(0).normal(size=(spans.dataXd.shape[0], 3))

    def run(forward):
        for node in model.walk():
            for name in node.param_names:
                if node.has_grad(name):
                    node.set_grad(name, node.get_grad(name) * 0)
        model._func = forward
        scores, backprop = model.begin_update((docs, spans))
        backprop(d_scores.astype("float32"))
        return scores, {(node.id, name): node.get_grad(name).copy() for node in model.walk()
                        for name in node.param_names if node.has_grad(name)}

    fused = model._func
    (ours, our_grads), (chain_scores, chain_grads) = run(fused), run(
        model.attrs["unfused_forward"])
    model._func = fused
    numpy.testing.assert_allclose(ours, chain_scores, atol=1e-6)
    assert our_grads.keys() == chain_grads.keys()
    for key, grad in chain_grads.items():
        numpy.testing.assert_allclose(our_grads[key], grad, rtol=1e-4,
                                      atol=1e-6 * max(1.0, float(abs(grad).max())))
