"""The training state is msgpack: reading a checkpoint runs none of its author's code, and
a damaged one is a one-line error naming the file."""
import pickle
import shutil

import pytest
import srsly
from thinc.api import Adam

import fastnlp
from fastnlp.errors import ConfigError
from fastnlp.training.checkpoint import (LAST_DIR, OLD_PICKLE_FILE, OPTIMIZER_SCALARS,
                                         STATE_DIR, STATE_FILE, CheckpointError,
                                         TrainingState, restore_optimizer)
from fastnlp.training.train import train
from train_data import make_corpus, write_config


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("checkpoint")
    train_path, dev_path = make_corpus(root / "corpus")
    config = write_config(root / "config.cfg")
    train(config, root / "out", overrides={"paths.train": str(train_path),
                                           "paths.dev": str(dev_path),
                                           "training.max_steps": 4,
                                           "training.eval_frequency": 2})
    return root, config, {"paths.train": str(train_path), "paths.dev": str(dev_path)}


class _Boom:
    def __reduce__(self):
        return (RuntimeError, ("unpickled: code ran",))


def _resume(run_dir, out):
    root, config, paths = run_dir
    return train(config, None, overrides={**paths, "training.max_steps": 6}, resume=out)


def _copy(run_dir, tmp_path):
    """A copy of the trained run, and the path of its state file."""
    out = tmp_path / "run"
    shutil.copytree(run_dir[0] / "out", out)
    return out, out / LAST_DIR / STATE_DIR / STATE_FILE


def test_state_round_trips_through_msgpack():
    state = TrainingState(seed=3, step=7, losses={"tagger": 1.5}, history=[{"step": 2}])
    state.capture_random()
    back = TrainingState.from_msg(srsly.msgpack_loads(srsly.msgpack_dumps(state.to_msg())))
    assert (back.seed, back.step, back.losses, back.history) == (3, 7, {"tagger": 1.5},
                                                                 [{"step": 2}])
    assert back.python_random == state.python_random
    assert back.numpy_random[0] == state.numpy_random[0]
    assert (back.numpy_random[1] == state.numpy_random[1]).all()
    assert back.numpy_random[2:] == state.numpy_random[2:]


def test_checkpoint_has_no_pickle(run_dir):
    state_dir = run_dir[0] / "out" / "model-last" / STATE_DIR
    assert sorted(p.name for p in state_dir.iterdir()) == [STATE_FILE]
    payload = srsly.msgpack_loads(state_dir.joinpath(STATE_FILE).read_bytes())
    assert sorted(payload) == ["optimizer", "state", "version"]


def test_old_pickled_state_is_refused_not_unpickled(run_dir, tmp_path):
    out, path = _copy(run_dir, tmp_path)
    state_dir = path.parent
    path.unlink()
    (state_dir / OLD_PICKLE_FILE).write_bytes(pickle.dumps({"state": _Boom()}))
    with pytest.raises(CheckpointError, match=f"{OLD_PICKLE_FILE}.*runs code"):
        _resume(run_dir, out)


@pytest.mark.parametrize("damage", [
    lambda data: data[: len(data) // 2],
    lambda data: b"\x93garbage",
    lambda data: b"",
])
def test_damaged_state_names_the_file(run_dir, tmp_path, damage):
    out, path = _copy(run_dir, tmp_path)
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(CheckpointError) as info:
        _resume(run_dir, out)
    assert str(path) in str(info.value) and "\n" not in str(info.value)


def _edit(payload, change):
    change(payload)
    return payload


def _drop(table, key):
    del table[key]


@pytest.mark.parametrize("payload, match", [
    (lambda p: [1], "holds list, not a table"),
    (lambda p: _edit(p, lambda p: p.update(version=1)), "checkpoint format 1 is not 2"),
    (lambda p: {"version": 2, "state": {}}, "'state' has no 'seed'"),
    (lambda p: _edit(p, lambda p: _drop(p, "optimizer")), "the file has no 'optimizer'"),
    (lambda p: _edit(p, lambda p: _drop(p["state"], "step")), "'state' has no 'step'"),
    (lambda p: _edit(p, lambda p: p["state"].update(step="6")),
     r"'state'\['step'\] is str, not an integer"),
    (lambda p: _edit(p, lambda p: p["state"].update(finished=0)),
     r"'state'\['finished'\] is int, not true or false"),
    (lambda p: _edit(p, lambda p: p["state"].update(step=True)),
     r"'state'\['step'\] is bool, not an integer"),
    (lambda p: _edit(p, lambda p: p["state"].update(losses={"tagger": "x"})),
     r"'state'\['losses'\] holds a value that is not a number"),
    (lambda p: _edit(p, lambda p: p["state"]["python_random"].__setitem__(1, [1, 2])),
     "'state': not a random generator state"),
    (lambda p: _edit(p, lambda p: _drop(p["optimizer"], "mom2")),
     "'optimizer' has no 'mom2'"),
    (lambda p: _edit(p, lambda p: _drop(p["optimizer"]["scalars"], "L2")),
     r"'optimizer'\['scalars'\] has no 'L2'"),
    (lambda p: _edit(p, lambda p: p["optimizer"]["scalars"].update(b1=None)),
     r"'optimizer'\['scalars'\]\['b1'\] is NoneType, not a number"),
])
def test_state_with_a_missing_or_mistyped_field_names_file_and_key(run_dir, tmp_path,
                                                                   payload, match):
    out, path = _copy(run_dir, tmp_path)
    path.write_bytes(srsly.msgpack_dumps(payload(srsly.msgpack_loads(path.read_bytes()))))
    with pytest.raises(CheckpointError, match=match) as info:
        _resume(run_dir, out)
    assert str(info.value).startswith(f"{path}: ") and "\n" not in str(info.value)


def test_state_file_sets_no_optimizer_attribute_but_its_scalars(run_dir):
    nlp = fastnlp.load(run_dir[0] / "out" / LAST_DIR)
    path = run_dir[0] / "out" / LAST_DIR / STATE_DIR / STATE_FILE
    saved = srsly.msgpack_loads(path.read_bytes())["optimizer"]
    assert sorted(saved["scalars"]) == sorted(OPTIMIZER_SCALARS)
    saved["scalars"].update(step_schedules=1, learn_rate=0.5)
    optimizer = Adam(0.001)
    restore_optimizer(optimizer, nlp, saved, 0)
    assert callable(optimizer.step_schedules) and optimizer.learn_rate == 0.5
    assert optimizer.mom1  # the moments were restored


def test_resume_without_a_state_file_is_a_config_error(run_dir, tmp_path):
    out, path = _copy(run_dir, tmp_path)
    path.unlink()
    with pytest.raises(ConfigError, match=f"no {LAST_DIR} checkpoint there .*{STATE_FILE}"):
        _resume(run_dir, out)
