"""`fastnlp train`: train a pipeline from a config file."""
from pathlib import Path
from typing import Optional

import typer

from ..errors import ConfigError, FastNLPError
from ..gpu import GPUUnavailable
from ..training.loop import TrainingInterrupted
from ..training.train import import_code, train
from ._util import training_config_and_overrides, user_errors

CONTEXT = {"allow_extra_args": True, "ignore_unknown_options": True}
# Printed scores: key -> (title, kind).
SCORE_FORMATS = {
    "token_acc": ("Token %", "pct"), "tag_acc": ("Tag %", "pct"), "pos_acc": ("POS %", "pct"),
    "morph_acc": ("Morph %", "pct"), "lemma_acc": ("Lemma %", "pct"),
    "dep_uas": ("UAS", "pct"), "dep_las": ("LAS", "pct"), "ents_p": ("NER P", "pct"),
    "ents_r": ("NER R", "pct"), "ents_f": ("NER F", "pct"), "sents_p": ("Sent P", "pct"),
    "sents_r": ("Sent R", "pct"), "sents_f": ("Sent F", "pct"), "cats_score": ("Textcat", "pct"),
    "speed": ("WPS", "count"),
}


def train_cli(
    ctx: typer.Context,
    output: Optional[Path] = typer.Option(None, "--output", "-o",
                                          help="Directory for model-best and model-last"),
    code: Optional[Path] = typer.Option(None, "--code", "-c",
                                        help="Python file that registers custom functions"),
    gpu_id: int = typer.Option(-1, "--gpu-id", "-g", help="GPU id, or -1 for the CPU"),
    resume: Optional[Path] = typer.Option(None, "--resume",
                                          help="Output directory of a run to continue"),
):
    """Train a pipeline.

    Either `train TRAIN.spacy DEV.spacy CONFIG.cfg --output DIR` or
    `train CONFIG.cfg --paths.train TRAIN --paths.dev DEV --output DIR`; any other
    `--section.key value` overrides a config setting.
    """
    with user_errors(ConfigError, FastNLPError, GPUUnavailable, FileNotFoundError):
        config_path, overrides = training_config_and_overrides(ctx.args)
        import_code(code)
        try:
            train(Path(config_path), output, overrides=overrides, use_gpu=gpu_id,
                  resume=resume)
        except KeyboardInterrupt:
            raise typer.Exit(130)
        except TrainingInterrupted as err:
            raise typer.Exit(128 + int(err.signum))
