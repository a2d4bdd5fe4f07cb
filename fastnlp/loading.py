"""Building pipelines: from a config (`build_nlp`, `fill_config`) and from a saved
directory or an installed package (`load`).

This is the layer above both `Language` and `config.py`: it turns config sections into
a Language with its components, and a pipeline directory into a loaded pipeline.
"""
import importlib
import importlib.util
from pathlib import Path

import catalogue
from confection import ConfigValidationError
from thinc.api import Config

from . import registrations  # noqa: F401  (every built-in function a config can name)
from .config import (
    NLP_FUNCTION_KEYS,
    check_config,
    combined_score_weights,
    config_error,
    default_config,
    interpolate_config,
    load_config,
    resolve_block,
)
from .errors import ConfigError, FastNLPError, PipelineNotFoundError, one_line
from .lang import get_lang_class
from .language import Language
from .pipeline_io import CONFIG_FILE, check_pipeline_dir, pipeline_from_disk
from .registry import registry


def fill_config(config, *, path=None, validate=True):
    """Fill every default into a config: the training defaults and each function's own."""
    config = default_config().merge(Config(config))
    nlp = build_nlp(config, validate=validate, path=path)
    filled = Config(config)
    filled["components"] = {name: nlp._pipe_configs[name] for name in nlp.component_names}
    filled["system"] = nlp.training_config["system"]
    sections = {"training": config["training"], "corpora": config["corpora"],
                "initialize": config["initialize"]}
    try:
        filled_rest = registry.fill(Config(sections).merge(Config(
            {"paths": config["paths"], "system": config["system"]})), validate=False)
    except catalogue.RegistryError as err:
        raise ConfigError(one_line(err), path=path) from None
    for key in sections:
        filled[key] = filled_rest[key]
    filled["training"]["score_weights"] = combined_score_weights(
        nlp, filled["training"].get("score_weights"))
    return filled


def build_nlp(config, *, vocab=None, disable=(), exclude=(), validate=True, path=None,
              lang_class=None, checked=False):
    """Create the Language and its components from a (canonical) config.

    [nlp] settings the config leaves out take default_config.cfg's values. lang_class:
    the Language subclass to build (its code fills a missing [nlp] lang). checked: the
    caller ran check_config on this config already.
    """
    raw = Config(config)
    if lang_class is not None and isinstance(raw.get("nlp", {}), dict):
        lang = raw.get("nlp", {}).get("lang")
        if lang and lang != lang_class.lang:
            raise ConfigError(f"the config's language {lang!r} is not {lang_class.lang!r}",
                              path=path, section="nlp", key="lang")
        raw["nlp"] = {**raw.get("nlp", {}), "lang": lang_class.lang}
    if not checked:
        check_config(raw, path=path, lang_class=lang_class)
    raw["nlp"] = Config(default_config()["nlp"]).merge(Config(raw.get("nlp", {})))
    raw["system"] = dict(raw.get("system", {}))
    config = interpolate_config(raw, path=path)
    nlp_cfg = config["nlp"]
    lang_class = lang_class or get_lang_class(nlp_cfg["lang"])
    tokenizer_cfg = nlp_cfg["tokenizer"]
    if isinstance(tokenizer_cfg, dict):
        tokenizer_cfg = dict(tokenizer_cfg)
    make_tokenizer = resolve_block(tokenizer_cfg, "nlp", "tokenizer", path, validate)
    functions = {key: nlp_cfg.get(key) for key in NLP_FUNCTION_KEYS}
    make = {key: resolve_block(value, "nlp", key, path, validate)
            for key, value in functions.items()}
    for key, made in [("tokenizer", make_tokenizer)] + list(make.items()):
        if not (callable(made) or (made is None and key != "tokenizer")):
            raise ConfigError(f"expected a function block such as {{\"@misc\": ...}}, got "
                              f"{made!r}"[:300], path=path, section="nlp", key=key)
    if make["before_creation"] is not None:
        lang_class = make["before_creation"](lang_class)
        if not (isinstance(lang_class, type) and issubclass(lang_class, Language)):
            raise ConfigError("before_creation must return a Language subclass, got "
                              f"{lang_class!r}", path=path, section="nlp",
                              key="before_creation")
    nlp = lang_class(vocab=vocab, create_tokenizer=make_tokenizer,
                     create_vectors=make["vectors"], batch_size=nlp_cfg["batch_size"])
    nlp = _after(make["after_creation"], nlp, "after_creation", path)
    nlp._tokenizer_config = tokenizer_cfg
    nlp._nlp_function_configs = functions
    # The other sections (system, training, corpora, initialize, ...) travel with the
    # pipeline.
    nlp.training_config = {key: value for key, value in raw.items()
                           if key not in ("nlp", "components")}
    # What the models compute on is part of the pipeline: an environment override is
    # written into the config that is saved with it.
    nlp._resolve_cpu_gemm(path)
    components = config.get("components", {})
    for name in nlp_cfg["pipeline"]:
        if name in exclude:
            continue
        block = dict(components[name])
        factory = block.pop("factory")
        try:
            nlp.add_pipe(factory, name=name, config=block, validate=validate)
        except ConfigValidationError as err:
            raise config_error(err, path, tree={"components": {name: block}})
        except catalogue.RegistryError as err:
            raise ConfigError(one_line(err), path=path, section=f"components.{name}") from None
        except FastNLPError:
            raise
        except ValueError as err:
            # A setting a factory or architecture checks (MultiHashEmbed's attrs and rows
            # that differ in length): the component's section is at fault. Other errors
            # are bugs in the component and keep their traceback.
            raise ConfigError(one_line(err), path=path, section=f"components.{name}") from None
        # Keep the ${...} references as written, so that the saved config stays linked.
        written = raw.get("components", {}).get(name)
        if written is not None and written is not components[name]:
            nlp._pipe_configs[name] = Config(nlp._pipe_configs[name]).merge(Config(written))
    for name in list(disable) + list(nlp_cfg["disabled"]):
        if nlp.has_pipe(name):
            nlp.disable_pipe(name)
    return _after(make["after_pipeline_creation"], nlp, "after_pipeline_creation", path)


def _after(callback, nlp, key, path):
    """Run an [nlp] after_* callback, which must return the Language it was given."""
    if callback is None:
        return nlp
    result = callback(nlp)
    if not isinstance(result, Language):
        raise ConfigError(f"the {key} callback must return the nlp object, got {result!r}",
                          path=path, section="nlp", key=key)
    return result


def load(name, *, disable=(), exclude=(), config=None):
    """Load a pipeline: a directory saved with nlp.to_disk, or an installed package's name.

    A path that exists is always read as a directory; otherwise `name` is imported as a
    pipeline package (made by `fastnlp package`) and its own `load()` is called.
    """
    if not _is_path(name) and _import_package(name) is not None:
        return _pipeline_package(name).load(disable=disable, exclude=exclude, config=config)
    path = find_pipeline(name)
    config_path = path / CONFIG_FILE
    cfg = load_config(config_path)
    if config:
        cfg = Config(cfg).merge(Config(config))
    check_config(cfg, path=config_path)
    check_pipeline_dir(path, {name: cfg["components"][name].get("factory")
                              for name in cfg["nlp"].get("pipeline", [])},
                       exclude=exclude)
    nlp = build_nlp(cfg, disable=disable, exclude=exclude, path=config_path, checked=True)
    return pipeline_from_disk(nlp, path, exclude=exclude, checked=True)


def get_package_path(name):
    """The pipeline directory inside the installed pipeline package `name`."""
    return Path(_pipeline_package(name).get_data_path())


def _pipeline_package(name):
    module = _import_package(name)
    if module is None:
        raise PipelineNotFoundError(f"No installed pipeline package named {name!r}")
    if not (callable(getattr(module, "load", None)) and
            callable(getattr(module, "get_data_path", None))):
        raise PipelineNotFoundError(f"{name!r} is an installed module but not a pipeline "
                                    "package: it needs load() and get_data_path()")
    return module


def _is_path(name):
    return not isinstance(name, str) or Path(name).exists()


def _import_package(name):
    """The module `name` if it is an installed top-level module, else None."""
    if not (isinstance(name, str) and name.isidentifier()):
        return None
    try:
        if importlib.util.find_spec(name) is None:
            return None
    except (ImportError, ValueError):   # e.g. __main__ run from a string has no spec
        return None
    return importlib.import_module(name)


def find_pipeline(name_or_path):
    """The directory of a saved pipeline: `name_or_path` itself or an installed package's."""
    path = Path(name_or_path)
    if path.is_dir():
        if not (path / CONFIG_FILE).exists():
            raise PipelineNotFoundError(
                f"{path} is not a fastnlp pipeline: it has no {CONFIG_FILE}")
        return path
    if path.exists():
        raise PipelineNotFoundError(f"{path} is a file, not a pipeline directory")
    if _import_package(name_or_path) is not None:
        return get_package_path(name_or_path)
    raise PipelineNotFoundError(
        f"Can't find a pipeline {str(name_or_path)!r}: there is no directory and no installed "
        "package by that name; install the package with pip or pass the path of a saved "
        "pipeline")
