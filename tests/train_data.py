"""Small corpora and configs shared by the training tests (imported, not collected)."""
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "examples" / "sample"
EWT = REPO.parent / "shared" / "data" / "ud-en-ewt"

# A tok2vec + tagger pipeline small enough to train a few steps in well under a second.
TINY_CONFIG = """
[paths]
train = null
dev = null

[system]
seed = 0

[nlp]
lang = "en"
pipeline = ["tok2vec", "tagger"]

[components]

[components.tok2vec]
factory = "tok2vec"

[components.tok2vec.model]
@architectures = "fastnlp.Tok2Vec.v1"

[components.tok2vec.model.embed]
@architectures = "fastnlp.MultiHashEmbed.v1"
width = ${components.tok2vec.model.encode.width}
attrs = ["NORM", "PREFIX", "SUFFIX", "SHAPE"]
rows = [500, 100, 250, 250]
include_static_vectors = false

[components.tok2vec.model.encode]
@architectures = "fastnlp.MaxoutWindowEncoder.v1"
width = 32
depth = 1
window_size = 1
maxout_pieces = 2

[components.tagger]
factory = "tagger"

[components.tagger.model]
@architectures = "fastnlp.Tagger.v1"
nO = null

[components.tagger.model.tok2vec]
@architectures = "fastnlp.Tok2VecListener.v1"
width = ${components.tok2vec.model.encode.width}

[corpora]

[corpora.train]
@readers = "fastnlp.Corpus.v1"
path = ${paths.train}
gold_preproc = false

[corpora.dev]
@readers = "fastnlp.Corpus.v1"
path = ${paths.dev}
gold_preproc = false

[training]
seed = ${system.seed}
max_steps = 8
eval_frequency = 4
patience = 0

[training.logger]
@loggers = "fastnlp.ConsoleLogger.v1"
progress_bar = false

[training.batcher]
@batchers = "fastnlp.batch_by_words.v1"
size = 300
"""


def make_corpus(directory, n_sents=4):
    """Convert the sample CoNLL-U files to train.spacy and dev.spacy in `directory`."""
    from fastnlp.cli.convert import convert
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    convert(SAMPLE / "train.conllu", directory, n_sents=n_sents)
    convert(SAMPLE / "dev.conllu", directory, n_sents=n_sents)
    return directory / "train.spacy", directory / "dev.spacy"


def write_config(path, text=TINY_CONFIG, **replace):
    """Write a config, replacing `old=new` pairs given as (old, new) tuples."""
    for old, new in replace.values():
        if old not in text:
            raise AssertionError(f"{old!r} is not in the config")
        text = text.replace(old, new)
    Path(path).write_text(text, encoding="utf8")
    return Path(path)
