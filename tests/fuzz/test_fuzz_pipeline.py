"""fastnlp.load on a saved tiny pipeline with one file removed, cut, mutated or replaced
by random bytes: success or one fastnlp error line naming the pipeline's file."""
import atexit
import shutil
import tempfile
from pathlib import Path

from hypothesis import given

import fastnlp
from fuzzing import check_case, damaged_copy, damaged_file, fuzz
from train_data import save_tiny_tagger

WORK = Path(tempfile.mkdtemp(prefix="fastnlp-fuzz-pipeline-"))
atexit.register(shutil.rmtree, WORK, True)
SAVED = save_tiny_tagger(WORK / "saved")
FILES = sorted(str(p.relative_to(SAVED)) for p in SAVED.rglob("*") if p.is_file())
ORIGINAL = {rel: (SAVED / rel).read_bytes() for rel in FILES}


def _load(rel, data):
    path = damaged_copy(SAVED, WORK / "copy", rel, data)
    return check_case("fastnlp.load", path, lambda: fastnlp.load(path))


def test_the_saved_pipeline_loads():
    assert FILES and _load(FILES[0], ORIGINAL[FILES[0]]) is None


@fuzz(300)
@given(damaged_file(ORIGINAL))
def test_damaged_file(case):
    _load(*case)
