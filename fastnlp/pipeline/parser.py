"""DependencyParser: heads, labels and sentence boundaries from the arc-eager system."""
from thinc.api import Config

from ..factories import register_factory
from ..registry import registry
from ..scorer import DEFAULT_SCORERS
from .tok2vec import DEFAULT_TOK2VEC_MODEL
from .transition.arc_eager import ArcEager
from .transition_parser import TransitionParser

DEFAULT_PARSER_MODEL = Config().from_str("""
[model]
@architectures = "fastnlp.TransitionBasedParser.v1"
state_type = "parser"
extra_state_tokens = false
hidden_width = 128
maxout_pieces = 3
use_upper = true
nO = null
""")["model"]
DEFAULT_PARSER_MODEL["tok2vec"] = DEFAULT_TOK2VEC_MODEL


@registry.scorers("fastnlp.parser_scorer.v1")
def make_parser_scorer():
    """UAS/LAS as spaCy's parser scorer computes them (punctuation left out) and
    sentence boundaries."""
    return DEFAULT_SCORERS["parser"]


registry.scorers.register("spacy.parser_scorer.v1", func=make_parser_scorer)


@register_factory(
    "parser",
    default_config={"model": DEFAULT_PARSER_MODEL, "moves": None,
                    "update_with_oracle_cut_size": 100, "learn_tokens": False,
                    "min_action_freq": 30, "scorer": {"@scorers": "fastnlp.parser_scorer.v1"}},
    default_score_weights={"dep_uas": 0.5, "dep_las": 0.5, "dep_las_per_type": None,
                           "sents_p": None, "sents_r": None, "sents_f": 0.0},
    files=TransitionParser.FILES,
    assigns=["token.dep", "token.head", "token.is_sent_start", "doc.sents"],
)
def make_parser(nlp, name, model, moves, update_with_oracle_cut_size: int,
                learn_tokens: bool, min_action_freq: int, scorer):
    if moves is not None:
        raise ValueError(f"[components.{name}] moves: a custom transition system is not "
                         "supported; leave it null (arc-eager with BREAK)")
    if learn_tokens:
        raise ValueError(f"[components.{name}] learn_tokens = true is not supported; the "
                         "tokenizer's tokens are parsed as they are")
    return DependencyParser(nlp.vocab, model, name, scorer=scorer,
                            min_action_freq=min_action_freq,
                            update_with_oracle_cut_size=update_with_oracle_cut_size)


class DependencyParser(TransitionParser):
    """Predicts token.head, token.dep_ and sentence starts (doc.sents)."""

    system_class = ArcEager
