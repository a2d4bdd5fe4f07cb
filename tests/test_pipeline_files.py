"""Loading a saved pipeline checks every file its config needs before building anything:
a missing, truncated or garbled file is one line naming it, never a deep traceback."""
import shutil

import pytest
from thinc.api import Config

import fastnlp
from fastnlp.errors import ConfigError, FastNLPError, PipelineNotFoundError
from fastnlp.loading import get_package_path
from fastnlp.pipeline_io import PipelineError
from train_data import save_tiny_tagger

FILES = ["meta.json", "vocab/strings.json", "vocab/tag_map.json", "tokenizer",
         "tok2vec/cfg", "tok2vec/model", "tagger/cfg", "tagger/model"]


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    return save_tiny_tagger(tmp_path_factory.mktemp("saved") / "pipeline")


def _copy(saved, tmp_path):
    target = tmp_path / "copy"
    shutil.copytree(saved, target)
    return target


def test_the_saved_pipeline_loads(saved):
    assert fastnlp.load(saved).pipe_names == ["tok2vec", "tagger"]
    assert sorted(str(p.relative_to(saved)) for p in saved.rglob("*") if p.is_file()) == \
        sorted(FILES + ["config.cfg"])


@pytest.mark.parametrize("rel", [f for f in FILES if f != "vocab/tag_map.json"])
def test_a_missing_file_is_named(saved, tmp_path, rel):
    path = _copy(saved, tmp_path)
    (path / rel).unlink()
    with pytest.raises(PipelineError) as info:
        fastnlp.load(path)
    assert str(info.value) == f"{path / rel}: missing; the pipeline cannot be loaded without it"


@pytest.mark.parametrize("rel", FILES)
@pytest.mark.parametrize("damage", ["truncate", "garble", "empty"])
def test_a_broken_file_is_named(saved, tmp_path, rel, damage):
    path = _copy(saved, tmp_path)
    data = (path / rel).read_bytes()
    broken = {"truncate": data[: len(data) // 2], "garble": b"\xc1\x00{[" + data[4:],
              "empty": b""}[damage]
    (path / rel).write_bytes(broken)
    with pytest.raises(FastNLPError) as info:
        fastnlp.load(path)
    message = str(info.value)
    assert message.startswith(f"{path / rel}: ") and "\n" not in message, message


def test_excluded_components_need_no_files(saved, tmp_path):
    path = _copy(saved, tmp_path)
    shutil.rmtree(path / "tagger")
    assert fastnlp.load(path, exclude=["tagger"]).pipe_names == ["tok2vec"]


def test_a_broken_config_is_named(saved, tmp_path):
    path = _copy(saved, tmp_path)
    (path / "config.cfg").write_text("[nlp\nlang = ", encoding="utf8")
    with pytest.raises(ConfigError, match=str(path / "config.cfg")):
        fastnlp.load(path)


def test_from_disk_checks_too(saved, tmp_path):
    path = _copy(saved, tmp_path)
    (path / "tagger" / "model").write_bytes(b"")
    nlp = fastnlp.Language.from_config(fastnlp.load(saved).config)
    with pytest.raises(PipelineError, match="tagger/model"):
        nlp.from_disk(path)


def test_a_missing_config_is_a_fastnlp_error_and_still_file_not_found(saved, tmp_path):
    # Found by tests/fuzz/test_fuzz_pipeline.py: this was a bare FileNotFoundError.
    path = _copy(saved, tmp_path)
    (path / "config.cfg").unlink()
    with pytest.raises(FastNLPError, match="it has no config.cfg") as info:
        fastnlp.load(path)
    assert isinstance(info.value, FileNotFoundError) and str(path) in str(info.value)


def test_meta_json_that_is_not_utf8_is_named(saved, tmp_path):
    # Found by the long fuzz run: ujson accepted the bytes, read_json then raised
    # UnicodeDecodeError from inside pipeline_from_disk.
    path = _copy(saved, tmp_path)
    (path / "meta.json").write_bytes(b'{"name": "\x80"}')
    with pytest.raises(PipelineError, match="not valid json") as info:
        fastnlp.load(path)
    assert str(info.value).startswith(str(path / "meta.json"))


def test_a_name_that_is_no_installed_package_is_pipeline_not_found(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(PipelineNotFoundError, match="No installed pipeline package named "
                                                     "'no_such_pipeline_pkg'"):
        get_package_path("no_such_pipeline_pkg")


def test_an_installed_module_that_is_no_pipeline_package_is_named(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(PipelineNotFoundError, match="'json' is an installed module but not "
                                                     "a pipeline package"):
        fastnlp.load("json")


def test_from_disk_of_no_directory_is_pipeline_not_found(tmp_path):
    with pytest.raises(PipelineNotFoundError, match="No pipeline directory at"):
        fastnlp.blank("en").from_disk(tmp_path / "absent")


def test_a_component_that_is_a_value_is_named_in_the_saved_config(saved, tmp_path):
    path = _copy(saved, tmp_path)
    config = path / "config.cfg"
    cfg = Config().from_disk(config, interpolate=False)
    cfg["components"]["tagger"] = 5
    cfg.to_disk(config)
    with pytest.raises(ConfigError) as info:
        fastnlp.load(path)
    assert str(info.value) == f"{config} [components.tagger]: must be a section, not a value"


def test_weights_that_do_not_fit_their_layer_name_the_model_file(tmp_path):
    import srsly

    from fastnlp.pipeline.trainable import PARAM_SHAPES
    nlp = fastnlp.blank("en")
    nlp.add_pipe("textcat", config={"model": {
        "@architectures": "spacy.TextCatCNN.v2", "exclusive_classes": True,
        "tok2vec": {"@architectures": "spacy.HashEmbedCNN.v2", "pretrained_vectors": None,
                    "width": 8, "depth": 1, "embed_size": 50, "window_size": 1,
                    "maxout_pieces": 2, "subword_features": False}}})
    from fastnlp.training import Example
    eg = Example.from_dict(nlp.make_doc("some text"), {"cats": {"A": 1.0, "B": 0.0}})
    nlp.initialize(lambda: [eg])
    nlp.to_disk(tmp_path)
    model = tmp_path / "textcat" / "model"
    msg = srsly.msgpack_loads(model.read_bytes())
    node = next(i for i, info in enumerate(msg["nodes"]) if info["name"] == "maxout")
    W = msg["params"][node]["W"]
    msg["params"][node]["W"] = W[..., :-1].copy()  # one input column short
    model.write_bytes(srsly.msgpack_dumps(msg))
    with pytest.raises(fastnlp.errors.FastNLPError, match=r"textcat/model: textcat: layer "
                                                         r"'maxout' has W of shape"):
        fastnlp.load(tmp_path)
    assert "maxout" in PARAM_SHAPES
