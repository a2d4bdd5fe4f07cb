"""`fastnlp package`: a wheel that `fastnlp.load(name)` finds once pip has installed it."""
import json
import os
import subprocess
import sys
import tarfile
import zipfile

import pytest
from typer.testing import CliRunner

import fastnlp
from fastnlp.cli import app
from fastnlp.cli.package import PackageError, fastnlp_requirement, make_meta, package
from fastnlp.training.example import Example
from train_data import REPO

TEXTS = ["She likes cats .", "I run ."]
META = {"description": "A tiny tagger", "author": "Ada", "email": "ada@example.com",
        "url": "https://example.com/ewt", "license": "MIT"}


def invoke(*args):
    return CliRunner().invoke(app, ["package", *map(str, args)])


def tags(nlp):
    return [[token.tag_ for token in doc] for doc in nlp.pipe(TEXTS)]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    """A blank English pipeline with a tagger trained a few steps on two sentences."""
    nlp = fastnlp.blank("en")
    nlp.add_pipe("tagger")
    examples = [
        Example.from_dict(nlp.make_doc("I like cats ."), {"tags": ["PRP", "VBP", "NNS", "."]}),
        Example.from_dict(nlp.make_doc("She runs ."), {"tags": ["PRP", "VBZ", "."]})]
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(3):
        nlp.update(examples, sgd=optimizer)
    path = tmp_path_factory.mktemp("package_model") / "model-best"
    nlp.to_disk(path)
    (path / "training-state").mkdir()   # as in model-last: must stay out of the package
    return path


@pytest.fixture(scope="module")
def packaged(model_dir, tmp_path_factory):
    """`fastnlp package MODEL OUT --name ewt_sm --version 0.1.0 --build sdist,wheel`."""
    root = tmp_path_factory.mktemp("package_out")
    (root / "meta.json").write_text(json.dumps(META), encoding="utf8")
    result = invoke(model_dir, root / "out", "--name", "ewt_sm", "--version", "0.1.0",
                    "--meta-path", root / "meta.json", "--build", "sdist,wheel")
    assert result.exit_code == 0, result.output
    return root / "out" / "en_ewt_sm-0.1.0", result.output


def test_installed_wheel_loads_by_name_and_tags_like_the_directory(packaged, model_dir,
                                                                   tmp_path):
    dest, output = packaged
    wheel = dest / "dist" / "en_ewt_sm-0.1.0-py3-none-any.whl"
    assert f"pip install {wheel}" in output
    site = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index",
                           "--disable-pip-version-check", "--target", str(site), str(wheel)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    code = ("import json, sys, fastnlp, en_ewt_sm\n"
            "nlp = fastnlp.load('en_ewt_sm')\n"
            "other = en_ewt_sm.load(disable=['tagger'])\n"
            f"print(json.dumps({{'tags': [[t.tag_ for t in d] for d in nlp.pipe({TEXTS!r})],"
            "'meta': nlp.meta, 'file': en_ewt_sm.__file__, 'disabled': other.disabled}))\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(site), str(REPO)]))
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    found = json.loads(run.stdout)
    assert found["tags"] == tags(fastnlp.load(model_dir))
    assert found["file"].startswith(str(site))
    assert found["disabled"] == ["tagger"]
    assert (found["meta"]["name"], found["meta"]["version"]) == ("ewt_sm", "0.1.0")
    assert found["meta"]["description"] == META["description"]


def test_package_directory_wheel_and_sdist_contents(packaged):
    dest, _ = packaged
    for rel in ("pyproject.toml", "README.md", "meta.json", "en_ewt_sm/__init__.py",
                "en_ewt_sm/meta.json", "en_ewt_sm/pipeline/config.cfg",
                "en_ewt_sm/pipeline/tagger"):
        assert (dest / rel).exists(), rel
    assert not (dest / "en_ewt_sm" / "pipeline" / "training-state").exists()
    meta = json.loads((dest / "meta.json").read_text(encoding="utf8"))
    assert {key: meta[key] for key in META} == META
    assert (meta["name"], meta["lang"], meta["version"]) == ("ewt_sm", "en", "0.1.0")
    assert meta["pipeline"] == ["tagger"]
    assert meta["requirements"] == [fastnlp_requirement()]
    assert fastnlp_requirement("0.1.0") == "fastnlp>=0.1,<0.2"
    assert fastnlp_requirement("1.2.0rc1") == "fastnlp>=1.2.0.dev0,<1.3"
    readme = (dest / "README.md").read_text(encoding="utf8")
    assert 'fastnlp.load("en_ewt_sm")' in readme and "| Author | Ada |" in readme
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((dest / "pyproject.toml").read_text(encoding="utf8"))["project"]
    assert (project["name"], project["version"]) == ("en_ewt_sm", "0.1.0")
    assert project["dependencies"] == [fastnlp_requirement()]
    assert project["authors"] == [{"name": "Ada", "email": "ada@example.com"}]
    with zipfile.ZipFile(dest / "dist" / "en_ewt_sm-0.1.0-py3-none-any.whl") as wheel:
        names = wheel.namelist()
        metadata = wheel.read("en_ewt_sm-0.1.0.dist-info/METADATA").decode("utf8")
    assert "en_ewt_sm/pipeline/tagger/model" in names
    assert "en_ewt_sm-0.1.0.dist-info/RECORD" in names
    assert f"Requires-Dist: {fastnlp_requirement()}" in metadata
    with tarfile.open(dest / "dist" / "en_ewt_sm-0.1.0.tar.gz") as sdist:
        members = sdist.getnames()
    assert {"en_ewt_sm-0.1.0/PKG-INFO", "en_ewt_sm-0.1.0/pyproject.toml",
            "en_ewt_sm-0.1.0/en_ewt_sm/pipeline/tagger/model"} <= set(members)


def test_name_keeps_an_existing_lang_prefix_and_version_is_normalized(model_dir, tmp_path):
    dest = package(model_dir, tmp_path, name="en_ewt_sm", version="1.0-rc.1", build=())
    assert dest == tmp_path / "en_ewt_sm-1.0rc1"
    assert not (dest / "dist").exists()
    assert json.loads((dest / "meta.json").read_text())["name"] == "ewt_sm"


def test_archives_are_reproducible(model_dir, tmp_path):
    built = [package(model_dir, tmp_path / run, name="x", build=("sdist", "wheel"))
             for run in ("a", "b")]
    for archive in ("en_x-0.0.0-py3-none-any.whl", "en_x-0.0.0.tar.gz"):
        assert (built[0] / "dist" / archive).read_bytes() == \
            (built[1] / "dist" / archive).read_bytes()


def test_requirements_renew_fastnlp_unless_the_meta_file_names_it():
    saved = {"lang": "en", "name": "x", "requirements": ["fastnlp>=0.0,<0.1", "regex"]}
    assert make_meta(saved, {})["requirements"] == [fastnlp_requirement(), "regex"]
    pinned = make_meta(saved, {"requirements": ["fastnlp==0.1.0"]})
    assert pinned["requirements"] == ["fastnlp==0.1.0"]
    with pytest.raises(PackageError, match="invalid requirement 'a b'"):
        make_meta(saved, {"requirements": ["a b"]})


def test_existing_package_dir_needs_force(model_dir, tmp_path):
    args = (model_dir, tmp_path, "--name", "ewt_sm", "--build", "none")
    assert invoke(*args).exit_code == 0
    dest = tmp_path / "en_ewt_sm-0.0.0"
    (dest / "stale.txt").write_text("old")
    result = invoke(*args)
    assert result.exit_code == 1
    assert f"{dest} already exists; pass --force" in result.output
    assert invoke(*args, "--force").exit_code == 0
    assert not (dest / "stale.txt").exists()


@pytest.mark.parametrize("args,message", [
    (("--name", "ewt-sm"), "use underscores"),
    (("--name", "EWT"), "lowercase letters, digits and underscores"),
    (("--name", "ewt", "--version", "1.0.x"), "invalid version '1.0.x'"),
    (("--name", "ewt", "--build", "egg"), "unknown --build 'egg'"),
    ((), "no package name"),
])
def test_bad_options_are_clear_errors(model_dir, tmp_path, args, message):
    meta = {"name": ""} if not args else {}
    (tmp_path / "meta.json").write_text(json.dumps(meta))
    result = invoke(model_dir, tmp_path / "out", "--meta-path", tmp_path / "meta.json", *args)
    assert result.exit_code == 1
    assert message in result.output
    assert not (tmp_path / "out").exists()


def test_missing_model_dir_is_a_clear_error(tmp_path):
    result = invoke(tmp_path / "nope", tmp_path / "out", "--name", "x")
    assert result.exit_code == 1
    assert f"no pipeline directory at {tmp_path / 'nope'}" in result.output
    with pytest.raises(PackageError, match="has no config.cfg"):
        package(tmp_path, tmp_path / "out", name="x")


def test_load_names_neither_directory_nor_package():
    with pytest.raises(FileNotFoundError, match="no directory and no installed package"):
        fastnlp.load("en_no_such_pipeline_here")
    with pytest.raises(FileNotFoundError, match="not a pipeline package"):
        fastnlp.load("json")
