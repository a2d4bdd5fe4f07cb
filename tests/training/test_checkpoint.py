"""The training state is msgpack: reading a checkpoint runs none of its author's code, and
a damaged one is a one-line error naming the file."""
import pickle

import shutil

import pytest

from fastnlp.errors import ConfigError
from fastnlp.training.checkpoint import (LAST_DIR, OLD_PICKLE_FILE, STATE_DIR, STATE_FILE,
                                         CheckpointError, TrainingState)
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


def test_state_round_trips_through_msgpack():
    state = TrainingState(seed=3, step=7, losses={"tagger": 1.5}, history=[{"step": 2}])
    state.capture_random()
    back = TrainingState.from_msg(state.to_msg())
    assert (back.seed, back.step, back.losses, back.history) == (3, 7, {"tagger": 1.5},
                                                                 [{"step": 2}])
    assert back.python_random == state.python_random
    assert back.numpy_random[0] == state.numpy_random[0]
    assert (back.numpy_random[1] == state.numpy_random[1]).all()
    assert back.numpy_random[2:] == state.numpy_random[2:]


def test_checkpoint_has_no_pickle(run_dir):
    state_dir = run_dir[0] / "out" / "model-last" / STATE_DIR
    assert sorted(p.name for p in state_dir.iterdir()) == [STATE_FILE]
    assert not state_dir.joinpath(STATE_FILE).read_bytes().startswith(b"\x80")


def test_old_pickled_state_is_refused_not_unpickled(run_dir, tmp_path):
    import shutil
    out = tmp_path / "run"
    shutil.copytree(run_dir[0] / "out", out)
    state_dir = out / "model-last" / STATE_DIR
    (state_dir / STATE_FILE).unlink()
    (state_dir / OLD_PICKLE_FILE).write_bytes(pickle.dumps({"state": _Boom()}))
    with pytest.raises(CheckpointError, match=f"{OLD_PICKLE_FILE}.*runs code"):
        _resume(run_dir, out)


@pytest.mark.parametrize("damage", [
    lambda data: data[: len(data) // 2],
    lambda data: b"\x93garbage",
    lambda data: b"",
])
def test_damaged_state_names_the_file(run_dir, tmp_path, damage):
    import shutil
    out = tmp_path / "run"
    shutil.copytree(run_dir[0] / "out", out)
    path = out / "model-last" / STATE_DIR / STATE_FILE
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(CheckpointError) as info:
        _resume(run_dir, out)
    assert str(path) in str(info.value) and "\n" not in str(info.value)


def test_resume_without_a_state_file_is_a_config_error(run_dir, tmp_path):
    out = tmp_path / "run"
    shutil.copytree(run_dir[0] / "out", out)
    (out / LAST_DIR / STATE_DIR / STATE_FILE).unlink()
    with pytest.raises(ConfigError, match=f"no {LAST_DIR} checkpoint there .*{STATE_FILE}"):
        _resume(run_dir, out)
