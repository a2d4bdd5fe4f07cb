"""TransitionBasedParser model: architecture names, use_upper, gradients, batch decoding."""
import numpy
import pytest
from thinc.api import Config, set_dropout_rate

from fastnlp.ml import parser_loops
from fastnlp.ml.parser_model import lower_outputs
from fastnlp.pipeline.transition.batch import StateBatch
from fastnlp.registry import registry

from parser_helpers import (make_nlp, ner_examples, parse_examples, small_tok2vec, train,
                             heads_and_deps)


def _resolve(block):
    config = Config({"model": dict(block, tok2vec=small_tok2vec())})
    return registry.resolve(config)["model"]


@pytest.mark.parametrize("n_tokens,state_type", [(8, "parser"), (13, "parser"), (3, "ner"),
                                                 (6, "ner")])
def test_spacy_v1_name_takes_nr_feature_tokens(n_tokens, state_type):
    model = _resolve({"@architectures": "spacy.TransitionBasedParser.v1",
                      "nr_feature_tokens": n_tokens, "hidden_width": 16, "maxout_pieces": 2,
                      "use_upper": True, "nO": None})
    assert model.get_dim("nF") == n_tokens
    assert model.attrs["state_type"] == state_type


def test_spacy_v1_rejects_unknown_feature_count():
    with pytest.raises(ValueError, match="nr_feature_tokens"):
        _resolve({"@architectures": "spacy.TransitionBasedParser.v1", "nr_feature_tokens": 7,
                  "hidden_width": 16, "maxout_pieces": 2})


@pytest.mark.parametrize("state_type,extra,n_slots", [("parser", False, 8), ("parser", True, 13),
                                                      ("ner", False, 3), ("ner", True, 6)])
def test_spacy_v2_name_takes_state_type(state_type, extra, n_slots):
    model = _resolve({"@architectures": "spacy.TransitionBasedParser.v2",
                      "state_type": state_type, "extra_state_tokens": extra,
                      "hidden_width": 16, "maxout_pieces": 3, "use_upper": False, "nO": None})
    assert model.get_dim("nF") == n_slots
    assert model.get_dim("nH") == 16 and model.get_dim("nP") == 3
    assert not model.attrs["use_upper"] and not model.has_ref("upper")


def test_v2_rejects_unknown_state_type():
    with pytest.raises(ValueError, match="state_type"):
        _resolve({"@architectures": "spacy.TransitionBasedParser.v2", "state_type": "tagger",
                  "extra_state_tokens": False, "hidden_width": 16, "maxout_pieces": 2})


@pytest.mark.parametrize("extra", [False, True])
def test_extra_state_tokens_train_and_decode(extra):
    nlp = make_nlp("parser", extra=extra)
    examples = parse_examples(nlp)
    train(nlp, examples, 40)
    parser = nlp.get_pipe("parser")
    assert parser.moves.n_feats == (13 if extra else 8)
    uas = _uas(nlp, examples)
    assert uas > 0.8


def _uas(nlp, examples):
    right = total = 0
    for eg in examples:
        doc = nlp(eg.reference.text)
        right += sum(p.head.i == g.head.i for p, g in zip(doc, eg.reference))
        total += len(doc)
    return right / total


@pytest.mark.parametrize("name", ["parser", "ner"])
def test_use_upper_false_trains_and_decodes(name):
    nlp = make_nlp(name, use_upper=False)
    examples = parse_examples(nlp) if name == "parser" else ner_examples(nlp)
    component = nlp.get_pipe(name)
    _, first = train(nlp, examples, 1)
    _, last = train_more(nlp, examples, 30)
    assert not component.model.has_ref("upper")
    assert component.model.get_ref("lower").get_dim("nO") == component.moves.n_moves
    assert last[name] < first[name]
    if name == "parser":
        assert _uas(nlp, examples) > 0.8
    else:
        doc = nlp("Anna lives in Berlin")
        assert [(e.text, e.label_) for e in doc.ents] == [("Anna", "PER"), ("Berlin", "LOC")]


def train_more(nlp, examples, n_iter):
    losses = {}
    for _ in range(n_iter):
        losses = {}
        nlp.update(examples, losses=losses)
    return None, losses


# Gradient check --------------------------------------------------------------------

def _loss_and_grads(component, examples, want_grads, dropout=0.0):
    """The summed oracle loss of one training pass (no weight update); with
    want_grads, the model's gradients are zeroed first and hold this pass's after.
    Hidden dropout uses one fixed seed, so the loss stays a function of the weights."""
    model = component.model
    states, kept, _ = StateBatch.from_examples(component.moves, examples)
    batch, backprop = model.begin_update([eg.predicted for eg in kept])
    loss = parser_loops.train(batch, states, dropout=dropout, seed=1234)
    if want_grads:
        for node in model.walk():
            for name in node.param_names:
                if node.has_grad(name):
                    node.set_grad(name, numpy.zeros_like(node.get_grad(name)))
        backprop(None)
    return loss


def _check_gradient(component, examples, node, name, n_checks=4, eps=1e-3, dropout=0.0):
    """Compare the analytic gradient of the largest entries with central differences.

    The followed moves depend on the scores, so a perturbation can switch a decision
    and make the loss jump. An entry is checked only where the one-sided differences
    over [-eps, 0] and [0, eps] agree and one of them also agrees with its neighbour
    over [eps, 2 eps] or [-2 eps, -eps] (two jumps of the same size would pass the
    first test alone).
    """
    grad = node.get_grad(name).ravel().copy()
    checked = 0

    def close(a, b):
        return abs(a - b) <= 0.05 * max(abs(a), abs(b)) + 5e-3

    for i in numpy.argsort(-numpy.abs(grad))[:3 * n_checks]:
        original = node.get_param(name).copy()
        losses = {}
        for delta in (2 * eps, eps, 0.0, -eps, -2 * eps):
            value = original.copy()
            value.ravel()[i] += delta
            node.set_param(name, value)
            losses[delta] = _loss_and_grads(component, examples, False, dropout)
        node.set_param(name, original)
        up, down = (losses[eps] - losses[0.0]) / eps, (losses[0.0] - losses[-eps]) / eps
        outer_up = (losses[2 * eps] - losses[eps]) / eps
        outer_down = (losses[-eps] - losses[-2 * eps]) / eps
        if not close(up, down) or not (close(up, outer_up) or close(down, outer_down)):
            continue
        numeric = (losses[eps] - losses[-eps]) / (2 * eps)
        assert numeric == pytest.approx(grad[i], rel=0.03, abs=3e-3), (node.name, name, i)
        checked += 1
        if checked == n_checks:
            break
    assert checked >= 2, f"{node.name}.{name}: every perturbation switched a decision"


@pytest.mark.parametrize("use_upper,dropout", [(True, 0.0), (False, 0.0), (True, 0.3)])
def test_training_loss_gradient_matches_finite_differences(use_upper, dropout):
    nlp = make_nlp("parser", use_upper=use_upper, hidden=16)
    examples = parse_examples(nlp)
    train(nlp, examples, 4)
    parser = nlp.get_pipe("parser")
    set_dropout_rate(parser.model, 0.0)
    _loss_and_grads(parser, examples, True, dropout)
    lower = parser.model.get_ref("lower")
    targets = [(lower, "W"), (lower, "pad"), (lower, "b")]
    if use_upper:
        upper = parser.model.get_ref("upper")
        targets += [(upper, "W"), (upper, "b")]
    project = parser.model.get_ref("project").layers[-1]
    targets.append((project, "W"))
    for node, name in targets:
        assert numpy.abs(node.get_grad(name)).max() > 1e-3, (node.name, name)
        _check_gradient(parser, examples, node, name, dropout=dropout)


def test_hidden_dropout_changes_training_and_follows_its_seed():
    nlp = make_nlp("parser", use_upper=True, hidden=16)
    examples = parse_examples(nlp)
    train(nlp, examples, 2)
    parser = nlp.get_pipe("parser")
    set_dropout_rate(parser.model, 0.0)

    def loss(dropout, seed):
        states, kept, _ = StateBatch.from_examples(parser.moves, examples)
        batch, _ = parser.model.begin_update([eg.predicted for eg in kept])
        return parser_loops.train(batch, states, dropout=dropout, seed=seed)

    assert loss(0.0, 1) == loss(0.0, 2)
    assert loss(0.5, 1) == loss(0.5, 1)
    assert len({loss(0.0, 1), loss(0.5, 1), loss(0.5, 2)}) == 3
    with pytest.raises(ValueError, match="dropout"):
        loss(1.0, 1)


# Batch decoding --------------------------------------------------------------------

def test_batch_decoding_equals_one_doc_at_a_time():
    nlp = make_nlp("parser")
    examples = parse_examples(nlp)
    train(nlp, examples, 3)
    texts = [eg.reference.text for eg in examples] + ["Green eggs", "The cat saw the dog"]
    together = [heads_and_deps(doc) for doc in nlp.pipe(texts, batch_size=len(texts))]
    alone = [heads_and_deps(nlp(text)) for text in texts]
    assert together == alone


def test_ner_batch_decoding_equals_one_doc_at_a_time():
    nlp = make_nlp("ner")
    examples = ner_examples(nlp)
    train(nlp, examples, 3)
    texts = [eg.reference.text for eg in examples] + ["Anna and Paris", ""]
    together = [[(e.start, e.end, e.label_) for e in doc.ents]
                for doc in nlp.pipe(texts, batch_size=len(texts))]
    alone = [[(e.start, e.end, e.label_) for e in nlp(text).ents] for text in texts]
    assert together == alone


def test_blank_pipeline_add_pipe_finds_the_parser_architecture():
    """Regression: the factories' default model names an architecture that must be
    registered by importing the component, not only by loading a config."""
    import subprocess
    import sys
    code = ("import fastnlp; nlp = fastnlp.blank('en'); nlp.add_pipe('parser'); "
            "nlp.add_pipe('ner'); print('ok')")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "ok", result.stderr[-2000:]


@pytest.mark.parametrize("use_upper,extra", [(False, False), (True, True)])
def test_model_variants_round_trip_through_bytes(use_upper, extra):
    nlp = make_nlp("parser", use_upper=use_upper, extra=extra)
    examples = parse_examples(nlp)
    train(nlp, examples, 5)
    texts = [eg.reference.text for eg in examples]
    before = [heads_and_deps(doc) for doc in nlp.pipe(texts)]
    loaded = make_nlp("parser", seed=7, use_upper=use_upper, extra=extra)
    loaded.from_bytes(nlp.to_bytes())
    assert [heads_and_deps(doc) for doc in loaded.pipe(texts)] == before


@pytest.mark.parametrize("use_upper", [True, False])
def test_lower_layer_starts_with_whitened_outputs(use_upper):
    nlp = make_nlp("parser", use_upper=use_upper, hidden=16)
    examples = parse_examples(nlp)
    nlp.initialize(lambda: examples)
    lower = nlp.get_pipe("parser").model.get_ref("lower")
    W, b = lower.get_param("W").astype("float64"), lower.get_param("b").astype("float64")
    rng = numpy.random.default_rng(3)
    tokvecs = rng.normal(size=(4000, W.shape[0]))
    rows = rng.integers(0, 4000, size=(4000, W.shape[1]))
    acts = lower_outputs(tokvecs, rows, W, b)
    assert abs(acts.var() - 1.0) < 0.1 and abs(acts.mean()) < 0.1
    assert abs(lower.get_param("pad").std() - 1.0) < 0.3
