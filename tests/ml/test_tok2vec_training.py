"""A tok2vec + softmax learns a toy per-token label: the gradients are usable."""
import numpy
import pytest
from thinc.api import Adam, Softmax, chain, fix_random_seed, glorot_uniform_init, with_array

from fastnlp.ml import HashEmbedCNN
from fastnlp.tokens import Doc

N_CLASSES = 3
CHANCE_PLUS_MARGIN = 0.9  # chance is about 1/3; a wrong embedding gradient stays far below


def _toy_data(vocab, n_docs=40, seed=0):
    rs = numpy.random.RandomState(seed)
    words = [f"w{i}x{'y' * (i % 3)}" for i in range(30)]
    label_of = {w: rs.randint(N_CLASSES) for w in words}
    docs, labels = [], []
    for _ in range(n_docs):
        sent = [words[i] for i in rs.randint(len(words), size=rs.randint(1, 9))]
        docs.append(Doc(vocab, words=sent))
        labels.append(numpy.eye(N_CLASSES, dtype="f")[[label_of[w] for w in sent]])
    return docs, labels


def _tagger():
    tok2vec = HashEmbedCNN(
        width=32, depth=2, embed_size=500, window_size=1, maxout_pieces=3,
        subword_features=True, pretrained_vectors=None,
    )
    # A random (not zero) softmax init, so gradients reach the embeddings from step one.
    return chain(tok2vec, with_array(Softmax(N_CLASSES, 32, init_W=glorot_uniform_init)))


def _accuracy(model, docs, labels):
    guesses = model.predict(docs)
    right = sum(int((g.argmax(1) == y.argmax(1)).sum()) for g, y in zip(guesses, labels))
    return right / sum(len(y) for y in labels)


def _train(model, docs, labels, n_steps, update_nodes):
    optimizer = Adam(0.01)
    losses = []
    for _ in range(n_steps):
        guesses, backprop = model.begin_update(docs)
        d_guesses = [g - y for g, y in zip(guesses, labels)]
        losses.append(sum(float(-(y * numpy.log(g + 1e-8)).sum()) for g, y in zip(guesses, labels)))
        backprop(d_guesses)
        for node in update_nodes(model):
            node.finish_update(optimizer)
    return losses


@pytest.mark.parametrize("only_embeddings", [False, True])
def test_tok2vec_softmax_learns_toy_labels(vocab, only_embeddings):
    """only_embeddings: the rest of the net stays at its random init, so only a correct
    gradient through the hash-embed kernel can fit the labels."""
    fix_random_seed(0)
    docs, labels = _toy_data(vocab)
    model = _tagger()
    model.initialize(X=docs[:5], Y=labels[:5])
    if only_embeddings:
        def update_nodes(m):
            return [n for n in m.walk() if n.name == "hash_embed_multi"]
    else:
        def update_nodes(m):
            return [m]
    before = _accuracy(model, docs, labels)
    losses = _train(model, docs, labels, n_steps=60, update_nodes=update_nodes)
    assert losses[-1] < 0.3 * losses[0]
    assert _accuracy(model, docs, labels) > max(CHANCE_PLUS_MARGIN, before)


def test_training_with_empty_docs_in_batch(vocab):
    fix_random_seed(1)
    docs, labels = _toy_data(vocab, n_docs=6)
    docs.append(Doc(vocab, words=[]))
    labels.append(numpy.zeros((0, N_CLASSES), dtype="f"))
    model = _tagger()
    model.initialize(X=docs, Y=labels)
    losses = _train(model, docs, labels, n_steps=5, update_nodes=lambda m: [m])
    assert all(numpy.isfinite(losses)) and losses[-1] < losses[0]
