"""End to end: the config `spacy init config -p morphologizer,senter -o efficiency` wrote
(benchmarks/configs/morph_senter_efficiency.cfg), trained unchanged by fastnlp on a slice
of UD English EWT, loaded from model-best and scored on a slice of dev."""
import pytest

import fastnlp
from fastnlp.training.corpus import Corpus
from train_data import REPO, train_on_ewt_slice

SPACY_CONFIG = REPO / "benchmarks" / "configs" / "morph_senter_efficiency.cfg"
N_TRAIN_SENTS = 3000
N_DEV_SENTS = 1000
N_STEPS = 300
# Measured: POS 89.5, Morph 89.4, Sent F 63.6, Number F 89.9 after 300 steps (about 25 s
# of CPU).
# Predicting the most frequent label everywhere gives POS ~17%, Morph ~15%, and a senter
# that never starts a sentence gets Sent F 0.
FLOORS = {"pos_acc": 0.87, "morph_acc": 0.87, "sents_f": 0.55}


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    return train_on_ewt_slice(SPACY_CONFIG, tmp_path_factory.mktemp("ewt_morph"),
                              n_train=N_TRAIN_SENTS, n_dev=N_DEV_SENTS, steps=N_STEPS)


def test_spacy_morphologizer_senter_config_trains_past_floors(trained):
    model, dev = trained
    nlp = fastnlp.load(model)
    assert nlp.pipe_names == ["tok2vec", "morphologizer", "senter"]
    scores = nlp.evaluate(list(Corpus(dev)(nlp)))
    for key, floor in FLOORS.items():
        assert scores[key] >= floor, (key, scores[key])
    assert scores["morph_per_feat"]["Number"]["f"] > 0.85
    doc = nlp("She saw two cats. They ran away.")
    assert doc[0].pos_ == "PRON" and doc[3].morph.get("Number") == ["Plur"]
    assert doc[5].is_sent_start
