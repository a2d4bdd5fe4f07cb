"""The `fastnlp` command line: one typer app, a subcommand per module."""
import typer

from .convert import convert_cli

app = typer.Typer(name="fastnlp", add_completion=False, no_args_is_help=True,
                  help="fastnlp: fast statistical NLP pipelines.")


@app.callback()
def _root() -> None:
    """fastnlp: fast statistical NLP pipelines."""


app.command("convert")(convert_cli)


def main() -> None:
    """Entry point of the `fastnlp` script and of `python -m fastnlp`."""
    app(prog_name="fastnlp")


__all__ = ["app", "main"]
