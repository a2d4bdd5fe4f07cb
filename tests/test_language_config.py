"""The config decides how a pipeline is built and trained: [nlp] settings given to blank,
the optimizer from [training.optimizer], what to_bytes carries, and frozen / annotating
components in nlp.update, as in spaCy."""
import pytest
from thinc.api import fix_random_seed

import fastnlp
from fastnlp.config import default_config
from fastnlp.errors import ConfigError
from fastnlp.factories import register_factory
from fastnlp.pipeline.tok2vec import ListenerError
from fastnlp.training import Example
from fastnlp.vocab import Vocab

SMALL_TOK2VEC = {"@architectures": "fastnlp.HashEmbedCNN.v1", "width": 32, "depth": 1,
                 "embed_size": 500, "window_size": 1, "maxout_pieces": 2,
                 "subword_features": True, "pretrained_vectors": None}
LISTENER = {"@architectures": "fastnlp.Tok2VecListener.v1", "width": 32}
PAIRS = [("I like green eggs", ["N", "V", "J", "N"]), ("Eat blue ham", ["V", "J", "N"])]


def _tok2vec_tagger(nlp=None):
    nlp = nlp or fastnlp.blank("en")
    nlp.add_pipe("tok2vec", config={"model": SMALL_TOK2VEC})
    nlp.add_pipe("tagger", config={"model": {"tok2vec": LISTENER}})
    examples = [Example.from_dict(nlp.make_doc(text), {"tags": tags}) for text, tags in PAIRS]
    return nlp, examples


def test_blank_applies_the_config():
    nlp = fastnlp.blank("en", config={"nlp": {"batch_size": 7}})
    assert nlp.batch_size == 7
    assert nlp.config["nlp"]["batch_size"] == 7
    assert fastnlp.blank("en").batch_size == default_config()["nlp"]["batch_size"]
    assert fastnlp.blank("en", meta={"name": "mine"}).meta["name"] == "mine"


def test_blank_rejects_another_language_in_the_config():
    with pytest.raises(ConfigError, match=r"\[nlp\] key 'lang'.*'de'"):
        fastnlp.blank("en", config={"nlp": {"lang": "de"}})


def test_nlp_defaults_come_from_default_config():
    defaults = default_config()["nlp"]
    config = fastnlp.blank("en").config["nlp"]
    for key in ("batch_size", "disabled", "before_creation", "after_creation",
                "after_pipeline_creation", "vectors", "tokenizer"):
        assert config[key] == defaults[key], key


def test_create_optimizer_reads_training_optimizer():
    config = {"nlp": {"lang": "en", "pipeline": []},
              "training": {"optimizer": {"@optimizers": "Adam.v1", "learn_rate": 0.005,
                                         "L2": 0.0, "grad_clip": 3.0}}}
    nlp = fastnlp.Language.from_config(config)
    optimizer = nlp.initialize()
    assert optimizer.learn_rate == pytest.approx(0.005)
    assert optimizer.grad_clip == pytest.approx(3.0)
    # Without [training.optimizer], default_config.cfg's: Adam with L2 and clipping.
    default = fastnlp.blank("en").create_optimizer()
    assert default.learn_rate == pytest.approx(0.001)
    assert default.L2 == pytest.approx(0.01) and default.grad_clip == pytest.approx(1.0)


def test_to_bytes_keeps_the_tag_map():
    tag_map = {"N": {"pos": "NOUN"}, "V": {"pos": "VERB"}}
    nlp = fastnlp.Language(Vocab(tag_map=tag_map))
    other = fastnlp.Language()
    other.from_bytes(nlp.to_bytes())
    assert other.vocab.tag_map == tag_map


def test_update_excluding_tok2vec_raises_instead_of_training_on_zeros():
    nlp, examples = _tok2vec_tagger()
    nlp.initialize(lambda: examples)
    with pytest.raises(ListenerError, match="tok2vec.*annotating_components"):
        nlp.update(examples, exclude=["tok2vec"])


def test_frozen_tok2vec_that_annotates_feeds_its_listeners():
    fix_random_seed(0)
    nlp, examples = _tok2vec_tagger()
    optimizer = nlp.initialize(lambda: examples)
    tok2vec_before = nlp.get_pipe("tok2vec").model.to_bytes()
    first = nlp.update(examples, exclude=["tok2vec"], annotates=["tok2vec"], sgd=optimizer)
    start = first["tagger"]
    assert "tok2vec" not in first and start > 0
    for _ in range(60):
        losses = nlp.update(examples, exclude=["tok2vec"], annotates=["tok2vec"],
                            sgd=optimizer)
    assert losses["tagger"] < start / 3
    assert nlp.get_pipe("tok2vec").model.to_bytes() == tok2vec_before
    assert all(eg.predicted.tensor is not None for eg in examples)


def test_update_names_unknown_components():
    nlp, examples = _tok2vec_tagger()
    nlp.initialize(lambda: examples)
    with pytest.raises(KeyError, match="'tok2vecc'"):
        nlp.update(examples, annotates=["tok2vecc"])


def test_listener_of_a_component_that_skips_empty_docs_still_sends_gradients():
    """The parser skips empty docs, so its listener sees a subset of tok2vec's batch;
    its gradient must still reach tok2vec (it used to read doc.tensor and send none)."""
    nlp = fastnlp.blank("en")
    nlp.add_pipe("tok2vec", config={"model": SMALL_TOK2VEC})
    nlp.add_pipe("parser", config={"model": {"tok2vec": LISTENER, "hidden_width": 16}})
    examples = [Example.from_dict(nlp.make_doc(""), {}),
                Example.from_dict(nlp.make_doc("She eats rice"),
                                  {"heads": [1, 1, 1], "deps": ["nsubj", "ROOT", "obj"]})]
    optimizer = nlp.initialize(lambda: examples)
    nlp.update(examples, sgd=optimizer)  # the upper layer starts at zero: no gradient yet
    losses = nlp.update(examples, sgd=optimizer)
    assert losses["parser"] > 0
    assert losses["tok2vec"] > 0


@pytest.mark.parametrize("config, match", [
    ({"nlp": {"pipeline": "tagger"}},
     r"^\[nlp\] key 'pipeline': must be a list of component names, got 'tagger'$"),
    ({"nlp": {"pipeline": ["tagger", "tagger"]}, "components": {"tagger": {"factory": "tagger"}}},
     r"^\[nlp\] key 'pipeline': names 'tagger' twice$"),
    ({"nlp": {"pipeline": ["tagger"]}, "components": {"tagger": 5}},
     r"^\[components.tagger\]: must be a section, not a value$"),
    ({"nlp": {"pipeline": []}, "training": 5}, r"^\[training\]: must be a section, not a value$"),
    ({"nlp": {"pipeline": ["tagger"]}, "components": {"tagger": {"source": "en_core_web_sm"}}},
     r"^\[components.tagger\] key 'source': copying a component from another pipeline"),
    ({"nlp": {"batch_sise": 5}}, r"^\[nlp\] key 'batch_sise': unknown setting \(did you mean"),
])
def test_from_config_checks_the_config_first(config, match):
    with pytest.raises(ConfigError, match=match):
        fastnlp.blank("en", config=config)


def test_from_config_without_a_language_names_it():
    with pytest.raises(ConfigError, match=r"^\[nlp\] key 'lang': no language code"):
        fastnlp.Language.from_config({"nlp": {"pipeline": []}})


def test_from_config_on_a_subclass_needs_no_registered_language():
    class Custom(fastnlp.Language):
        lang = "zz"

    assert Custom.from_config({}).lang == "zz"


def test_a_bug_in_a_component_is_not_reported_as_a_config_problem():
    @register_factory("test_language_config.buggy")
    def make_buggy(nlp, name):
        return {}["missing"]

    config = {"nlp": {"lang": "en", "pipeline": ["buggy"]},
              "components": {"buggy": {"factory": "test_language_config.buggy"}}}
    with pytest.raises(KeyError, match="missing") as info:
        fastnlp.Language.from_config(config)
    assert not isinstance(info.value, ConfigError)
    assert any(entry.name == "make_buggy" for entry in info.traceback)
