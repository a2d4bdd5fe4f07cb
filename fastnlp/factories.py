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
    # The language whose pipelines get this factory under `name` (None: every language
    # without one of its own), as spaCy's `@English.factory`.
    lang: Optional[str] = None

    @property
    def registry_name(self):
        """The name in registry.factories: "<lang>.<name>" for a language's own."""
        return f"{self.lang}.{self.name}" if self.lang else self.name

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
                     assigns=(), requires=(), retokenizes=False, lang=None):
    """Decorator registering a component factory `func(nlp, name, **config)`; `files`:
    {file name: "json" | "msgpack"} that its component's to_disk writes; `lang`: the
    factory only for that language's pipelines (before the general one of that name)."""
    def decorate(func):
        meta = FactoryMeta(name, func, dict(default_config or {}),
                           dict(default_score_weights or {}), dict(files or {}),
                           list(assigns), list(requires), bool(retokenizes), lang)
        FACTORIES[meta.registry_name] = meta
        registry.factories.register(meta.registry_name, func=func)
        return func
    return decorate


def get_factory_meta(name, lang=None):
    """The metadata of factory `name` (the language's own, if `lang` has one); a
    ValueError naming the registered ones if unknown."""
    if lang and f"{lang}.{name}" in FACTORIES:
        return FACTORIES[f"{lang}.{name}"]
    if name not in FACTORIES:
        raise ValueError(f"Unknown component factory {name!r}; available: "
                         f"{', '.join(sorted(factory_names())) or 'none'}")
    return FACTORIES[name]


def factory_names(lang=None):
    """The factory names a pipeline of `lang` can use."""
    return sorted({meta.name for meta in FACTORIES.values()
                   if meta.lang is None or meta.lang == lang})
