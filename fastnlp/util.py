"""The helpers a spaCy user imports from `spacy.util`: configs, building and loading
pipelines, batching, schedules, span filtering and seeding."""
from pathlib import Path
from typing import Iterable, List, Tuple

from thinc.api import fix_random_seed as _fix_thinc_seed

from .config import load_config, load_config_from_str
from .lang import get_lang_class
from .language import Language
from .loading import load as load_model
from .registry import registry
from .tokens.span_filters import filter_chain_spans, filter_spans
from .training.batchers import minibatch

__all__ = ["compounding", "ensure_path", "filter_chain_spans", "filter_spans",
           "fix_random_seed", "get_lang_class", "get_words_and_spaces", "load_config",
           "load_config_from_str", "load_model",
           "load_model_from_config", "minibatch", "registry"]


def load_model_from_config(config, *, meta=None, vocab=None, disable=(), enable=(),
                           exclude=(), auto_fill=True, validate=True):
    """The (uninitialized) pipeline a config describes; `enable` lists the components to
    keep enabled (the others are disabled). Settings the config leaves out always take
    their defaults here, whatever `auto_fill` says."""
    if isinstance(disable, str):
        disable = [disable]
    if isinstance(enable, str):
        enable = [enable]
    if isinstance(exclude, str):
        exclude = [exclude]
    nlp = Language.from_config(config, vocab=None if vocab is True else vocab,
                               disable=disable, exclude=exclude, meta=meta,
                               validate=validate)
    if enable:
        for name in nlp.component_names:
            if name not in enable:
                nlp.disable_pipe(name)
    return nlp


def compounding(start: float, stop: float, compound: float):
    """start, start * compound, start * compound ** 2, ... up to `stop` (or down to it when
    start > stop), forever."""
    value = float(start)
    while True:
        yield max(value, stop) if start > stop else min(value, stop)
        value *= compound


def fix_random_seed(seed: int = 0) -> None:
    """Seed Python's, numpy's and Thinc's (and so torch's and CuPy's) random generators."""
    _fix_thinc_seed(seed)


def ensure_path(path):
    return Path(path) if isinstance(path, str) else path


def get_words_and_spaces(words: Iterable[str], text: str) -> Tuple[List[str], List[bool]]:
    """Words and trailing-space flags that spell `text` exactly: the given words found in
    order, and the whitespace between them as tokens of its own where it is more than one
    space. A ValueError if the words do not occur in `text` in order."""
    words = list(words)
    out_words, out_spaces, pos = [], [], 0
    for word in words:
        if not word or word.isspace():
            continue
        start = text.find(word, pos)
        if start < 0:
            raise ValueError(f"get_words_and_spaces: {word!r} is not in the text after "
                             f"character {pos}")
        if start > pos:
            gap = text[pos:start]
            if out_words and gap.startswith(" ") and not out_spaces[-1]:
                out_spaces[-1], gap = True, gap[1:]
            if gap:
                out_words.append(gap)
                out_spaces.append(False)
        out_words.append(word)
        out_spaces.append(False)
        pos = start + len(word)
    if pos < len(text):
        gap = text[pos:]
        if out_words and gap.startswith(" ") and not out_spaces[-1]:
            out_spaces[-1], gap = True, gap[1:]
        if gap:
            out_words.append(gap)
            out_spaces.append(False)
    return out_words, out_spaces
