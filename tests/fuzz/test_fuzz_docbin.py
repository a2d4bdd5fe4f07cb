"""DocBin().from_bytes on random bytes and on mutated real DocBin bytes."""
import zlib

from hypothesis import given, strategies as st

from fastnlp.tokens import Doc, Span
from fastnlp.tokens.docbin import DocBin
from fastnlp.vocab import Vocab
from fuzzing import check_case, damaged_msgpack, fuzz, mutated_bytes

SOURCE = "<fuzzed.spacy>"


def _docs():
    vocab = Vocab()
    one = Doc(vocab, words=["Ada", "wrote", "in", "London", "."],
              spaces=[True, True, True, False, False], tags=["NNP", "VBD", "IN", "NNP", "."],
              heads=[1, 1, 1, 2, 1], deps=["nsubj", "ROOT", "prep", "pobj", "punct"],
              ents=["B-PERSON", "O", "O", "B-GPE", "O"], lemmas=["Ada", "write", "in",
                                                              "London", "."],
              morphs=["Number=Sing", "Tense=Past", "", "Number=Sing", ""])
    one.cats = {"HISTORY": 1.0}
    one.spans["people"] = [Span(one, 0, 1, label="PERSON")]
    one.user_data["note"] = [1, "x"]
    two = Doc(vocab, words=["Hi", "!"], spaces=[False, False])
    return [one, two]


PLAIN = DocBin(store_user_data=True, docs=_docs()).to_bytes(compress=False)
COMPRESSED = zlib.compress(PLAIN)


def _read(data):
    def call():
        docbin = DocBin().from_bytes(data, source=SOURCE)
        list(docbin.get_docs(Vocab()))
    return check_case("DocBin.from_bytes", SOURCE, call)


def test_real_bytes_read():
    assert _read(PLAIN) is None and _read(COMPRESSED) is None


@fuzz(1200)
@given(st.one_of(damaged_msgpack(PLAIN, max_random=200), mutated_bytes(COMPRESSED)))
def test_damaged_bytes(data):
    _read(data)
