"""Saved pipelines with the text classifier, both lemmatizers and the span categorizer:
fastnlp.load with one of their files removed, cut, mutated or replaced; edit trees and
lookup tables read from mutated bytes. Success or one fastnlp error line naming the input."""
import atexit
import shutil
import tempfile
from pathlib import Path

from hypothesis import given

import fastnlp
from fastnlp.lookups import Lookups
from fastnlp.pipeline.edit_trees import EditTrees
from fastnlp.strings import StringStore
from fastnlp.tokens import Doc
from fastnlp.training import Example
from fuzzing import check_case, damaged_copy, damaged_file, fuzz, mutated_bytes

WORK = Path(tempfile.mkdtemp(prefix="fastnlp-fuzz-components-"))
atexit.register(shutil.rmtree, WORK, True)
TINY_TOK2VEC = {"@architectures": "spacy.HashEmbedCNN.v2", "pretrained_vectors": None,
                "width": 8, "depth": 1, "embed_size": 50, "window_size": 1,
                "maxout_pieces": 2, "subword_features": False}
WORDS = ["Cats", "were", "running", "in", "London", "."]


def _save_pipeline(path):
    nlp = fastnlp.blank("en")
    nlp.add_pipe("textcat", config={"model": {
        "@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": True,
        "ngram_size": 2, "no_output_layer": False, "length": 64}})
    nlp.add_pipe("trainable_lemmatizer", config={"min_tree_freq": 1, "model": {
        "@architectures": "spacy.Tagger.v2", "nO": None, "tok2vec": TINY_TOK2VEC}})
    nlp.add_pipe("spancat", config={"model": {
        "@architectures": "spacy.SpanCategorizer.v1",
        "scorer": {"@layers": "spacy.LinearLogistic.v1"},
        "reducer": {"@layers": "spacy.mean_max_reducer.v1", "hidden_size": 8},
        "tok2vec": TINY_TOK2VEC}})
    nlp.add_pipe("lemmatizer", name="lookup_lemmatizer", config={"mode": "lookup",
                                                                 "overwrite": True})
    lookups = Lookups()
    lookups.add_table("lemma_lookup", {"Cats": "cat", "were": "be"})
    doc = Doc(nlp.vocab, words=WORDS)
    eg = Example.from_dict(doc, {"lemmas": ["cat", "be", "run", "in", "London", "."],
                                 "cats": {"A": 1.0, "B": 0.0},
                                 "spans": {"sc": [(21, 27, "LOC")]}})
    nlp.initialize(lambda: [eg])
    nlp.get_pipe("lookup_lemmatizer").initialize(lookups=lookups)  # after: small tables
    nlp.to_disk(path)
    return path


SAVED = _save_pipeline(WORK / "saved")
FILES = sorted(str(p.relative_to(SAVED)) for p in SAVED.rglob("*") if p.is_file()
               and p.parts[len(SAVED.parts)] in ("textcat", "trainable_lemmatizer",
                                                 "spancat", "lookup_lemmatizer"))
ORIGINAL = {rel: (SAVED / rel).read_bytes() for rel in FILES}
STRINGS = StringStore()
TREES = EditTrees(STRINGS)
for _form, _lemma in [("running", "run"), ("geese", "goose"), ("was", "be"), ("", "")]:
    TREES.add(_form, _lemma)
TREE_BYTES = TREES.to_bytes()
LOOKUPS = Lookups()
LOOKUPS.add_table("lemma_rules", {"noun": [["s", ""]]})
LOOKUPS.add_table("lemma_index", {"noun": ["cat"]})
LOOKUP_BYTES = LOOKUPS.to_bytes()


def test_the_saved_pipeline_loads_and_runs():
    nlp = fastnlp.load(SAVED)
    doc = nlp(" ".join(WORDS))
    assert set(doc.cats) == {"A", "B"} and doc[0].lemma_ == "cat"
    assert len(FILES) >= 8


@fuzz(300)
@given(damaged_file(ORIGINAL))
def test_damaged_component_file(case):
    rel, data = case
    path = damaged_copy(SAVED, WORK / "copy", rel, data)

    def load_and_run():
        fastnlp.load(path)(" ".join(WORDS))
    check_case("load components", path, load_and_run)


def _read_trees(data):
    trees = EditTrees(STRINGS).from_bytes(data)
    for tree_id in range(len(trees)):
        trees.apply(tree_id, "running")


@fuzz(300)
@given(mutated_bytes(TREE_BYTES))
def test_edit_tree_bytes(data):
    check_case("EditTrees.from_bytes", "edit trees", lambda: _read_trees(data))


def _read_lookups(data):
    Lookups().from_bytes(data).get_table("lemma_rules", {}).get("noun")


@fuzz(300)
@given(mutated_bytes(LOOKUP_BYTES))
def test_lookups_bytes(data):
    check_case("Lookups.from_bytes", "lookups", lambda: _read_lookups(data))
