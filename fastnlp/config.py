"""Training configs: reading, the two accepted shapes, overrides, checks and resolution.

Two shapes are read. The spaCy 3 shape (`[nlp] pipeline = [...]`, `[components.*]`,
`[corpora]`, `[paths]`, `[training.batcher]`) is the canonical one. The seed shape
(`[training]` with `batch_size`, `limit`, `orth_variant_level`, ... and
`[nlp.pipeline.<name>]` blocks) is rewritten into it on load, so everything downstream
sees one shape. This module sits below `Language` (which reads its `[nlp]` defaults and
`[initialize]` settings here); building a pipeline from a config is `loading.py`'s.
"""
import difflib
import functools
import re
from pathlib import Path

import catalogue
from confection import ConfigValidationError
from thinc.api import Config

from .errors import ConfigError, FastNLPError, one_line
from .factories import get_factory_meta
from .lang import get_lang_class
from .registry import registry

DEFAULT_CONFIG_PATH = Path(__file__).parent / "default_config.cfg"
# [nlp] settings that name functions, kept as written for the pipeline's config.
NLP_FUNCTION_KEYS = ("before_creation", "after_creation", "after_pipeline_creation", "vectors")

# [training] keys of the canonical shape, with the section names that hold functions.
TRAINING_KEYS = {
    "dev_corpus", "train_corpus", "seed", "gpu_allocator", "dropout", "accumulate_gradient",
    "patience", "max_epochs", "max_steps", "eval_frequency", "frozen_components",
    "annotating_components", "before_to_disk", "before_update", "batcher", "logger",
    "optimizer", "score_weights",
}
# Seed-shape [training] keys and where they live in the canonical shape.
SEED_TRAINING_KEYS = {
    "use_gpu", "limit", "scores", "orth_variant_level", "gold_preproc", "max_length",
    "discard_oversize", "batch_size",
}
NLP_KEYS = {"lang", "pipeline", "disabled", "batch_size", "tokenizer", "vectors",
            "before_creation", "after_creation", "after_pipeline_creation"}
INITIALIZE_KEYS = {"vectors", "init_tok2vec", "vocab_data", "lookups", "before_init",
                   "after_init", "tokenizer", "components"}
# [initialize] settings that load resources fastnlp has no loader for yet: any value
# but null is an error rather than being ignored.
UNSUPPORTED_INITIALIZE = {
    "vectors": "loading static vectors", "init_tok2vec": "loading pretrained tok2vec weights",
    "vocab_data": "loading lexeme attributes from vocab data", "lookups": "lookup tables",
}
TOP_SECTIONS = {"paths", "system", "nlp", "components", "corpora", "training", "initialize",
                "pretraining"}


def default_config():
    """The defaults of every setting (`default_config.cfg`), uninterpolated: the one list
    of them. The file is parsed once; each call returns a copy the caller may change."""
    return _parsed_default_config().copy()


@functools.lru_cache(maxsize=None)
def _parsed_default_config():
    return Config().from_str(DEFAULT_CONFIG_PATH.read_text(encoding="utf8"), interpolate=False)


def load_config(path, overrides=None, *, interpolate=False):
    """Read a config file, rewrite the seed shape, apply `--section.key value` overrides."""
    path = Path(path)
    if str(path) == "-":
        import sys
        text = sys.stdin.read()
    elif not path.exists():
        raise ConfigError("config file not found", path=path)
    else:
        try:
            text = path.read_text(encoding="utf8")
        except UnicodeDecodeError as err:
            raise ConfigError(f"not UTF-8 text (byte {err.start}: {err.reason})",
                              path=path) from None
    return load_config_from_str(text, overrides, interpolate=interpolate, path=path)


def load_config_from_str(text, overrides=None, *, interpolate=False, path=None):
    """A config from its text (as load_config reads a file); `path` names it in errors."""
    try:
        config = Config().from_str(_declare_seed_pipeline(text), interpolate=False)
    except Exception as err:
        raise config_error(err, path, whole_loc=True, what="cannot parse the config")
    config = normalize_config(config, path=path)
    if overrides:
        config = apply_overrides(config, overrides, path=path)
    if interpolate:
        config = interpolate_config(config, path=path)
    return config


def _declare_seed_pipeline(text):
    """Seed-shape configs have `[nlp.pipeline.<name>]` blocks without an `[nlp.pipeline]`
    header, which the parser requires: add it before the first such block."""
    lines = text.splitlines(keepends=True)
    headers = [line.strip() for line in lines if line.lstrip().startswith("[")]
    if "[nlp.pipeline]" in headers:
        return text
    for i, line in enumerate(lines):
        if line.strip().startswith("[nlp.pipeline."):
            return "".join(lines[:i] + ["[nlp.pipeline]\n\n"] + lines[i:])
    return text


REFERENCE = re.compile(r"\$\{([^}]*)\}")


def _check_self_references(node, path, trail):
    """A `${section}` reference to a section that holds the reference would make the
    config contain itself (confection would build an endless structure)."""
    for key, value in node.items():
        if isinstance(value, dict):
            _check_self_references(value, path, trail + [str(key)])
        elif isinstance(value, str):
            for target in REFERENCE.findall(value):
                parts = target.strip().split(".")
                if parts == trail[:len(parts)]:
                    raise ConfigError(f"${{{target}}} refers to a section that holds this "
                                      "key, so the config would contain itself", path=path,
                                      section=".".join(trail) or None, key=str(key))


def interpolate_config(config, *, path=None):
    _check_self_references(config, path, [])
    try:
        return Config(config).interpolate()
    except Exception as err:
        raise config_error(err, path, what="cannot resolve a ${variable}")


def apply_overrides(config, overrides, *, path=None):
    """Set dotted keys ("training.dropout": 0.3); the section must exist in the config."""
    config = Config(config)
    for dotted, value in overrides.items():
        parts = dotted.split(".")
        node = config
        for i, part in enumerate(parts[:-1]):
            if part not in node or not isinstance(node[part], dict):
                section = ".".join(parts[: i + 1])
                if parts[0] == "paths":
                    node = node.setdefault(part, {})
                    continue
                raise ConfigError(f"override --{dotted}: no section [{section}] in the config",
                                  path=path, section=section)
            node = node[part]
        node[parts[-1]] = value
    return config


def normalize_config(config, *, path=None):
    """Return the canonical shape of a config, rewriting the seed shape if needed."""
    config = Config(config)
    unknown = set(config) - TOP_SECTIONS
    if unknown:
        name = sorted(unknown)[0]
        raise ConfigError(f"unknown section{suggest(name, TOP_SECTIONS)}", path=path,
                          section=name)
    if "pipeline" in config.get("nlp", {}) and isinstance(config["nlp"]["pipeline"], dict):
        config = _from_seed_shape(config)
    elif any(key in SEED_TRAINING_KEYS for key in config.get("training", {})):
        pipeline = config.get("nlp", {}).get("pipeline")
        if pipeline and not isinstance(pipeline, dict):
            key = next(k for k in config["training"] if k in SEED_TRAINING_KEYS)
            raise ConfigError("a setting of the seed shape, whose [nlp] pipeline is a table "
                              f"of components, but pipeline is {pipeline!r}"[:200], path=path,
                              section="training", key=key)
        config = _from_seed_shape(config)
    return config


def _from_seed_shape(seed):
    """Rewrite the seed document's config shape into the canonical one."""
    out = default_config()
    nlp = dict(seed.get("nlp", {}))
    pipeline = nlp.pop("pipeline", {}) or {}
    vectors = nlp.pop("vectors", None)
    out["nlp"].update({k: v for k, v in nlp.items() if k != "tokenizer"})
    if "tokenizer" in nlp:
        out["nlp"]["tokenizer"] = nlp["tokenizer"]
    if vectors is not None:
        out["paths"]["vectors"] = vectors
    out["nlp"]["pipeline"] = list(pipeline)
    out["components"] = {name: dict(block) for name, block in pipeline.items()}
    training = dict(seed.get("training", {}))
    train_corpus = out["corpora"]["train"]
    dev_corpus = out["corpora"]["dev"]
    if "use_gpu" in training:
        out["system"]["use_gpu"] = training.pop("use_gpu")
    if "limit" in training:
        train_corpus["limit"] = training.pop("limit")
    if "max_length" in training:
        train_corpus["max_length"] = training.pop("max_length")
    if "gold_preproc" in training:
        train_corpus["gold_preproc"] = dev_corpus["gold_preproc"] = training.pop("gold_preproc")
    level = training.pop("orth_variant_level", 0.0)
    if level:
        train_corpus["augmenter"] = {"@augmenters": "fastnlp.orth_variants.v1", "level": level,
                                     "lower": 0.0}
    if "discard_oversize" in training:
        out["training"]["batcher"]["discard_oversize"] = training.pop("discard_oversize")
    if "batch_size" in training:
        out["training"]["batcher"]["size"] = training.pop("batch_size")
    scores = training.pop("scores", None)
    if scores is not None:
        out["training"]["logger"]["columns"] = list(scores)
    for key, value in training.items():
        if isinstance(value, dict) and key in out["training"] and key != "score_weights":
            out["training"][key] = dict(value)
        else:
            out["training"][key] = value
    for section in ("paths", "system", "corpora", "initialize"):
        if section in seed:
            out[section] = Config(out[section]).merge(Config(seed[section]))
    return out


def suggest(name, options):
    close = difflib.get_close_matches(name, list(options), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def check_config(config, *, path=None, lang_class=None):
    """Check names and keys before anything is built, naming the section at fault.
    lang_class: the Language subclass to build, which [nlp] lang need not name."""
    for section in ("training", "nlp", "initialize", "components"):
        if not isinstance(config.get(section, {}), dict):
            raise ConfigError("must be a section, not a value", path=path, section=section)
    pipeline = config.get("nlp", {}).get("pipeline", [])
    if not isinstance(pipeline, list) or not all(isinstance(n, str) for n in pipeline):
        raise ConfigError(f"must be a list of component names, got {pipeline!r}"[:200],
                          path=path, section="nlp", key="pipeline")
    for name, block in config.get("components", {}).items():
        if not isinstance(block, dict):
            raise ConfigError("must be a section, not a value", path=path,
                              section=f"components.{name}")
    for section, known in (("training", TRAINING_KEYS | {"use_gpu"}), ("nlp", NLP_KEYS),
                           ("initialize", INITIALIZE_KEYS)):
        for key in config.get(section, {}):
            if key not in known:
                raise ConfigError(f"unknown setting{suggest(key, known)}", path=path,
                                  section=section, key=key)
    nlp = config.get("nlp", {})
    if not nlp.get("lang"):
        raise ConfigError("no language code; set lang = \"en\"", path=path, section="nlp",
                          key="lang")
    if lang_class is None:
        try:
            get_lang_class(nlp["lang"])
        except ValueError as err:
            raise ConfigError(one_line(err), path=path, section="nlp", key="lang") from None
    components = config.get("components", {})
    for i, name in enumerate(nlp.get("pipeline", [])):
        if name in nlp["pipeline"][:i]:
            raise ConfigError(f"names '{name}' twice", path=path, section="nlp",
                              key="pipeline")
        if name not in components:
            raise ConfigError(f"the pipeline names '{name}' but there is no [components.{name}]",
                              path=path, section="nlp", key="pipeline")
        if "source" in components[name]:
            raise ConfigError("copying a component from another pipeline is not supported; "
                              "give factory = \"...\" instead", path=path,
                              section=f"components.{name}", key="source")
        if "factory" not in components[name]:
            raise ConfigError("no factory = \"...\" for this component", path=path,
                              section=f"components.{name}", key="factory")
        if not isinstance(components[name]["factory"], str):
            raise ConfigError("must name a factory, such as \"tagger\"", path=path,
                              section=f"components.{name}", key="factory")
        try:
            get_factory_meta(components[name]["factory"])
        except ValueError as err:
            raise ConfigError(one_line(err), path=path, section=f"components.{name}",
                              key="factory") from None
    _check_training_components(config, path)
    _check_references(config, path, [])


def _check_training_components(config, path):
    """[training] frozen_components and annotating_components name enabled components."""
    nlp = config.get("nlp", {})
    pipeline, disabled = list(nlp.get("pipeline", [])), set(nlp.get("disabled", []))
    for key in ("frozen_components", "annotating_components"):
        names = config.get("training", {}).get(key) or []
        if not isinstance(names, list):
            continue  # the type check of resolve_training names it
        for name in names:
            if name not in pipeline:
                raise ConfigError(f"no component {name!r} in the pipeline "
                                  f"({', '.join(pipeline) or 'empty'})", path=path,
                                  section="training", key=key)
            if name in disabled:
                raise ConfigError(f"component {name!r} is disabled, so it cannot be "
                                  f"listed here", path=path, section="training", key=key)


def _check_references(node, path, trail):
    """Every `@registry = "name"` must name a registered function, one per section."""
    if not isinstance(node, dict):
        return
    functions = [key for key in node if str(key).startswith("@")]
    if len(functions) > 1:
        raise ConfigError(f"a section names one registered function, this one has "
                          f"{', '.join(functions)}", path=path,
                          section=".".join(trail) or None, key=functions[1])
    for key, value in node.items():
        if key.startswith("@"):
            reg_name = key[1:]
            section = ".".join(trail)
            if not isinstance(value, str):
                raise ConfigError(f"must name a registered function, got {value!r}"[:200],
                                  path=path, section=section, key=key)
            if not hasattr(registry, reg_name):
                raise ConfigError(f"unknown registry @{reg_name}", path=path,
                                  section=section, key=key)
            if not registry.has(reg_name, value):
                available = sorted(getattr(registry, reg_name).get_all())
                close = difflib.get_close_matches(value, available, n=3)
                hint = f"; did you mean {', '.join(close)}?" if close else ""
                raise ConfigError(f"no function {value!r} in the {reg_name} registry{hint} "
                                  f"Registered: {', '.join(available)}", path=path,
                                  section=section, key=key)
        elif isinstance(value, dict):
            _check_references(value, path, trail + [key])


def combined_score_weights(nlp, configured):
    """Each component's default score weights, overridden by the configured ones, with
    the non-null weights normalized to sum to 1 (written into filled configs)."""
    weights = {}
    for name in nlp.component_names:
        factory = nlp._pipe_configs.get(name, {}).get("factory")
        if factory:
            weights.update(get_factory_meta(factory, nlp.lang).default_score_weights)
    weights.update(configured or {})
    total = sum(w for w in weights.values() if w)
    if total:
        weights = {k: (round(w / total, 2) if w is not None else None)
                   for k, w in weights.items()}
    return weights


def resolve_block(value, section, key, path, validate=True):
    """Resolve one `section.key` value that may be a `{"@registry": name}` block."""
    if not isinstance(value, dict):
        return value
    try:
        return registry.resolve({section: {key: value}}, validate=validate)[section][key]
    except ConfigValidationError as err:
        raise config_error(err, path, tree={section: {key: value}})
    except catalogue.RegistryError as err:
        raise ConfigError(one_line(err), path=path, section=f"{section}.{key}") from None
    except FastNLPError:  # raised by the function itself, already naming what is at fault
        raise
    except ValueError as err:  # an unknown registry name ("@tokenizerz")
        raise ConfigError(one_line(err), path=path, section=section, key=key) from None


def resolve_initialize(config, component_names=(), *, path=None):
    """The [initialize] settings of a training config, resolved (defaults if absent).

    Settings that name resources fastnlp cannot load yet raise, naming the key.
    """
    settings = {"before_init": None, "after_init": None, "tokenizer": {}, "components": {}}
    if not config or not config.get("initialize"):
        return settings
    section = interpolate_config(Config(config), path=path)["initialize"]
    for key in section:
        if key not in INITIALIZE_KEYS:
            raise ConfigError(f"unknown setting{suggest(key, INITIALIZE_KEYS)}", path=path,
                              section="initialize", key=key)
    for key, what in UNSUPPORTED_INITIALIZE.items():
        if section.get(key) is not None:
            raise ConfigError(f"{what} is not supported yet (got {section[key]!r}); set it "
                              "to null", path=path, section="initialize", key=key)
    for key in ("before_init", "after_init"):
        settings[key] = resolve_block(section.get(key), "initialize", key, path)
    settings["tokenizer"] = dict(section.get("tokenizer") or {})
    components = dict(section.get("components") or {})
    for name in components:
        if component_names and name not in component_names:
            raise ConfigError(f"no component {name!r} in the pipeline "
                              f"({', '.join(component_names)})", path=path,
                              section=f"initialize.components.{name}")
    settings["components"] = {name: registry.resolve(dict(block)) if block else {}
                               for name, block in components.items()}
    return settings


def config_error(err, path, *, tree=None, whole_loc=False, what=None):
    """A one-line ConfigError from a confection error, naming its first bad section/key.

    tree: the config that was resolved, to find the full section of a location (confection
    names only the innermost block); whole_loc: the location names a section, not a key.
    """
    found = []
    for item in getattr(err, "errors", None) or []:
        loc = [part for x in item.get("loc", []) for part in str(x).split(".")]
        if tree is not None and len(loc) > 1:
            loc = _locate(tree, loc[:-1]) + loc[-1:]
        message = re.sub(r"<class '(\w+)'>", r"\1", one_line(item.get("msg", "")))
        found.append((loc, message.replace("at root: ", "")))
    if not found:
        text = one_line(getattr(err, "desc", None) or str(err))
        return ConfigError(f"{what}: {text}" if what else text, path=path)
    (loc, message), rest = found[0], found[1:]
    if rest:
        message += "; also " + "; ".join(f"{'.'.join(l)}: {m}" for l, m in rest)
    if what:
        message = f"{what}: {message}"
    if whole_loc or len(loc) < 2:
        return ConfigError(message, path=path, section=".".join(loc) or None)
    return ConfigError(message, path=path, section=".".join(loc[:-1]), key=loc[-1])


def _locate(tree, tail):
    """The full path of the first block in `tree` whose path ends with `tail`; leading
    parts that match nothing (wrappers such as "component") are dropped."""
    for start in range(len(tail)):
        part = tail[start:]
        stack, seen = [([], tree)], set()
        while stack:
            trail, node = stack.pop(0)
            if trail[-len(part):] == part:
                return trail
            if id(node) in seen:
                continue
            seen.add(id(node))
            stack.extend((trail + [str(k)], v) for k, v in node.items() if isinstance(v, dict))
    # Only a wrapper: the location is the block the tree was built around.
    trail, node = [], tree
    while len(node) == 1 and isinstance(next(iter(node.values())), dict):
        key = next(iter(node))
        trail, node = trail + [str(key)], node[key]
    return trail or tail


# Types of the [training] settings: (accepted types, description). bool is not an int.
TRAINING_TYPES = {
    "dropout": ((int, float), "a number"), "accumulate_gradient": ((int,), "an integer"),
    "patience": ((int,), "an integer"), "max_epochs": ((int,), "an integer"),
    "max_steps": ((int,), "an integer"), "eval_frequency": ((int,), "an integer"),
    "seed": ((int, type(None)), "an integer or null"),
    "frozen_components": ((list,), "a list of component names"),
    "annotating_components": ((list,), "a list of component names"),
    "dev_corpus": ((str,), "a dotted name such as \"corpora.dev\""),
    "train_corpus": ((str,), "a dotted name such as \"corpora.train\""),
    "score_weights": ((dict,), "a table of score names to weights"),
}
POSITIVE_TRAINING = ("eval_frequency", "accumulate_gradient")


def _check_training_types(training, path):
    for key, (kinds, description) in TRAINING_TYPES.items():
        if key not in training:
            continue
        value = training[key]
        if isinstance(value, bool) or not isinstance(value, kinds):
            raise ConfigError(f"expected {description}, got {value!r}", path=path,
                              section="training", key=key)
        if key in POSITIVE_TRAINING and value < 1:
            raise ConfigError(f"must be at least 1, got {value!r}", path=path,
                              section="training", key=key)


def resolve_training(config, *, path=None):
    """Resolve [training] and [corpora] into live objects (optimizer, batcher, readers)."""
    config = interpolate_config(config, path=path)
    try:
        resolved = registry.resolve({"training": config["training"],
                                     "corpora": config["corpora"]}, validate=True)
    except ConfigValidationError as err:
        raise config_error(err, path, tree={"training": config["training"],
                                             "corpora": config["corpora"]})
    except catalogue.RegistryError as err:
        raise ConfigError(one_line(err), path=path, section="training") from None
    _check_training_types(resolved["training"], path)
    return resolved["training"], resolved["corpora"]
