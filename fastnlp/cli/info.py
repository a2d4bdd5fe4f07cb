"""`fastnlp info`: versions, and a pipeline's meta if one is named."""
import platform
from typing import Optional

import typer

from ..about import __version__
from ..loading import find_pipeline
from ..pipeline_io import META_FILE


def info_cli(model: Optional[str] = typer.Argument(None, help="Pipeline directory")):
    """Print fastnlp's version and environment, or a saved pipeline's meta."""
    import srsly
    import thinc

    if model is None:
        typer.echo(f"fastnlp   {__version__}\nthinc     {thinc.__version__}\n"
                   f"python    {platform.python_version()}\nplatform  {platform.platform()}")
        return
    try:
        path = find_pipeline(model)
    except FileNotFoundError as err:
        typer.secho(f"error: {err}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1)
    meta = srsly.read_json(path / META_FILE)
    for key in ("name", "version", "lang", "pipeline", "fastnlp_version"):
        typer.echo(f"{key:<16} {meta.get(key)}")
