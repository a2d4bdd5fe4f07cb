"""EntityRecognizer: named entities from the BILUO transition system."""
from thinc.api import Config

from ..factories import register_factory
from ..registry import registry
from ..scorer import DEFAULT_SCORERS
from .tok2vec import DEFAULT_TOK2VEC_MODEL
from .transition.biluo_moves import BiluoMoves
from .transition_parser import TransitionParser

DEFAULT_NER_MODEL = Config().from_str("""
[model]
@architectures = "fastnlp.TransitionBasedParser.v1"
state_type = "ner"
extra_state_tokens = false
hidden_width = 64
maxout_pieces = 2
use_upper = true
nO = null
""")["model"]
DEFAULT_NER_MODEL["tok2vec"] = DEFAULT_TOK2VEC_MODEL


@registry.scorers("fastnlp.ner_scorer.v1")
def make_ner_scorer():
    """Entity P/R/F overall and per label; gold entities the tokenization cannot express
    are left out."""
    return DEFAULT_SCORERS["ner"]


registry.scorers.register("spacy.ner_scorer.v1", func=make_ner_scorer)


@register_factory(
    "ner",
    default_config={"model": DEFAULT_NER_MODEL, "moves": None,
                    "update_with_oracle_cut_size": 100, "incorrect_spans_key": None,
                    "scorer": {"@scorers": "fastnlp.ner_scorer.v1"}},
    default_score_weights={"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None},
    files=TransitionParser.FILES,
    assigns=["doc.ents", "token.ent_iob", "token.ent_type"],
)
def make_ner(nlp, name, model, moves, update_with_oracle_cut_size: int, incorrect_spans_key,
             scorer):
    if moves is not None:
        raise ValueError(f"[components.{name}] moves: a custom transition system is not "
                         "supported; leave it null (BILUO)")
    if incorrect_spans_key is not None:
        raise ValueError(f"[components.{name}] incorrect_spans_key is not supported; leave "
                         "it null")
    return EntityRecognizer(nlp.vocab, model, name, scorer=scorer, min_action_freq=1,
                            update_with_oracle_cut_size=update_with_oracle_cut_size)


class EntityRecognizer(TransitionParser):
    """Predicts doc.ents (token.ent_iob_, token.ent_type_)."""

    system_class = BiluoMoves
