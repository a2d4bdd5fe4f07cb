from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture
def shared_data():
    if not SHARED_DATA.exists():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture
def vocab():
    from fastnlp.lang.lex_attrs import LEX_ATTRS
    from fastnlp.vocab import Vocab
    return Vocab(lex_attr_getters=LEX_ATTRS, lang="en")


FUZZ_LONG_FACTOR = 10


def pytest_addoption(parser):
    parser.addoption("--fuzz-long", action="store_true", default=False,
                     help=f"run the fuzz suite (tests/fuzz) with {FUZZ_LONG_FACTOR}x the "
                          "examples; FASTNLP_FUZZ_EXAMPLES=<factor> sets any factor")


def pytest_configure(config):
    # Read by tests/fuzz/fuzzing.py when the fuzz modules are imported (after this hook).
    import os
    if config.getoption("--fuzz-long"):
        os.environ["FASTNLP_FUZZ_EXAMPLES"] = str(FUZZ_LONG_FACTOR)
