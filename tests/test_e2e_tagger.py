"""End to end: convert a slice of UD English EWT, train tok2vec + tagger from a config,
load model-best and score it on a slice of dev."""
import pytest

import fastnlp
from fastnlp.cli.convert import convert
from fastnlp.training.corpus import Corpus
from fastnlp.training.train import train
from train_data import EWT, TINY_CONFIG, slice_conllu, write_config

N_TRAIN_SENTS = 3000
N_DEV_SENTS = 1000
# 200 steps of ~1000 words reach ~89.5% on these slices (about 10 s of CPU); a tagger
# that learned nothing but the most frequent tag gets ~15%.
TAG_ACC_FLOOR = 0.86


@pytest.fixture(scope="module")
def ewt_slices(tmp_path_factory):
    if not (EWT / "en_ewt-train.conllu").exists():
        pytest.skip(f"UD English EWT not found at {EWT}")
    root = tmp_path_factory.mktemp("ewt")
    slice_conllu(EWT / "en_ewt-train.conllu", root / "train.conllu", N_TRAIN_SENTS)
    slice_conllu(EWT / "en_ewt-dev.conllu", root / "dev.conllu", N_DEV_SENTS)
    convert(root / "train.conllu", root, n_sents=10)
    convert(root / "dev.conllu", root, n_sents=10)
    return root / "train.spacy", root / "dev.spacy"


def test_tagger_trained_on_ewt_slice_reaches_floor(ewt_slices, tmp_path):
    config = write_config(
        tmp_path / "config.cfg",
        width=("width = 32", "width = 64"), depth=("depth = 1", "depth = 2"),
        rows=("rows = [500, 100, 250, 250]", "rows = [5000, 1000, 2500, 2500]"),
        size=("size = 300", "size = 1000"))
    train_path, dev_path = ewt_slices
    _, state = train(config, tmp_path / "out", overrides={
        "paths.train": str(train_path), "paths.dev": str(dev_path),
        "training.max_steps": 200, "training.eval_frequency": 100})
    assert state.epoch >= 3
    nlp = fastnlp.load(tmp_path / "out" / "model-best")
    scores = nlp.evaluate(list(Corpus(dev_path)(nlp)))
    assert scores["tag_acc"] >= TAG_ACC_FLOOR, scores["tag_acc"]
    assert scores["tag_acc"] == pytest.approx(state.best_score)
    assert scores["token_acc"] > 0.98
