"""fastnlp.util: the spaCy util helpers, checked against spaCy 3.8's where they exist."""
import itertools

import pytest

import fastnlp
from fastnlp import util
from fastnlp.errors import ConfigError
from fastnlp.tokens import Span

spacy = pytest.importorskip("spacy")
import spacy.util as spacy_util  # noqa: E402


def test_filter_spans_as_spacy():
    doc = fastnlp.blank("en")("a b c d e f")
    sdoc = spacy.blank("en")("a b c d e f")
    bounds = [(0, 2), (1, 3), (1, 4), (4, 5), (4, 6), (5, 6), (0, 2)]
    ours = [(s.start, s.end) for s in util.filter_spans([Span(doc, *b) for b in bounds])]
    theirs = [(s.start, s.end) for s in spacy_util.filter_spans([sdoc[a:b] for a, b in bounds])]
    assert ours == theirs == [(1, 4), (4, 6)]


@pytest.mark.parametrize("words,text", [(["a", "b"], "a  b "), (["Hi", ","], " Hi,  "),
                                        (["x", "y"], "xy"), ([], "  ")])
def test_get_words_and_spaces_as_spacy(words, text):
    assert util.get_words_and_spaces(words, text) == spacy_util.get_words_and_spaces(words,
                                                                                      text)
    with pytest.raises(ValueError, match="'z' is not in the text"):
        util.get_words_and_spaces(["z"], "a")


def test_batching_and_schedules_as_spacy():
    sizes = util.compounding(2, 10, 1.5)
    assert list(itertools.islice(sizes, 8)) == list(itertools.islice(
        spacy_util.compounding(2, 10, 1.5), 8))
    assert list(util.minibatch(range(7), 3)) == list(spacy_util.minibatch(range(7), 3))
    assert list(util.minibatch(range(7), iter([1, 2, 4]))) == [[0], [1, 2], [3, 4, 5, 6]]


def test_configs_and_models():
    config = util.load_config_from_str("[nlp]\nlang = \"en\"\npipeline = [\"sentencizer\"]\n"
                                       "\n[components]\n\n[components.sentencizer]\n"
                                       "factory = \"sentencizer\"\n",
                                       overrides={"nlp.batch_size": 7})
    assert config["nlp"]["batch_size"] == 7
    nlp = util.load_model_from_config(config, disable=["sentencizer"])
    assert nlp.component_names == ["sentencizer"] and nlp.pipe_names == []
    assert util.load_model_from_config(config, enable=[]).pipe_names == ["sentencizer"]
    assert util.get_lang_class("xx").lang == "xx"
    with pytest.raises(ConfigError, match="cannot parse the config"):
        util.load_config_from_str("[nlp\n")
    util.fix_random_seed(3)
    assert util.registry.readers.get("srsly.read_jsonl.v1") is not None
