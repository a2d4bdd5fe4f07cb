"""Function registries for config files (catalogue), on top of Thinc's.

Thinc's registries (optimizers, schedules, layers, losses, initializers) resolve names
such as "Adam.v1" and "compounding.v1"; ours add the pipeline's own. Each function we
register under "fastnlp.<Name>.v<N>" may also answer to the name spaCy configs use.
"""
import catalogue
import srsly
from thinc.api import registry as thinc_registry

NAMESPACE = "fastnlp"


class registry(thinc_registry):
    architectures = catalogue.create(NAMESPACE, "architectures", entry_points=True)
    factories = catalogue.create(NAMESPACE, "factories", entry_points=True)
    tokenizers = catalogue.create(NAMESPACE, "tokenizers", entry_points=True)
    readers = catalogue.create(NAMESPACE, "readers", entry_points=True)
    batchers = catalogue.create(NAMESPACE, "batchers", entry_points=True)
    loggers = catalogue.create(NAMESPACE, "loggers", entry_points=True)
    callbacks = catalogue.create(NAMESPACE, "callbacks", entry_points=True)
    augmenters = catalogue.create(NAMESPACE, "augmenters", entry_points=True)
    scorers = catalogue.create(NAMESPACE, "scorers", entry_points=True)
    misc = catalogue.create(NAMESPACE, "misc", entry_points=True)
    vectors = catalogue.create(NAMESPACE, "vectors", entry_points=True)
    # label -> colour dicts (or functions returning one) for displacy's ent and span styles
    displacy_colors = catalogue.create(NAMESPACE, "displacy_colors", entry_points=True)


# srsly's file readers, which srsly offers spaCy's registry through entry points.
for _name, _reader in (("srsly.read_json.v1", srsly.read_json),
                       ("srsly.read_jsonl.v1", srsly.read_jsonl),
                       ("srsly.read_msgpack.v1", srsly.read_msgpack),
                       ("srsly.read_yaml.v1", srsly.read_yaml)):
    registry.readers.register(_name, func=_reader)


def register(registry_name, *names):
    """Decorator: register one function under several names in one registry.

    >>> @register("architectures", "fastnlp.Tagger.v1", "spacy.Tagger.v2")
    ... def build_tagger(...): ...
    """
    target = getattr(registry, registry_name)

    def decorate(func):
        for name in names:
            target.register(name, func=func)
        return func

    return decorate
