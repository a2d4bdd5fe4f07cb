"""Checkpoints: model-last plus `training-state/`, enough to continue a run exactly.

The state holds the step, epoch and position in the batch stream, the best score, the
random generators' states, and the optimizer's moments, averages and counters. The
optimizer keys parameters by Thinc node ids, which differ between processes, so they are
stored under stable names: (component, index of the node in model.walk(), param name).

The state file is msgpack (numbers, strings, lists, numpy arrays): reading a checkpoint
someone else wrote runs no code of theirs, unlike the pickle it replaces.
"""
import random
from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy
import srsly

from ..errors import ConfigError, FastNLPError
from ..pipeline_io import pipeline_to_disk

BEST_DIR = "model-best"
LAST_DIR = "model-last"
STATE_DIR = "training-state"
STATE_FILE = "state.msgpack"
OLD_PICKLE_FILE = "state.pkl"
STATE_VERSION = 2
OPTIMIZER_TABLES = ("mom1", "mom2", "averages", "nr_update", "last_seen")
OPTIMIZER_SCALARS = ("learn_rate", "b1", "b2", "eps", "L2", "grad_clip")


class CheckpointError(FastNLPError, ValueError):
    """A training-state file that cannot be read; names the file."""


@dataclass
class TrainingState:
    seed: int = 0
    step: int = 0
    epoch: int = 0
    batches_total: int = 0
    words_seen: int = 0
    best_score: float = 0.0
    best_step: int = -1
    max_epochs: int = 0
    finished: bool = False
    losses: dict = field(default_factory=dict)
    history: list = field(default_factory=list)
    python_random: object = None
    numpy_random: object = None

    def capture_random(self):
        self.python_random = random.getstate()
        self.numpy_random = numpy.random.get_state()

    def restore_random(self):
        if self.python_random is not None:
            random.setstate(self.python_random)
        if self.numpy_random is not None:
            numpy.random.set_state(self.numpy_random)

    def to_msg(self):
        """The state as msgpack-ready values (random states as lists and arrays)."""
        msg = {f.name: getattr(self, f.name) for f in fields(self)
               if f.name not in ("python_random", "numpy_random")}
        if self.python_random is not None:
            version, internal, gauss = self.python_random
            msg["python_random"] = [version, numpy.asarray(internal, dtype="uint64"), gauss]
        if self.numpy_random is not None:
            kind, keys, pos, has_gauss, cached = self.numpy_random
            msg["numpy_random"] = [kind, numpy.asarray(keys, dtype="uint32"), int(pos),
                                   int(has_gauss), float(cached)]
        return msg

    @classmethod
    def from_msg(cls, msg):
        names = {f.name for f in fields(cls)} - {"python_random", "numpy_random"}
        state = cls(**{key: value for key, value in msg.items() if key in names})
        if msg.get("python_random") is not None:
            version, internal, gauss = msg["python_random"]
            state.python_random = (int(version), tuple(int(x) for x in internal), gauss)
        if msg.get("numpy_random") is not None:
            kind, keys, pos, has_gauss, cached = msg["numpy_random"]
            state.numpy_random = (str(kind), numpy.asarray(keys, dtype="uint32"), int(pos),
                                  int(has_gauss), float(cached))
        return state


def _stable_keys(nlp):
    """Map Thinc (node id, param) keys to names that survive a process restart."""
    mapping = {}
    for comp_name, component in nlp.components:
        model = getattr(component, "model", None)
        if model is None:
            continue
        for index, node in enumerate(model.walk()):
            for param in node.param_names:
                mapping.setdefault((node.id, param), (comp_name, index, param))
    return mapping


def optimizer_state(optimizer, nlp):
    """The optimizer's tables as lists of [component, node index, param, value] (msgpack
    maps cannot have tuple keys) and its scalars."""
    names = _stable_keys(nlp)

    def rename(table):
        if table is None:
            return None
        return [[*names[k], _to_numpy(v) if hasattr(v, "shape") else v]
                for k, v in table.items() if k in names]

    state = {name: rename(getattr(optimizer, name)) for name in OPTIMIZER_TABLES}
    state["scalars"] = {name: getattr(optimizer, name) for name in OPTIMIZER_SCALARS}
    return state


def restore_optimizer(optimizer, nlp, saved, n_steps):
    """Load saved moments into a freshly configured optimizer and replay its schedules."""
    by_name = {v: k for k, v in _stable_keys(nlp).items()}
    xp = _xp_of(nlp)

    def load(table, as_array):
        out = {}
        for component, index, param, value in table or ():
            key = by_name.get((component, index, param))
            if key is not None:
                # A copy: arrays read from msgpack are read-only views of its buffer.
                out[key] = xp.array(value) if as_array else value
        return out

    optimizer.mom1 = load(saved["mom1"], True)
    optimizer.mom2 = load(saved["mom2"], True)
    if saved["averages"] is not None and optimizer.averages is not None:
        optimizer.averages = load(saved["averages"], True)
    optimizer.nr_update.clear()
    optimizer.nr_update.update(load(saved["nr_update"], False))
    optimizer.last_seen.clear()
    optimizer.last_seen.update(load(saved["last_seen"], False))
    for _ in range(n_steps):
        optimizer.step_schedules()
    for name, value in saved["scalars"].items():
        setattr(optimizer, name, value)


def save_checkpoint(nlp, optimizer, state, path):
    """Write the pipeline and its training state under `path` in one atomic rename."""
    payload = {"version": STATE_VERSION, "state": state.to_msg(),
               "optimizer": optimizer_state(optimizer, nlp)}
    pipeline_to_disk(nlp, path, extra_files={f"{STATE_DIR}/{STATE_FILE}":
                                             srsly.msgpack_dumps(payload)})


def checkpoint_file(run_dir):
    """The state file of `run_dir`'s model-last, which --resume needs: a ConfigError if it
    is not there, a CheckpointError if an older fastnlp pickled it."""
    state_dir = Path(run_dir) / LAST_DIR / STATE_DIR
    path = state_dir / STATE_FILE
    if path.exists():
        return path
    if (state_dir / OLD_PICKLE_FILE).exists():
        raise CheckpointError(f"{state_dir / OLD_PICKLE_FILE}: a pickled checkpoint of an "
                              "older fastnlp; it is not read, since unpickling runs "
                              "code. Start the run again without --resume")
    raise ConfigError(f"--resume {run_dir}: no {LAST_DIR} checkpoint there ({path} not found)")


def load_state(run_dir, nlp, optimizer):
    """Read `run_dir`'s checkpoint_file, restoring the optimizer's state; returns the
    TrainingState."""
    path = checkpoint_file(run_dir)
    try:
        payload = srsly.msgpack_loads(path.read_bytes())
        if not isinstance(payload, dict):
            raise TypeError("not a table")
        if payload.get("version") != STATE_VERSION:
            raise CheckpointError(f"{path}: checkpoint format {payload.get('version')!r} is "
                                  f"not {STATE_VERSION}")
        state = TrainingState.from_msg(payload["state"])
        restore_optimizer(optimizer, nlp, payload["optimizer"], state.step)
    except CheckpointError:
        raise
    except Exception as err:
        raise CheckpointError(f"{path}: not a readable training state "
                              f"({type(err).__name__}: {err})") from None
    return state


def _to_numpy(array):
    return array.get() if hasattr(array, "get") else numpy.asarray(array)


def _xp_of(nlp):
    for _, component in nlp.components:
        model = getattr(component, "model", None)
        if model is not None:
            return model.ops.xp
    return numpy
