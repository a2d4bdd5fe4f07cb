"""fastnlp.load on a saved tiny pipeline with one file removed, cut, mutated or replaced
by random bytes: success or one fastnlp error line naming the pipeline's file."""
import atexit
import shutil
import tempfile
from pathlib import Path

from hypothesis import given, strategies as st

import fastnlp
from fuzzing import check_case, fuzz, mutated_bytes
from train_data import save_tiny_tagger

WORK = Path(tempfile.mkdtemp(prefix="fastnlp-fuzz-pipeline-"))
atexit.register(shutil.rmtree, WORK, True)
SAVED = save_tiny_tagger(WORK / "saved")
FILES = sorted(str(p.relative_to(SAVED)) for p in SAVED.rglob("*") if p.is_file())
ORIGINAL = {rel: (SAVED / rel).read_bytes() for rel in FILES}


@st.composite
def damage(draw):
    """(file, new bytes or None to remove it)."""
    rel = draw(st.sampled_from(FILES))
    data = ORIGINAL[rel]
    kind = draw(st.sampled_from(["remove", "truncate", "mutate", "random"]))
    if kind == "remove":
        return rel, None
    if kind == "truncate":
        return rel, data[:draw(st.integers(0, max(len(data) - 1, 0)))]
    if kind == "mutate":
        return rel, draw(mutated_bytes(data))
    return rel, draw(st.binary(max_size=64))


def _load(rel, data):
    path = WORK / "copy"
    shutil.rmtree(path, ignore_errors=True)
    shutil.copytree(SAVED, path)
    if data is None:
        (path / rel).unlink()
    else:
        (path / rel).write_bytes(data)
    return check_case("fastnlp.load", path, lambda: fastnlp.load(path))


def test_the_saved_pipeline_loads():
    assert FILES and _load(FILES[0], ORIGINAL[FILES[0]]) is None


@fuzz(300)
@given(damage())
def test_damaged_file(case):
    _load(*case)
