"""fastnlp.load on a saved tiny pipeline with one file removed, cut, mutated or replaced
by random bytes: success or one fastnlp error line naming the pipeline's file."""
import shutil
import tempfile
from pathlib import Path

from hypothesis import given, strategies as st

import fastnlp
from fastnlp.training import Example
from fuzzing import check_case, fuzz, mutated_bytes

SMALL_TOK2VEC = {"@architectures": "fastnlp.HashEmbedCNN.v1", "width": 16, "depth": 1,
                 "embed_size": 100, "window_size": 1, "maxout_pieces": 2,
                 "subword_features": True, "pretrained_vectors": None}
WORK = Path(tempfile.mkdtemp(prefix="fastnlp-fuzz-pipeline-"))


def _save() -> Path:
    nlp = fastnlp.blank("en")
    nlp.vocab.tag_map = {"N": {"pos": "NOUN"}, "V": {"pos": "VERB"}}
    nlp.add_pipe("tok2vec", config={"model": SMALL_TOK2VEC})
    nlp.add_pipe("tagger", config={"model": {"tok2vec": {
        "@architectures": "fastnlp.Tok2VecListener.v1", "width": 16}}})
    examples = [Example.from_dict(nlp.make_doc("I eat rice"), {"tags": ["N", "V", "N"]})]
    nlp.initialize(lambda: examples)
    path = WORK / "saved"
    nlp.to_disk(path)
    return path


SAVED = _save()
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
