"""Training configs: both shapes, spaCy's own generated config, registries, overrides,
interpolation, validation errors that name the file, section and key."""
import itertools
import subprocess
import sys

import pytest
from thinc.api import Config

import fastnlp
from fastnlp.config import load_config
from fastnlp.errors import ConfigError
from fastnlp.loading import build_nlp
from fastnlp.registry import registry
from fastnlp.training.train import import_code, prepare, train
from train_data import TINY_CONFIG, make_corpus, write_config

CUSTOM_CODE = '''
import fastnlp
from pydantic import StrictInt


@fastnlp.registry.schedules("my_custom_schedule.v1")
def my_custom_schedule(start: int = 1, factor: float = 1.001):
    while True:
        yield start
        start = start * factor


@fastnlp.registry.schedules("strict_schedule.v1")
def strict_schedule(start: StrictInt, factor: float):
    while True:
        yield start
        start = start * factor
'''

SEED_CONFIG = """
[training]
use_gpu = -1
limit = 0
dropout = 0.2
patience = 1000
eval_frequency = 4
scores = ["tag_acc"]
score_weights = {"tag_acc": 1}
orth_variant_level = 0.0
gold_preproc = false
max_length = 0
seed = 0
accumulate_gradient = 1
discard_oversize = false

[training.batch_size]
@schedules = "compounding.v1"
start = 100
stop = 1000
compound = 1.001

[training.optimizer]
@optimizers = "Adam.v1"
learn_rate = 0.001
beta1 = 0.9
beta2 = 0.999
use_averages = false

[nlp]
lang = "en"
vectors = null

[nlp.pipeline.tagger]
factory = "tagger"

[nlp.pipeline.tagger.model]
@architectures = "spacy.Tagger.v1"

[nlp.pipeline.tagger.model.tok2vec]
@architectures = "spacy.HashEmbedCNN.v1"
width = 32
depth = 1
embed_size = 500
maxout_pieces = 3
window_size = 1
subword_features = true
pretrained_vectors = null
dropout = null
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return make_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def paths(corpus):
    return {"paths.train": str(corpus[0]), "paths.dev": str(corpus[1])}


@pytest.fixture(scope="module")
def custom_code(tmp_path_factory):
    path = tmp_path_factory.mktemp("code") / "functions.py"
    path.write_text(CUSTOM_CODE, encoding="utf8")
    import_code(path)
    return path


@pytest.fixture(scope="module")
def spacy_config(tmp_path_factory):
    """The config `python -m spacy init config -p tagger` writes, byte for byte."""
    path = tmp_path_factory.mktemp("spacy") / "config.cfg"
    subprocess.run([sys.executable, "-m", "spacy", "init", "config", str(path), "-l", "en",
                    "-p", "tagger"], check=True, capture_output=True)
    return path


def _replace(path, old, new, dest):
    text = path.read_text(encoding="utf8")
    assert old in text
    dest.write_text(text.replace(old, new), encoding="utf8")
    return dest


# spaCy's generated config --------------------------------------------------------------

def test_spacy_generated_config_trains_unchanged(spacy_config, paths, tmp_path):
    text = spacy_config.read_text(encoding="utf8")
    for section in ("[nlp.vectors]", "[pretraining]", "[initialize.tokenizer]",
                    "before_creation", "vocab_data", '"spacy.ConsoleLogger.v1"'):
        assert section in text
    out = tmp_path / "out"
    nlp, state = train(spacy_config, out, overrides={
        **paths, "training.max_steps": 4, "training.eval_frequency": 2})
    assert nlp.pipe_names == ["tok2vec", "tagger"]
    assert [h["step"] for h in state.history] == [2, 4]
    assert state.history[-1]["scores"]["tag_acc"] > 0.2
    assert len(nlp.vectors) == 0 and nlp.vectors.find(keys=[1, 2]).tolist() == [-1, -1]
    saved = (out / "model-best" / "config.cfg").read_text(encoding="utf8")
    for line in ('@vectors = "spacy.Vectors.v1"', "[pretraining]", "vocab_data = null",
                 '@loggers = "spacy.ConsoleLogger.v1"', "before_creation = null"):
        assert line in saved
    # The saved config rebuilds the same pipeline, and re-saving writes the same config.
    best = fastnlp.load(out / "model-best")
    assert best.pipe_names == nlp.pipe_names
    assert best.config["components"] == nlp.config["components"]
    rebuilt = build_nlp(load_config(out / "model-best" / "config.cfg"))
    assert rebuilt.config.to_str() == best.config.to_str()
    best.to_disk(tmp_path / "again")
    assert (tmp_path / "again" / "config.cfg").read_text(encoding="utf8") == saved
    best_score = max(h["score"] for h in state.history)
    from fastnlp.training.corpus import Corpus
    scores = best.evaluate(list(Corpus(paths["paths.dev"])(best)))
    assert scores["tag_acc"] == pytest.approx(best_score)


def test_initialize_section_is_honoured(spacy_config, paths, tmp_path):
    calls = []

    @registry.callbacks("test_config.record.v1")
    def record(what: str):
        def callback(nlp):
            calls.append((what, nlp.pipe_names, nlp.get_pipe("tagger").labels))
        return callback

    config = _replace(spacy_config, "before_init = null\nafter_init = null\n", """\
before_init = {"@callbacks": "test_config.record.v1", "what": "before"}
after_init = {"@callbacks": "test_config.record.v1", "what": "after"}
""", tmp_path / "config.cfg")
    config = _replace(config, "[initialize.components]\n", """[initialize.components]

[initialize.components.tagger]
labels = ["NN", "VB", "MADE_UP"]
""", config)
    nlp, _ = train(config, None, overrides={**paths, "training.max_steps": 2,
                                            "training.eval_frequency": 2})
    assert calls == [("before", ["tok2vec", "tagger"], ()),
                     ("after", ["tok2vec", "tagger"], ("MADE_UP", "NN", "VB"))]
    assert nlp.get_pipe("tagger").labels == ("MADE_UP", "NN", "VB")


@pytest.mark.parametrize("key,value", [
    ("vectors", '"my_vectors"'), ("init_tok2vec", '"pretrain.bin"'),
    ("vocab_data", '"vocab.jsonl"'), ("lookups", '{"@misc": "nope"}')])
def test_unsupported_initialize_settings_are_errors(spacy_config, paths, tmp_path, key,
                                                    value):
    old = f"{key} = ${{paths.{key}}}" if key in ("vectors", "init_tok2vec") else f"{key} = null"
    config = _replace(spacy_config, old, f"{key} = {value}", tmp_path / "c.cfg")
    if key == "lookups":
        with pytest.raises(ConfigError, match=r"\[initialize\.lookups\].*nope"):
            train(config, None, overrides=paths)
        return
    with pytest.raises(ConfigError, match=rf"\[initialize\] key '{key}': .*not supported"):
        train(config, None, overrides=paths)


def test_tokenizer_initialize_settings_are_errors(spacy_config, paths, tmp_path):
    config = _replace(spacy_config, "[initialize.tokenizer]\n",
                      "[initialize.tokenizer]\nlowercase = true\n", tmp_path / "c.cfg")
    with pytest.raises(ConfigError, match=r"\[initialize\.tokenizer\].*lowercase"):
        train(config, None, overrides=paths)


def test_nlp_creation_callbacks(spacy_config, tmp_path):
    from fastnlp.lang.en import English

    class Custom(English):
        pass

    @registry.callbacks("test_config.before_creation.v1")
    def before_creation():
        return lambda cls: Custom

    @registry.callbacks("test_config.tag_meta.v1")
    def tag_meta(key: str):
        def callback(nlp):
            nlp.meta[key] = list(nlp.pipe_names)
            return nlp
        return callback

    @registry.callbacks("test_config.return_nothing.v1")
    def return_nothing():
        return lambda nlp: None

    text = spacy_config.read_text(encoding="utf8").replace("""\
before_creation = null
after_creation = null
after_pipeline_creation = null""", """\
before_creation = {"@callbacks": "test_config.before_creation.v1"}
after_creation = {"@callbacks": "test_config.tag_meta.v1", "key": "created"}
after_pipeline_creation = {"@callbacks": "test_config.tag_meta.v1", "key": "built"}""")
    nlp = build_nlp(load_config(write_config(tmp_path / "c.cfg", text)))
    assert type(nlp) is Custom
    assert nlp.meta["created"] == [] and nlp.meta["built"] == ["tok2vec", "tagger"]
    assert nlp.config["nlp"]["after_creation"]["key"] == "created"
    bad = text.replace('"test_config.tag_meta.v1", "key": "built"',
                       '"test_config.return_nothing.v1"')
    with pytest.raises(ConfigError, match=r"\[nlp\] key 'after_pipeline_creation'"):
        build_nlp(load_config(write_config(tmp_path / "bad.cfg", bad)))


# The seed document's shape and --code functions -------------------------------------------

def test_seed_shape_config_trains(paths, tmp_path):
    config = write_config(tmp_path / "seed.cfg", SEED_CONFIG)
    filled, nlp, T, _ = prepare(config, {**paths})
    assert nlp.pipe_names == ["tagger"]
    assert T["dropout"] == 0.2 and T["patience"] == 1000 and T["eval_frequency"] == 4
    sizes = [len(b) for b in itertools.islice(T["batcher"]([[0]] * 3000), 3)]
    assert sizes == [100, 100, 100]
    assert filled["training"]["batcher"]["size"]["@schedules"] == "compounding.v1"
    assert filled["training"]["logger"]["columns"] == ["tag_acc"]
    out = tmp_path / "out"
    nlp, state = train(config, out, overrides={**paths, "training.max_steps": 4})
    assert state.step == 4 and state.history[-1]["scores"]["tag_acc"] > 0.1
    reloaded = fastnlp.load(out / "model-last")
    assert reloaded.pipe_names == ["tagger"]
    assert "[components.tagger.model.tok2vec]" in (out / "model-last" / "config.cfg").read_text()


def test_seed_shape_use_gpu_asks_for_the_gpu(paths, tmp_path, monkeypatch):
    import fastnlp.gpu
    asked = []
    monkeypatch.setattr(fastnlp.gpu, "require_gpu", asked.append)
    config = write_config(tmp_path / "seed.cfg", SEED_CONFIG.replace("use_gpu = -1",
                                                                     "use_gpu = 0"))
    prepare(config, paths)
    assert asked == [0]
    prepare(write_config(tmp_path / "cpu.cfg", SEED_CONFIG), paths)
    assert asked == [0]


def test_custom_schedule_from_code_file(custom_code, paths, tmp_path):
    text = TINY_CONFIG.replace("size = 300\n", """
[training.batcher.size]
@schedules = "my_custom_schedule.v1"
start = 2
factor = 1.5
""").replace('"fastnlp.batch_by_words.v1"', '"spacy.batch_by_sequence.v1"')
    _, _, T, _ = prepare(write_config(tmp_path / "c.cfg", text), paths)
    sizes = [len(b) for b in itertools.islice(T["batcher"](range(1000)), 5)]
    assert sizes == [2, 3, 4, 6, 10]
    seed = SEED_CONFIG.replace('@schedules = "compounding.v1"\nstart = 100\nstop = 1000\n'
                               'compound = 1.001', '@schedules = "my_custom_schedule.v1"\n'
                               'start = 2\nfactor = 1.005')
    _, _, T, _ = prepare(write_config(tmp_path / "seed.cfg", seed), paths)
    assert [len(b) for b in itertools.islice(T["batcher"]([[0]] * 50), 2)] == [2, 2]


def test_strict_int_in_registered_function_is_enforced(custom_code, paths, tmp_path):
    text = TINY_CONFIG.replace("size = 300\n", """
[training.batcher.size]
@schedules = "strict_schedule.v1"
start = 2.0
factor = 1.5
""")
    config = write_config(tmp_path / "c.cfg", text)
    with pytest.raises(ConfigError) as info:
        prepare(config, paths)
    message = str(info.value)
    assert message.startswith(str(config))
    assert "[training.batcher.size] key 'start'" in message
    assert "\n" not in message
    prepare(write_config(tmp_path / "ok.cfg", text.replace("start = 2.0", "start = 2")), paths)


# Interpolation and overrides ---------------------------------------------------------------

def test_interpolation_follows_overrides(paths, tmp_path):
    config = write_config(tmp_path / "c.cfg")
    filled, nlp, T, _ = prepare(config, {**paths, "components.tok2vec.model.encode.width": 48,
                                         "system.seed": 7, "training.dropout": 0.3})
    assert T["seed"] == 7 and T["dropout"] == 0.3
    listener = nlp.get_pipe("tagger").model.get_ref("tok2vec")
    assert listener.get_dim("nO") == 48
    # The filled config keeps the ${...} references, so the saved file stays editable.
    assert filled["components"]["tagger"]["model"]["tok2vec"]["width"] == \
        "${components.tok2vec.model.encode.width}"
    interpolated = Config(filled).interpolate()
    assert interpolated["corpora"]["train"]["path"] == paths["paths.train"]


def test_override_of_missing_section_is_an_error(paths, tmp_path):
    config = write_config(tmp_path / "c.cfg")
    with pytest.raises(ConfigError, match=r"no section \[trainer\]"):
        prepare(config, {**paths, "trainer.dropout": 0.3})


# Errors --------------------------------------------------------------------------------

BAD_CONFIGS = [
    # (old, new, section, key, more text the message must hold)
    ('"fastnlp.Tagger.v1"', '"fastnlp.Taggr.v1"', "components.tagger.model", "@architectures",
     "did you mean fastnlp.Tagger.v1"),
    ('@batchers = "fastnlp.batch_by_words.v1"', '@batchers = "batch_by_wrds.v1"',
     "training.batcher", "@batchers", "spacy.batch_by_words.v1"),
    ("max_steps = 8", "max_step = 8", "training", "max_step", "did you mean 'max_steps'"),
    ("max_steps = 8", 'max_steps = "many"', "training", "max_steps", "integer"),
    ("depth = 1", "depth = 1.5", "components.tok2vec.model.encode", "depth", "int"),
    ("nO = null", "nO = null\nnormalise = false", "components.tagger.model", "normalise",
     "unexpected"),
    ('factory = "tagger"', 'factory = "tager"', "components.tagger", "factory",
     "Unknown component factory 'tager'; available:"),
    ('[components.tagger]\nfactory = "tagger"', '[components.tagr]\nfactory = "tagger"',
     "components.tagger.model", None, "not defined"),
    ('pipeline = ["tok2vec", "tagger"]', 'pipeline = ["tok2vec", "tagger", "ner"]', "nlp",
     "pipeline", "no [components.ner]"),
    ('lang = "en"', 'lang = "xx_nope"', "nlp", "lang", "xx_nope"),
    ("[corpora]\n", "[corpra]\n", "corpora.train", None, "not defined"),
    ('@readers = "fastnlp.Corpus.v1"', '@reader = "fastnlp.Corpus.v1"', "corpora.train",
     "@reader", "unknown registry"),
    ("max_steps = 8", 'max_steps = 8\nannotating_components = ["tok2vecc"]', "training",
     "annotating_components", "no component 'tok2vecc'"),
    ("max_steps = 8", 'max_steps = 8\nfrozen_components = ["ner"]', "training",
     "frozen_components", "no component 'ner'"),
    # Found by the fuzz suite: a reference to a section holding it made confection build
    # an endless structure, and formatting its error hung.
    ("depth = 1", "depth = ${components}", "components.tok2vec.model.encode", "depth",
     "would contain itself"),
    ("progress_bar = false", 'progress_bar = false\n@batchers = "fastnlp.batch_by_words.v1"',
     "training.logger", "@batchers", "one registered function"),
]


@pytest.mark.parametrize("old,new,section,key,extra", BAD_CONFIGS)
def test_config_errors_name_file_section_and_key(paths, tmp_path, old, new, section, key,
                                                 extra):
    config = write_config(tmp_path / "bad.cfg", x=(old, new))
    with pytest.raises(ConfigError) as info:
        prepare(config, paths)
    message = str(info.value)
    assert message.startswith(f"{config} [{section}]"), message
    if key is not None:
        assert f"key '{key}'" in message, message
    if extra is not None:
        assert extra in message, message
    assert "\n" not in message


@pytest.mark.parametrize("setting,make,expected", [
    ("train", lambda tmp: tmp / "missing.spacy", "does not exist"),
    ("dev", lambda tmp: tmp / "missing_dir", "does not exist"),
    ("train", lambda tmp: _touch(tmp / "train.conllu"), "is not a .spacy file"),
    ("dev", lambda tmp: _mkdir(tmp / "empty"), "holds no .spacy files"),
])
def test_bad_corpus_paths_fail_before_training(paths, tmp_path, setting, make, expected):
    bad = make(tmp_path)
    config = write_config(tmp_path / "c.cfg")
    with pytest.raises(ConfigError) as info:
        train(config, tmp_path / "out", overrides={**paths, f"paths.{setting}": str(bad)})
    assert str(bad) in str(info.value) and expected in str(info.value)
    assert f"[paths] key '{setting}'" in str(info.value)
    assert not (tmp_path / "out").exists()


def _touch(path):
    path.write_text("1\tword\n", encoding="utf8")
    return path


def _mkdir(path):
    path.mkdir()
    return path


# Found by tests/fuzz/test_fuzz_config.py and test_fuzz_pipeline.py: a config that is not
# UTF-8 was a UnicodeDecodeError, an unknown registry a bare ValueError from confection,
# and a [nlp] tokenizer that is a plain value a TypeError when the Language was built.
def test_config_that_is_not_utf8_is_a_config_error(tmp_path):
    path = tmp_path / "bad.cfg"
    path.write_bytes(b"\x80[nlp]\nlang = \"en\"\n")
    with pytest.raises(ConfigError, match=r"bad.cfg: not UTF-8 text \(byte 0: "):
        load_config(path)


@pytest.mark.parametrize("old, new, match", [
    ("[components]\n",
     "[nlp.tokenizer]\n@tokenizerz = \"fastnlp.Tokenizer.v1\"\n\n[components]\n",
     r"\[nlp.tokenizer\] key '@tokenizerz': unknown registry @tokenizerz"),
    ("[nlp]\n", "[nlp]\ntokenizer = \"whitespace\"\n",
     r"\[nlp\] key 'tokenizer': expected a function block .*'whitespace'"),
])
def test_nlp_function_that_is_not_a_function_is_a_config_error(tmp_path, old, new, match):
    path = write_config(tmp_path / "c.cfg", nlp=(old, new))
    with pytest.raises(ConfigError, match=match) as info:
        build_nlp(load_config(path), path=path)
    assert str(info.value).startswith(str(path)) and "\n" not in str(info.value)


@pytest.mark.parametrize("old, new, match", [
    ('pipeline = ["tok2vec", "tagger"]', 'pipeline = [["tok2vec"]]',
     r"\[nlp\] key 'pipeline': must be a list of component names"),
    ('@architectures = "fastnlp.Tagger.v1"', '@architectures = ["x"]',
     r"\[components.tagger.model\] key '@architectures': must name a registered function"),
    ('factory = "tagger"', 'factory = ""', r"\[components.tagger\] key 'factory': "),
    ('rows = [500, 100, 250, 250]', 'rows = [500]',
     r"\[components.tok2vec\]: MultiHashEmbed: 4 attrs but 1 row counts"),
])
def test_mistyped_config_values_are_config_errors(tmp_path, old, new, match):
    # Found by the long fuzz run (tests/fuzz/test_fuzz_config.py): TypeError,
    # AttributeError or a ValueError from deep inside fill_config.
    from fastnlp.loading import fill_config
    path = write_config(tmp_path / "c.cfg", value=(old, new))
    with pytest.raises(ConfigError, match=match) as info:
        fill_config(load_config(path), path=path)
    assert str(info.value).startswith(str(path)) and "\n" not in str(info.value)


def test_seed_training_key_with_a_list_pipeline_is_a_config_error(tmp_path):
    # Found by the long fuzz run: an AttributeError from the seed-shape rewrite.
    path = write_config(tmp_path / "c.cfg", value=("[training]\n", "[training]\nlimit = 3\n"))
    with pytest.raises(ConfigError, match=r"\[training\] key 'limit': a setting of the seed"):
        load_config(path)


def test_factory_that_is_not_a_name_is_a_config_error(tmp_path):
    # Found by the long fuzz run: TypeError (unhashable list) from get_factory_meta.
    from fastnlp.loading import fill_config
    path = write_config(tmp_path / "c.cfg", value=('factory = "tagger"', 'factory = ["x"]'))
    with pytest.raises(ConfigError, match=r"\[components.tagger\] key 'factory': must name"):
        fill_config(load_config(path), path=path)


def test_unknown_function_with_a_newline_is_one_line(tmp_path):
    # Found by the fuzz suite: an indented "= 32" line continues the value, and the
    # error quoted it with its newline.
    from fastnlp.loading import fill_config
    path = write_config(tmp_path / "c.cfg", value=("\nwidth = 32\n", "\n = 32\n"))
    with pytest.raises(ConfigError, match="no function") as info:
        fill_config(load_config(path), path=path)
    assert "\n" not in str(info.value)


def test_a_config_error_from_a_resolved_function_is_not_wrapped_again():
    @registry.misc("test_config.raises_config_error.v1")
    def raises_config_error():
        raise ConfigError("bad value", path="other.cfg", section="paths", key="x")

    block = {"@misc": "test_config.raises_config_error.v1"}
    with pytest.raises(ConfigError) as info:
        fastnlp.blank("en", config={"nlp": {"after_creation": block}})
    assert str(info.value) == "other.cfg [paths] key 'x': bad value"
