"""TrainablePipe: the contract every statistical pipeline component follows."""
from abc import ABC, abstractmethod
from pathlib import Path

import srsly
from thinc.api import set_dropout_rate

from ..errors import FormatError


class TrainablePipe(ABC):
    """A component that owns a Thinc model, predicts over batches and learns from Examples.

    Subclasses implement predict, set_annotations and initialize; the batching,
    serialization and an update step (for subclasses that define
    `get_loss(examples, scores) -> (loss, d_scores)`) are shared.
    """

    is_trainable = True
    # What to_disk writes into the component's folder, for the loading checks.
    FILES = {"cfg": "json", "model": "msgpack"}

    def __init__(self, vocab, model, name, *, scorer=None, **cfg):
        self.vocab = vocab
        self.model = model
        self.name = name
        self.scorer = scorer
        self.cfg = dict(cfg)
        self.cfg.setdefault("labels", [])

    def __repr__(self):
        return f"<{type(self).__name__} {self.name!r}>"

    @property
    def labels(self):
        return tuple(self.cfg["labels"])

    def add_label(self, label):
        """Add a label before initialize; returns 1 if it was new, else 0."""
        if not isinstance(label, str):
            raise ValueError(f"{self.name}: labels must be strings, got {label!r}")
        if label in self.cfg["labels"]:
            return 0
        self.cfg["labels"].append(label)
        self.vocab.strings.add(label)
        return 1

    def __call__(self, doc):
        scores = self.predict([doc])
        self.set_annotations([doc], scores)
        return doc

    def pipe(self, docs, *, batch_size=128):
        batch = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._annotate(batch)
                batch = []
        if batch:
            yield from self._annotate(batch)

    def _annotate(self, docs):
        self.set_annotations(docs, self.predict(docs))
        return docs

    @abstractmethod
    def predict(self, docs):
        """Scores for a batch of docs, without changing them."""

    @abstractmethod
    def set_annotations(self, docs, scores):
        """Write predictions into the docs."""

    @abstractmethod
    def initialize(self, get_examples, *, nlp=None, labels=None):
        """Collect labels from the examples and set up the model's weights."""

    def update(self, examples, *, drop=0.0, sgd=None, losses=None):
        """One forward/backward pass over the predicted docs of the examples."""
        if losses is None:
            losses = {}
        losses.setdefault(self.name, 0.0)
        examples = list(examples)
        if not examples:
            return losses
        set_dropout_rate(self.model, drop)
        scores, backprop = self.model.begin_update([eg.predicted for eg in examples])
        loss, d_scores = self.get_loss(examples, scores)
        backprop(d_scores)
        if sgd not in (None, False):
            self.finish_update(sgd)
        losses[self.name] += float(loss)
        return losses

    def finish_update(self, sgd):
        self.model.finish_update(sgd)

    def score(self, examples, **kwargs):
        """The scorer's results; cfg (threshold, spans_key, ...) and the labels are its
        defaults, which kwargs override, as spaCy passes them."""
        if self.scorer is None:
            return {}
        return self.scorer(examples, **{**self.cfg, "labels": self.labels, **kwargs})

    # Serialization ----------------------------------------------------------------

    def to_bytes(self, *, exclude=()):
        return srsly.msgpack_dumps({"cfg": self.cfg, "model": self.model.to_bytes()})

    def from_bytes(self, data, *, exclude=()):
        msg = srsly.msgpack_loads(data)
        self.cfg.update(msg["cfg"])
        self._rebuild_output_layer()
        self.model.from_bytes(msg["model"])
        self._check_loaded(f"{self.name} bytes", f"{self.name} bytes")
        return self

    def to_disk(self, path, *, exclude=()):
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "cfg", self.cfg)
        self.model.to_disk(path / "model")

    def from_disk(self, path, *, exclude=()):
        path = Path(path)
        self.cfg.update(srsly.read_json(path / "cfg"))
        self._rebuild_output_layer()
        self.model.from_disk(path / "model")
        self._check_loaded(path / "cfg", path / "model")
        return self

    def _rebuild_output_layer(self):
        """Give the model the dimensions the saved labels imply, before loading weights."""

    # The model's reference to the layer whose width is the number of outputs.
    OUTPUT_REF = "output_layer"

    def _n_outputs(self):
        """The scores per item the model must give for the cfg's labels (None: unchecked)."""
        return None

    def _cfg_labels_ok(self):
        return isinstance(self.cfg.get("labels"), (list, tuple))

    def _check_loaded(self, cfg_where, model_where):
        """A FormatError naming the cfg or the model file if the loaded weights are not
        of their layers' shapes, or the cfg's labels do not fit the model."""
        if not self._cfg_labels_ok():
            raise FormatError(f"{self.name}: cfg has no list of labels", cfg_where)
        _check_weight_shapes(self.model, self.name, model_where)
        expected = self._n_outputs()
        if expected is None or not self.model.has_ref(self.OUTPUT_REF):
            return
        output = self.model.get_ref(self.OUTPUT_REF)
        if output.has_dim("nO") and output.get_dim("nO") != expected:
            raise FormatError(f"{self.name}: the model gives {output.get_dim('nO')} scores "
                              f"per item, but cfg's labels need {expected}", cfg_where)


# The shape each parameter of these layers has, in terms of the layer's dims (a tuple of
# dim names is their product: sparse_linear keeps all outputs' rows in one flat array).
PARAM_SHAPES = {
    "maxout": {"W": ("nO", "nP", "nI"), "b": ("nO", "nP")},
    "linear": {"W": ("nO", "nI"), "b": ("nO",)},
    "softmax": {"W": ("nO", "nI"), "b": ("nO",)},
    "layernorm": {"G": ("nI",), "b": ("nI",)},
    "hash_embed_multi": {"E": ("nV", "nW")},
    "sparse_linear": {"W": (("nO", "length"),), "b": ("nO",)},
}


def has_weights(model):
    """Whether any layer of `model` has allocated parameters (it was initialized)."""
    return any(node.has_param(name) for node in model.walk() for name in node.param_names)


def _check_weight_shapes(model, name, where):
    """A FormatError naming `where` if a loaded layer's weights do not have the shape its
    (loaded) dimensions give: the layer would fail, or compute garbage, at first use."""
    for node in model.walk():
        allocated = [param for param in node.param_names if node.has_param(param)]
        if allocated and len(allocated) < len(node.param_names):
            missing = sorted(set(node.param_names) - set(allocated))
            raise FormatError(f"{name}: layer {node.name!r} has weights for "
                              f"{', '.join(allocated)} but none for {', '.join(missing)}",
                              where)
        for param, dims in PARAM_SHAPES.get(node.name, {}).items():
            names = [d for dim in dims for d in (dim if isinstance(dim, tuple) else (dim,))]
            if not node.has_param(param) or not all(node.has_dim(d) for d in names):
                continue
            expected = tuple(_dim_size(node, dim) for dim in dims)
            actual = tuple(node.get_param(param).shape)
            if actual != expected:
                raise FormatError(f"{name}: layer {node.name!r} has {param} of shape "
                                  f"{actual}, but its dimensions give {expected}", where)


def _dim_size(node, dim):
    if isinstance(dim, tuple):
        size = 1
        for part in dim:
            size *= node.get_dim(part)
        return size
    return node.get_dim(dim)
