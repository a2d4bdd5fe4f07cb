"""Tagger: predicts one fine-grained tag per token (and its POS through the tag map)."""
import numpy
from thinc.api import Config, SequenceCategoricalCrossentropy, Softmax_v2, chain, with_array

from .. import attrs
from ..factories import register_factory
from ..registry import register, registry
from ..scorer import Scorer
from ..symbols import SYMBOL_IDS
from .tok2vec import DEFAULT_TOK2VEC_MODEL
from .trainable import TrainablePipe

DEFAULT_TAGGER_MODEL = Config().from_str("""
[model]
@architectures = "fastnlp.Tagger.v1"
nO = null
normalize = false
""")["model"]
DEFAULT_TAGGER_MODEL["tok2vec"] = DEFAULT_TOK2VEC_MODEL


@register("architectures", "fastnlp.Tagger.v1", "spacy.Tagger.v1", "spacy.Tagger.v2")
def build_tagger_model(tok2vec, nO=None, normalize: bool = False):
    """tok2vec, then a softmax over the tags for every token."""
    # The input width is known from tok2vec, so the tagger can be initialized without
    # sample docs (labels added with add_label, then begin_training()).
    width = tok2vec.get_dim("nO") if tok2vec.has_dim("nO") else None
    output = Softmax_v2(nO, width, normalize_outputs=normalize)
    model = chain(tok2vec, with_array(output))
    model.set_ref("tok2vec", tok2vec)
    model.set_ref("output_layer", output)
    return model


@registry.scorers("fastnlp.tagger_scorer.v1")
def make_tagger_scorer():
    def score(examples, **kwargs):
        return {**Scorer.score_token_attr(examples, "tag", **kwargs),
                **Scorer.score_token_attr(examples, "pos", **kwargs)}
    return score


registry.scorers.register("spacy.tagger_scorer.v1", func=make_tagger_scorer)


@register_factory(
    "tagger",
    default_config={"model": DEFAULT_TAGGER_MODEL, "overwrite": False,
                    "scorer": {"@scorers": "fastnlp.tagger_scorer.v1"}, "neg_prefix": "!",
                    "label_smoothing": 0.0},
    default_score_weights={"tag_acc": 1.0, "pos_acc": 0.0},
    files=TrainablePipe.FILES,
    assigns=["token.tag"],
)
def make_tagger(nlp, name, model, overwrite: bool, scorer, neg_prefix: str,
                label_smoothing: float):
    return Tagger(nlp.vocab, model, name, overwrite=overwrite, scorer=scorer,
                  neg_prefix=neg_prefix, label_smoothing=label_smoothing)


class Tagger(TrainablePipe):
    """Softmax tagger with label smoothing; fills token.tag_ and, via vocab.tag_map, pos_."""

    def __init__(self, vocab, model, name="tagger", *, overwrite=False, scorer=None,
                 neg_prefix="!", label_smoothing=0.0):
        super().__init__(vocab, model, name, scorer=scorer, overwrite=overwrite,
                         neg_prefix=neg_prefix, label_smoothing=label_smoothing)

    def predict(self, docs):
        if not docs:
            return []
        return self.model.predict(docs)

    def set_annotations(self, docs, scores):
        labels = self.cfg["labels"]
        strings = self.vocab.strings
        tag_ids = numpy.asarray([strings.add(label) for label in labels], dtype="uint64")
        pos_ids = self._pos_of_labels(labels)
        for doc, doc_scores in zip(docs, scores):
            if len(doc) == 0:
                continue
            guesses = self.model.ops.to_numpy(doc_scores).argmax(axis=1)
            columns = [attrs.TAG]
            values = [tag_ids[guesses]]
            if not self.cfg["overwrite"]:
                existing = doc.to_array([attrs.TAG])[:, 0]
                values[0] = numpy.where(existing != 0, existing, values[0])
            if pos_ids is not None:
                columns.append(attrs.POS)
                values.append(pos_ids[guesses])
            doc.from_array(columns, numpy.stack(values, axis=1))

    def _pos_of_labels(self, labels):
        tag_map = getattr(self.vocab, "tag_map", None)
        if not tag_map:
            return None
        pos = [SYMBOL_IDS.get(tag_map.get(label, {}).get("pos", ""), 0) for label in labels]
        return numpy.asarray(pos, dtype="uint64")

    def get_loss(self, examples, scores):
        loss_func = SequenceCategoricalCrossentropy(
            names=self.labels, normalize=False, neg_prefix=self.cfg["neg_prefix"],
            label_smoothing=self.cfg["label_smoothing"])
        # Gold tags outside the label set (labels given in [initialize]) count as missing.
        known = set(self.labels)
        truths = [[tag if tag in known else None for tag in eg.get_aligned("TAG", as_string=True)]
                  for eg in examples]
        d_scores, loss = loss_func(scores, truths)
        if self.model.ops.xp.isnan(loss):
            raise ValueError(f"{self.name}: the loss is NaN; lower the learning rate")
        return float(loss), d_scores

    def initialize(self, get_examples, *, nlp=None, labels=None):
        if labels is not None:
            for label in labels:
                self.add_label(label)
        else:
            for example in get_examples():
                for token in example.reference:
                    if token.tag_:
                        self.add_label(token.tag_)
        if not self.labels:
            raise ValueError(f"{self.name}: no labels. Pass examples with 'tags' to "
                             f"nlp.initialize(get_examples), or call "
                             f"nlp.get_pipe({self.name!r}).add_label(tag) for each tag first")
        self.cfg["labels"] = sorted(self.cfg["labels"])
        self._rebuild_output_layer()
        sample_docs = []
        sample_truths = []
        for example in get_examples():
            sample_docs.append(example.predicted)
            gold = example.get_aligned("TAG", as_string=True)
            sample_truths.append(self._one_hot(gold))
            if len(sample_docs) >= 10:
                break
        self.model.initialize(X=sample_docs or None, Y=sample_truths or None)

    def _one_hot(self, tags):
        index = {label: i for i, label in enumerate(self.labels)}
        out = numpy.zeros((len(tags), len(self.labels)), dtype="float32")
        for i, tag in enumerate(tags):
            if tag in index:
                out[i, index[tag]] = 1.0
        return out

    def _n_outputs(self):
        return len(self.labels)

    def _rebuild_output_layer(self):
        output = self.model.get_ref("output_layer")
        if self.labels and not output.has_dim("nO"):
            output.set_dim("nO", len(self.labels))
