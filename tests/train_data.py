"""Small corpora, configs and pipelines shared by the tests (imported, not collected)."""
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


# One CoNLL-U sentence with a multi-word token, an empty node and NER in MISC, and a second
# without a comment line.
CONLLU_MWT = """# text = I don't know NYC.
1\tI\tI\tPRON\tPRP\tCase=Nom\t4\tnsubj\t_\tNE=O
2-3\tdon't\t_\t_\t_\t_\t_\t_\t_\t_
2\tdo\tdo\tAUX\tVBP\tMood=Ind\t4\taux\t_\tNE=O
3\tn't\tnot\tPART\tRB\t_\t4\tadvmod\t_\tNE=O
4\tknow\tknow\tVERB\t_\tVerbForm=Inf\t0\troot\t_\tNE=O
5\tNYC\tNYC\tPROPN\tNNP\tNumber=Sing\t4\tobj\t_\tNE=B-LOC|SpaceAfter=No
5.1\tgone\t_\t_\t_\t_\t_\t_\t4:obj\t_
6\t.\t.\tPUNCT\t.\t_\t4\tpunct\t_\tNE=O
"""
CONLLU_TWO = """1\tNew\tNew\tPROPN\tNNP\t_\t2\tcompound\t_\tNE=B-LOC
2\tYork\tYork\tPROPN\tNNP\t_\t0\troot\t_\tNE=I-LOC|SpaceAfter=No
"""

# A spaCy v2 training-JSON document: one paragraph, relative heads, BILUO tags, a category.
JSON_V2_DOC = {"id": 0, "paragraphs": [{
    "raw": "I like London.",
    "sentences": [{"tokens": [
        {"id": 0, "orth": "I", "tag": "PRP", "head": 1, "dep": "nsubj", "ner": "O"},
        {"id": 1, "orth": "like", "tag": "VBP", "head": 0, "dep": "root", "ner": "O"},
        {"id": 2, "orth": "London", "tag": "NNP", "head": -1, "dep": "dobj", "ner": "U-GPE"},
        {"id": 3, "orth": ".", "tag": ".", "head": -2, "dep": "punct", "ner": "-"}]}],
    "cats": [{"label": "TRAVEL", "value": 1.0}]}]}

SMALL_TOK2VEC = {"@architectures": "fastnlp.HashEmbedCNN.v1", "width": 16, "depth": 1,
                 "embed_size": 100, "window_size": 1, "maxout_pieces": 2,
                 "subword_features": True, "pretrained_vectors": None}


def save_tiny_tagger(path):
    """Initialise a tok2vec + tagger pipeline (with a tag map) on one sentence, save it to
    `path` and return `path`."""
    import fastnlp
    from fastnlp.training import Example

    nlp = fastnlp.blank("en")
    nlp.vocab.tag_map = {"N": {"pos": "NOUN"}, "V": {"pos": "VERB"}}
    nlp.add_pipe("tok2vec", config={"model": SMALL_TOK2VEC})
    nlp.add_pipe("tagger", config={"model": {"tok2vec": {
        "@architectures": "fastnlp.Tok2VecListener.v1", "width": 16}}})
    examples = [Example.from_dict(nlp.make_doc("I eat rice"), {"tags": ["N", "V", "N"]})]
    nlp.initialize(lambda: examples)
    nlp.to_disk(path)
    return path


def slice_conllu(source, dest, n_sents):
    """The first n_sents sentences of a CoNLL-U file."""
    lines, count = [], 0
    with open(source, encoding="utf8") as file:
        for line in file:
            lines.append(line)
            if not line.strip():
                count += 1
                if count >= n_sents:
                    break
    Path(dest).write_text("".join(lines), encoding="utf8")


GENRES = ("answers", "email", "newsgroup", "reviews", "weblog")


def write_all_annotations_corpus(conllu, dest, n_sents, sents_per_doc=10):
    """The first n_sents sentences of a UD CoNLL-U file as a .spacy file with every layer
    a component can learn from: tags, POS, morphology, lemmas, trees, entities, the
    entities again as the span group "sc", and one-hot genre cats (the first sentence's
    sent_id prefix). Returns the number of docs."""
    from fastnlp.cli.convert import convert
    from fastnlp.tokens import DocBin
    from fastnlp.vocab import Vocab
    dest = Path(dest)
    sliced = dest.with_suffix(".conllu")
    slice_conllu(conllu, sliced, n_sents)
    genres = [line.split("=", 1)[1].strip().split("-", 1)[0]
              for line in sliced.read_text(encoding="utf8").splitlines()
              if line.startswith("# sent_id")]
    ((converted, _),) = convert(sliced, dest.parent, n_sents=sents_per_doc)
    docs = list(DocBin().from_disk(converted).get_docs(Vocab()))
    for i, doc in enumerate(docs):
        genre = genres[i * sents_per_doc]
        doc.cats = {label: float(label == genre) for label in GENRES}
        doc.spans["sc"] = list(doc.ents)
    DocBin(docs=docs, store_user_data=True).to_disk(dest)
    return len(docs)


def train_on_ewt_slice(config, root, *, n_train, n_dev, steps):
    """Train `config` unchanged on the first n_train sentences of EWT train (10 to a
    doc), evaluating on the first n_dev of dev every steps // 2; returns (model-best,
    dev .spacy). Skips the test when EWT is not there."""
    import pytest

    from fastnlp.cli.convert import convert
    from fastnlp.training.train import train
    if not (EWT / "en_ewt-train.conllu").exists():
        pytest.skip(f"UD English EWT not found at {EWT}")
    root = Path(root)
    slice_conllu(EWT / "en_ewt-train.conllu", root / "train.conllu", n_train)
    slice_conllu(EWT / "en_ewt-dev.conllu", root / "dev.conllu", n_dev)
    convert(root / "train.conllu", root, n_sents=10)
    convert(root / "dev.conllu", root, n_sents=10)
    train(config, root / "out", overrides={
        "paths.train": str(root / "train.spacy"), "paths.dev": str(root / "dev.spacy"),
        "training.max_steps": steps, "training.eval_frequency": steps // 2})
    return root / "out" / "model-best", root / "dev.spacy"
