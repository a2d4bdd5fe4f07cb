"""The `fastnlp` command line: one typer app, a subcommand per module."""
import typer

from .benchmark import benchmark_app
from .convert import convert_cli
from .debug_data import debug_data_cli
from .evaluate import evaluate_cli
from .info import info_cli
from .init_config import init_config_cli
from .package import package_cli
from .ray_train import ray_app
from .train import CONTEXT as TRAIN_CONTEXT
from .train import train_cli

app = typer.Typer(name="fastnlp", add_completion=False, no_args_is_help=True,
                  help="fastnlp: fast statistical NLP pipelines.")


@app.callback()
def _root() -> None:
    """fastnlp: fast statistical NLP pipelines."""


app.command("convert")(convert_cli)
app.command("train", context_settings=TRAIN_CONTEXT)(train_cli)
app.command("evaluate")(evaluate_cli)
app.command("info")(info_cli)
app.command("debug-data", context_settings=TRAIN_CONTEXT)(debug_data_cli)
app.command("package")(package_cli)
init_app = typer.Typer(name="init", help="Create configs.", no_args_is_help=True)
init_app.command("config")(init_config_cli)
app.add_typer(init_app, name="init")
app.add_typer(benchmark_app, name="benchmark")
app.add_typer(ray_app, name="ray")


def main() -> None:
    """Entry point of the `fastnlp` script and of `python -m fastnlp`."""
    app(prog_name="fastnlp")


__all__ = ["app", "main"]
