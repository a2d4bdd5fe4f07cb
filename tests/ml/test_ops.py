"""The CPU GEMM backend is the config's [system] cpu_gemm (FASTNLP_GEMM overrides it and
is recorded); both backends give the same results."""
import numpy
import pytest
from thinc.api import NumpyOps

import fastnlp
from fastnlp.errors import ConfigError
from fastnlp.ml import HashEmbedCNN
from fastnlp.ml.ops import CPU_GEMM_ENV, NumpyBlasOps, set_cpu_gemm


def _build():
    return HashEmbedCNN(width=32, depth=2, embed_size=100, window_size=1, maxout_pieces=3,
                        subword_features=True, pretrained_vectors=None)


def _gemm_ops(nlp):
    """use_blis of every CPU layer of the pipeline's models."""
    return {getattr(node.ops, "use_blis", None) for _, component in nlp.components
            for node in component.model.walk() if isinstance(node.ops, NumpyOps)}


def _tagger_nlp(system=None):
    config = {"nlp": {"lang": "en", "pipeline": ["tagger"]},
              "components": {"tagger": {"factory": "tagger"}}}
    if system is not None:
        config["system"] = system
    return fastnlp.Language.from_config(config)


def test_default_backend_is_numpy_and_recorded(monkeypatch):
    monkeypatch.delenv(CPU_GEMM_ENV, raising=False)
    nlp = _tagger_nlp()
    assert _gemm_ops(nlp) == {False}
    assert nlp.config["system"]["cpu_gemm"] == "numpy"


def test_config_chooses_blis_and_the_saved_pipeline_keeps_it(monkeypatch, tmp_path):
    monkeypatch.delenv(CPU_GEMM_ENV, raising=False)
    nlp = _tagger_nlp({"cpu_gemm": "blis"})
    assert _gemm_ops(nlp) == {True}
    nlp.get_pipe("tagger").add_label("N")
    nlp.initialize()
    assert _gemm_ops(nlp) == {True}
    nlp.to_disk(tmp_path / "p")
    loaded = fastnlp.load(tmp_path / "p")
    assert loaded.config["system"]["cpu_gemm"] == "blis"
    assert _gemm_ops(loaded) == {True}


def test_blank_pipeline_components_follow_the_backend(monkeypatch):
    monkeypatch.delenv(CPU_GEMM_ENV, raising=False)
    nlp = fastnlp.blank("en", config={"system": {"cpu_gemm": "blis"}})
    nlp.add_pipe("tagger")
    assert _gemm_ops(nlp) == {True}


def test_environment_overrides_and_is_recorded(monkeypatch):
    monkeypatch.setenv(CPU_GEMM_ENV, "blis")
    nlp = _tagger_nlp({"cpu_gemm": "numpy"})
    assert _gemm_ops(nlp) == {True}
    assert nlp.config["system"]["cpu_gemm"] == "blis"


def test_unknown_backend_names_the_setting(monkeypatch):
    monkeypatch.delenv(CPU_GEMM_ENV, raising=False)
    with pytest.raises(ConfigError, match=r"\[system\] key 'cpu_gemm'.*'mkl'"):
        _tagger_nlp({"cpu_gemm": "mkl"})
    monkeypatch.setenv(CPU_GEMM_ENV, "mkl")
    with pytest.raises(ConfigError, match=f"{CPU_GEMM_ENV}"):
        _tagger_nlp()


def test_numpy_blas_matches_blis():
    model = set_cpu_gemm(_build(), "blis")
    docs = [fastnlp.blank("en").make_doc("The quick brown fox jumps over the lazy dog .")]
    model.initialize(X=docs)
    expected = model.predict(docs)[0]
    set_cpu_gemm(model, "numpy")
    assert {type(node.ops) for node in model.walk()} == {NumpyBlasOps}
    numpy.testing.assert_allclose(model.predict(docs)[0], expected, rtol=1e-4, atol=1e-5)


def test_dropout_mask_is_thincs():
    for shape, drop in [((50, 96), 0.1), ((7,), 0.5), ((0, 4), 0.2), ((3, 2), 0.0)]:
        numpy.random.seed(3)
        ours = NumpyBlasOps().get_dropout_mask(shape, drop)
        numpy.random.seed(3)
        thincs = NumpyOps().get_dropout_mask(shape, drop)
        assert ours.dtype == thincs.dtype == numpy.float32
        numpy.testing.assert_array_equal(ours, thincs)


def test_unknown_backend_in_a_saved_pipeline_names_its_config_file(monkeypatch, tmp_path):
    # Found by the fuzz suite: the ConfigError named the setting but not the file.
    monkeypatch.delenv(CPU_GEMM_ENV, raising=False)
    nlp = fastnlp.blank("en")
    nlp.to_disk(tmp_path / "p")
    cfg = tmp_path / "p" / "config.cfg"
    text = cfg.read_text(encoding="utf8").replace('cpu_gemm = "numpy"', 'cpu_gemm = "mkl"')
    assert "mkl" in text
    cfg.write_text(text, encoding="utf8")
    with pytest.raises(ConfigError, match=rf"{cfg}.*\[system\] key 'cpu_gemm'.*'mkl'"):
        fastnlp.load(tmp_path / "p")
