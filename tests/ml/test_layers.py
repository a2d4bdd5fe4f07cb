"""The Thinc layers: HashEmbedMulti, FeatureExtractor, StaticVectors, skip_empty."""
import numpy
import pytest
from thinc.api import Model, NumpyOps, fix_random_seed

from fastnlp.ml import reference
from fastnlp.ml.layers import FeatureExtractor, HashEmbedMulti, StaticVectors, skip_empty
from fastnlp.tokens import Doc

ROWS = [23, 11, 7]
SEEDS = [8, 9, 10]
WIDTH = 5


def _ids(T, seed=0):
    return numpy.random.RandomState(seed).randint(0, 2**63, size=(T, len(ROWS)), dtype=numpy.uint64)


def _layer():
    fix_random_seed(0)
    layer = HashEmbedMulti(WIDTH, ROWS, SEEDS)
    layer.initialize()
    return layer


def test_hash_embed_multi_forward_matches_reference():
    layer = _layer()
    table = layer.get_param("E")
    assert table.shape == (sum(ROWS), WIDTH) and table.dtype == numpy.float32
    tables = numpy.split(table, numpy.cumsum(ROWS)[:-1])
    ids = _ids(30)
    numpy.testing.assert_allclose(
        layer.predict(ids), reference.hash_embed_forward(tables, ids, SEEDS), rtol=1e-6
    )
    assert layer.get_dim("nO") == WIDTH * len(ROWS)


def test_hash_embed_multi_finite_difference_gradient():
    """d(sum(out * G))/dE by the layer's backprop equals a central difference."""
    layer = _layer()
    ids = _ids(12, seed=1)
    G = numpy.random.RandomState(2).uniform(-1, 1, (12, WIDTH * len(ROWS))).astype("f")
    _, backprop = layer.begin_update(ids)
    backprop(G)
    grad = layer.get_grad("E").copy()
    table = layer.get_param("E")
    eps = 1e-2
    for r in list(numpy.argsort(-numpy.abs(grad).sum(axis=1))[:6]) + [0, sum(ROWS) - 1]:
        for w in range(WIDTH):
            saved = table[r, w]
            table[r, w] = saved + eps
            plus = float((layer.predict(ids) * G).sum())
            table[r, w] = saved - eps
            minus = float((layer.predict(ids) * G).sum())
            table[r, w] = saved
            assert abs((plus - minus) / (2 * eps) - grad[r, w]) < 1e-3 + 1e-3 * abs(grad[r, w])


def test_hash_embed_multi_backprop_accumulates_across_calls():
    layer = _layer()
    ids = _ids(8)
    G = numpy.ones((8, WIDTH * len(ROWS)), dtype="f")
    for _ in range(2):
        _, backprop = layer.begin_update(ids)
        backprop(G)
    single = numpy.concatenate(reference.hash_embed_backward(G, ids, SEEDS, [(n, WIDTH) for n in ROWS]))
    numpy.testing.assert_allclose(layer.get_grad("E"), 2 * single, rtol=1e-5)


def test_hash_embed_multi_empty_batch():
    layer = _layer()
    Y, backprop = layer.begin_update(numpy.zeros((0, 0), dtype=numpy.uint64))
    assert Y.shape == (0, WIDTH * len(ROWS))
    assert backprop(Y).shape == (0, len(ROWS))


def test_hash_embed_multi_rejects_bad_arguments():
    with pytest.raises(ValueError):
        HashEmbedMulti(4, [10, 10], [1])
    with pytest.raises(ValueError):
        HashEmbedMulti(4, [10, 0], [1, 2])
    with pytest.raises(ValueError):
        HashEmbedMulti(4, [10], [2**32])


def test_hash_embed_multi_serializes():
    layer = _layer()
    other = HashEmbedMulti(WIDTH, ROWS, SEEDS)
    other.initialize()
    other.from_bytes(layer.to_bytes())
    ids = _ids(5)
    assert (other.predict(ids) == layer.predict(ids)).all()


def test_feature_extractor(vocab):
    docs = [Doc(vocab, words=["Hello", "world"]), Doc(vocab, words=[])]
    model = FeatureExtractor(["NORM", "shape", "SUFFIX"])
    feats = model.predict(docs)
    assert [f.shape for f in feats] == [(2, 3), (0, 3)]
    assert feats[0].dtype == numpy.uint64
    assert (feats[0] == docs[0].to_array(["NORM", "SHAPE", "SUFFIX"])).all()
    assert model.predict([]) == []


def test_feature_extractor_rejects_unknown_attr():
    with pytest.raises(ValueError):
        FeatureExtractor(["NORM", "NOT_AN_ATTR"])


class _Vectors:
    """The spaCy Vectors interface StaticVectors reads: data and find(keys=...)."""

    def __init__(self, keys, data):
        self.data = data
        self._rows = {int(k): i for i, k in enumerate(keys)}

    def find(self, *, keys):
        return numpy.array([self._rows.get(int(k), -1) for k in keys], dtype="i")


class _FakeVocab:
    def __init__(self, vectors):
        self.vectors = vectors


class _FakeDoc:
    def __init__(self, vocab, orths):
        self.vocab = vocab
        self.orths = numpy.asarray(orths, dtype=numpy.uint64)

    def __len__(self):
        return len(self.orths)

    def to_array(self, attr):
        return self.orths.copy()


def test_static_vectors_projects_and_zeroes_missing():
    data = numpy.random.RandomState(0).randn(3, 4).astype("f")
    vocab = _FakeVocab(_Vectors([10, 20, 30], data))
    docs = [_FakeDoc(vocab, [20, 99]), _FakeDoc(vocab, [10])]
    model = StaticVectors(6)
    model.initialize(X=docs)
    W = model.get_param("W")
    assert W.shape == (6, 4)
    Y, backprop = model.begin_update(docs)
    assert list(Y.lengths) == [2, 1]
    numpy.testing.assert_allclose(Y.dataXd[0], W @ data[1], rtol=1e-5)
    assert (Y.dataXd[1] == 0).all()
    numpy.testing.assert_allclose(Y.dataXd[2], W @ data[0], rtol=1e-5)
    backprop(Y)
    assert model.get_grad("W").shape == W.shape


def test_static_vectors_without_vectors_names_the_option(vocab):
    with pytest.raises(ValueError, match="include_static_vectors"):
        StaticVectors(6).initialize(X=[Doc(vocab, words=["a"])])


def test_skip_empty_passes_batches_without_tokens():
    calls = []

    def inner_forward(model, X, is_train):
        calls.append(len(X))
        return X, lambda dY: dY

    model = skip_empty(Model("inner", inner_forward, dims={"nO": 3}))
    ops = NumpyOps()
    Y, backprop = model.begin_update([ops.alloc2f(0, 3), ops.alloc2f(0, 3)])
    assert [y.shape for y in Y] == [(0, 3), (0, 3)] and backprop(Y)[0].shape == (0, 3)
    assert model.begin_update([])[0] == [] and calls == []
    model.begin_update([ops.alloc2f(2, 3)])
    assert calls == [1]
