"""load_config on random and mutated config text (from TINY_CONFIG), and fill_config on
the configs that parse: success or one ConfigError line naming the file."""
import tempfile
from pathlib import Path

from hypothesis import given, strategies as st

from fastnlp.config import load_config
from fastnlp.loading import fill_config
from fuzzing import check_case, fuzz, mutated_text
from train_data import TINY_CONFIG

CONFIG_DIR = Path(tempfile.mkdtemp(prefix="fastnlp-fuzz-config-"))
PATH = CONFIG_DIR / "fuzz.cfg"
VALUES = st.sampled_from(["null", "true", "0", "-1", "1e400", "\"x\"", "[]", "{}", "[1,",
                          "${nlp.lang}", "${nowhere.key}", "${components}", "\"tagger\"",
                          "[\"tok2vec\", \"tok2vec\"]", "\"fastnlp.Nope.v1\"", "", "=",
                          "[components.x]", "@architectures"])


@st.composite
def config_text(draw):
    text = draw(st.one_of(mutated_text(TINY_CONFIG, " = "), mutated_text(TINY_CONFIG, " ")))
    if draw(st.booleans()):  # a value swapped for a likely-troublesome one
        lines = text.split("\n")
        keyed = [i for i, line in enumerate(lines) if " = " in line]
        if keyed:
            i = draw(st.sampled_from(keyed))
            lines[i] = lines[i].split(" = ")[0] + " = " + draw(VALUES)
        text = "\n".join(lines)
    return text


def _load(text, interpolate):
    PATH.write_text(text, encoding="utf8", errors="surrogatepass")
    config = []

    def read():
        config.append(load_config(PATH, interpolate=interpolate))
    check_case("load_config", PATH, read)
    return config[0] if config else None


def test_the_tiny_config_loads_and_fills():
    config = _load(TINY_CONFIG, False)
    assert config is not None
    assert check_case("fill_config", PATH, lambda: fill_config(config, path=PATH)) is None


@fuzz(400)
@given(st.one_of(config_text(), st.text(max_size=200)), st.booleans())
def test_load_config(text, interpolate):
    _load(text, interpolate)


@fuzz(300)
@given(config_text())
def test_fill_config(text):
    config = _load(text, False)
    if config is not None:
        check_case("fill_config", PATH, lambda: fill_config(config, path=PATH))
