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
NUMBER = (int, float)
OPTIONAL_LIST = (list, type(None))
# The type of each field of a saved TrainingState, all required.
STATE_FIELDS = {"seed": int, "step": int, "epoch": int, "batches_total": int,
                "words_seen": int, "best_score": NUMBER, "best_step": int, "max_epochs": int,
                "finished": bool, "losses": dict, "history": list,
                "python_random": OPTIONAL_LIST, "numpy_random": OPTIONAL_LIST}
TYPE_NAMES = {int: "an integer", NUMBER: "a number", bool: "true or false", dict: "a table",
              list: "a list", OPTIONAL_LIST: "a list or nil"}


class CheckpointError(FastNLPError, ValueError):
    """A training-state file that cannot be read; names the file."""


def required(table, key, kind, where):
    """table[key], which must be there and be of `kind` (a bool is no number here);
    else a CheckpointError naming `where`[key]."""
    if key not in table:
        raise CheckpointError(f"{where} has no {key!r}")
    value = table[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise CheckpointError(f"{where}[{key!r}] is {type(value).__name__}, not "
                              f"{TYPE_NAMES[kind]}")
    return value


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
        """The state as msgpack-ready values (random states as lists and arrays, nil
        before capture_random)."""
        msg = {f.name: getattr(self, f.name) for f in fields(self)}
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
        """The state to_msg wrote; a CheckpointError for a missing field, a value of the
        wrong type or a random state the generators refuse."""
        if not isinstance(msg, dict):
            raise CheckpointError(f"'state' is {type(msg).__name__}, not a table")
        values = {key: required(msg, key, kind, "'state'") for key, kind in STATE_FIELDS.items()}
        if not all(isinstance(v, NUMBER) for v in values["losses"].values()):
            raise CheckpointError("'state'['losses'] holds a value that is not a number")
        state = cls(**{f.name: values[f.name] for f in fields(cls)
                       if f.name not in ("python_random", "numpy_random")})
        try:
            if values["python_random"] is not None:
                version, internal, gauss = values["python_random"]
                state.python_random = (int(version), tuple(int(x) for x in internal), gauss)
                random.Random().setstate(state.python_random)
            if values["numpy_random"] is not None:
                kind, keys, pos, has_gauss, cached = values["numpy_random"]
                state.numpy_random = (str(kind), numpy.asarray(keys, dtype="uint32"), int(pos),
                                      int(has_gauss), float(cached))
                numpy.random.RandomState().set_state(state.numpy_random)
        except (TypeError, ValueError) as err:
            raise CheckpointError(f"'state': not a random generator state ({err})") from None
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
    """Load saved moments into a freshly configured optimizer and replay its schedules.

    Only the names in OPTIMIZER_TABLES and OPTIMIZER_SCALARS are read, each required:
    a file cannot set any other attribute of the optimizer."""
    tables = {name: required(saved, name, OPTIONAL_LIST, "'optimizer'")
              for name in OPTIMIZER_TABLES}
    scalars = required(saved, "scalars", dict, "'optimizer'")
    scalars = {name: required(scalars, name, NUMBER, "'optimizer'['scalars']")
               for name in OPTIMIZER_SCALARS}
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

    optimizer.mom1 = load(tables["mom1"], True)
    optimizer.mom2 = load(tables["mom2"], True)
    if tables["averages"] is not None and optimizer.averages is not None:
        optimizer.averages = load(tables["averages"], True)
    optimizer.nr_update.clear()
    optimizer.nr_update.update(load(tables["nr_update"], False))
    optimizer.last_seen.clear()
    optimizer.last_seen.update(load(tables["last_seen"], False))
    for _ in range(n_steps):
        optimizer.step_schedules()
    for name, value in scalars.items():
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
            raise CheckpointError(f"the file holds {type(payload).__name__}, not a table")
        if payload.get("version") != STATE_VERSION:
            raise CheckpointError(f"checkpoint format {payload.get('version')!r} is not "
                                  f"{STATE_VERSION}")
        state = TrainingState.from_msg(required(payload, "state", dict, "the file"))
        restore_optimizer(optimizer, nlp, required(payload, "optimizer", dict, "the file"),
                          state.step)
    except CheckpointError as err:
        raise CheckpointError(f"{path}: {err}") from None
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
