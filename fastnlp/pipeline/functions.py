"""Built-in pipeline functions that retokenize: merge_entities, merge_noun_chunks and
merge_subtokens (spaCy's pipeline functions, same factory names, no config).

Each is a plain `doc -> doc` function, so a factory returns the function itself; the
merging is one `doc.retokenize()` block (tokens/retokenizer.pyx), which merges every
span in one pass over the token array. A doc with nothing to merge is returned as it is.
"""
from ..factories import register_factory
from ..tokens.retokenizer import entity_bounds, subtoken_bounds


def merge_entities(doc):
    """Merge each entity of doc.ents into one token (tag, dep and entity of its root)."""
    bounds = entity_bounds(doc)
    if bounds:
        with doc.retokenize() as retokenizer:
            retokenizer.merge_bounds(bounds)
    return doc


def merge_noun_chunks(doc):
    """Merge each noun chunk into one token; a doc without a parse is left alone."""
    if not doc.has_annotation("DEP"):
        return doc
    bounds = [(chunk.start, chunk.end) for chunk in doc.noun_chunks]
    if bounds:
        with doc.retokenize() as retokenizer:
            retokenizer.merge_bounds(bounds)
    return doc


def merge_subtokens(doc, label="subtok"):
    """Merge each run of tokens whose dependency label is `label` with the token after
    it (what spaCy's Matcher pattern [{"DEP": label, "op": "+"}] and filter_spans find)."""
    bounds = subtoken_bounds(doc, doc.vocab.strings.add(label))
    if bounds:
        with doc.retokenize() as retokenizer:
            retokenizer.merge_bounds(bounds)
    return doc


@register_factory("merge_entities")
def make_merge_entities(nlp, name):
    return merge_entities


@register_factory("merge_noun_chunks")
def make_merge_noun_chunks(nlp, name):
    return merge_noun_chunks


@register_factory("merge_subtokens")
def make_merge_subtokens(nlp, name):
    return merge_subtokens
