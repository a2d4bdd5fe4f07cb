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
