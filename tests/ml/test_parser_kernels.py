"""The parser model's C kernels against the numpy specification."""
import numpy
import pytest

from fastnlp.ml import parser_kernels as K
from fastnlp.ml import parser_reference as ref


@pytest.fixture
def rng():
    return numpy.random.default_rng(7)


@pytest.mark.parametrize("B,T,F,H,P", [(1, 1, 1, 1, 1), (5, 9, 8, 4, 3), (13, 30, 3, 16, 2),
                                       (0, 4, 3, 2, 2)])
def test_sum_and_scatter_match_reference(rng, B, T, F, H, P):
    HP = H * P
    table = rng.normal(size=(T, F, HP)).astype("float32")
    pad = rng.normal(size=(F, HP)).astype("float32")
    bias = rng.normal(size=(HP,)).astype("float32")
    rows = rng.integers(-1, T, size=(B, F)).astype("int32")
    got = K.py_sum_state_features(table, pad, bias, rows)
    numpy.testing.assert_allclose(got, ref.sum_state_features(table, pad, bias, rows),
                                  rtol=1e-5, atol=1e-5)
    d_hidden = rng.normal(size=(B, HP)).astype("float32")
    for mine, theirs in zip(K.py_scatter_state_features(d_hidden, rows, T),
                            ref.scatter_state_features(d_hidden, rows, T)):
        numpy.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-5)


def test_sum_rejects_rows_past_the_table(rng):
    with pytest.raises(ValueError, match="past the table"):
        K.py_sum_state_features(numpy.zeros((2, 1, 2)), numpy.zeros((1, 2)), numpy.zeros(2),
                                numpy.array([[5]]))


@pytest.mark.parametrize("B,H,P", [(1, 1, 1), (7, 5, 3), (3, 64, 2)])
def test_maxout_forward_backward(rng, B, H, P):
    X = rng.normal(size=(B, H, P)).astype("float32")
    out, which = K.py_maxout(X)
    ref_out, ref_which = ref.maxout(X)
    numpy.testing.assert_array_equal(out, ref_out)
    numpy.testing.assert_array_equal(which, ref_which)
    dY = rng.normal(size=(B, H)).astype("float32")
    numpy.testing.assert_array_equal(K.py_maxout_backward(dY, which, P),
                                     ref.maxout_backward(dY, ref_which, P))


@pytest.mark.parametrize("B,H,O", [(1, 1, 1), (9, 16, 40), (32, 64, 7)])
def test_linear_forward_backward(rng, B, H, O):
    X = rng.normal(size=(B, H)).astype("float32")
    W = rng.normal(size=(O, H)).astype("float32")
    b = rng.normal(size=(O,)).astype("float32")
    numpy.testing.assert_allclose(K.py_linear(X, W, b), ref.linear(X, W, b), rtol=1e-4,
                                  atol=1e-4)
    dY = rng.normal(size=(B, O)).astype("float32")
    for mine, theirs in zip(K.py_linear_backward(dY, X, W), ref.linear_backward(dY, X, W)):
        numpy.testing.assert_allclose(mine, theirs, rtol=1e-4, atol=1e-4)


def test_gold_softmax_loss_matches_reference_and_finite_differences(rng):
    B, O = 6, 9
    scores = rng.normal(size=(B, O)).astype("float32")
    valid = (rng.random((B, O)) > 0.3).astype("int32")
    valid[:, 0] = 1
    costs = rng.integers(0, 3, size=(B, O)).astype("float32")
    loss, d_scores = K.py_gold_softmax_loss(scores, valid, costs)
    ref_loss, ref_d = ref.gold_softmax_loss(scores, valid, costs)
    assert loss == pytest.approx(ref_loss, rel=1e-4)
    numpy.testing.assert_allclose(d_scores, ref_d, rtol=1e-4, atol=1e-5)
    eps = 1e-2
    for b, o in [(0, 0), (2, 3), (5, 8)]:
        if not valid[b, o]:
            assert d_scores[b, o] == 0.0
            continue
        up, down = scores.copy(), scores.copy()
        up[b, o] += eps
        down[b, o] -= eps
        numeric = (K.py_gold_softmax_loss(up, valid, costs)[0] -
                   K.py_gold_softmax_loss(down, valid, costs)[0]) / (2 * eps)
        assert d_scores[b, o] == pytest.approx(numeric, abs=2e-3)


def test_loss_is_zero_when_all_mass_is_on_gold():
    scores = numpy.array([[50.0, 0.0, 0.0]], dtype="float32")
    loss, d = K.py_gold_softmax_loss(scores, numpy.ones((1, 3)), numpy.array([[0, 1, 1]]))
    assert loss == pytest.approx(0.0, abs=1e-6)
    assert numpy.abs(d).max() < 1e-6


def test_best_valid_moves_skips_invalid(rng):
    scores = numpy.array([[5.0, 1.0, 3.0], [0.0, 9.0, 1.0], [1.0, 1.0, 1.0]], dtype="float32")
    valid = numpy.array([[0, 1, 1], [1, 0, 1], [0, 0, 0]], dtype="int32")
    assert K.py_best_valid_moves(scores, valid).tolist() == [2, 2, -1]
    assert ref.best_valid_moves(scores, valid).tolist() == [2, 2, -1]


@pytest.mark.parametrize("rate", [0.0, 0.1, 0.5])
def test_dropout_keeps_units_at_the_rate_and_scales_them(rng, rate):
    x = rng.normal(size=(200, 50)).astype("float32")
    out, mask = K.py_dropout(x, rate, 99)
    kept = mask != 0
    assert set(numpy.unique(mask)) <= {0.0, numpy.float32(1 / (1 - rate))}
    assert abs(1 - kept.mean() - rate) < 0.02
    numpy.testing.assert_allclose(out, x * mask)
    again, mask_again = K.py_dropout(x, rate, 99)
    numpy.testing.assert_array_equal(mask, mask_again)
    if rate:
        assert not numpy.array_equal(mask, K.py_dropout(x, rate, 100)[1])
