"""HashEmbedMulti dropout: one column mask per batch in training, none in prediction."""
import numpy
from thinc.api import set_dropout_rate

from fastnlp.ml.layers import HashEmbedMulti


def _model():
    model = HashEmbedMulti(8, [20, 10], [8, 9])
    model.initialize()
    return model


def test_dropout_zeroes_whole_columns_and_their_gradient():
    numpy.random.seed(0)
    model = _model()
    ids = numpy.arange(12, dtype="uint64").reshape(6, 2)
    clean = model.predict(ids)
    set_dropout_rate(model, 0.5)
    out, backprop = model.begin_update(ids)
    dropped = numpy.all(out == 0, axis=0)
    assert 0 < dropped.sum() < out.shape[1]
    numpy.testing.assert_allclose(out[:, ~dropped], 2 * clean[:, ~dropped], rtol=1e-6)
    backprop(numpy.ones_like(out))
    grad = model.get_grad("E")
    width = 8
    for column in numpy.flatnonzero(dropped):
        table, dim = divmod(column, width)
        rows = slice(0, 20) if table == 0 else slice(20, 30)
        assert not grad[rows, dim].any()


def test_no_dropout_in_prediction_or_at_rate_zero():
    model = _model()
    ids = numpy.arange(12, dtype="uint64").reshape(6, 2)
    set_dropout_rate(model, 0.5)
    clean = model.predict(ids)
    set_dropout_rate(model, 0.0)
    out, _ = model.begin_update(ids)
    numpy.testing.assert_array_equal(out, clean)
