"""`fastnlp ray train`: data-parallel training on a Ray cluster (the `ray` extra)."""
from pathlib import Path
from typing import Optional

import typer

from ..errors import ConfigError, FastNLPError
from ..training.ray_train import WorkerFailed, ray_train
from ._util import training_config_and_overrides, user_errors
from .train import CONTEXT

ray_app = typer.Typer(name="ray", no_args_is_help=True,
                      help="Train on a Ray cluster (needs the ray extra: pip install "
                           "fastnlp[ray]).")


@ray_app.command("train", context_settings=CONTEXT)
def ray_train_cli(
    ctx: typer.Context,
    n_workers: int = typer.Option(2, "--n-workers", "-n", help="Ray workers (replicas)"),
    address: Optional[str] = typer.Option(
        None, "--address", "-a",
        help="Ray cluster to join (HOST:PORT, ray://HOST:PORT or auto); default: start a "
             "local one"),
    output: Optional[Path] = typer.Option(None, "--output", "-o",
                                          help="Directory for model-best and model-last"),
    code: Optional[Path] = typer.Option(None, "--code", "-c",
                                        help="Python file that registers custom functions"),
    timeout: float = typer.Option(600.0, "--timeout",
                                  help="Seconds a worker may take for one call (a step, "
                                       "or an evaluation) before the run is stopped"),
    resume: Optional[Path] = typer.Option(None, "--resume",
                                          help="Output directory of a run to continue"),
):
    """Train a pipeline on N Ray workers, averaging gradients every step.

    `ray train CONFIG.cfg --paths.train TRAIN --paths.dev DEV --output DIR` (or
    `ray train TRAIN DEV CONFIG`); other `--section.key value` words override the config.
    Worker 0 evaluates and writes model-best and model-last.
    """
    with user_errors(ConfigError, FastNLPError, FileNotFoundError, WorkerFailed):
        config_path, overrides = training_config_and_overrides(ctx.args)
        try:
            ray_train(Path(config_path), output, overrides=overrides, n_workers=n_workers,
                      address=address, code=code, timeout=timeout,
                      resume=resume)
        except KeyboardInterrupt:
            raise typer.Exit(130)
