"""Component factories: the function that builds each component, with its declared
defaults and score weights.

The home of factory metadata, below components and `Language`: built-in components
register here when their module is imported, `Language.factory` registers user
components here, and `Language.add_pipe` and the config checks read it.
"""
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional

from .registry import registry


@dataclass
class FactoryMeta:
    """What a component factory declares: its defaults and the scores it reports."""

    name: str
    func: Callable
    default_config: Dict[str, Any]
    default_score_weights: Dict[str, Optional[float]] = field(default_factory=dict)
    # The files its component writes into its own folder of a saved pipeline, each with its
    # format ("json" or "msgpack"), so loading can check them before building anything.
    files: Dict[str, str] = field(default_factory=dict)
    # For nlp.analyze_pipes: attributes such as "token.tag" or "doc._.x" the component sets
    # and needs, and whether it changes the tokens.
    assigns: List[str] = field(default_factory=list)
    requires: List[str] = field(default_factory=list)
    retokenizes: bool = False

    @property
    def factory(self):
        """The factory's name (spaCy's field name)."""
        return self.name

    @property
    def scores(self):
        """The scores the component reports: the keys of its default score weights."""
        return list(self.default_score_weights)


FACTORIES: Dict[str, FactoryMeta] = {}


def register_factory(name, *, default_config=None, default_score_weights=None, files=None,
                     assigns=(), requires=(), retokenizes=False):
    """Decorator registering a component factory `func(nlp, name, **config)`; `files`:
    {file name: "json" | "msgpack"} that its component's to_disk writes."""
    def decorate(func):
        FACTORIES[name] = FactoryMeta(name, func, dict(default_config or {}),
                                      dict(default_score_weights or {}), dict(files or {}),
                                      list(assigns), list(requires), bool(retokenizes))
        registry.factories.register(name, func=func)
        return func
    return decorate


def get_factory_meta(name):
    """The metadata of factory `name`; a ValueError naming the registered ones if unknown."""
    if name not in FACTORIES:
        raise ValueError(f"Unknown component factory {name!r}; available: "
                         f"{', '.join(sorted(FACTORIES)) or 'none'}")
    return FACTORIES[name]
