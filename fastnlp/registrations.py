"""The built-in functions that configs name, registered in one place.

Each module below registers its functions (architectures, factories, readers,
batchers, loggers, augmenters, scorers, tokenizers, vectors) when it is imported; this
list is the one place that imports them all, so that after `import fastnlp` every
built-in name resolves. A module that registers functions is added here.
"""
from . import language, lookups, vectors  # noqa: F401  (tokenizers, vectors, lookups)
from .ml import parser_model, spancat, textcat, tok2vec  # noqa: F401  (architectures)
from .pipeline import (  # noqa: F401
    attributeruler, edit_tree_lemmatizer, entityruler, lemmatizer, morphologizer, ner, parser,
    senter, sentencizer, spancat, spanruler, tagger, textcat)
from .pipeline import functions  # noqa: F401  (merge_entities, merge_noun_chunks, ...)
from .pipeline import tok2vec as tok2vec_component  # noqa: F401
from .training import augment, batchers, corpus, loggers  # noqa: F401
