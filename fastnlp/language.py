"""Language: a tokenizer plus a pipeline of components over one Vocab."""
import collections
import contextlib
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Optional

import numpy
from thinc.api import Config

from .lang import get_lang_class
from .registry import registry
from .util import batched, limit_blas
from .vocab import Vocab

DEFAULT_NLP_CONFIG = """
[nlp]
lang = null
pipeline = []
disabled = []
batch_size = 1000
before_creation = null
after_creation = null
after_pipeline_creation = null

[nlp.tokenizer]
@tokenizers = "fastnlp.Tokenizer.v1"

[nlp.vectors]
@vectors = "fastnlp.Vectors.v1"

[components]
"""
# [nlp] settings that name functions, kept as written for the pipeline's config.
NLP_FUNCTION_KEYS = ("before_creation", "after_creation", "after_pipeline_creation", "vectors")


@dataclass
class FactoryMeta:
    """What a component factory declares: its defaults and the scores it reports."""

    name: str
    func: Callable
    default_config: Dict[str, Any]
    default_score_weights: Dict[str, Optional[float]] = field(default_factory=dict)


FACTORIES: Dict[str, FactoryMeta] = {}


def get_factory_meta(name):
    if name not in FACTORIES:
        # Built-in components register themselves when their module is imported.
        from . import pipeline  # noqa: F401
    if name not in FACTORIES:
        raise ValueError(f"Unknown component factory {name!r}; available: "
                         f"{', '.join(sorted(FACTORIES)) or 'none'}")
    return FACTORIES[name]


@registry.tokenizers("fastnlp.Tokenizer.v1")
def create_default_tokenizer():
    """The language's rule-based tokenizer."""
    def make(nlp):
        return nlp.Defaults.create_tokenizer(nlp.vocab)
    return make


registry.tokenizers.register("spacy.Tokenizer.v1", func=create_default_tokenizer)


class Vectors:
    """A table of static word vectors: `data` (rows x width) and keys mapped to rows.

    Pipelines start with an empty table; `find` gives -1 for keys without a vector.
    """

    def __init__(self, *, strings=None, width=0):
        self.strings = strings
        self.data = numpy.zeros((0, width), dtype="float32")
        self.key2row = {}

    @property
    def shape(self):
        return self.data.shape

    def __len__(self):
        return self.data.shape[0]

    @property
    def n_keys(self):
        return len(self.key2row)

    def find(self, *, keys):
        """Row of each key (uint64 hashes), -1 where a key has no vector."""
        return numpy.asarray([self.key2row.get(int(key), -1) for key in keys], dtype="int32")


@registry.vectors("fastnlp.Vectors.v1")
def create_empty_vectors():
    """An empty vectors table for a vocab (the one spaCy configs name spacy.Vectors.v1)."""
    def make(vocab):
        return Vectors(strings=vocab.strings)
    return make


registry.vectors.register("spacy.Vectors.v1", func=create_empty_vectors)


class Language:
    """Text in, annotated Doc out. Subclasses set `lang` and `Defaults`."""

    lang = ""

    class Defaults:
        lex_attr_getters = None

        @staticmethod
        def create_tokenizer(vocab):
            from .tokenizer import Tokenizer
            return Tokenizer(vocab)

    @classmethod
    def factory(cls, name, *, default_config=None, default_score_weights=None):
        """Decorator registering a component factory `func(nlp, name, **config)`."""
        def decorate(func):
            FACTORIES[name] = FactoryMeta(name, func, dict(default_config or {}),
                                          dict(default_score_weights or {}))
            registry.factories.register(name, func=func)
            return func
        return decorate

    def __init__(self, vocab=None, *, tokenizer=None, meta=None, batch_size=1000,
                 create_tokenizer=None, create_vectors=None):
        if vocab is None:
            vocab = Vocab(lex_attr_getters=self.Defaults.lex_attr_getters, lang=self.lang)
        self.vocab = vocab
        self.vectors = (create_vectors or create_empty_vectors())(vocab)
        if tokenizer is None:
            tokenizer = create_tokenizer(self) if create_tokenizer else \
                self.Defaults.create_tokenizer(vocab)
        self.tokenizer = tokenizer
        self.batch_size = batch_size
        self.meta = dict(meta or {})
        self.meta.setdefault("lang", self.lang)
        self.meta.setdefault("name", "pipeline")
        self.meta.setdefault("version", "0.0.0")
        self._components = []
        self._disabled = set()
        self._pipe_configs = {}
        self._tokenizer_config = {"@tokenizers": "fastnlp.Tokenizer.v1"}
        self._nlp_function_configs = {}
        self._optimizer = None
        # The config sections besides [nlp] and [components] (training, corpora, paths,
        # ...) of the config this pipeline was trained from, saved with it.
        self.training_config = {}

    # Pipeline -----------------------------------------------------------------

    @property
    def components(self):
        """All (name, component) pairs, disabled ones included."""
        return list(self._components)

    @property
    def component_names(self):
        return [name for name, _ in self._components]

    @property
    def pipeline(self):
        """The enabled (name, component) pairs, in order."""
        return [(n, c) for n, c in self._components if n not in self._disabled]

    @property
    def pipe_names(self):
        return [name for name, _ in self.pipeline]

    @property
    def disabled(self):
        return [name for name in self.component_names if name in self._disabled]

    def has_pipe(self, name):
        return name in self.component_names

    def get_pipe(self, name):
        for pipe_name, component in self._components:
            if pipe_name == name:
                return component
        raise KeyError(f"No component {name!r} in the pipeline; it has: "
                       f"{', '.join(self.component_names) or 'none'}")

    def create_pipe(self, factory_name, name=None, *, config=None, validate=True):
        """Build a component from its factory, filling every setting into its config."""
        meta = get_factory_meta(factory_name)
        name = name or factory_name
        cfg = Config({"factory": factory_name, **meta.default_config}).merge(Config(config or {}))
        filled = registry.fill({"component": {"@factories": factory_name, "nlp": None,
                                              "name": name, **_without(cfg, "factory")}},
                               validate=validate)["component"]
        filled = {k: v for k, v in filled.items() if k not in ("@factories", "nlp", "name")}
        resolved = registry.resolve({"component": {"@factories": factory_name, "nlp": self,
                                                   "name": name, **filled}},
                                    validate=validate)["component"]
        self._pipe_configs[name] = Config({"factory": factory_name, **filled})
        return resolved

    def add_pipe(self, factory_name, name=None, *, before=None, after=None, first=False,
                 last=False, config=None, validate=True):
        """Create a component and insert it into the pipeline; returns the component."""
        name = name or factory_name
        if self.has_pipe(name):
            raise ValueError(f"The pipeline already has a component named {name!r}")
        component = self.create_pipe(factory_name, name, config=config, validate=validate)
        index = self._insert_index(before, after, first, last)
        self._components.insert(index, (name, component))
        return component

    def _insert_index(self, before, after, first, last):
        given = sum(x is not None and x is not False for x in (before, after, first or None,
                                                                 last or None))
        if given > 1:
            raise ValueError("add_pipe: give only one of before, after, first, last")
        names = self.component_names
        if first:
            return 0
        for anchor, offset in ((before, 0), (after, 1)):
            if anchor is None:
                continue
            if isinstance(anchor, int):
                return anchor + offset
            if anchor not in names:
                raise ValueError(f"add_pipe: no component {anchor!r}; have {names}")
            return names.index(anchor) + offset
        return len(names)

    def remove_pipe(self, name):
        component = self.get_pipe(name)
        self._components = [(n, c) for n, c in self._components if n != name]
        self._pipe_configs.pop(name, None)
        self._disabled.discard(name)
        return name, component

    def disable_pipe(self, name):
        self.get_pipe(name)
        self._disabled.add(name)

    def enable_pipe(self, name):
        self.get_pipe(name)
        self._disabled.discard(name)

    @contextlib.contextmanager
    def select_pipes(self, *, disable=None, enable=None):
        """Context manager: run with only some components enabled."""
        if disable is None and enable is None:
            raise ValueError("select_pipes: give disable= or enable=")
        if isinstance(disable, str):
            disable = [disable]
        if isinstance(enable, str):
            enable = [enable]
        to_disable = set(disable or [])
        if enable is not None:
            to_disable |= {n for n in self.component_names if n not in enable}
        for name in to_disable:
            self.get_pipe(name)
        before = set(self._disabled)
        self._disabled |= to_disable
        try:
            yield self
        finally:
            self._disabled = before

    # Running --------------------------------------------------------------------

    def make_doc(self, text):
        return self.tokenizer(text)

    def _ensure_doc(self, text_or_doc):
        if isinstance(text_or_doc, str):
            return self.make_doc(text_or_doc)
        return text_or_doc

    def __call__(self, text, *, disable=()):
        doc = self._ensure_doc(text)
        for name, component in self.pipeline:
            if name in disable:
                continue
            doc = component(doc)
        return doc

    def pipe(self, texts, *, batch_size=None, n_process=1, n_threads=1, as_tuples=False,
             disable=()):
        """Annotate a stream of texts (or Docs) in batches, yielding Docs in order.

        n_process=N annotates batches in N worker processes, n_threads=N on N threads
        sharing this pipeline (-1: one per CPU); give at most one of them. With
        as_tuples, items are (text, context) pairs and (doc, context) pairs come back.
        """
        from .pipeline.threaded import resolve_n_threads
        n_threads = resolve_n_threads(n_threads)
        if n_threads != 1 and n_process != 1:
            raise ValueError(f"nlp.pipe: give n_process or n_threads, not both "
                             f"(n_process={n_process}, n_threads={n_threads})")
        batch_size = batch_size or self.batch_size
        if as_tuples:
            contexts = collections.deque()
            docs = self.pipe(_texts_keeping_contexts(texts, contexts), batch_size=batch_size,
                             n_process=n_process, n_threads=n_threads, disable=disable)
            return _with_contexts(docs, contexts)
        if n_threads != 1:
            from .pipeline.threaded import pipe_in_threads
            return pipe_in_threads(self, texts, batch_size=batch_size, n_threads=n_threads,
                                   disable=disable)
        if n_process != 1:
            from .pipeline.multiprocess import pipe_in_processes
            return pipe_in_processes(self, texts, batch_size=batch_size, n_process=n_process,
                                     disable=disable)
        return self._pipe_serial(texts, batch_size, disable)

    def _pipe_serial(self, texts, batch_size, disable):
        # BLAS limited as in training (FASTNLP_BLAS_THREADS, default 1) while the
        # generator is open: the matrices are small, and OpenBLAS's own threads made
        # pipe half as fast on two cores.
        with limit_blas():
            for batch in batched(texts, batch_size):
                docs = [self._ensure_doc(text) for text in batch]
                for name, component in self.pipeline:
                    if name in disable:
                        continue
                    docs = list(component.pipe(docs, batch_size=batch_size)) \
                        if hasattr(component, "pipe") else [component(doc) for doc in docs]
                yield from docs

    # Training -------------------------------------------------------------------

    def initialize(self, get_examples=None, *, sgd=None):
        """Set up every component (labels, weights) from sample examples; returns an optimizer."""
        if get_examples is None:
            def get_examples():
                return []
        elif not callable(get_examples):
            raise TypeError("initialize: get_examples must be a function returning Examples")
        from .config import resolve_initialize
        settings = resolve_initialize(self.training_config, self.component_names)
        if settings["before_init"] is not None:
            settings["before_init"](self)
        if settings["tokenizer"]:
            if not hasattr(self.tokenizer, "initialize"):
                from .config import ConfigError
                raise ConfigError(f"the tokenizer takes no settings, got "
                                  f"{', '.join(settings['tokenizer'])}",
                                  section="initialize.tokenizer")
            self.tokenizer.initialize(get_examples, nlp=self, **settings["tokenizer"])
        for name, component in self._components:
            if hasattr(component, "initialize"):
                component.initialize(get_examples, nlp=self,
                                     **settings["components"].get(name, {}))
        if settings["after_init"] is not None:
            settings["after_init"](self)
        self._optimizer = sgd if sgd is not None else self.create_optimizer()
        return self._optimizer

    def begin_training(self, get_examples=None, *, sgd=None):
        """Alias of initialize, as in the seed document's training loop."""
        return self.initialize(get_examples, sgd=sgd)

    def resume_training(self, *, sgd=None):
        self._optimizer = sgd if sgd is not None else self.create_optimizer()
        return self._optimizer

    def create_optimizer(self):
        from thinc.api import Adam
        return Adam(0.001)

    def update(self, examples, *, drop=0.0, sgd=None, losses=None, component_cfg=None,
               exclude=()):
        """Learn from a batch of Examples: every trainable component updates its weights.

        sgd=None uses the optimizer from initialize (made on first use if there is
        none); sgd=False only accumulates gradients, for finish_update to apply later.
        """
        from .training.example import Example
        examples = list(examples)
        if losses is None:
            losses = {}
        if not examples:
            return losses
        for eg in examples:
            if not isinstance(eg, Example):
                raise TypeError(f"update: expected Example objects, got {type(eg).__name__}; "
                                "make them with Example.from_dict(doc, annotations)")
        if sgd is None:
            if self._optimizer is None:
                self._optimizer = self.create_optimizer()
            sgd = self._optimizer
        component_cfg = component_cfg or {}
        trained = []
        for name, component in self.pipeline:
            if name in exclude or not hasattr(component, "update"):
                continue
            if not getattr(component, "is_trainable", True):
                continue
            component.update(examples, drop=drop, sgd=None, losses=losses,
                             **component_cfg.get(name, {}))
            trained.append(component)
        # Components that feed others (tok2vec) backpropagate what their listeners sent.
        for component in trained:
            if hasattr(component, "backprop_listeners"):
                component.backprop_listeners()
        if sgd is not False:
            for component in trained:
                component.finish_update(sgd)
        return losses

    @contextlib.contextmanager
    def use_params(self, params):
        """Temporarily swap in other weights (e.g. the optimizer's averages)."""
        with contextlib.ExitStack() as stack:
            for _, component in self.pipeline:
                model = getattr(component, "model", None)
                if model is not None:
                    stack.enter_context(model.use_params(params))
            yield self

    def finish_update(self, sgd):
        """Apply accumulated gradients of every trainable component."""
        for name, component in self.pipeline:
            if hasattr(component, "finish_update") and getattr(component, "is_trainable", True):
                component.finish_update(sgd)

    def evaluate(self, examples, *, batch_size=None, scorer=None, scorer_cfg=None):
        """Run the pipeline on the examples' texts and score against their references."""
        from .scorer import Scorer
        from .training.example import Example
        examples = list(examples)
        for eg in examples:
            if not isinstance(eg, Example):
                raise TypeError(f"evaluate: expected Example objects, got {type(eg).__name__}")
        if scorer is None:
            scorer = Scorer(self, **(scorer_cfg or {}))
        docs = [eg.predicted.copy() for eg in examples]
        for doc in docs:
            doc.tensor = None
        start = time.perf_counter()
        docs = list(self.pipe(docs, batch_size=batch_size or self.batch_size))
        elapsed = time.perf_counter() - start
        scored = [Example(doc, eg.reference) for doc, eg in zip(docs, examples)]
        results = scorer.score(scored)
        n_words = sum(len(doc) for doc in docs)
        results["speed"] = n_words / elapsed if elapsed > 0 else 0.0
        return results

    # Config and serialization ---------------------------------------------------

    @property
    def config(self):
        """The full config this pipeline was built from (no hidden defaults)."""
        cfg = Config().from_str(DEFAULT_NLP_CONFIG)
        cfg["nlp"]["lang"] = self.lang
        cfg["nlp"]["pipeline"] = self.component_names
        cfg["nlp"]["disabled"] = self.disabled
        cfg["nlp"]["batch_size"] = self.batch_size
        cfg["nlp"]["tokenizer"] = dict(self._tokenizer_config)
        cfg["nlp"].update(self._nlp_function_configs)
        cfg["components"] = {name: self._pipe_configs[name] for name in self.component_names
                             if name in self._pipe_configs}
        if self.training_config:
            cfg = Config(self.training_config).merge(Config(cfg))
        return Config(cfg)

    @classmethod
    def from_config(cls, config, *, vocab=None, disable=(), exclude=(), validate=True):
        """Build the pipeline a config describes (weights uninitialized)."""
        from .config import build_nlp
        return build_nlp(config, vocab=vocab, disable=disable, exclude=exclude,
                         validate=validate)

    def to_disk(self, path, *, exclude=()):
        from .pipeline_io import pipeline_to_disk
        pipeline_to_disk(self, path, exclude=exclude)

    def from_disk(self, path, *, exclude=()):
        from .pipeline_io import pipeline_from_disk
        return pipeline_from_disk(self, path, exclude=exclude)

    def to_bytes(self, *, exclude=()):
        from .pipeline_io import pipeline_to_bytes
        return pipeline_to_bytes(self, exclude=exclude)

    def from_bytes(self, data, *, exclude=()):
        from .pipeline_io import pipeline_from_bytes
        return pipeline_from_bytes(self, data, exclude=exclude)


def _without(cfg, key):
    return {k: v for k, v in cfg.items() if k != key}


def _texts_keeping_contexts(pairs, contexts):
    """The texts of (text, context) pairs, read lazily; each context goes to `contexts`."""
    for text, context in pairs:
        contexts.append(context)
        yield text


def _with_contexts(docs, contexts):
    """(doc, context) pairs: docs come back in input order, so contexts pair up FIFO."""
    try:
        for doc in docs:
            yield doc, contexts.popleft()
    finally:
        if hasattr(docs, "close"):
            docs.close()


def blank(lang, *, config=None):
    """An empty pipeline (tokenizer only) for a language code such as "en"."""
    nlp = get_lang_class(lang)()
    return nlp
