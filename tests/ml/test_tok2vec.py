"""Tok2vec architectures: config resolution under spaCy's names, shapes, edge cases."""
import numpy
import pytest
from thinc.api import Config, fix_random_seed

import fastnlp.ml  # noqa: F401  (registers the architectures)
from fastnlp.ml import HashEmbedCNN, MaxoutWindowEncoder, MultiHashEmbed, build_tok2vec_model
from fastnlp.registry import registry
from fastnlp.tokens import Doc

SEED_STYLE_V1 = """
[model]
@architectures = "spacy.HashEmbedCNN.v1"
width = 32
depth = 2
embed_size = 300
maxout_pieces = 3
window_size = 1
subword_features = true
pretrained_vectors = null
dropout = null
"""

SPACY3_V2 = """
[model]
@architectures = "spacy.HashEmbedCNN.v2"
width = 24
depth = 3
embed_size = 500
window_size = 1
maxout_pieces = 2
subword_features = false
pretrained_vectors = null
"""

SPACY3_TOK2VEC = """
[model]
@architectures = "spacy.Tok2Vec.v2"

[model.embed]
@architectures = "spacy.MultiHashEmbed.v2"
width = ${model.encode.width}
attrs = ["NORM", "PREFIX", "SUFFIX", "SHAPE"]
rows = [500, 200, 200, 200]
include_static_vectors = false

[model.encode]
@architectures = "spacy.MaxoutWindowEncoder.v2"
width = 40
depth = 2
window_size = 1
maxout_pieces = 3
"""


def _docs(vocab):
    return [
        Doc(vocab, words=["The", "cat", "sat", "on", "the", "mat", "."]),
        Doc(vocab, words=[]),
        Doc(vocab, words=["Hello"]),
    ]


def _resolve(text):
    return registry.resolve(Config().from_str(text))["model"]


@pytest.mark.parametrize(
    "text,width,n_attrs", [(SEED_STYLE_V1, 32, 4), (SPACY3_V2, 24, 1), (SPACY3_TOK2VEC, 40, 4)]
)
def test_spacy_config_resolves_and_runs(vocab, text, width, n_attrs):
    model = _resolve(text)
    docs = _docs(vocab)
    model.initialize(X=docs)
    assert model.get_dim("nO") == width
    Y = model.predict(docs)
    assert [y.shape for y in Y] == [(7, width), (0, width), (1, width)]
    assert all(y.dtype == numpy.float32 for y in Y)
    embed_layers = [node for node in model.walk() if node.name == "hash_embed_multi"]
    assert len(embed_layers) == 1 and embed_layers[0].get_dim("nI") == n_attrs


def test_fastnlp_names_resolve_to_the_same_functions():
    for ours, theirs in [
        ("fastnlp.HashEmbedCNN.v1", "spacy.HashEmbedCNN.v2"),
        ("fastnlp.Tok2Vec.v1", "spacy.Tok2Vec.v2"),
        ("fastnlp.MultiHashEmbed.v1", "spacy.MultiHashEmbed.v2"),
        ("fastnlp.MaxoutWindowEncoder.v1", "spacy.MaxoutWindowEncoder.v2"),
    ]:
        assert registry.architectures.get(ours) is registry.architectures.get(theirs)


def test_v1_dropout_number_adds_dropout_layer():
    text = SEED_STYLE_V1.replace("dropout = null", "dropout = 0.2")

    def rates(model):
        return [n.attrs["dropout_rate"] for n in model.walk() if n.name == "dropout"]

    assert 0.2 in rates(_resolve(text))
    assert all(rate == 0.0 for rate in rates(_resolve(SEED_STYLE_V1)))


def test_config_with_unknown_parameter_fails():
    with pytest.raises(Exception):
        _resolve(SPACY3_V2 + "bogus = 3\n")


def test_hashembedcnn_row_sizes_follow_spacy():
    model = HashEmbedCNN(
        width=8, depth=1, embed_size=1001, window_size=1, maxout_pieces=3,
        subword_features=True, pretrained_vectors=None,
    )
    layer = next(node for node in model.walk() if node.name == "hash_embed_multi")
    assert layer.attrs["rows"] == [1001, 500, 500, 500]
    assert layer.attrs["seeds"] == [8, 9, 10, 11]


def test_multihashembed_mismatched_rows_raises():
    with pytest.raises(ValueError):
        MultiHashEmbed(width=8, attrs=["NORM", "SHAPE"], rows=[10], include_static_vectors=False)


def test_static_vectors_without_vectors_raises_clear_error(vocab):
    model = MultiHashEmbed(
        width=8, attrs=["NORM"], rows=[50], include_static_vectors=True
    )
    with pytest.raises(ValueError, match="include_static_vectors"):
        model.initialize(X=_docs(vocab))
        model.predict(_docs(vocab))


def test_empty_batches_forward_and_backward(vocab):
    model = _resolve(SPACY3_TOK2VEC)
    model.initialize(X=_docs(vocab))
    for batch in ([], [Doc(vocab, words=[])], [Doc(vocab, words=[]), Doc(vocab, words=[])]):
        Y, backprop = model.begin_update(batch)
        assert len(Y) == len(batch) and all(y.shape == (0, 40) for y in Y)
        backprop([numpy.zeros_like(y) for y in Y])


def test_same_seed_same_model(vocab):
    docs = _docs(vocab)
    outputs = []
    for seed in (0, 0, 1):
        fix_random_seed(seed)
        model = _resolve(SPACY3_TOK2VEC)
        model.initialize(X=docs)
        outputs.append(model.predict(docs)[0])
    assert (outputs[0] == outputs[1]).all()
    assert not numpy.allclose(outputs[0], outputs[2])


def test_context_reaches_neighbours_through_encoder(vocab):
    """With window 1 and depth 2, token 0 sees token 2 but not token 4."""
    fix_random_seed(0)
    model = build_tok2vec_model(
        MultiHashEmbed(width=16, attrs=["NORM"], rows=[100], include_static_vectors=False),
        MaxoutWindowEncoder(width=16, window_size=1, maxout_pieces=2, depth=2),
    )
    base = ["a", "b", "c", "d", "e", "f"]
    model.initialize(X=[Doc(vocab, words=base)])
    y = model.predict([Doc(vocab, words=base)])[0]
    y2 = model.predict([Doc(vocab, words=["a", "b", "X", "d", "e", "f"])])[0]
    y4 = model.predict([Doc(vocab, words=["a", "b", "c", "d", "X", "f"])])[0]
    assert not numpy.allclose(y[0], y2[0])
    numpy.testing.assert_allclose(y[0], y4[0], rtol=1e-6)


def test_multihashembed_finite_difference_gradient(vocab):
    """Backprop through mix + LayerNorm into the table agrees with central differences."""
    fix_random_seed(3)
    model = MultiHashEmbed(width=6, attrs=["NORM", "SHAPE"], rows=[30, 10], include_static_vectors=False)
    docs = [Doc(vocab, words=["Some", "words", "here", "42"])]
    model.initialize(X=docs)
    G = numpy.random.RandomState(4).uniform(-1, 1, (4, 6)).astype("f")
    _, backprop = model.begin_update(docs)
    backprop([G])
    layer = next(node for node in model.walk() if node.name == "hash_embed_multi")
    grad, table = layer.get_grad("E"), layer.get_param("E")
    eps = 1e-3
    for r in numpy.argsort(-numpy.abs(grad).sum(axis=1))[:4]:
        for w in range(6):
            saved = table[r, w]
            table[r, w] = saved + eps
            plus = float((model.predict(docs)[0] * G).sum())
            table[r, w] = saved - eps
            minus = float((model.predict(docs)[0] * G).sum())
            table[r, w] = saved
            numeric = (plus - minus) / (2 * eps)
            assert abs(numeric - grad[r, w]) < 2e-2 + 5e-2 * abs(grad[r, w])


def test_uses_fused_kernel_not_thinc_hashembed():
    model = MultiHashEmbed(width=4, attrs=["NORM", "SHAPE"], rows=[10, 5], include_static_vectors=False)
    names = [node.name for node in model.walk()]
    assert "hashembed" not in names and names.count("hash_embed_multi") == 1
