import pickle

import pytest

from fastnlp.errors import FormatError
from fastnlp.strings import StringStore, hash_string
from fastnlp.symbols import SYMBOL_IDS


def test_add_and_lookup_roundtrip():
    store = StringStore()
    key = store.add("apple")
    assert store[key] == "apple"
    assert store["apple"] == key
    assert "apple" in store and key in store
    assert len(store) == 1


def test_empty_string_is_zero():
    assert StringStore().add("") == 0
    assert hash_string("") == 0


def test_symbols_map_to_their_index():
    store = StringStore()
    assert store.add("nsubj") == SYMBOL_IDS["nsubj"] == 429
    assert store.add("ADJ") == 84
    assert store[84] == "ADJ"
    assert "ORG" in store


def test_symbols_module_has_spacys_names():
    spacy_symbols = pytest.importorskip("spacy.symbols")
    import fastnlp.symbols as symbols
    assert symbols.IDS == spacy_symbols.IDS and symbols.NAMES == list(spacy_symbols.NAMES)
    assert (symbols.ORTH, symbols.nsubj, symbols.PERSON) == (65, 429, 380)
    for name in dir(spacy_symbols):
        if name.isidentifier() and not name.startswith("_") \
                and isinstance(getattr(spacy_symbols, name), int):
            assert getattr(symbols, name) == getattr(spacy_symbols, name), name


def test_known_murmurhash_value():
    # MurmurHash64A, seed 1, over UTF-8 (the value spaCy stores for "From").
    assert hash_string("From") == 12347345673626210333


def test_unicode_and_iteration_order():
    store = StringStore(["b", "ä", "日本"])
    assert list(store) == ["b", "ä", "日本"]
    assert store[store["日本"]] == "日本"


def test_unknown_id_raises():
    with pytest.raises(KeyError):
        StringStore()[123456789012345]


def test_bytes_and_pickle_roundtrip():
    store = StringStore(["x", "y"])
    assert list(StringStore().from_bytes(store.to_bytes())) == ["x", "y"]
    assert list(pickle.loads(pickle.dumps(store))) == ["x", "y"]


def test_hashes_equal_spacy_on_interop_file(shared_data):
    import zlib

    import srsly
    spacy = pytest.importorskip("spacy", reason="spaCy (test extra) compares hashes")
    msg = srsly.msgpack_loads(zlib.decompress((shared_data / "spacy-interop" / "ewt-dev200.spacy").read_bytes()))
    theirs = spacy.strings.StringStore()
    ours = StringStore()
    for string in msg["strings"]:
        assert ours.add(string) == theirs.add(string), string


# Inputs the fuzz suite (tests/fuzz/test_fuzz_vocab.py) found raising ValueError,
# UnicodeDecodeError, TypeError or OverflowError from inside StringStore.from_bytes.
@pytest.mark.parametrize("data, match", [
    (b"[\"a\"", "not StringStore bytes: "),
    (b"\xf3", "not StringStore bytes: "),
    (b"{\"a\": 1}", "got dict"),
    (b"[[1]]", "found list"),
    (b"[true]", "found bool"),
    (b"[\"\\ud800\"]", "lone surrogate"),
])
def test_bad_string_store_bytes_are_one_format_error(data, match):
    with pytest.raises(FormatError, match=match) as info:
        StringStore().from_bytes(data)
    assert str(info.value).startswith("<StringStore bytes>: ")
