"""`fastnlp evaluate`: score a trained pipeline on a `.spacy` corpus."""
from pathlib import Path
from typing import Optional

import srsly
import typer

from ..errors import ConfigError, FastNLPError
from ..gpu import GPUUnavailable, require_gpu
from ..loading import load
from ..training.corpus import Corpus
from ._util import user_errors
from .train import SCORE_FORMATS


def evaluate(model, data_path, *, gold_preproc=False, use_gpu=-1):
    """Load a pipeline, run it on the corpus' texts and return spaCy-style scores."""
    if use_gpu >= 0:
        require_gpu(use_gpu)
    nlp = load(model)
    corpus = Corpus(data_path, gold_preproc=gold_preproc)
    return nlp.evaluate(list(corpus(nlp)))


def evaluate_cli(
    model: str = typer.Argument(..., help="Pipeline directory or installed package"),
    data_path: Path = typer.Argument(..., help=".spacy file or directory of them"),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write metrics as JSON"),
    gold_preproc: bool = typer.Option(False, "--gold-preproc", "-G",
                                      help="Use the gold tokenization and sentences"),
    gpu_id: int = typer.Option(-1, "--gpu-id", "-g", help="GPU id, or -1 for the CPU"),
):
    """Evaluate a pipeline: token, tag, parse, entity and sentence scores."""
    with user_errors(ConfigError, FastNLPError, GPUUnavailable, FileNotFoundError):
        scores = evaluate(model, data_path, gold_preproc=gold_preproc, use_gpu=gpu_id)
        for key, (title, kind) in SCORE_FORMATS.items():
            if scores.get(key) is None:
                continue
            value = scores[key]
            typer.echo(f"{title:<10} {value:.0f}" if kind == "count" else
                       f"{title:<10} {100 * value:.2f}")
        per_type = scores.get("ents_per_type") or {}
        if per_type:
            typer.echo("\nNER per type     P       R       F")
            for label, prf in sorted(per_type.items()):
                typer.echo(f"{label:<12} {100 * prf['p']:7.2f} {100 * prf['r']:7.2f} "
                           f"{100 * prf['f']:7.2f}")
        if output is not None:
            srsly.write_json(output, scores)
            typer.echo(f"\nSaved metrics to {output}")
