"""Tiny parser/NER pipelines and data for the transition component tests (not collected)."""
from thinc.api import fix_random_seed

import fastnlp
from fastnlp.training.example import Example

# Gold parses: (text, heads, deps); heads absolute, a root is its own head.
PARSES = [
    ("I like green eggs", [1, 1, 3, 1], ["nsubj", "ROOT", "amod", "dobj"]),
    ("Eat blue ham", [0, 2, 0], ["ROOT", "amod", "dobj"]),
    ("She ate the pizza quickly", [1, 1, 3, 1, 1], ["nsubj", "ROOT", "det", "dobj", "advmod"]),
    ("The dog saw a cat", [1, 2, 2, 4, 2], ["det", "nsubj", "ROOT", "det", "dobj"]),
    ("They sleep", [1, 1], ["nsubj", "ROOT"]),
]
# Entities as (text, [(start_char, end_char, label)]).
ENTITIES = [
    ("Anna lives in Berlin", [(0, 4, "PER"), (14, 20, "LOC")]),
    ("Berlin is big", [(0, 6, "LOC")]),
    ("I met Anna Smith in Paris today", [(6, 16, "PER"), (20, 25, "LOC")]),
    ("Nothing here", []),
    ("Paris and Berlin", [(0, 5, "LOC"), (10, 16, "LOC")]),
]


def small_tok2vec(width=32):
    return {"@architectures": "fastnlp.HashEmbedCNN.v1", "pretrained_vectors": None,
            "width": width, "depth": 2, "embed_size": 500, "window_size": 1,
            "maxout_pieces": 2, "subword_features": True}


def small_model(state_type="parser", *, hidden=32, pieces=2, use_upper=True, extra=False):
    """A TransitionBasedParser config small enough for a test to train in seconds."""
    return {"@architectures": "fastnlp.TransitionBasedParser.v1", "state_type": state_type,
            "extra_state_tokens": extra, "hidden_width": hidden, "maxout_pieces": pieces,
            "use_upper": use_upper, "nO": None, "tok2vec": small_tok2vec()}


def make_nlp(name="parser", seed=0, **model_kwargs):
    """A blank English pipeline with one small parser ("parser") or NER ("ner")."""
    fix_random_seed(seed)
    nlp = fastnlp.blank("en")
    config = {"model": small_model("parser" if name == "parser" else "ner", **model_kwargs)}
    if name == "parser":
        config["min_action_freq"] = 1
    nlp.add_pipe(name, config=config)
    return nlp


def parse_examples(nlp, parses=PARSES):
    return [Example.from_dict(nlp.make_doc(text), {"heads": heads, "deps": deps})
            for text, heads, deps in parses]


def ner_examples(nlp, data=ENTITIES):
    return [Example.from_dict(nlp.make_doc(text), {"entities": ents}) for text, ents in data]


def train(nlp, examples, n_iter, *, drop=0.0):
    """Initialize on the examples and update n_iter times on all of them; returns the
    optimizer and the last losses."""
    optimizer = nlp.initialize(lambda: examples)
    losses = {}
    for _ in range(n_iter):
        losses = {}
        nlp.update(examples, sgd=optimizer, drop=drop, losses=losses)
    return optimizer, losses


def heads_and_deps(doc):
    return [t.head.i for t in doc], [t.dep_ for t in doc]
