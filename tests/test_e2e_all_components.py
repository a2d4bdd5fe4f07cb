"""Every trainable component at once: spaCy's `init config -p morphologizer,
trainable_lemmatizer,senter,textcat,spancat -o efficiency`
(benchmarks/configs/all_components_efficiency.cfg) trains unchanged, and so does every
`fastnlp init config -p` template, alone and combined, with both presets."""
import pytest

import fastnlp
from fastnlp.cli.init_config import make_config
from fastnlp.training.corpus import Corpus
from fastnlp.training.train import train
from train_data import EWT, REPO, write_all_annotations_corpus

SPACY_CONFIG = REPO / "benchmarks" / "configs" / "all_components_efficiency.cfg"
COMPONENTS = ["tagger", "morphologizer", "lemmatizer", "trainable_lemmatizer", "parser",
              "ner", "senter", "textcat", "textcat_multilabel", "spancat",
              "spancat_singlelabel"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    if not (EWT / "en_ewt-train.conllu").exists():
        pytest.skip(f"UD English EWT not found at {EWT}")
    root = tmp_path_factory.mktemp("ewt_all")
    write_all_annotations_corpus(EWT / "en_ewt-train.conllu", root / "train.spacy", 600)
    write_all_annotations_corpus(EWT / "en_ewt-dev.conllu", root / "dev.spacy", 200)
    return root


def test_spacys_config_with_every_component_trains_unchanged(corpus):
    nlp, state = train(SPACY_CONFIG, corpus / "out", overrides={
        "paths.train": str(corpus / "train.spacy"), "paths.dev": str(corpus / "dev.spacy"),
        "training.max_steps": 60, "training.eval_frequency": 30})
    assert nlp.pipe_names == ["tok2vec", "morphologizer", "trainable_lemmatizer", "senter",
                              "textcat", "spancat"]
    loaded = fastnlp.load(corpus / "out" / "model-last")
    scores = loaded.evaluate(list(Corpus(corpus / "dev.spacy")(loaded)))
    for key in ("pos_acc", "morph_acc", "lemma_acc", "sents_f", "cats_score", "spans_sc_f"):
        assert scores[key] is not None, key
    assert scores["pos_acc"] > 0.5 and scores["lemma_acc"] > 0.7  # 60 steps: learning
    doc = loaded("The dogs were barking. I loved it!")
    assert doc[1].pos_ and doc[1].lemma_ and set(doc.cats) and "sc" in doc.spans


@pytest.mark.parametrize("optimize", ["efficiency", "accuracy"])
def test_every_init_config_template_trains(corpus, tmp_path, optimize):
    for pipeline in [[name] for name in COMPONENTS if name != "lemmatizer"] + \
            [["tagger", "lemmatizer"], COMPONENTS]:
        config = tmp_path / f"{'-'.join(pipeline)}.cfg"
        config.write_text(make_config("en", pipeline, optimize).to_str(), encoding="utf8")
        nlp, state = train(config, None, overrides={
            "paths.train": str(corpus / "train.spacy"),
            "paths.dev": str(corpus / "dev.spacy"), "training.max_steps": 2,
            "training.eval_frequency": 2})
        assert state.step == 2 and [n for n in nlp.pipe_names if n != "tok2vec"] == pipeline
