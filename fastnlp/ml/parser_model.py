"""TransitionBasedParser: tok2vec, a precomputed lower layer over feature slots, an upper layer.

For a batch of docs, `model.begin_update(docs)` (or `model.predict(docs)`) returns a
`ParserBatch`: the tokens' vectors projected to the hidden width and, for every token and
feature slot, its contribution to the lower layer (`table_tfhp`, tokens x slots x hidden x
pieces), computed with one GEMM. The transition loop then only sums the slots of each
state's feature tokens, takes the maxout and scores the moves with the upper layer
(`fastnlp/ml/parser_kernels.pyx`). Training accumulates gradients into the ParserBatch;
its backprop turns them into gradients of the weights and of tok2vec with two GEMMs.
"""
from typing import List, Optional

import numpy
from thinc.api import Linear, Model, chain, list2array, zero_init
from thinc.types import Floats2d

from ..pipeline.transition.features import template_set, template_set_of_size
from ..registry import register


@register("architectures", "fastnlp.TransitionBasedParser.v1",
          "spacy.TransitionBasedParser.v2")
def build_transition_parser(tok2vec: Model, state_type: str, extra_state_tokens: bool,
                            hidden_width: int, maxout_pieces: int, use_upper: bool = True,
                            nO: Optional[int] = None) -> Model:
    """The parser/NER model; state_type ("parser" or "ner") and extra_state_tokens pick
    the feature templates (features.TemplateSet), whose number is the model's nF."""
    templates = template_set(state_type, extra_state_tokens)
    return _build(tok2vec, templates.n_slots, hidden_width, maxout_pieces, use_upper, nO,
                  state_type)


@register("architectures", "spacy.TransitionBasedParser.v1")
def build_transition_parser_v1(tok2vec: Model, nr_feature_tokens: int, hidden_width: int,
                               maxout_pieces: int, use_upper: bool = True,
                               nO: Optional[int] = None) -> Model:
    """The v1 signature: the number of feature tokens (the size of a template set)
    instead of the state type."""
    templates = template_set_of_size(nr_feature_tokens)
    return _build(tok2vec, templates.n_slots, hidden_width, maxout_pieces, use_upper, nO,
                  templates.state_type)


def _build(tok2vec, n_slots, hidden_width, maxout_pieces, use_upper, nO, state_type):
    t2v_width = tok2vec.get_dim("nO") if tok2vec.has_dim("nO") else None
    project = chain(tok2vec, list2array(), Linear(hidden_width, t2v_width))
    project.set_ref("tok2vec", tok2vec)
    lower_width = hidden_width if use_upper else nO
    lower = _lower_layer(n_slots, hidden_width, lower_width, maxout_pieces)
    layers = [project, lower]
    if use_upper:
        upper = Linear(nO, hidden_width, init_W=zero_init)
        layers.append(upper)
    model = Model(
        "transition_parser",
        _forward,
        init=_init,
        layers=layers,
        dims={"nO": nO, "nF": n_slots, "nH": hidden_width, "nP": maxout_pieces},
        attrs={"use_upper": use_upper, "state_type": state_type},
    )
    model.set_ref("tok2vec", tok2vec)
    model.set_ref("project", project)
    model.set_ref("lower", lower)
    if use_upper:
        model.set_ref("upper", layers[2])
    return model


def _lower_layer(n_slots, nI, nH, nP):
    """Weights W (nI, F, H, P), bias b (H, P) and per-slot padding pad (F, H, P)."""
    return Model("parser_lower", _unused_forward, init=_init_lower,
                 dims={"nI": nI, "nF": n_slots, "nO": nH, "nP": nP},
                 params={"W": None, "b": None, "pad": None})


def _unused_forward(model, X, is_train):
    raise TypeError("parser_lower is applied by the TransitionBasedParser's kernels; "
                    "call the parser model, not its lower layer")


# Layer-sequential unit-variance init (Mishkin & Matas 2016) of the lower layer, on
# random whitened token vectors: LSUV_SAMPLES states of random tokens, at most
# LSUV_ROUNDS rescalings, until the maxout outputs have variance and mean within
# LSUV_TOLERANCE of 1 and 0.
LSUV_SAMPLES = 5000
LSUV_ROUNDS = 10
LSUV_TOLERANCE = 0.01


def _init_lower(model, X=None, Y=None):
    """W normal, then rescaled (and the bias shifted) so that whitened inputs give
    whitened maxout outputs; the padding vectors are standard normal."""
    nI, nF, nO, nP = (model.get_dim(d) for d in ("nI", "nF", "nO", "nP"))
    W = numpy.random.normal(0.0, numpy.sqrt(1.0 / (nF * nI)), (nI, nF, nO, nP))
    b = numpy.zeros((nO, nP))
    tokvecs = numpy.random.normal(0.0, 1.0, (LSUV_SAMPLES, nI))
    rows = numpy.random.randint(0, LSUV_SAMPLES, (LSUV_SAMPLES, nF))
    for _ in range(LSUV_ROUNDS):
        acts = lower_outputs(tokvecs, rows, W, b)
        var, mean = acts.var(), acts.mean()
        if abs(var - 1.0) >= LSUV_TOLERANCE:
            W /= numpy.sqrt(var)
        elif abs(mean) >= LSUV_TOLERANCE:
            b -= mean
        else:
            break
    ops = model.ops
    model.set_param("W", ops.asarray4f(W.astype("float32")))
    model.set_param("b", ops.asarray2f(b.astype("float32")))
    model.set_param("pad", ops.asarray3f(
        numpy.random.normal(0.0, 1.0, (nF, nO, nP)).astype("float32")))


def lower_outputs(tokvecs_ti, rows_sf, W_ifhp, b_hp):
    """Maxout outputs (S, H) of the lower layer for states whose feature slots hold the
    token rows rows_sf (numpy; no padding). One slot at a time, so no tokens x slots x
    hidden x pieces table is held."""
    nI, nF, nO, nP = W_ifhp.shape
    hidden = numpy.repeat(b_hp.reshape(1, nO * nP), len(rows_sf), axis=0)
    for f in range(nF):
        hidden += tokvecs_ti[rows_sf[:, f]] @ W_ifhp[:, f].reshape(nI, nO * nP)
    return hidden.reshape(-1, nO, nP).max(axis=-1)


def _init(model, X=None, Y=None):
    """Initialize the layers; nO (number of moves) must be set by the component first."""
    if not model.has_dim("nO"):
        raise ValueError("TransitionBasedParser: nO (the number of moves) is unset; the "
                         "parser component sets it from its labels at initialize")
    project = model.get_ref("project")
    project.initialize(X=X)
    lower = model.get_ref("lower")
    if not model.attrs["use_upper"]:
        lower.set_dim("nO", model.get_dim("nO"))
    lower.initialize()
    if model.attrs["use_upper"]:
        upper = model.get_ref("upper")
        upper.set_dim("nO", model.get_dim("nO"))
        upper.initialize()


class ParserBatch:
    """The per-batch precomputation the transition loop reads, and its gradients.

    tokvecs_ti: projected token vectors of all docs, concatenated (T x nI).
    table_tfhp: lower-layer contribution per token and slot (T x F x H x P), flattened
        to (T, F*H*P). doc_starts: row of each doc's first token.
    """

    def __init__(self, model, docs, tokvecs_ti, backprop_tokvecs, is_train, window=None):
        self.model = model
        self.is_train = is_train
        self.docs = docs
        lower = model.get_ref("lower")
        self.nF, self.nH, self.nP = (lower.get_dim(d) for d in ("nF", "nO", "nP"))
        self.nO = model.get_dim("nO")
        self.use_upper = model.attrs["use_upper"]
        self.tokvecs_ti = model.ops.as_contig(tokvecs_ti)
        W = lower.get_param("W")
        n_in = W.shape[0]
        self._W_flat = W.reshape((n_in, -1))
        self.window = None
        if window is not None:
            self.set_rows(window)
        else:
            self.table_tfhp = model.ops.gemm(self.tokvecs_ti, self._W_flat) \
                if len(tokvecs_ti) else model.ops.alloc2f(0, self._W_flat.shape[1])
        self.bias_hp = lower.get_param("b").ravel()
        self.pad_fhp = lower.get_param("pad").reshape((self.nF, -1))
        lengths = numpy.asarray([len(doc) for doc in docs], dtype="int32")
        self.doc_starts = numpy.concatenate([[0], numpy.cumsum(lengths)[:-1]]).astype("int32") \
            if len(docs) else numpy.zeros((0,), dtype="int32")
        if self.use_upper:
            upper = model.get_ref("upper")
            self.upper_W = model.ops.as_contig(upper.get_param("W"))
            self.upper_b = model.ops.as_contig(upper.get_param("b"))
        self._backprop_tokvecs = backprop_tokvecs
        if is_train:
            self.d_table_tfhp = model.ops.alloc2f(*self.table_tfhp.shape)
            self.d_pad_fhp = model.ops.alloc2f(*self.pad_fhp.shape)
            self.d_bias_hp = model.ops.alloc1f(self.bias_hp.shape[0])
            if self.use_upper:
                self.d_upper_W = model.ops.alloc2f(*self.upper_W.shape)
                self.d_upper_b = model.ops.alloc1f(self.upper_b.shape[0])

    def set_rows(self, tokens):
        """Prediction over one long doc: table rows for these tokens only, in order
        (the decoder finds them through the state's row map)."""
        if self.is_train:
            raise ValueError("ParserBatch: windows are for prediction only")
        self.window = numpy.asarray(tokens, dtype="int32")
        self.table_tfhp = self.model.ops.gemm(self.tokvecs_ti[self.window], self._W_flat)

    def backprop(self):
        """Turn the accumulated gradients into weight and tok2vec gradients."""
        model = self.model
        lower = model.get_ref("lower")
        W = lower.get_param("W")
        if len(self.tokvecs_ti):
            d_W = model.ops.gemm(self.tokvecs_ti, self.d_table_tfhp, trans1=True)
            lower.inc_grad("W", d_W.reshape(W.shape))
            d_tokvecs = model.ops.gemm(self.d_table_tfhp, self._W_flat, trans2=True)
        else:
            d_tokvecs = model.ops.alloc2f(0, W.shape[0])
        lower.inc_grad("b", self.d_bias_hp.reshape(lower.get_param("b").shape))
        lower.inc_grad("pad", self.d_pad_fhp.reshape(lower.get_param("pad").shape))
        if self.use_upper:
            upper = model.get_ref("upper")
            upper.inc_grad("W", self.d_upper_W)
            upper.inc_grad("b", self.d_upper_b)
        self._backprop_tokvecs(d_tokvecs)


def predict_window(model, doc) -> ParserBatch:
    """A prediction ParserBatch over one doc with no table rows yet; `set_rows` gives
    it those of a window (see TransitionParser.predict)."""
    tokvecs = model.get_ref("project").predict([doc]) if len(doc) \
        else model.ops.alloc2f(0, model.get_ref("lower").get_dim("nI"))
    return ParserBatch(model, [doc], tokvecs, None, False, window=[])


def _forward(model, docs: List, is_train: bool):
    project = model.get_ref("project")
    docs = list(docs)
    if sum(len(doc) for doc in docs):
        tokvecs, backprop_tokvecs = project(docs, is_train)
    else:
        tokvecs = model.ops.alloc2f(0, model.get_ref("lower").get_dim("nI"))

        def backprop_tokvecs(d_tokvecs):
            return []

    batch = ParserBatch(model, docs, tokvecs, backprop_tokvecs, is_train)

    def backprop(_d_batch=None):
        batch.backprop()
        return []

    return batch, backprop
