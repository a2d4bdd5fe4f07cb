"""Saving and loading whole pipelines: config.cfg, meta.json, vocab, tokenizer, components.

A pipeline directory is self-describing: `load(path)` rebuilds the pipeline from its
config.cfg and then reads every component's weights from its own subdirectory.
"""
import os
import shutil
import tempfile
from pathlib import Path

import srsly
from thinc.api import Config

from .about import __version__
from .util import make_temp_dir

CONFIG_FILE = "config.cfg"
META_FILE = "meta.json"


def pipeline_to_disk(nlp, path, *, exclude=(), extra_files=None):
    """Write the pipeline to `path` atomically: a temp dir beside it, then a rename.

    extra_files: {relative path: bytes} written into the same directory first.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = make_temp_dir(path, prefix=f".{path.name}.")
    try:
        _write(nlp, tmp, exclude)
        for rel, data in (extra_files or {}).items():
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp / rel).write_bytes(data)
        replace_dir(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def replace_dir(src, dest):
    """Put directory src at dest, replacing what is there with as short a gap as possible."""
    dest = Path(dest)
    if dest.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{dest.name}.old.", dir=dest.parent))
        os.replace(dest, old / dest.name)
        os.replace(src, dest)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(src, dest)


def _write(nlp, path, exclude):
    nlp.config.to_disk(path / CONFIG_FILE)
    meta = dict(nlp.meta)
    meta.update({"lang": nlp.lang, "pipeline": nlp.component_names,
                 "disabled": nlp.disabled, "fastnlp_version": __version__})
    srsly.write_json(path / META_FILE, meta)
    if "vocab" not in exclude:
        (path / "vocab").mkdir()
        nlp.vocab.strings.to_disk(path / "vocab" / "strings.json")
        tag_map = getattr(nlp.vocab, "tag_map", None)
        if tag_map:
            srsly.write_json(path / "vocab" / "tag_map.json", tag_map)
    if "tokenizer" not in exclude:
        nlp.tokenizer.to_disk(path / "tokenizer")
    for name, component in nlp.components:
        if name in exclude or not hasattr(component, "to_disk"):
            continue
        component.to_disk(path / name)


def pipeline_from_disk(nlp, path, *, exclude=()):
    path = Path(path)
    if not path.is_dir():
        raise FileNotFoundError(f"No pipeline directory at {path}")
    if (path / META_FILE).exists():
        nlp.meta.update(srsly.read_json(path / META_FILE))
    if "vocab" not in exclude and (path / "vocab" / "strings.json").exists():
        nlp.vocab.strings.from_disk(path / "vocab" / "strings.json")
        if (path / "vocab" / "tag_map.json").exists():
            nlp.vocab.tag_map = srsly.read_json(path / "vocab" / "tag_map.json")
    if "tokenizer" not in exclude and (path / "tokenizer").exists():
        nlp.tokenizer.from_disk(path / "tokenizer")
    for name, component in nlp.components:
        if name in exclude or not hasattr(component, "from_disk"):
            continue
        if not (path / name).exists():
            raise FileNotFoundError(f"Pipeline at {path} has no weights for component {name!r}")
        component.from_disk(path / name)
    connect_all_listeners(nlp)
    return nlp


def pipeline_to_bytes(nlp, *, exclude=()):
    data = {"config": nlp.config.to_str(), "meta": srsly.json_dumps(nlp.meta),
            "strings": nlp.vocab.strings.to_bytes()}
    if "tokenizer" not in exclude:
        data["tokenizer"] = nlp.tokenizer.to_bytes()
    for name, component in nlp.components:
        if name not in exclude and hasattr(component, "to_bytes"):
            data[f"component:{name}"] = component.to_bytes()
    return srsly.msgpack_dumps(data)


def pipeline_from_bytes(nlp, data, *, exclude=()):
    msg = srsly.msgpack_loads(data)
    nlp.meta.update(srsly.json_loads(msg["meta"]))
    nlp.vocab.strings.from_bytes(msg["strings"])
    if "tokenizer" in msg and "tokenizer" not in exclude:
        nlp.tokenizer.from_bytes(msg["tokenizer"])
    for name, component in nlp.components:
        key = f"component:{name}"
        if key in msg and name not in exclude:
            component.from_bytes(msg[key])
    connect_all_listeners(nlp)
    return nlp


def connect_all_listeners(nlp):
    for _, component in nlp.components:
        if hasattr(component, "connect_listeners"):
            component.connect_listeners(nlp)


def load(name, *, disable=(), exclude=(), config=None):
    """Load a pipeline: a directory saved with nlp.to_disk, or an installed package's name.

    A path that exists is always read as a directory; otherwise `name` is imported as a
    pipeline package (made by `fastnlp package`) and its own `load()` is called.
    """
    from .config import build_nlp, load_config
    if not _is_path(name) and _import_package(name) is not None:
        return _pipeline_package(name).load(disable=disable, exclude=exclude, config=config)
    path = _find_pipeline(name)
    cfg = load_config(path / CONFIG_FILE)
    if config:
        cfg = Config(cfg).merge(Config(config))
    nlp = build_nlp(cfg, disable=disable, exclude=exclude, path=path / CONFIG_FILE)
    return pipeline_from_disk(nlp, path, exclude=exclude)


def get_package_path(name):
    """The pipeline directory inside the installed pipeline package `name`."""
    return Path(_pipeline_package(name).get_data_path())


def _pipeline_package(name):
    module = _import_package(name)
    if module is None:
        raise FileNotFoundError(f"No installed pipeline package named {name!r}")
    if not (callable(getattr(module, "load", None)) and
            callable(getattr(module, "get_data_path", None))):
        raise FileNotFoundError(f"{name!r} is an installed module but not a pipeline "
                                "package: it needs load() and get_data_path()")
    return module


def _is_path(name):
    return not isinstance(name, str) or Path(name).exists()


def _import_package(name):
    """The module `name` if it is an installed top-level module, else None."""
    import importlib
    import importlib.util
    if not (isinstance(name, str) and name.isidentifier()):
        return None
    try:
        if importlib.util.find_spec(name) is None:
            return None
    except (ImportError, ValueError):   # e.g. __main__ run from a string has no spec
        return None
    return importlib.import_module(name)


def _find_pipeline(name_or_path):
    """The directory of a saved pipeline: `name_or_path` itself or an installed package's."""
    path = Path(name_or_path)
    if path.is_dir():
        if not (path / CONFIG_FILE).exists():
            raise FileNotFoundError(f"{path} is not a fastnlp pipeline: it has no {CONFIG_FILE}")
        return path
    if path.exists():
        raise FileNotFoundError(f"{path} is a file, not a pipeline directory")
    if _import_package(name_or_path) is not None:
        return get_package_path(name_or_path)
    raise FileNotFoundError(f"Can't find a pipeline {str(name_or_path)!r}: there is no directory "
                            "and no installed package by that name; install the package with "
                            "pip or pass the path of a saved pipeline")
