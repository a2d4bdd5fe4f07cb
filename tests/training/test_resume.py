"""Interrupted runs (SIGTERM, a crash) keep their checkpoint and resume to the same result."""
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import srsly

from fastnlp.training.checkpoint import STATE_DIR, STATE_FILE, TrainingState
from fastnlp.training.train import import_code, train
from train_data import REPO, TINY_CONFIG, make_corpus, write_config

# Registered in a --code file: a before_update callback that can crash at a given step,
# or pause there: it says so on stdout and waits for a line on stdin, so that a test
# can signal the run at a known step.
CODE = '''
import sys
import fastnlp

@fastnlp.registry.callbacks("test.steps.v1")
def make_steps(crash_at: int, pause_at: int):
    def before_update(nlp, info):
        if crash_at and info["step"] == crash_at:
            raise RuntimeError(f"crash at step {crash_at}")
        if pause_at and info["step"] == pause_at:
            print(f"paused at step {pause_at}", flush=True)
            sys.stdin.readline()
    return before_update
'''
# Seconds a subprocess may take to reach an event or to end: only a guard against hangs.
DEADLINE = 300.0

# Dropout, a batch-size schedule and a learn-rate schedule: everything a resumed run must
# restore (random states, position in the batch stream, optimizer steps).
CONFIG = TINY_CONFIG.replace("max_steps = 8\neval_frequency = 4\npatience = 0\n", """\
patience = 0
max_steps = 30
eval_frequency = 6
dropout = 0.2

[training.before_update]
@callbacks = "test.steps.v1"
crash_at = 0
pause_at = 0

[training.optimizer]
@optimizers = "Adam.v1"
use_averages = true

[training.optimizer.learn_rate]
@schedules = "warmup_linear.v1"
initial_rate = 0.005
warmup_steps = 5
total_steps = 40
""").replace("gold_preproc = false\n\n[corpora.dev]", """gold_preproc = false
limit = 60

[corpora.dev]""").replace("size = 300\n", """
[training.batcher.size]
@schedules = "compounding.v1"
start = 150
stop = 400
compound = 1.05
""")


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp("resume")
    train_path, dev_path = make_corpus(root / "corpus", n_sents=2)
    code = root / "steps.py"
    code.write_text(CODE, encoding="utf8")
    import_code(code)
    config = write_config(root / "config.cfg", CONFIG)
    overrides = {"paths.train": str(train_path), "paths.dev": str(dev_path)}
    _, reference = train(config, root / "reference", overrides=overrides)
    return root, config, code, overrides, reference


def _weights(run_dir):
    last = Path(run_dir) / "model-last"
    return {name: (last / name / "model").read_bytes() for name in ("tok2vec", "tagger")}


def _state(run_dir):
    path = Path(run_dir) / "model-last" / STATE_DIR / STATE_FILE
    return TrainingState.from_msg(srsly.msgpack_loads(path.read_bytes())["state"])


def test_reference_run_spans_epochs(setup):
    _, _, _, _, reference = setup
    assert reference.step == 30
    assert reference.epoch >= 1
    assert [h["step"] for h in reference.history] == [6, 12, 18, 24, 30]


def _line_queue(stream):
    """A queue that receives the stream's lines as they arrive, then None at its end."""
    lines = queue.Queue()

    def pump():
        for line in stream:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def _wait_for_line(lines, wanted, seen):
    """Read lines into `seen` until one contains `wanted`; fail at EOF or DEADLINE."""
    deadline = time.monotonic() + DEADLINE
    while True:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise AssertionError(f"no {wanted!r} within {DEADLINE:g} s:\n{''.join(seen)}") \
                from None
        if line is None:
            raise AssertionError(f"the run ended before {wanted!r}:\n{''.join(seen)}")
        seen.append(line)
        if wanted in line:
            return


def test_sigterm_then_resume_matches_uninterrupted(setup):
    """SIGTERM at a known step (8, between the evaluations of 6 and 12): the step
    finishes, is checkpointed, and the resumed run ends bit-identical to one never
    stopped."""
    root, config, code, overrides, reference = setup
    pause_at = 8
    out = root / "killed"
    args = [sys.executable, "-m", "fastnlp", "train", overrides["paths.train"],
            overrides["paths.dev"], str(config), "--output", str(out), "--code", str(code)]
    proc = subprocess.Popen(args + ["--training.before_update.pause_at", str(pause_at)],
                            cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    seen = []
    try:
        lines = _line_queue(proc.stdout)
        _wait_for_line(lines, f"paused at step {pause_at}", seen)
        # In the callback of step 9 (8 done): step 6's checkpoint is there.
        assert _state(out).step == 6
        proc.send_signal(signal.SIGTERM)
        proc.stdin.write("go on\n")
        proc.stdin.close()
        proc.wait(timeout=DEADLINE)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    while (line := lines.get(timeout=DEADLINE)) is not None:
        seen.append(line)
    output = "".join(seen)
    assert proc.returncode == 128 + signal.SIGTERM, output
    assert f"Interrupted at step {pause_at + 1}" in output and "Traceback" not in output, \
        output
    stopped = _state(out)
    assert stopped.step == stopped.batches_total == pause_at + 1
    assert (out / "model-best" / "config.cfg").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
    resumed = subprocess.run(args + ["--resume", str(out)], cwd=REPO, capture_output=True,
                             text=True, timeout=DEADLINE)
    assert resumed.returncode == 0, resumed.stderr
    final = _state(out)
    assert final.step == 30
    assert [h["scores"]["tag_acc"] for h in final.history] == \
        [h["scores"]["tag_acc"] for h in reference.history]
    assert _weights(out) == _weights(root / "reference")


def test_crash_keeps_checkpoint_and_resume_matches(setup):
    root, config, _, overrides, reference = setup
    out = root / "crashed"
    with pytest.raises(RuntimeError, match="crash at step 9"):
        train(config, out, overrides={**overrides, "training.before_update.crash_at": 9})
    assert _state(out).step == 6
    nlp_meta = srsly.read_json(out / "model-last" / "meta.json")
    assert nlp_meta["pipeline"] == ["tok2vec", "tagger"]
    _, state = train(config, out, overrides=overrides, resume=out)
    assert state.step == 30
    assert [h["score"] for h in state.history] == [h["score"] for h in reference.history]
    assert _weights(out) == _weights(root / "reference")


def test_resume_without_checkpoint_is_an_error(setup, tmp_path):
    _, config, _, overrides, _ = setup
    from fastnlp.config import ConfigError
    with pytest.raises(ConfigError, match="no model-last"):
        train(config, tmp_path, overrides=overrides, resume=tmp_path)


def test_prediction_load_ignores_training_state(setup):
    root = setup[0]
    import fastnlp
    nlp = fastnlp.load(root / "reference" / "model-last")
    doc = nlp("This is a short sentence .")
    assert all(t.tag_ for t in doc)
    assert os.path.isdir(root / "reference" / "model-last" / "training-state")


def test_ctrl_c_stops_after_the_current_step(setup, tmp_path):
    """SIGINT in mid-step: the step finishes, its checkpoint is written, then the run stops."""
    _, config, _, overrides, _ = setup
    from fastnlp.training.loop import TrainingInterrupted

    @__import__("fastnlp").registry.callbacks("test_resume.interrupt.v1")
    def make_interrupt(at: int):
        def before_update(nlp, info):
            if info["step"] == at:
                os.kill(os.getpid(), signal.SIGINT)
        return before_update

    handler = signal.getsignal(signal.SIGINT)
    with pytest.raises(TrainingInterrupted) as info:
        train(config, tmp_path, overrides={**overrides, "training.before_update": {
            "@callbacks": "test_resume.interrupt.v1", "at": 2}})
    assert info.value.signum == signal.SIGINT
    assert signal.getsignal(signal.SIGINT) is handler
    stopped = _state(tmp_path)
    assert stopped.step == 3 and stopped.batches_total == 3
