"""Prediction in bounded chunks (skip_empty + layers/chunks.py) equals the whole-batch call."""
import numpy
import pytest
from thinc.api import fix_random_seed

from fastnlp.ml import MaxoutWindowEncoder, MultiHashEmbed, build_tok2vec_model
from fastnlp.ml.layers.chunks import CHUNK_SIZE, TokenRange, plan_calls, sequence_pieces
from fastnlp.tokens import Doc

CHUNK = 16
# Around the chunk size: shorter, at and just past multiples of it, and empty.
LENGTHS = [0, 1, 7, 15, 16, 17, 31, 32, 33, 47, 48, 49, 100, 0, 161]
WORDS = ["the", "cat", "sat", "on", "a", "mat", ".", "Hello", "world", "42", "U.S.",
         "can't", "jumped", "over", ",", "quickly"]


def _guards(model):
    return [node for node in model.walk() if node.name == "skip_empty"]


def _set_chunk_size(model, size):
    for guard in _guards(model):
        guard.attrs["chunk_size"] = size


def _whole_and_chunked(model, X, chunk=CHUNK):
    _set_chunk_size(model, 10**9)
    whole = model.predict(X)
    _set_chunk_size(model, chunk)
    chunked = model.predict(X)
    return whole, chunked


def _assert_same(whole, chunked):
    assert len(whole) == len(chunked)
    for w, c in zip(whole, chunked):
        assert w.shape == c.shape
        assert numpy.allclose(w, c, atol=1e-5)


def _arrays(lengths, width, seed=0):
    rng = numpy.random.RandomState(seed)
    return [rng.uniform(-2, 2, (n, width)).astype("f") for n in lengths]


def _docs(vocab, lengths, seed=0):
    rng = numpy.random.RandomState(seed)
    return [Doc(vocab, words=[WORDS[i] for i in rng.randint(0, len(WORDS), n)]) for n in lengths]


@pytest.mark.parametrize("length", range(0, 60))
@pytest.mark.parametrize("context", [0, 1, 3, 8, 40])
def test_pieces_keep_every_row_once_with_context(length, context):
    pieces = sequence_pieces(length, CHUNK, context)
    kept = [row for _, _, keep_start, keep_end in pieces for row in range(keep_start, keep_end)]
    assert kept == list(range(length))
    for start, end, keep_start, keep_end in pieces:
        assert keep_end - keep_start <= CHUNK
        assert start == max(0, keep_start - context) and end == min(length, keep_end + context)


def test_calls_are_bounded_and_in_order():
    calls = plan_calls(LENGTHS, CHUNK, 4)
    pieces = [piece for call in calls for piece in call]
    assert [p[0] for p in pieces] == sorted(p[0] for p in pieces)
    assert {p[0] for p in pieces} == set(range(len(LENGTHS)))
    for call in calls:
        rows = sum(end - start for _, start, end, _, _ in call)
        assert 0 < rows <= CHUNK + 2 * 4
    assert plan_calls([0, 0], CHUNK, 2) == [[(0, 0, 0, 0, 0), (1, 0, 0, 0, 0)]]
    with pytest.raises(ValueError):
        plan_calls([5], 0, 1)


def test_default_chunk_size_is_the_module_constant():
    model = MaxoutWindowEncoder(width=8, window_size=1, maxout_pieces=2, depth=2)
    assert [g.attrs for g in _guards(model)] == [{"context": 2, "chunk_size": None}]
    assert CHUNK_SIZE >= 512


@pytest.mark.parametrize("window_size", [1, 2])
@pytest.mark.parametrize("depth", [2, 3, 4])
def test_encoder_chunked_equals_whole(window_size, depth):
    fix_random_seed(depth * 10 + window_size)
    model = MaxoutWindowEncoder(width=8, window_size=window_size, maxout_pieces=2, depth=depth)
    X = _arrays(LENGTHS, 8)
    model.initialize(X=X)
    assert len(plan_calls(LENGTHS, CHUNK, window_size * depth)) > 3
    _assert_same(*_whole_and_chunked(model, X))
    for x in X:  # one sequence per batch, long or short
        _assert_same(*_whole_and_chunked(model, [x]))


def test_too_little_context_would_change_the_output():
    """The test above has power: chunks without the receptive field differ at the cuts."""
    fix_random_seed(1)
    model = MaxoutWindowEncoder(width=8, window_size=1, maxout_pieces=2, depth=3)
    X = _arrays([100], 8)
    model.initialize(X=X)
    whole, _ = _whole_and_chunked(model, X)
    _guards(model)[0].attrs["context"] = 2
    chunked = model.predict(X)
    assert not numpy.allclose(whole[0], chunked[0], atol=1e-5)


@pytest.mark.parametrize("depth,window_size", [(2, 1), (4, 1), (3, 2)])
def test_tok2vec_on_docs_chunked_equals_whole(vocab, depth, window_size):
    fix_random_seed(depth)
    model = build_tok2vec_model(
        MultiHashEmbed(width=12, attrs=["NORM", "PREFIX", "SUFFIX", "SHAPE"],
                       rows=[200, 50, 50, 50], include_static_vectors=False),
        MaxoutWindowEncoder(width=12, window_size=window_size, maxout_pieces=3, depth=depth),
    )
    docs = _docs(vocab, LENGTHS)
    model.initialize(X=docs)
    _assert_same(*_whole_and_chunked(model, docs))
    _assert_same(*_whole_and_chunked(model, [docs[-1]]))
    _assert_same(*_whole_and_chunked(model, [Doc(vocab, words=[])]))


def test_training_runs_whole_and_backprops(vocab):
    fix_random_seed(2)
    model = build_tok2vec_model(
        MultiHashEmbed(width=8, attrs=["NORM"], rows=[100], include_static_vectors=False),
        MaxoutWindowEncoder(width=8, window_size=1, maxout_pieces=2, depth=2),
    )
    docs = _docs(vocab, [40, 0, 35])
    model.initialize(X=docs)
    _set_chunk_size(model, CHUNK)
    Y, backprop = model.begin_update(docs)
    _assert_same(model.predict(docs), Y)
    backprop([numpy.ones_like(y) for y in Y])
    _, no_backprop = model(docs, is_train=False)
    with pytest.raises(ValueError, match="no backprop"):
        no_backprop([numpy.ones_like(y) for y in Y])


def test_models_saved_without_chunk_attrs_load_and_chunk():
    fix_random_seed(3)
    model = MaxoutWindowEncoder(width=8, window_size=2, maxout_pieces=2, depth=2)
    model.initialize(X=_arrays([20], 8))
    msg = model.to_dict()
    for attrs in msg["attrs"]:
        attrs.pop("context", None)
        attrs.pop("chunk_size", None)
    loaded = MaxoutWindowEncoder(width=8, window_size=2, maxout_pieces=2, depth=2).from_dict(msg)
    assert _guards(loaded)[0].attrs["context"] == 4
    loaded = MaxoutWindowEncoder(width=8, window_size=2, maxout_pieces=2, depth=2)
    loaded.from_bytes(model.to_bytes())
    _assert_same(*_whole_and_chunked(loaded, _arrays([70, 3], 8)))


class _Vectors:
    def __init__(self, n_keys, width):
        self.data = numpy.random.RandomState(5).randn(n_keys, width).astype("f")

    def find(self, *, keys):
        return numpy.where(keys % 3 == 0, -1, keys % len(self.data)).astype("i")


class _Vocab:
    def __init__(self):
        self.vectors = _Vectors(10, 6)


class _ArrayDoc:
    """A Doc stand-in with integer attributes, for the static-vectors path."""

    def __init__(self, n, seed):
        self.vocab = _Vocab()
        self.ids = numpy.random.RandomState(seed).randint(1, 10**6, (n, 100)).astype("uint64")
        self.calls = 0

    def __len__(self):
        return len(self.ids)

    def to_array(self, attr_ids):
        self.calls += 1
        if isinstance(attr_ids, (int, str)):
            return self.ids[:, 99].copy()
        return self.ids[:, [int(a) % 99 for a in attr_ids]]


def test_static_vectors_embed_chunked_equals_whole():
    fix_random_seed(4)
    model = MultiHashEmbed(width=8, attrs=["NORM", "SHAPE"], rows=[50, 20],
                           include_static_vectors=True)
    docs = [_ArrayDoc(n, seed) for seed, n in enumerate([33, 0, 5, 50])]
    model.initialize(X=docs)
    _set_chunk_size(model, 10**9)
    whole = model.predict(docs)
    docs[0].calls = 0
    _set_chunk_size(model, CHUNK)
    _assert_same(whole, model.predict(docs))
    assert docs[0].calls == 2  # 3 chunks, one read per attribute list


def test_token_range_reads_the_doc_once(vocab):
    doc = Doc(vocab, words=WORDS)
    arrays = {}
    ranges = [TokenRange(doc, start, start + 4, arrays) for start in (0, 4, 8)]
    assert [len(r) for r in ranges] == [4, 4, 4] and ranges[0].vocab is vocab
    full = doc.to_array(["NORM", "SHAPE"])
    for r in ranges:
        assert (r.to_array(["NORM", "SHAPE"]) == full[r.start:r.end]).all()
    assert len(arrays) == 1
