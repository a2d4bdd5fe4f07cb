"""`fastnlp benchmark speed`: a pipeline's words/sec stage by stage, in parallel, and its
peak memory.

The helpers take any pipeline with the `nlp.pipe(texts, batch_size=, disable=,
n_process=)` API, so benchmarks/speed.py runs the same code on fastnlp and spaCy.
"""
import gc
import inspect
import resource
import statistics
import sys
import time
from pathlib import Path

import typer

from ..errors import ConfigError, FastNLPError
from ..loading import load
from ..tokens.docbin import DocBin
from ..system import blas_threads, limit_blas
from ..vocab import Vocab
from ._util import user_errors

TEXT_PREFIX = "# text = "
SENTS_PER_DOC = 10
DEFAULT_BATCH_SIZE = 32
# Parser transitions per word: arc-eager pushes each word once (SHIFT/RIGHT) and pops it
# once (LEFT/REDUCE/BREAK); the BILUO system moves one word per transition.
MOVES_PER_WORD = {"parser": 2, "ner": 1}
# Row keys summed per attribute by a hash embedding.
HASH_KEYS = 4


def read_texts(path, *, sents_per_doc=SENTS_PER_DOC, limit=0):
    """Texts of a .conllu file (its `# text =` lines, sents_per_doc to a text, joined by a
    space), of a .spacy file (each doc's text) or of a plain text file (one per line)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    if path.suffix == ".conllu":
        sents = [line[len(TEXT_PREFIX):].strip()
                 for line in path.read_text(encoding="utf8").splitlines()
                 if line.startswith(TEXT_PREFIX)]
        texts = [" ".join(sents[i:i + sents_per_doc])
                 for i in range(0, len(sents), sents_per_doc)]
    elif path.suffix == ".spacy":
        texts = [doc.text for doc in DocBin().from_disk(path).get_docs(Vocab())]
    else:
        texts = [line.strip() for line in path.read_text(encoding="utf8").splitlines()]
    texts = [text for text in texts if text]
    if not texts:
        raise ValueError(f"{path} holds no texts")
    return texts[:limit] if limit else texts


def stages(nlp):
    """(label, components to disable) for the tokenizer alone and each pipeline prefix."""
    names = list(nlp.pipe_names)
    return [("tokenizer", tuple(names))] + [
        (f"+{name}", tuple(names[i + 1:])) for i, name in enumerate(names)]


def time_pipe(nlp, texts, *, batch_size, **kwargs):
    """(words, seconds) of one `nlp.pipe` pass over the texts; the Docs are not kept."""
    gc.collect()
    start = time.perf_counter()
    words = sum(len(doc) for doc in nlp.pipe(texts, batch_size=batch_size, **kwargs))
    return words, time.perf_counter() - start


def warm_up(nlp, texts, *, batch_size):
    """Fill the tokenizer's and vocab's caches, and run the whole pipeline on one batch."""
    time_pipe(nlp, texts, batch_size=batch_size, disable=stages(nlp)[0][1])
    time_pipe(nlp, texts[:batch_size], batch_size=batch_size)


def measure_stages(nlp, texts, *, batch_size, repeats=1):
    """{stage label: median words/sec} for the tokenizer alone and each pipeline prefix;
    also the word count, under the key "words"."""
    result = {}
    for label, disable in stages(nlp):
        runs = [time_pipe(nlp, texts, batch_size=batch_size, disable=disable)
                for _ in range(repeats)]
        result[label] = median(words / seconds for words, seconds in runs)
        result["words"] = runs[0][0]
    return result


def supports_threads(nlp):
    return "n_threads" in inspect.signature(nlp.pipe).parameters


def measure_parallel(nlp, texts, *, batch_size, workers, repeats=1):
    """{"n_process=N": words/sec, "n_threads=N": words/sec or None} of the full pipeline;
    n_threads is None when this pipeline's `pipe` has no such argument."""
    result = {}
    for key in ("n_process", "n_threads"):
        if key == "n_threads" and not supports_threads(nlp):
            result[f"{key}={workers}"] = None
            continue
        runs = [time_pipe(nlp, texts, batch_size=batch_size, **{key: workers})
                for _ in range(repeats)]
        result[f"{key}={workers}"] = median(words / seconds for words, seconds in runs)
    return result


def _proc_status_kb(field):
    """A memory field of /proc/self/status in kB, or None without /proc."""
    try:
        with open("/proc/self/status") as file_:
            for line in file_:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def peak_rss_mb():
    """This process's peak resident memory so far, in MB: VmHWM where /proc has it
    (ru_maxrss of a process started by subprocess begins at its parent's RSS), else
    ru_maxrss."""
    kb = _proc_status_kb("VmHWM")
    if kb is None:
        kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        kb /= 1024 if sys.platform == "darwin" else 1
    return kb / 1024


def current_rss_mb():
    """This process's resident memory now, in MB (the peak where /proc is missing)."""
    kb = _proc_status_kb("VmRSS")
    return peak_rss_mb() if kb is None else kb / 1024


def median(values):
    return statistics.median(list(values))


def flops_per_word(nlp):
    """{component: floating-point operations per word} of a fastnlp pipeline, from its
    layers' dims: 2 per multiply-add of the dense layers, the hash embedding's row sums
    and, for parser/NER, the per-token precompute GEMM plus the per-move slot sums and
    upper layer (MOVES_PER_WORD moves). Normalization and activations are left out."""
    return {name: _model_flops(component.model) for name, component in nlp.pipeline
            if getattr(component, "model", None) is not None}


def _dim(node, name):
    return node.maybe_get_dim(name) or 0


def _model_flops(model):
    total = 0
    seen = set()
    for node in model.walk():
        if id(node) in seen:
            continue
        if node.name == "transition_parser":
            flops, counted = _transition_flops(node)
            total += flops
            seen.update(id(layer) for layer in counted)
        elif node.name == "maxout":
            total += 2 * _dim(node, "nI") * _dim(node, "nO") * _dim(node, "nP")
        elif node.name in ("linear", "softmax"):
            total += 2 * _dim(node, "nI") * _dim(node, "nO")
        elif node.name == "hash_embed_multi":
            total += _dim(node, "nI") * HASH_KEYS * _dim(node, "nW")
        elif node.name == "hashembed":
            total += HASH_KEYS * _dim(node, "nO")
    return total


def _transition_flops(model):
    """FLOPs per word of a TransitionBasedParser, and the layers counted (its tok2vec is
    left to the caller's walk)."""
    project = model.get_ref("project").layers[-1]
    lower = model.get_ref("lower")
    n_in, n_feat, n_hidden, n_pieces = (_dim(lower, d) for d in ("nI", "nF", "nO", "nP"))
    per_word = 2 * _dim(project, "nI") * _dim(project, "nO")
    per_word += 2 * n_in * n_feat * n_hidden * n_pieces
    per_move = n_feat * n_hidden * n_pieces + n_hidden * n_pieces
    counted = [project, lower]
    if model.attrs.get("use_upper"):
        upper = model.get_ref("upper")
        per_move += 2 * _dim(upper, "nI") * _dim(upper, "nO")
        counted.append(upper)
    per_word += MOVES_PER_WORD.get(model.attrs.get("state_type"), 2) * per_move
    return per_word, counted


def stage_flops(nlp):
    """{stage label: FLOPs per word of the pipeline up to that stage}."""
    per_component = flops_per_word(nlp)
    result, total = {}, 0
    for label, _ in stages(nlp):
        total += per_component.get(label[1:], 0) if label.startswith("+") else 0
        result[label] = total
    return result


def speed_cli(
    model: str = typer.Argument(..., help="Pipeline directory or installed package"),
    data: Path = typer.Argument(..., help=".conllu (its `# text =` lines), .spacy, or a "
                                          "text file with one text per line"),
    batch_size: int = typer.Option(DEFAULT_BATCH_SIZE, "--batch-size", "-b",
                                   help="Texts per nlp.pipe batch"),
    repeats: int = typer.Option(3, "--repeats", "-r", help="Runs per figure (median)"),
    n_process: int = typer.Option(2, "--n-process", "-n",
                                  help="Workers for the parallel runs (1: skip them)"),
    limit: int = typer.Option(0, "--limit", help="Use the first N texts (0: all)"),
    sents_per_doc: int = typer.Option(SENTS_PER_DOC, "--sents-per-doc",
                                      help="CoNLL-U sentences joined into one text"),
):
    """Words/sec of the tokenizer, each pipeline prefix and parallel runs; peak RSS."""
    with user_errors(ConfigError, FastNLPError, FileNotFoundError, ValueError), \
            limit_blas():
        texts = read_texts(data, sents_per_doc=sents_per_doc, limit=limit)
        nlp = load(model)
        loaded_mb = current_rss_mb()
        warm_up(nlp, texts, batch_size=batch_size)
        speeds = measure_stages(nlp, texts, batch_size=batch_size, repeats=repeats)
        peak_mb = peak_rss_mb()
        flops = stage_flops(nlp)
        typer.echo(f"{model}: {', '.join(nlp.pipe_names) or 'tokenizer only'}\n"
                   f"{data}: {len(texts):,} texts, {speeds['words']:,} words; batch size "
                   f"{batch_size}, median of {repeats}, {blas_threads()} BLAS thread(s)\n")
        typer.echo(f"{'stage':<16}{'words/sec':>12}{'GFLOP/s':>10}{'MFLOP/word':>12}")
        for label, _ in stages(nlp):
            wps = speeds[label]
            gflops = f"{wps * flops[label] / 1e9:10.2f}{flops[label] / 1e6:12.3f}" \
                if flops[label] else ""
            typer.echo(f"{label:<16}{wps:12,.0f}{gflops}")
        if n_process > 1:
            parallel = measure_parallel(nlp, texts, batch_size=batch_size,
                                        workers=n_process, repeats=repeats)
            full = speeds[stages(nlp)[-1][0]]
            for label, wps in parallel.items():
                shown = "n/a (not available)" if wps is None else \
                    f"{wps:12,.0f}  ({wps / full:.2f}x single process)"
                typer.echo(f"{label:<16}{shown}")
        typer.echo(f"\nRSS after load {loaded_mb:,.0f} MB, peak (single process) "
                   f"{peak_mb:,.0f} MB")


benchmark_app = typer.Typer(name="benchmark", no_args_is_help=True,
                            help="Measure a pipeline's speed.")
benchmark_app.command("speed")(speed_cli)
