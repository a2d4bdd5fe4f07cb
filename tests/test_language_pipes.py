"""User components (@Language.component / .factory), pipe management and pipe analysis,
as spaCy 3.8's Language offers them."""
import subprocess
import sys

import pytest

import fastnlp
from fastnlp.language import DisabledPipes, Language
from fastnlp.tokens import Doc


@Language.component("test_shout", assigns=["token._.shout"])
def shout(doc):
    doc.user_data["shouted"] = True
    return doc


@Language.factory("test_counter", default_config={"start": 3},
                  requires=["token.tag"], default_score_weights={"count_acc": 1.0})
def make_counter(nlp, name, start: int):
    return Counter(name, start)


class Counter:
    def __init__(self, name, start):
        self.name, self.count = name, start

    def __call__(self, doc):
        self.count += 1
        doc.user_data[self.name] = self.count
        return doc


def test_component_decorator_registers_a_factory():
    nlp = fastnlp.blank("en")
    assert nlp.add_pipe("test_shout") is shout
    assert nlp("Hi there").user_data["shouted"]
    meta = Language.get_factory_meta("test_shout")
    assert meta.factory == "test_shout" and meta.assigns == ["token._.shout"]
    assert meta.requires == [] and meta.retokenizes is False and meta.scores == []
    assert Language.has_factory("test_shout") and "test_shout" in nlp.factory_names


def test_component_as_a_function_call_and_default_name():
    def lowercase_marker(doc):
        doc.user_data["marked"] = True
        return doc
    Language.component(func=lowercase_marker)
    Language.component("test_marker2", func=lowercase_marker)
    nlp = fastnlp.blank("en")
    nlp.add_pipe("lowercase_marker")
    nlp.add_pipe("test_marker2")
    assert nlp("x").user_data["marked"]
    assert nlp.pipe_factories == {"lowercase_marker": "lowercase_marker",
                                  "test_marker2": "test_marker2"}


def test_factory_decorator_fills_its_default_config():
    nlp = fastnlp.blank("en")
    counter = nlp.add_pipe("test_counter", name="c1")
    nlp.add_pipe("test_counter", name="c2", config={"start": 10})
    doc = nlp("a b")
    assert (doc.user_data["c1"], doc.user_data["c2"]) == (4, 11)
    assert counter.name == "c1"
    assert nlp.config["components"]["c1"] == {"factory": "test_counter", "start": 3}
    assert nlp.get_pipe_meta("c2").default_score_weights == {"count_acc": 1.0}
    with pytest.raises(Exception, match="start"):
        nlp.add_pipe("test_counter", name="c3", config={"start": "many"})
    assert nlp.pipe_names == ["c1", "c2"]


@pytest.mark.parametrize("attrs, match", [
    (["tag"], "must be written as doc.x, token.x or span.x"),
    (["token.tagg"], "Token has no attribute 'tagg'"),
    (["token._"], "an extension is written token._.name"),
    (["doc.ents.x"], "only an extension"),
])
def test_declared_attributes_are_checked(attrs, match):
    with pytest.raises(ValueError, match=f"component 'test_bad': attribute .*{match}"):
        Language.component("test_bad", assigns=attrs, func=lambda doc: doc)
    assert not Language.has_factory("test_bad")


def test_decorators_need_a_name():
    with pytest.raises(ValueError, match="first argument"):
        Language.factory(lambda nlp, name: None)
    with pytest.raises(ValueError, match="not a function"):
        Language.component("test_not_callable", func=5)


def test_rename_and_replace_keep_the_place():
    nlp = fastnlp.blank("en")
    nlp.add_pipe("test_counter", name="a")
    nlp.add_pipe("test_shout", name="b")
    nlp.add_pipe("sentencizer", name="c")
    nlp.disable_pipe("b")
    nlp.rename_pipe("b", "bb")
    assert nlp.component_names == ["a", "bb", "c"] and nlp.disabled == ["bb"]
    assert nlp.config["components"]["bb"]["factory"] == "test_shout"
    with pytest.raises(ValueError, match="already has a component named 'c'"):
        nlp.rename_pipe("a", "c")
    with pytest.raises(KeyError, match="zz"):
        nlp.rename_pipe("zz", "y")
    new = nlp.replace_pipe("a", "test_counter", config={"start": 100})
    assert nlp.component_names == ["a", "bb", "c"] and nlp.get_pipe("a") is new
    assert nlp("x").user_data["a"] == 101
    with pytest.raises(ValueError, match="takes a factory's name"):
        nlp.replace_pipe("a", shout)
    with pytest.raises(ValueError, match="Unknown component factory"):
        nlp.replace_pipe("a", "no_such_factory")
    assert nlp.get_pipe("a") is new and nlp.config["components"]["a"]["start"] == 100


def test_select_pipes_returns_restorable_disabled_pipes():
    nlp = fastnlp.blank("en")
    for name in ("a", "b", "c"):
        nlp.add_pipe("sentencizer", name=name)
    nlp.disable_pipe("c")
    disabled = nlp.select_pipes(enable=["b"])
    assert isinstance(disabled, DisabledPipes) and disabled == ["a"]
    assert nlp.pipe_names == ["b"]
    disabled.restore()
    assert nlp.pipe_names == ["a", "b"] and nlp.disabled == ["c"]


def test_analyze_pipes_finds_unmet_requirements(capsys):
    nlp = fastnlp.blank("en")
    nlp.add_pipe("test_counter", name="counter")
    nlp.add_pipe("tagger")
    nlp.add_pipe("test_counter", name="late")
    analysis = nlp.analyze_pipes()
    assert analysis["summary"]["tagger"] == {"assigns": ["token.tag"], "requires": [],
                                             "scores": ["tag_acc", "pos_acc"],
                                             "retokenizes": False}
    assert analysis["problems"] == {"counter": ["token.tag"], "tagger": [], "late": []}
    assert analysis["attrs"]["token.tag"] == {"assigns": ["tagger"],
                                              "requires": ["counter", "late"]}
    nlp.analyze_pipes(pretty=True)
    printed = capsys.readouterr().out
    assert "Problems (1)" in printed and "'counter' requirements not met: token.tag" in printed


def test_analysis_matches_spacy_for_the_built_in_components():
    spacy = pytest.importorskip("spacy")
    names = ["tok2vec", "tagger", "parser", "ner", "sentencizer", "entity_ruler"]
    ours, theirs = fastnlp.blank("en"), spacy.blank("en")
    for name in names:
        ours.add_pipe(name)
        theirs.add_pipe(name)
    keys = ["assigns", "requires", "retokenizes"]
    ours_summary = ours.analyze_pipes(keys=keys)["summary"]
    theirs_summary = theirs.analyze_pipes(keys=keys)["summary"]
    for name in names:
        for key in keys:
            value = theirs_summary[name][key]
            expected = sorted(value) if isinstance(value, list) else value
            got = ours_summary[name][key]
            assert (sorted(got) if isinstance(got, list) else got) == expected, (name, key)


def test_max_length_is_off_until_set():
    nlp = fastnlp.blank("en")
    assert len(nlp("word " * 300_000)) == 300_000
    nlp.max_length = 10
    with pytest.raises(ValueError, match="more than nlp.max_length"):
        nlp("a text of more than ten characters")
    assert isinstance(nlp("short"), Doc)


def test_factory_from_code_file_trains_in_a_config(tmp_path):
    # The --code file registers the component; a config names it; train runs it.
    code = tmp_path / "code.py"
    code.write_text("from fastnlp.language import Language\n\n"
                    "@Language.component('code_marker')\n"
                    "def code_marker(doc):\n"
                    "    doc.user_data['code'] = 1\n"
                    "    return doc\n", encoding="utf8")
    script = ("import sys, fastnlp\nfrom fastnlp.training.train import import_code\n"
              f"import_code({str(code)!r})\n"
              "nlp = fastnlp.blank('en', config={'nlp': {'pipeline': ['m']}, "
              "'components': {'m': {'factory': 'code_marker'}}})\n"
              "print(nlp('x').user_data['code'], nlp.pipe_names)\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1 ['m']"
