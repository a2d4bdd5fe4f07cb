"""Writing and reading a built pipeline: config.cfg, meta.json, vocab, tokenizer, components.

A pipeline directory is self-describing: `fastnlp.load(path)` (loading.py) builds the
pipeline from its config.cfg, then `pipeline_from_disk` reads every component's weights
from its own subdirectory.
"""
import os
import shutil
import tempfile
from pathlib import Path

import srsly

from .about import __version__
# PipelineError is importable from here, where it used to live.
from .errors import FastNLPError, PipelineError, PipelineNotFoundError, one_line  # noqa: F401
from .factories import FACTORIES
from .system import make_temp_dir

CONFIG_FILE = "config.cfg"
META_FILE = "meta.json"
STRINGS_FILE = "vocab/strings.json"
TAG_MAP_FILE = "vocab/tag_map.json"
TOKENIZER_FILE = "tokenizer"


def check_pipeline_dir(path, factories, *, exclude=()):
    """Check every file a saved pipeline needs before anything is built: present, and
    parsing as its format. factories: {component name: factory name} of its config.
    Raises PipelineError naming the first file at fault."""
    path = Path(path)
    needed = [(META_FILE, "json", dict)]
    if "vocab" not in exclude:
        needed.append((STRINGS_FILE, "json", list))
        if (path / TAG_MAP_FILE).exists():
            needed.append((TAG_MAP_FILE, "json", dict))
    if "tokenizer" not in exclude:
        needed.append((TOKENIZER_FILE, "msgpack", dict))
    for name, factory in factories.items():
        meta = FACTORIES.get(factory)
        if name in exclude or meta is None:
            continue
        needed.extend((f"{name}/{file}", kind, None) for file, kind in meta.files.items())
    for rel, kind, shape in needed:
        _check_file(path / rel, kind, shape)


def _check_file(path, kind, shape):
    if not path.is_file():
        raise PipelineError(f"{path}: missing; the pipeline cannot be loaded without it")
    try:
        data = path.read_bytes()
        # Decoded first: ujson lets invalid UTF-8 through, read_json does not.
        value = srsly.json_loads(data.decode("utf8")) if kind == "json" \
            else srsly.msgpack_loads(data)
    except Exception as err:
        raise PipelineError(f"{path}: not valid {kind} ({type(err).__name__}: "
                            f"{one_line(err, 200)})") from None
    if shape is not None and not isinstance(value, shape):
        raise PipelineError(f"{path}: expected a {kind} {shape.__name__}, found "
                            f"{type(value).__name__}")


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


def pipeline_from_disk(nlp, path, *, exclude=(), checked=False):
    """Read a saved pipeline's files into the built `nlp`; each file is checked first
    (check_pipeline_dir, unless the caller did: `checked`), and one that still fails to
    load is named in a PipelineError."""
    path = Path(path)
    if not path.is_dir():
        raise PipelineNotFoundError(f"No pipeline directory at {path}")
    if not checked:
        check_pipeline_dir(path, {name: nlp._pipe_configs.get(name, {}).get("factory")
                                  for name in nlp.component_names}, exclude=exclude)
    nlp.meta.update(srsly.read_json(path / META_FILE))
    if "vocab" not in exclude:
        _read(path / STRINGS_FILE, nlp.vocab.strings.from_disk)
        if (path / TAG_MAP_FILE).exists():
            nlp.vocab.tag_map = srsly.read_json(path / TAG_MAP_FILE)
    if "tokenizer" not in exclude:
        _read(path / TOKENIZER_FILE, nlp.tokenizer.from_disk)
    for name, component in nlp.components:
        if name in exclude or not hasattr(component, "from_disk"):
            continue
        # a directory, or one file beside it such as sentencizer.json (spaCy's layout)
        if not (path / name).is_dir() and not any(path.glob(f"{name}.*")):
            raise PipelineError(f"{path / name}: missing; the pipeline has no weights for "
                                f"component {name!r}")
        _read(path / name, component.from_disk)
    connect_all_listeners(nlp)
    return nlp


def _read(path, reader):
    """reader(path), with any failure turned into one line naming the file."""
    try:
        return reader(path)
    except FastNLPError as err:
        if str(path) in str(err):
            raise
        raise PipelineError(f"{path}: {one_line(err, 300)}") from None
    except Exception as err:
        raise PipelineError(f"{path}: cannot be loaded ({type(err).__name__}: "
                            f"{one_line(err, 200)})") from None


def pipeline_to_bytes(nlp, *, exclude=()):
    data = {"config": nlp.config.to_str(), "meta": srsly.json_dumps(nlp.meta),
            "vocab": nlp.vocab.to_bytes()}
    if "tokenizer" not in exclude:
        data["tokenizer"] = nlp.tokenizer.to_bytes()
    for name, component in nlp.components:
        if name not in exclude and hasattr(component, "to_bytes"):
            data[f"component:{name}"] = component.to_bytes()
    return srsly.msgpack_dumps(data)


def pipeline_from_bytes(nlp, data, *, exclude=()):
    msg = srsly.msgpack_loads(data)
    nlp.meta.update(srsly.json_loads(msg["meta"]))
    nlp.vocab.from_bytes(msg["vocab"])
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
