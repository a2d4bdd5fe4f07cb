"""`fastnlp init config`: write a complete training config for a pipeline."""
from pathlib import Path

import typer
from thinc.api import Config

from ..errors import ConfigError
from ..loading import fill_config
from ._util import user_errors

# The shared tok2vec (first in a generated pipeline when a component listens to it), and
# each component's block.
TOK2VEC_BLOCK = """
[components.tok2vec]
factory = "tok2vec"

[components.tok2vec.model]
@architectures = "fastnlp.Tok2Vec.v1"

[components.tok2vec.model.embed]
@architectures = "fastnlp.MultiHashEmbed.v1"
width = ${components.tok2vec.model.encode.width}
attrs = ["NORM", "PREFIX", "SUFFIX", "SHAPE"]
rows = [5000, 1000, 2500, 2500]
include_static_vectors = false

[components.tok2vec.model.encode]
@architectures = "fastnlp.MaxoutWindowEncoder.v1"
width = WIDTH
depth = DEPTH
window_size = 1
maxout_pieces = 3
"""
LISTENER_BLOCK = """
[components.{name}.model.tok2vec]
@architectures = "fastnlp.Tok2VecListener.v1"
width = ${{components.tok2vec.model.encode.width}}
upstream = "*"
"""
TRANSITION_BLOCK = """
[components.{name}]
factory = "{name}"

[components.{name}.model]
@architectures = "fastnlp.TransitionBasedParser.v1"
state_type = "{name}"
extra_state_tokens = false
hidden_width = {hidden_width}
maxout_pieces = {maxout_pieces}
use_upper = true
nO = null
"""
TAGGER_BLOCK = """
[components.{name}]
factory = "{name}"
label_smoothing = 0.05

[components.{name}.model]
@architectures = "fastnlp.Tagger.v1"
nO = null
normalize = false
"""
# The senter keeps its factory's own small tok2vec (as spaCy's template does).
SENTER_BLOCK = """
[components.senter]
factory = "senter"
"""
# Text classifiers: the BOW model alone when optimizing for efficiency (as spaCy's
# template), the ensemble over the shared tok2vec for accuracy.
TEXTCAT_BOW_BLOCK = """
[components.{name}]
factory = "{name}"

[components.{name}.model]
@architectures = "spacy.TextCatBOW.v3"
exclusive_classes = {exclusive}
length = 262144
ngram_size = 1
no_output_layer = false
"""
TEXTCAT_ENSEMBLE_BLOCK = """
[components.{name}]
factory = "{name}"

[components.{name}.model]
@architectures = "spacy.TextCatEnsemble.v2"

[components.{name}.model.tok2vec]
@architectures = "spacy.Tok2VecListener.v1"
width = ${{components.tok2vec.model.encode.width}}
upstream = "*"

[components.{name}.model.linear_model]
@architectures = "spacy.TextCatBOW.v3"
exclusive_classes = {exclusive}
length = 262144
ngram_size = 1
no_output_layer = false
"""
TEXTCAT_BLOCKS = {
    (name, optimize): (TEXTCAT_BOW_BLOCK if optimize == "efficiency"
                       else TEXTCAT_ENSEMBLE_BLOCK).format(name=name, exclusive=exclusive)
    for name, exclusive in (("textcat", "true"), ("textcat_multilabel", "false"))
    for optimize in ("efficiency", "accuracy")}
EDIT_TREE_LEMMATIZER_BLOCK = """
[components.trainable_lemmatizer]
factory = "trainable_lemmatizer"

[components.trainable_lemmatizer.model]
@architectures = "spacy.Tagger.v2"
nO = null
normalize = false
"""
# spancat (multi-label, logistic scores) and spancat_singlelabel (softmax with a negative
# label) differ in their settings and scorer layer.
SPANCAT_TEMPLATE = """
[components.{name}]
factory = "{name}"
spans_key = "sc"
{settings}
[components.{name}.model]
@architectures = "spacy.SpanCategorizer.v1"

[components.{name}.model.reducer]
@layers = "spacy.mean_max_reducer.v1"
hidden_size = 128

[components.{name}.model.scorer]
@layers = "{scorer}"

[components.{name}.suggester]
@misc = "spacy.ngram_suggester.v1"
sizes = [1, 2, 3]
"""
SPANCAT_BLOCK = SPANCAT_TEMPLATE.format(
    name="spancat", settings="threshold = 0.5\nmax_positive = null\n",
    scorer="spacy.LinearLogistic.v1")
SPANCAT_SINGLELABEL_BLOCK = SPANCAT_TEMPLATE.format(
    name="spancat_singlelabel", settings="negative_weight = 1.0\nallow_overlap = true\n",
    scorer="Softmax.v2")
# The rule lemmatizer reads POS and morphology from the components before it.
LEMMATIZER_BLOCK = """
[components.lemmatizer]
factory = "lemmatizer"
mode = "rule"
"""
COMPONENT_BLOCKS = {
    "parser": TRANSITION_BLOCK.format(name="parser", hidden_width=128, maxout_pieces=3)
    + LISTENER_BLOCK.format(name="parser"),
    "ner": TRANSITION_BLOCK.format(name="ner", hidden_width=64, maxout_pieces=2)
    + LISTENER_BLOCK.format(name="ner"),
    "tagger": TAGGER_BLOCK.format(name="tagger") + LISTENER_BLOCK.format(name="tagger"),
    "morphologizer": TAGGER_BLOCK.format(name="morphologizer")
    + LISTENER_BLOCK.format(name="morphologizer"),
    "senter": SENTER_BLOCK,
    "spancat": SPANCAT_BLOCK + LISTENER_BLOCK.format(name="spancat"),
    "spancat_singlelabel": SPANCAT_SINGLELABEL_BLOCK
    + LISTENER_BLOCK.format(name="spancat_singlelabel"),
    "lemmatizer": LEMMATIZER_BLOCK,
    "trainable_lemmatizer": EDIT_TREE_LEMMATIZER_BLOCK
    + LISTENER_BLOCK.format(name="trainable_lemmatizer"),
    "textcat": None,               # TEXTCAT_BLOCKS, by --optimize
    "textcat_multilabel": None,
}
SECTION_ORDER = ["paths", "system", "nlp", "components", "corpora", "training", "initialize"]
# Size of the shared tok2vec for each optimization goal.
SIZES = {"efficiency": {"WIDTH": 96, "DEPTH": 4}, "accuracy": {"WIDTH": 128, "DEPTH": 4}}


def make_config(lang, pipeline, optimize="efficiency"):
    """The full config (every default filled in) for a pipeline of built-in components."""
    unknown = [name for name in pipeline if name not in COMPONENT_BLOCKS]
    if unknown:
        raise ConfigError(f"init config: no template for {', '.join(unknown)}; available: "
                          f"{', '.join(COMPONENT_BLOCKS)}")
    if optimize not in SIZES:
        raise ConfigError(f"init config: --optimize must be one of {', '.join(SIZES)}")
    blocks = [COMPONENT_BLOCKS[name] or TEXTCAT_BLOCKS[name, optimize] for name in pipeline]
    # The shared tok2vec only when a component listens to it.
    shared = ["tok2vec"] if any("Tok2VecListener" in block for block in blocks) else []
    names = ", ".join(f'"{name}"' for name in shared + list(pipeline))
    text = f'[nlp]\nlang = "{lang}"\npipeline = [{names}]\n\n[components]\n\n[training]\n'
    if shared:
        block = TOK2VEC_BLOCK
        for key, value in SIZES[optimize].items():
            block = block.replace(key, str(value))
        text += block
    text += "".join(blocks)
    text += "\n[training.score_weights]\n"
    config = Config().from_str(text, interpolate=False)
    filled = fill_config(config)
    return Config({key: filled[key] for key in SECTION_ORDER if key in filled})


def init_config_cli(
    output: Path = typer.Argument(..., help="Where to write the config ('-' for stdout)"),
    lang: str = typer.Option("en", "--lang", "-l", help="Language code"),
    pipeline: str = typer.Option("tagger", "--pipeline", "-p",
                                 help="Comma-separated components, e.g. tagger"),
    optimize: str = typer.Option("efficiency", "--optimize", "-o",
                                 help="efficiency (smaller, faster) or accuracy"),
):
    """Write a complete config.cfg with every setting, ready for `fastnlp train`."""
    with user_errors(ConfigError):
        names = [name.strip() for name in pipeline.split(",") if name.strip()]
        config = make_config(lang, names, optimize)
        text = config.to_str()
        if str(output) == "-":
            typer.echo(text)
        else:
            output.write_text(text, encoding="utf8")
            typer.echo(f"Wrote {output}")
