"""Senter: sentence boundaries as a two-label tagger ("S" starts a sentence, "I" does not).

Usable without a parser (en_core_web_sm ships it disabled, to be enabled when the
parser is not run). Its labels are fixed; the model is spaCy's Tagger over a small
tok2vec of its own by default.
"""
import numpy
from thinc.api import Config, SequenceCategoricalCrossentropy

from .. import attrs
from ..factories import register_factory
from ..registry import registry
from ..scorer import Scorer
from .tagger import Tagger
from .trainable import TrainablePipe

SENTER_LABELS = ("I", "S")
DEFAULT_SENTER_MODEL = Config().from_str("""
[model]
@architectures = "fastnlp.Tagger.v1"
nO = null

[model.tok2vec]
@architectures = "fastnlp.HashEmbedCNN.v1"
pretrained_vectors = null
width = 12
depth = 1
embed_size = 2000
window_size = 1
maxout_pieces = 2
subword_features = true
""")["model"]


@registry.scorers("fastnlp.senter_scorer.v1")
def make_senter_scorer():
    return Scorer.score_sents


registry.scorers.register("spacy.senter_scorer.v1", func=make_senter_scorer)


@register_factory(
    "senter",
    default_config={"model": DEFAULT_SENTER_MODEL, "overwrite": False,
                    "scorer": {"@scorers": "spacy.senter_scorer.v1"}},
    default_score_weights={"sents_f": 1.0, "sents_p": 0.0, "sents_r": 0.0},
    files=TrainablePipe.FILES,
    assigns=["token.is_sent_start"],
)
def make_senter(nlp, name, model, overwrite: bool, scorer):
    return SentenceRecognizer(nlp.vocab, model, name, overwrite=overwrite, scorer=scorer)


class SentenceRecognizer(Tagger):
    """Sets token.is_sent_start on every token (where none is set yet, unless overwrite)."""

    def __init__(self, vocab, model, name="senter", *, overwrite=False, scorer=None):
        TrainablePipe.__init__(self, vocab, model, name, scorer=scorer, overwrite=overwrite)
        self.cfg["labels"] = list(SENTER_LABELS)

    def add_label(self, label):
        raise ValueError(f"{self.name}: the senter's labels are fixed ({', '.join(SENTER_LABELS)})")

    def set_annotations(self, docs, scores):
        for doc, doc_scores in zip(docs, scores):
            if len(doc) == 0:
                continue
            is_start = self.model.ops.to_numpy(doc_scores).argmax(axis=1) == 1
            starts = numpy.where(is_start, 1, -1).astype("int64")
            if not self.cfg["overwrite"]:
                existing = doc.to_array([attrs.SENT_START])[:, 0].view("int64")
                starts = numpy.where(existing != 0, existing, starts)
            doc.from_array([attrs.SENT_START], starts.view("uint64").reshape(-1, 1))

    def get_loss(self, examples, scores):
        loss_func = SequenceCategoricalCrossentropy(names=SENTER_LABELS, normalize=False)
        truths = [[None if start is None else ("S" if start else "I")
                   for start in eg.get_aligned_sent_start_values()] for eg in examples]
        d_scores, loss = loss_func(scores, truths)
        if self.model.ops.xp.isnan(loss):
            raise ValueError(f"{self.name}: the loss is NaN; lower the learning rate")
        return float(loss), d_scores

    def initialize(self, get_examples, *, nlp=None, labels=None):
        self.cfg["labels"] = list(SENTER_LABELS)
        self._rebuild_output_layer()
        sample_docs, sample_truths = [], []
        for example in get_examples():
            sample_docs.append(example.predicted)
            starts = example.get_aligned_sent_start_values()
            one_hot = numpy.zeros((len(starts), 2), dtype="float32")
            for i, start in enumerate(starts):
                if start is not None:
                    one_hot[i, int(bool(start))] = 1.0
            sample_truths.append(one_hot)
            if len(sample_docs) >= 10:
                break
        self.model.initialize(X=sample_docs or None, Y=sample_truths or None)
