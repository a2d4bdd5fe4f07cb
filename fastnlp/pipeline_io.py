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
