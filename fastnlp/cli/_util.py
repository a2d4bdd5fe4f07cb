"""Helpers shared by CLI commands: override parsing and error reporting."""
import json
import sys
from contextlib import contextmanager

import typer

from ..errors import ConfigError


def parse_overrides(args):
    """Split extra CLI words into positionals and `--section.key value` overrides."""
    positionals, overrides = [], {}
    i = 0
    while i < len(args):
        word = args[i]
        if word.startswith("--"):
            key = word[2:]
            if "=" in key:
                key, value = key.split("=", 1)
            elif i + 1 < len(args) and not args[i + 1].startswith("--"):
                value = args[i + 1]
                i += 1
            else:
                value = "true"
            if "." not in key:
                raise typer.BadParameter(f"unknown option --{key}; config overrides look like "
                                         "--section.key value")
            overrides[key.replace("-", "_") if key.startswith("paths") else key] = \
                parse_value(value)
        else:
            positionals.append(word)
        i += 1
    return positionals, overrides


def training_config_and_overrides(args):
    """(config path, overrides) of a training command's extra words: `CONFIG` or
    `TRAIN DEV CONFIG` (the corpus paths become paths.train / paths.dev overrides)."""
    positionals, overrides = parse_overrides(args)
    if len(positionals) == 3:
        overrides.setdefault("paths.train", positionals[0])
        overrides.setdefault("paths.dev", positionals[1])
        return positionals[2], overrides
    if len(positionals) == 1:
        return positionals[0], overrides
    raise ConfigError("give CONFIG, or TRAIN DEV CONFIG (got "
                      f"{len(positionals)} paths: {' '.join(positionals)})")


def parse_value(text):
    """A CLI value as a config value: JSON (numbers, true, null, lists) or a string."""
    try:
        return json.loads(text)
    except ValueError:
        return text


@contextmanager
def user_errors(*kinds):
    """Turn the expected errors into a one-line message and exit code 1."""
    try:
        yield
    except kinds as err:
        typer.secho(f"error: {err}", fg=typer.colors.RED, err=True)
        sys.exit(1)
