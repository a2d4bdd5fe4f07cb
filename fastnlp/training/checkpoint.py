"""Checkpoints: model-last plus `training-state/`, enough to continue a run exactly.

The state holds the step, epoch and position in the batch stream, the best score, the
random generators' states, and the optimizer's moments, averages and counters. The
optimizer keys parameters by Thinc node ids, which differ between processes, so they are
stored under stable names: (component, index of the node in model.walk(), param name).
"""
import pickle
import random
from dataclasses import dataclass, field
from pathlib import Path

import numpy

from ..pipeline_io import pipeline_to_disk

STATE_DIR = "training-state"
STATE_FILE = "state.pkl"
STATE_VERSION = 1


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
    names = _stable_keys(nlp)

    def rename(table):
        if table is None:
            return None
        return {names[k]: _to_numpy(v) if hasattr(v, "shape") else v
                for k, v in table.items() if k in names}

    scalars = {name: getattr(optimizer, name) for name in
               ("learn_rate", "b1", "b2", "eps", "L2", "grad_clip")}
    return {"mom1": rename(optimizer.mom1), "mom2": rename(optimizer.mom2),
            "averages": rename(optimizer.averages), "nr_update": rename(optimizer.nr_update),
            "last_seen": rename(optimizer.last_seen), "scalars": scalars}


def restore_optimizer(optimizer, nlp, saved, n_steps):
    """Load saved moments into a freshly configured optimizer and replay its schedules."""
    by_name = {v: k for k, v in _stable_keys(nlp).items()}
    xp = _xp_of(nlp)

    def load(table, as_array):
        out = {}
        for name, value in (table or {}).items():
            if name in by_name:
                out[by_name[name]] = xp.asarray(value) if as_array else value
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
    payload = {"version": STATE_VERSION, "state": state,
               "optimizer": optimizer_state(optimizer, nlp)}
    pipeline_to_disk(nlp, path, extra_files={f"{STATE_DIR}/{STATE_FILE}":
                                             pickle.dumps(payload)})


def load_state(run_dir, nlp, optimizer):
    """Read `run_dir/model-last/training-state`, restoring weights' optimizer state."""
    path = Path(run_dir) / "model-last" / STATE_DIR / STATE_FILE
    if not path.exists():
        raise FileNotFoundError(f"--resume {run_dir}: no checkpoint at {path}")
    payload = pickle.loads(path.read_bytes())
    if payload.get("version") != STATE_VERSION:
        raise ValueError(f"--resume {run_dir}: checkpoint format {payload.get('version')} "
                         f"is not {STATE_VERSION}")
    state = payload["state"]
    restore_optimizer(optimizer, nlp, payload["optimizer"], state.step)
    return state


def _to_numpy(array):
    return array.get() if hasattr(array, "get") else numpy.asarray(array)


def _xp_of(nlp):
    for _, component in nlp.components:
        model = getattr(component, "model", None)
        if model is not None:
            return model.ops.xp
    return numpy
