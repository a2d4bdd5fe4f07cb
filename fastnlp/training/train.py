"""`train` as a function: config in, trained pipeline directories out."""
import importlib.util
import sys
from pathlib import Path

from thinc.api import NumpyOps, get_current_ops

from .. import gpu
from ..config import interpolate_config, load_config, resolve_training
from ..errors import ConfigError
from ..loading import build_nlp, fill_config
from ..pipeline_io import pipeline_from_disk
from ..system import limit_blas
from .checkpoint import BEST_DIR, LAST_DIR, checkpoint_file
from .loop import set_seed, train_loop


def import_code(path):
    """Import a user's Python file so the functions it registers are known."""
    if path is None:
        return None
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"--code file not found: {path}")
    spec = importlib.util.spec_from_file_location(f"fastnlp_user_code_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def check_corpus_path(value, setting, config_path):
    """A training or dev corpus must be an existing .spacy file or directory of them."""
    if value is None:
        raise ConfigError(f"no path for the {setting} corpus; pass it on the command line or "
                          f"set [paths] {setting} in the config", path=config_path,
                          section="paths", key=setting)
    path = Path(value)
    if not path.exists():
        raise ConfigError(f"the {setting} corpus {path} does not exist", path=config_path,
                          section="paths", key=setting)
    if path.is_file() and path.suffix != ".spacy":
        raise ConfigError(f"the {setting} corpus {path} is not a .spacy file (make one with "
                          "`fastnlp convert`)", path=config_path, section="paths", key=setting)
    if path.is_dir() and not any(path.rglob("*.spacy")):
        raise ConfigError(f"the {setting} corpus directory {path} holds no .spacy files",
                          path=config_path, section="paths", key=setting)


def prepare(config_path, overrides=None, *, use_gpu=-1):
    """Load, fill and validate a config; return (filled config, nlp, training, corpora)."""
    config = load_config(config_path, overrides or {})
    filled = fill_config(config, path=config_path)
    interpolated = interpolate_config(filled, path=config_path)
    for setting in ("train", "dev"):
        reader = interpolated["corpora"].get(setting, {})
        if "path" in reader:
            check_corpus_path(reader["path"], setting, config_path)
    if use_gpu < 0:
        # The seed shape's [training] use_gpu, kept in [system].
        use_gpu = interpolated["system"].get("use_gpu", -1)
    if not isinstance(use_gpu, int) or isinstance(use_gpu, bool):
        raise ConfigError(f"expected a GPU id or -1, got {use_gpu!r}", path=config_path,
                          section="training", key="use_gpu")
    if use_gpu >= 0:
        gpu.require_gpu(use_gpu)
    set_seed(interpolated["training"]["seed"])
    nlp = build_nlp(filled, path=config_path)
    nlp.training_config = {k: v for k, v in filled.items() if k not in ("nlp", "components")}
    T, corpora = resolve_training(filled, path=config_path)
    return filled, nlp, T, corpora


def train(config_path, output_path=None, *, overrides=None, use_gpu=-1, resume=None,
          stdout=sys.stdout, stderr=sys.stderr):
    """Train the pipeline a config describes; returns (nlp, final training state)."""
    with limit_blas():
        return _train(config_path, output_path, overrides=overrides, use_gpu=use_gpu,
                      resume=resume, stdout=stdout, stderr=stderr)


def _train(config_path, output_path, *, overrides, use_gpu, resume, stdout, stderr):
    filled, nlp, T, corpora = prepare(config_path, overrides, use_gpu=use_gpu)
    train_corpus = corpus_at(corpora, T["train_corpus"], "train_corpus", config_path)
    dev_corpus = corpus_at(corpora, T["dev_corpus"], "dev_corpus", config_path)
    if resume is not None:
        resume = Path(resume)
        checkpoint_file(resume)  # before the pipeline is loaded from it
        output_path = output_path or resume
    initialize_or_resume(nlp, T, train_corpus, resume)
    if output_path is not None:
        Path(output_path).mkdir(parents=True, exist_ok=True)
    on_gpu = not isinstance(get_current_ops(), NumpyOps)
    stdout.write(f"Pipeline: {nlp.pipe_names}\nInitial learn rate: "
                 f"{T['optimizer'].learn_rate}\n")
    state = train_loop(nlp, T, train_corpus, dev_corpus, output_path, stdout=stdout,
                       stderr=stderr, resume_from=resume, on_gpu=on_gpu)
    if output_path is not None:
        stdout.write(f"Saved pipeline to {Path(output_path) / LAST_DIR} (best: "
                     f"{Path(output_path) / BEST_DIR})\n")
    return nlp, state


def initialize_or_resume(nlp, T, train_corpus, resume=None):
    """Make the weights and T's optimizer ready to train: loaded from `resume`'s
    model-last when given (its training state is TrainingRun's to load), else
    initialized on the training corpus."""
    if resume is not None:
        pipeline_from_disk(nlp, Path(resume) / LAST_DIR)
        nlp.resume_training(sgd=T["optimizer"])
    else:
        nlp.initialize(lambda: train_corpus(nlp), sgd=T["optimizer"])


def corpus_at(corpora, dotted, setting, config_path=None):
    """The corpus reader that `dotted` ([training] train_corpus/dev_corpus, e.g.
    "corpora.train") names in the resolved [corpora]; a ConfigError names `setting`."""
    node = corpora
    parts = dotted.split(".")
    if parts[0] == "corpora":
        parts = parts[1:]
    for part in parts:
        if part not in node:
            raise ConfigError(f"no corpus {dotted!r}", path=config_path, section="training",
                              key=setting)
        node = node[part]
    return node
