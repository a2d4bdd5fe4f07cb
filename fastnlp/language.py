"""Language: a tokenizer plus a pipeline of components over one Vocab."""
import collections
import contextlib
import sys
import time

from thinc.api import Config

from .config import default_config, interpolate_config, resolve_initialize
from .errors import ConfigError
# FACTORIES, FactoryMeta and Vectors are importable from here, where they used to live.
from .factories import (  # noqa: F401
    FACTORIES, FactoryMeta, factory_names, get_factory_meta, register_factory)
from .lang import get_lang_class
from .pipe_analysis import DEFAULT_KEYS, analyze_pipes, validate_attrs
from .ml.ops import resolve_cpu_gemm, set_cpu_gemm
from .pipeline.multiprocess import pipe_in_processes
from .pipeline.threaded import pipe_in_threads, resolve_n_threads
from .pipeline_io import (
    pipeline_from_bytes,
    pipeline_from_disk,
    pipeline_to_bytes,
    pipeline_to_disk,
)
from .registry import registry
from .scorer import Scorer
from .tokenizer import Tokenizer
from .training.example import Example
from .system import batched, limit_blas
from .vectors import Vectors, create_empty_vectors  # noqa: F401
from .vocab import Vocab

# The [nlp] and [system] defaults: default_config.cfg's sections, the one list of them.
_DEFAULTS = default_config()
NLP_DEFAULTS, SYSTEM_DEFAULTS = _DEFAULTS["nlp"], _DEFAULTS["system"]


@registry.tokenizers("fastnlp.Tokenizer.v1")
def create_default_tokenizer():
    """The language's rule-based tokenizer."""
    def make(nlp):
        return nlp.Defaults.create_tokenizer(nlp.vocab)
    return make


registry.tokenizers.register("spacy.Tokenizer.v1", func=create_default_tokenizer)


class Language:
    """Text in, annotated Doc out. Subclasses set `lang` and `Defaults`."""

    lang = ""

    class Defaults:
        lex_attr_getters = None

        @staticmethod
        def create_tokenizer(vocab):
            return Tokenizer(vocab)

    @classmethod
    def factory(cls, name, *, default_config=None, assigns=(), requires=(), retokenizes=False,
                default_score_weights=None, func=None):
        """Register a component factory `func(nlp, name, **config)` under `name`, for
        add_pipe and configs; a decorator unless `func` is given."""
        if not isinstance(name, str):
            raise ValueError("Language.factory needs the factory's name as its first "
                             "argument: @Language.factory(\"my_component\")")

        def register(factory_func):
            register_factory(name, default_config=default_config,
                             default_score_weights=default_score_weights,
                             assigns=validate_attrs(assigns, name),
                             requires=validate_attrs(requires, name),
                             retokenizes=retokenizes)(factory_func)
            return factory_func
        return register(func) if func is not None else register

    @classmethod
    def component(cls, name=None, *, assigns=(), requires=(), retokenizes=False, func=None):
        """Register a stateless component, a function Doc -> Doc, under `name` (default:
        the function's name); a decorator unless `func` is given."""
        if name is not None and not isinstance(name, str):
            raise ValueError("Language.component takes the component's name as its first "
                             "argument: @Language.component(\"my_component\")")

        def register(component_func):
            if not callable(component_func):
                raise ValueError(f"Language.component {name!r}: {component_func!r} is not "
                                 "a function taking and returning a Doc")
            component_name = name or getattr(component_func, "__name__", None)
            if not component_name:
                raise ValueError("Language.component: give the component a name")

            def make_component(nlp, name):
                return component_func
            make_component.__name__ = f"make_{component_name}"
            cls.factory(component_name, assigns=assigns, requires=requires,
                        retokenizes=retokenizes, func=make_component)
            return component_func
        return register(func) if func is not None else register

    @classmethod
    def has_factory(cls, name):
        return name in factory_names(cls.lang)

    @classmethod
    def get_factory_meta(cls, name):
        return get_factory_meta(name, cls.lang)

    @property
    def factory_names(self):
        return factory_names(self.lang)

    @property
    def factories(self):
        """Every registered factory function, by name."""
        return {name: meta.func for name, meta in FACTORIES.items()}

    def __init__(self, vocab=None, *, tokenizer=None, meta=None, batch_size=None,
                 create_tokenizer=None, create_vectors=None):
        if vocab is None:
            vocab = Vocab(lex_attr_getters=self.Defaults.lex_attr_getters, lang=self.lang)
        self.vocab = vocab
        self.vectors = (create_vectors or create_empty_vectors())(vocab)
        if tokenizer is None:
            tokenizer = create_tokenizer(self) if create_tokenizer else \
                self.Defaults.create_tokenizer(vocab)
        self.tokenizer = tokenizer
        self.batch_size = NLP_DEFAULTS["batch_size"] if batch_size is None else batch_size
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
        self.training_config = {}
        # spaCy refuses texts over 1,000,000 characters by default (its parser's memory);
        # ours has no such limit, so the check is off until max_length is set.
        self.max_length = sys.maxsize

    @property
    def training_config(self):
        """The config sections besides [nlp] and [components] (training, corpora, paths,
        system, ...) of the config this pipeline was built from, saved with it."""
        return self._training_config

    @training_config.setter
    def training_config(self, value):
        self._training_config = value
        self._cpu_gemm = None

    @property
    def cpu_gemm(self):
        """The CPU GEMM backend of this pipeline's models: [system] cpu_gemm, or the
        FASTNLP_GEMM override; resolved once each time training_config is set."""
        if self._cpu_gemm is None:
            self._resolve_cpu_gemm()
        return self._cpu_gemm

    def _resolve_cpu_gemm(self, path=None):
        """Resolve [system] cpu_gemm (an error names the config file `path`) and record
        the result in training_config's [system], if it has one, to be saved with it."""
        system = self.training_config.get("system")
        configured = (system or {}).get("cpu_gemm", SYSTEM_DEFAULTS["cpu_gemm"])
        self._cpu_gemm = resolve_cpu_gemm(configured, path=path)
        if system is not None:
            system["cpu_gemm"] = self._cpu_gemm

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
        meta = get_factory_meta(factory_name, self.lang)
        name = name or factory_name
        cfg = Config({"factory": factory_name, **meta.default_config}).merge(Config(config or {}))
        filled = registry.fill({"component": {"@factories": meta.registry_name, "nlp": None,
                                              "name": name, **_without(cfg, "factory")}},
                               validate=validate)["component"]
        filled = {k: v for k, v in filled.items() if k not in ("@factories", "nlp", "name")}
        resolved = registry.resolve({"component": {"@factories": meta.registry_name,
                                                   "nlp": self, "name": name, **filled}},
                                    validate=validate)["component"]
        self._pipe_configs[name] = Config({"factory": factory_name, **filled})
        model = getattr(resolved, "model", None)
        if model is not None:
            set_cpu_gemm(model, self.cpu_gemm)
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

    @property
    def pipe_factories(self):
        """Each component's factory name, by component name."""
        return {name: self._pipe_configs[name]["factory"] for name in self.component_names
                if name in self._pipe_configs}

    @property
    def pipe_labels(self):
        """The labels of each component that has any."""
        return {name: list(component.labels) for name, component in self._components
                if getattr(component, "labels", None)}

    def get_pipe_meta(self, name):
        """The FactoryMeta of the factory that made component `name`."""
        if name not in self.pipe_factories:
            self.get_pipe(name)  # the KeyError naming the components
        return get_factory_meta(self.pipe_factories[name], self.lang)

    def analyze_pipes(self, *, keys=DEFAULT_KEYS, pretty=False):
        """What the enabled components assign, require and score, and each requirement
        no earlier component assigns (static: reads their declarations)."""
        metas = {name: self.get_pipe_meta(name) for name in self.pipe_names
                 if name in self._pipe_configs}
        return analyze_pipes(metas, keys=keys, pretty=pretty)

    def rename_pipe(self, old_name, new_name):
        """Give component `old_name` the name `new_name`, keeping its place and config."""
        self.get_pipe(old_name)
        if self.has_pipe(new_name):
            raise ValueError(f"rename_pipe: the pipeline already has a component named "
                             f"{new_name!r}")
        self._components = [(new_name if n == old_name else n, c) for n, c in self._components]
        if old_name in self._pipe_configs:
            self._pipe_configs[new_name] = self._pipe_configs.pop(old_name)
        if old_name in self._disabled:
            self._disabled = (self._disabled - {old_name}) | {new_name}

    def replace_pipe(self, name, factory_name, *, config=None, validate=True):
        """Put a new component from `factory_name` in the place of component `name`;
        returns the new component."""
        if not isinstance(factory_name, str):
            raise ValueError(f"replace_pipe takes a factory's name, as add_pipe does, not "
                             f"{type(factory_name).__name__}; register the component with "
                             "@Language.component or @Language.factory")
        self.get_pipe(name)
        index = self.component_names.index(name)
        # create_pipe records the new config only once the component is built.
        component = self.create_pipe(factory_name, name, config=config, validate=validate)
        self._components[index] = (name, component)
        return component

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

    def select_pipes(self, *, disable=None, enable=None):
        """Disable components (`disable`, or all but `enable`) until the returned
        DisabledPipes is restored: at the end of a `with` block, or by its .restore()."""
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
        newly = [name for name in self.component_names
                 if name in to_disable and name not in self._disabled]
        for name in newly:
            self.disable_pipe(name)
        return DisabledPipes(self, newly)

    # Running --------------------------------------------------------------------

    def make_doc(self, text):
        if len(text) > self.max_length:
            raise ValueError(f"the text has {len(text):,} characters, more than nlp.max_length "
                             f"({self.max_length:,}); raise nlp.max_length to annotate it")
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
            return pipe_in_threads(self, texts, batch_size=batch_size, n_threads=n_threads,
                                   disable=disable)
        if n_process != 1:
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
        settings = resolve_initialize(self.training_config, self.component_names)
        if settings["before_init"] is not None:
            settings["before_init"](self)
        if settings["tokenizer"]:
            if not hasattr(self.tokenizer, "initialize"):
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
        for _, component in self._components:
            # Layers made while initializing (resized outputs) run on the same backend.
            if getattr(component, "model", None) is not None:
                set_cpu_gemm(component.model, self.cpu_gemm)
        self._optimizer = sgd if sgd is not None else self.create_optimizer()
        return self._optimizer

    def begin_training(self, get_examples=None, *, sgd=None):
        """Alias of initialize, as in the seed document's training loop."""
        return self.initialize(get_examples, sgd=sgd)

    def resume_training(self, *, sgd=None):
        self._optimizer = sgd if sgd is not None else self.create_optimizer()
        return self._optimizer

    def create_optimizer(self):
        """The optimizer [training.optimizer] describes (default_config.cfg's if the
        pipeline's config has none)."""
        if "optimizer" in self.training_config.get("training", {}):
            block = interpolate_config(Config(self.training_config))["training"]["optimizer"]
        else:
            block = default_config()["training"]["optimizer"]
        return registry.resolve({"optimizer": block})["optimizer"]

    def update(self, examples, *, drop=0.0, sgd=None, losses=None, component_cfg=None,
               exclude=(), annotates=()):
        """Learn from a batch of Examples: every trainable component updates its weights.

        sgd=None uses the optimizer from initialize (made on first use if there is
        none); sgd=False only accumulates gradients, for finish_update to apply later.
        Components in `exclude` are not updated; those in `annotates` then run over the
        predicted docs, so later components see their annotations (a frozen tok2vec must
        annotate for its listeners to train on it, as in spaCy).
        """
        examples = list(examples)
        if losses is None:
            losses = {}
        if not examples:
            return losses
        for eg in examples:
            if not isinstance(eg, Example):
                raise TypeError(f"update: expected Example objects, got {type(eg).__name__}; "
                                "make them with Example.from_dict(doc, annotations)")
        for name in list(exclude) + list(annotates):
            self.get_pipe(name)
        if sgd is None:
            if self._optimizer is None:
                self._optimizer = self.create_optimizer()
            sgd = self._optimizer
        component_cfg = component_cfg or {}
        trained = []
        for name, component in self.pipeline:
            if name not in exclude and hasattr(component, "update") and \
                    getattr(component, "is_trainable", True):
                component.update(examples, drop=drop, sgd=None, losses=losses,
                                 **component_cfg.get(name, {}))
                trained.append(component)
            if name in annotates:
                docs = [eg.predicted for eg in examples]
                if hasattr(component, "pipe"):
                    annotated = list(component.pipe(docs, batch_size=len(docs)))
                else:
                    annotated = [component(doc) for doc in docs]
                for eg, doc in zip(examples, annotated):
                    eg.predicted = doc
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

    @contextlib.contextmanager
    def memory_zone(self, mem=None):
        """A block whose new strings, word types and tokenizer cache entries are freed
        when it ends, so that a long-running service keeps a flat memory profile.

        As in spaCy, Docs and Tokens made inside must not be used after it (copy what you
        need out: text, attributes, `to_json()`); strings added with
        `vocab.strings.add(s, allow_transient=False)` stay; a zone inside a zone joins it.
        Yields the `cymem.Pool` holding the zone's memory.
        """
        with contextlib.ExitStack() as stack:
            mem = stack.enter_context(self.vocab.memory_zone(mem))
            if hasattr(self.tokenizer, "memory_zone"):
                stack.enter_context(self.tokenizer.memory_zone(mem))
            for _, component in self.pipeline:
                if hasattr(component, "memory_zone"):
                    stack.enter_context(component.memory_zone(mem))
            yield mem

    def finish_update(self, sgd):
        """Apply accumulated gradients of every trainable component."""
        for name, component in self.pipeline:
            if hasattr(component, "finish_update") and getattr(component, "is_trainable", True):
                component.finish_update(sgd)

    def evaluate(self, examples, *, batch_size=None, scorer=None, scorer_cfg=None):
        """Run the pipeline on the examples' texts and score against their references."""
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
        cfg = Config({"nlp": Config(NLP_DEFAULTS).copy(), "components": {}})
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
    def from_config(cls, config=None, *, vocab=None, disable=(), exclude=(), meta=None,
                    validate=True):
        """Build the pipeline a config describes (weights uninitialized); settings the
        config leaves out take their defaults. On a subclass, the language is its own."""
        # Building from a config is the loading layer's, above this module and config.py.
        from .loading import build_nlp
        nlp = build_nlp(config or {}, vocab=vocab, disable=disable, exclude=exclude,
                        validate=validate, lang_class=cls if cls.lang else None)
        nlp.meta.update(meta or {})
        return nlp

    def to_disk(self, path, *, exclude=()):
        pipeline_to_disk(self, path, exclude=exclude)

    def from_disk(self, path, *, exclude=()):
        return pipeline_from_disk(self, path, exclude=exclude)

    def to_bytes(self, *, exclude=()):
        return pipeline_to_bytes(self, exclude=exclude)

    def from_bytes(self, data, *, exclude=()):
        return pipeline_from_bytes(self, data, exclude=exclude)


class DisabledPipes(list):
    """The names select_pipes disabled; `restore()` (or leaving the `with` block) enables
    them again."""

    def __init__(self, nlp, names):
        super().__init__(names)
        self.nlp = nlp

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.restore()

    def restore(self):
        for name in self:
            if self.nlp.has_pipe(name):
                self.nlp.enable_pipe(name)
        self.clear()


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


def blank(lang, *, vocab=None, config=None, meta=None):
    """An empty pipeline (tokenizer only) for a language code such as "en"; `config`
    (a dict or Config) sets [nlp] and other settings, as in spaCy."""
    return get_lang_class(lang).from_config(config, vocab=vocab, meta=meta)
