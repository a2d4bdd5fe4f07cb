"""Vocab().from_bytes and StringStore().from_bytes on random and mutated real bytes."""
import srsly
from hypothesis import given, strategies as st

from fastnlp.strings import StringStore
from fastnlp.vocab import Vocab
from fuzzing import check_case, damaged_msgpack, fuzz, mutated_bytes


def _vocab():
    vocab = Vocab(lang="en")
    for word in ("Ada", "wrote", "in", "London"):
        vocab.strings.add(word)
    vocab.tag_map = {"N": {"pos": "NOUN"}}
    return vocab


VOCAB_DATA = _vocab().to_bytes()
STRINGS_DATA = StringStore(["Ada", "wrote", "Łódź", "\u05e9\u05dc\u05d5\u05dd"]).to_bytes()
if isinstance(STRINGS_DATA, str):  # fastnlp's to_bytes gives JSON text, spaCy's bytes
    STRINGS_DATA = STRINGS_DATA.encode("utf8")


def _vocab_read(data):
    return check_case("Vocab.from_bytes", "<Vocab bytes>", lambda: Vocab().from_bytes(data))


def _strings_read(data):
    return check_case("StringStore.from_bytes", "<StringStore bytes>",
                      lambda: StringStore().from_bytes(data))


def test_real_bytes_read():
    assert _vocab_read(VOCAB_DATA) is None and _strings_read(STRINGS_DATA) is None


@fuzz(500)
@given(damaged_msgpack(VOCAB_DATA, max_random=80))
def test_vocab_bytes(data):
    _vocab_read(data)


@fuzz(200)
@given(st.one_of(st.binary(max_size=80), mutated_bytes(STRINGS_DATA)))
def test_strings_bytes(data):
    _strings_read(data)


JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-2**63, 2**63 - 1),
              st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=8)),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(max_size=6), inner, max_size=4)),
    max_leaves=8)


@fuzz(200)
@given(JSON_VALUES)
def test_strings_json_values(value):
    _strings_read(srsly.json_dumps(value).encode("utf8"))
