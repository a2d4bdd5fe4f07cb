"""`fastnlp ray train`: two workers on a local Ray match single-process training; dead
workers and silent addresses end the run with an error instead of a hang."""
import pickle
import socket
import subprocess
import sys
import threading

import numpy
import pytest
import srsly

ray = pytest.importorskip("ray", reason="Ray training needs the ray extra "
                                        "(pip install fastnlp[ray])")

import fastnlp  # noqa: E402
from fastnlp.training.ray_train import (RayUnavailable, WorkerFailed,  # noqa: E402
                                        probe_address, ray_train)
from fastnlp.training.checkpoint import STATE_DIR, STATE_FILE  # noqa: E402
from fastnlp.training.train import train  # noqa: E402
from train_data import REPO, make_corpus, write_config  # noqa: E402

# Seconds a call may take before a test calls it hung: only a guard against hangs.
DEADLINE = 300.0

# A --code file: a before_update callback that kills the process of the first worker to
# reach `step` (a marker file makes it one worker only).
DIE_CODE = '''
import os
import fastnlp

@fastnlp.registry.callbacks("test_ray.die_at.v1")
def make_die_at(step: int, marker: str):
    def before_update(nlp, info):
        if info["step"] == step:
            try:
                os.close(os.open(marker, os.O_CREAT | os.O_EXCL))
            except FileExistsError:
                return
            os._exit(3)
    return before_update
'''


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_corpus(tmp_path_factory.mktemp("ray_corpus"))


@pytest.fixture(scope="module")
def local_ray():
    """One local Ray for the module: starting one costs seconds."""
    ray.init(address="local", num_cpus=2, include_dashboard=False, configure_logging=False)
    yield
    ray.shutdown()


def _paths(corpus, **more):
    values = {"paths.train": str(corpus[0]), "paths.dev": str(corpus[1])}
    values.update({key.replace("__", "."): value for key, value in more.items()})
    return values


def _params(nlp):
    return [node.get_param(name) for _, component in nlp.pipeline
            for node in component.model.walk() for name in node.param_names
            if node.has_param(name)]


def test_two_workers_match_single_process(corpus, local_ray, tmp_path):
    config = write_config(tmp_path / "config.cfg")
    # Without dropout the summed gradients of the two shards are the whole batch's.
    overrides = _paths(corpus, training__dropout=0.0)
    single, state = train(config, tmp_path / "single", overrides=overrides)
    summary = ray_train(config, tmp_path / "ray", overrides=overrides, n_workers=2,
                        timeout=120)
    assert summary["step"] == state.step == 8
    assert [h["step"] for h in summary["history"]] == [h["step"] for h in state.history]
    for ours, theirs in zip(summary["history"], state.history):
        assert ours["score"] == pytest.approx(theirs["score"], abs=1e-3)
        assert ours["scores"]["tag_acc"] == pytest.approx(theirs["scores"]["tag_acc"],
                                                          abs=1e-3)
    assert summary["words"] > 0 and summary["wps"] > 0
    replica = fastnlp.load(tmp_path / "ray" / "model-last")
    ours, theirs = _params(replica), _params(single)
    assert len(ours) == len(theirs) > 0
    for a, b in zip(ours, theirs):
        numpy.testing.assert_allclose(a, b, atol=1e-4)
    assert (tmp_path / "ray" / "model-best" / "meta.json").exists()
    assert (tmp_path / "ray" / "model-last" / "training-state").exists()


def _finishes(call, *args, **kwargs):
    """Run `call` in a thread; the exception it raised (None if none), failing the test
    if it has not returned within DEADLINE."""
    raised = []

    def target():
        try:
            call(*args, **kwargs)
        except BaseException as err:  # handed to the test
            raised.append(err)
        else:
            raised.append(None)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(DEADLINE)
    assert not thread.is_alive(), f"{call.__name__} still running after {DEADLINE:g} s"
    return raised[0]


def test_dead_worker_fails_cleanly(corpus, local_ray, tmp_path):
    """A worker's process dies in step 3 (two steps done, as `fastnlp train` counts
    them for before_update): the run stops with WorkerFailed saying the worker died, not
    that it timed out, and keeps the checkpoint of step 2."""
    code = tmp_path / "die.py"
    code.write_text(DIE_CODE, encoding="utf8")
    marker = tmp_path / "died"
    config = write_config(tmp_path / "config.cfg", die=(
        "[training.logger]", "[training.before_update]\n@callbacks = \"test_ray.die_at.v1\"\n"
        f"step = 2\nmarker = \"{marker}\"\n\n[training.logger]"))
    # The step timeout is far beyond a step's time: only death detection ends this run.
    with pytest.raises(WorkerFailed, match="the worker process died"):
        ray_train(config, tmp_path / "out", overrides=_paths(corpus, training__eval_frequency=2),
                  n_workers=2, code=code, timeout=DEADLINE)
    assert marker.exists()
    state = tmp_path / "out" / "model-last" / STATE_DIR / STATE_FILE
    assert srsly.msgpack_loads(state.read_bytes())["state"]["step"] == 2


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_address_nobody_listens_at_fails_at_once(monkeypatch):
    """A refused TCP connect is the answer: no join probe is started."""
    def no_probe(*args, **kwargs):
        raise AssertionError("the join probe was started")

    monkeypatch.setattr(subprocess, "run", no_probe)
    err = _finishes(probe_address, f"127.0.0.1:{_free_port()}")
    assert isinstance(err, RayUnavailable), err
    assert "no Ray cluster answers" in str(err) and "refused" in str(err).lower()


def test_address_that_is_not_ray_fails_within_seconds(corpus, tmp_path, monkeypatch):
    """Something accepts connections but never speaks Ray's protocol: the join probe,
    a subprocess with a time limit, fails, and this process never calls ray.init (which
    would retry the address for twenty seconds or more)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    def no_init(*args, **kwargs):
        raise AssertionError("ray.init was called on an address that is not Ray")

    monkeypatch.setattr(ray, "init", no_init)
    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    config = write_config(tmp_path / "config.cfg")
    try:
        err = _finishes(ray_train, config, None, overrides=_paths(corpus), n_workers=2,
                        address=f"127.0.0.1:{server.getsockname()[1]}")
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        server.close()
    assert isinstance(err, RayUnavailable), err
    assert "no Ray cluster answers" in str(err)


def test_cli_bad_address(corpus, tmp_path):
    from typer.testing import CliRunner

    from fastnlp.cli import app
    config = write_config(tmp_path / "config.cfg")
    result = CliRunner().invoke(app, [
        "ray", "train", str(config), "--paths.train", str(corpus[0]), "--paths.dev",
        str(corpus[1]), "--address", f"127.0.0.1:{_free_port()}"])
    assert result.exit_code == 1
    assert "no Ray cluster answers" in result.output


def test_sparse_gradients_sum_like_dense():
    from fastnlp.training.ray_train import pack_gradient, sum_gradients, unpack_gradient
    rng = numpy.random.default_rng(0)
    grads = []
    for touched in ([3, 10, 2000], [10, 11], []):
        table = numpy.zeros((3000, 4), dtype="float32")
        table[touched] = rng.normal(size=(len(touched), 4))
        grads.append({0: table, 1: rng.normal(size=(5, 4)).astype("float32")})
    packed = [{i: pack_gradient(g) for i, g in worker.items()} for worker in grads]
    assert isinstance(packed[0][0], tuple) and list(packed[0][0][1]) == [3, 10, 2000]
    total = sum_gradients([{"grads": p} for p in packed])
    for i in (0, 1):
        out = numpy.full(grads[0][i].shape, 7.0, dtype="float32")
        unpack_gradient(total[i], out)
        numpy.testing.assert_allclose(out, sum(g[i] for g in grads), rtol=1e-6)


def test_missing_ray_names_the_extra(monkeypatch, corpus, tmp_path):
    import sys
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` raises ImportError
    config = write_config(tmp_path / "config.cfg")
    with pytest.raises(RayUnavailable, match=r"pip install fastnlp\[ray\]"):
        ray_train(config, None, overrides=_paths(corpus), n_workers=2)


def test_resume_continues_a_ray_run(corpus, local_ray, tmp_path):
    config = write_config(tmp_path / "config.cfg")
    overrides = _paths(corpus, training__dropout=0.0)
    single, _ = train(config, None, overrides=overrides)
    ray_train(config, tmp_path / "out", overrides=dict(overrides, **{"training.max_steps": 4}),
              n_workers=2, timeout=120)
    summary = ray_train(config, None, overrides=overrides, n_workers=2, timeout=120,
                        resume=tmp_path / "out")
    assert summary["step"] == 8 and [h["step"] for h in summary["history"]] == [4, 8]
    resumed = fastnlp.load(tmp_path / "out" / "model-last")
    for a, b in zip(_params(resumed), _params(single)):
        numpy.testing.assert_allclose(a, b, atol=1e-4)


def test_workers_import_the_module_without_ray():
    """Ray sends the actor class by reference, so a worker imports this module and the
    package modules it imports at its top; the module itself needs no Ray to import."""
    from fastnlp.training.ray_train import Replica
    assert pickle.loads(ray.cloudpickle.dumps(Replica)) is Replica
    blocked = ("import sys; sys.modules['ray'] = None; "
               "import fastnlp.training.ray_train as m; print(m.Replica.__name__)")
    done = subprocess.run([sys.executable, "-c", blocked], cwd=REPO, capture_output=True,
                          text=True, timeout=DEADLINE)
    assert done.returncode == 0 and done.stdout.strip() == "Replica", done.stderr
