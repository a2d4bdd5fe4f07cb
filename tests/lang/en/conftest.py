import pytest


@pytest.fixture
def en_tokenizer():
    from fastnlp.lang.en.tokenizer_config import LEX_ATTRS, make_english_tokenizer
    from fastnlp.vocab import Vocab
    return make_english_tokenizer(Vocab(lex_attr_getters=LEX_ATTRS, lang="en"))
