"""Tok2Vec: one shared token-to-vector model whose output several components listen to."""
from thinc.api import Config, Model, set_dropout_rate

from ..errors import ListenerError  # noqa: F401  (importable from here, as before)
from ..factories import register_factory
from ..registry import register
from .trainable import TrainablePipe

LISTENER_NAME = "tok2vec_listener"

DEFAULT_TOK2VEC_MODEL = Config().from_str("""
[model]
@architectures = "fastnlp.HashEmbedCNN.v1"
pretrained_vectors = null
width = 96
depth = 4
embed_size = 2000
window_size = 1
maxout_pieces = 3
subword_features = true
""")["model"]


@register_factory("tok2vec", default_config={"model": DEFAULT_TOK2VEC_MODEL},
                  files=TrainablePipe.FILES, assigns=["doc.tensor"])
def make_tok2vec(nlp, name, model):
    return Tok2Vec(nlp.vocab, model, name)


@register("architectures", "fastnlp.Tok2VecListener.v1", "spacy.Tok2VecListener.v1")
def build_tok2vec_listener(width: int, upstream: str = "*"):
    """A layer that returns the vectors an upstream Tok2Vec component computed.

    In training it returns the batch the upstream component sent and passes gradients
    back to it; in prediction it reads `doc.tensor`.
    """
    return Model(LISTENER_NAME, _listener_forward, dims={"nO": width},
                 attrs={"upstream_name": upstream, "batch": None})


def _listener_forward(model, docs, is_train):
    batch = model.attrs["batch"]
    upstream = model.attrs["upstream_name"]
    upstream = "its tok2vec component" if upstream == "*" else f"'{upstream}'"
    if is_train and batch is not None:
        return batch.select(docs, upstream)
    if is_train:
        # The upstream component ran no update on this batch (frozen or excluded): its
        # vectors can only come from the docs, which it annotated if it is annotating.
        for doc in docs:
            if doc.tensor is None or (len(doc) and doc.tensor.size == 0):
                raise ListenerError(
                    f"a listener of {upstream} has no vectors to train on: that component "
                    "is not updated in this step (frozen or excluded); add it to [training] "
                    "annotating_components so it annotates the docs first")
        outputs = [doc.tensor for doc in docs]
    else:
        # Docs the upstream component has not seen (while shapes are inferred at
        # initialization) get zeros of the right shape.
        width = model.get_dim("nO")
        outputs = [doc.tensor if doc.tensor is not None else model.ops.alloc2f(len(doc), width)
                   for doc in docs]

    def backprop_nothing(d_outputs):
        return []

    return outputs, backprop_nothing


class _UpstreamBatch:
    """The vectors an upstream Tok2Vec computed for one batch, handed to its listeners;
    a listener may take any subset of the batch's docs (components skip empty docs)."""

    def __init__(self, docs, outputs, accumulate):
        self.rows = {id(doc): i for i, doc in enumerate(docs)}
        self.outputs = outputs
        self.accumulate = accumulate

    def select(self, docs, upstream_name):
        try:
            rows = [self.rows[id(doc)] for doc in docs]
        except KeyError:
            raise ListenerError(f"a listener of {upstream_name} was given docs that "
                                "component did not embed in this update") from None
        outputs = [self.outputs[i] for i in rows]

        def backprop(d_outputs):
            self.accumulate(rows, d_outputs)
            return []

        return outputs, backprop


def find_listeners(model):
    return [node for node in model.walk() if node.name == LISTENER_NAME]


class Tok2Vec(TrainablePipe):
    """Embeds tokens once per batch; listeners in later components reuse the result."""

    def __init__(self, vocab, model, name="tok2vec"):
        super().__init__(vocab, model, name)
        self.listeners = []
        self._pending = None

    def add_listener(self, listener):
        if listener not in self.listeners:
            self.listeners.append(listener)

    def connect_listeners(self, nlp):
        """Find the listener layers downstream components hold that point at us."""
        self.listeners = []
        for name, component in nlp.components:
            model = getattr(component, "model", None)
            if component is self or model is None:
                continue
            for listener in find_listeners(model):
                if listener.attrs["upstream_name"] in ("*", self.name):
                    self.add_listener(listener)

    def predict(self, docs):
        if not docs:
            return []
        return self.model.predict(docs)

    def set_annotations(self, docs, tokvecs):
        for doc, vectors in zip(docs, tokvecs):
            doc.tensor = vectors

    def get_loss(self, examples, scores):
        return 0.0, None

    def initialize(self, get_examples, *, nlp=None, labels=None):
        sample = [eg.predicted for eg in _take(get_examples(), 10)]
        self.model.initialize(X=sample or None)
        if nlp is not None:
            self.connect_listeners(nlp)

    def update(self, examples, *, drop=0.0, sgd=None, losses=None):
        """Embed the batch and hand the vectors to every listener for its own update."""
        if losses is None:
            losses = {}
        losses.setdefault(self.name, 0.0)
        docs = [eg.predicted for eg in examples]
        if not docs:
            return losses
        set_dropout_rate(self.model, drop)
        tokvecs, backprop = self.model.begin_update(docs)
        d_tokvecs = [self.model.ops.alloc2f(*t.shape) for t in tokvecs]

        def accumulate(rows, d_outputs):
            for row, d in zip(rows, d_outputs):
                d_tokvecs[row] += d
                losses[self.name] += float((d ** 2).sum())

        self._pending = (backprop, d_tokvecs)
        batch = _UpstreamBatch(docs, tokvecs, accumulate)
        for listener in self.listeners:
            listener.attrs["batch"] = batch
        self.set_annotations(docs, tokvecs)
        return losses

    def backprop_listeners(self):
        """Backpropagate what the listeners accumulated through our model."""
        if self._pending is None:
            return
        backprop, d_tokvecs = self._pending
        self._pending = None
        for listener in self.listeners:
            listener.attrs["batch"] = None
        backprop(d_tokvecs)


def _take(items, n):
    out = []
    for item in items:
        out.append(item)
        if len(out) >= n:
            break
    return out
