"""The architectures multiply with numpy's BLAS unless FASTNLP_GEMM=blis; same results."""
import numpy
from thinc.api import NumpyOps

from fastnlp.ml import HashEmbedCNN
from fastnlp.ml.ops import GEMM_ENV, use_numpy_blas
from fastnlp.pipeline.tagger import build_tagger_model


def _build():
    return HashEmbedCNN(width=32, depth=2, embed_size=100, window_size=1, maxout_pieces=3,
                        subword_features=True, pretrained_vectors=None)


def _gemm_ops(model):
    return {getattr(node.ops, "use_blis", None) for node in model.walk()
            if isinstance(node.ops, NumpyOps)}


def test_architectures_use_numpy_blas(monkeypatch):
    monkeypatch.delenv(GEMM_ENV, raising=False)
    assert _gemm_ops(_build()) == {False}
    assert _gemm_ops(build_tagger_model(_build(), nO=5)) == {False}


def test_env_keeps_blis(monkeypatch):
    monkeypatch.setenv(GEMM_ENV, "blis")
    assert _gemm_ops(_build()) == {True}


def test_numpy_blas_matches_blis(monkeypatch):
    from fastnlp.language import blank
    monkeypatch.setenv(GEMM_ENV, "blis")
    model = _build()
    docs = [blank("en").make_doc("The quick brown fox jumps over the lazy dog .")]
    model.initialize(X=docs)
    expected = model.predict(docs)[0]
    monkeypatch.delenv(GEMM_ENV)
    use_numpy_blas(model)
    numpy.testing.assert_allclose(model.predict(docs)[0], expected, rtol=1e-4, atol=1e-5)


def test_dropout_mask_is_thincs(monkeypatch):
    from fastnlp.ml.ops import NumpyBlasOps
    for shape, drop in [((50, 96), 0.1), ((7,), 0.5), ((0, 4), 0.2), ((3, 2), 0.0)]:
        numpy.random.seed(3)
        ours = NumpyBlasOps().get_dropout_mask(shape, drop)
        numpy.random.seed(3)
        thincs = NumpyOps().get_dropout_mask(shape, drop)
        assert ours.dtype == thincs.dtype == numpy.float32
        numpy.testing.assert_array_equal(ours, thincs)
