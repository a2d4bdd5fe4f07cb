"""Choosing non-overlapping spans: `filter_spans` and the filters span_ruler offers for
merging its matches into doc.ents."""
import itertools
from typing import Iterable, List


def _longest_first(spans):
    return sorted(spans, key=lambda span: (span.end - span.start, -span.start), reverse=True)


def filter_spans(spans) -> List:
    """The spans without duplicates or overlaps, sorted by start: where spans overlap the
    longest wins, and of equally long ones the first. As in spaCy, a span is tested by
    its first and last token only."""
    kept, taken = [], set()
    for span in _longest_first(spans):
        if span.start not in taken and span.end - 1 not in taken:
            kept.append(span)
            taken.update(range(span.start, span.end))
    return sorted(kept, key=lambda span: span.start)


def filter_chain_spans(*spans: Iterable) -> List:
    """filter_spans over several iterables of spans, in turn."""
    return filter_spans(itertools.chain(*spans))


def prioritize_new_ents_filter(entities: Iterable, spans: Iterable) -> List:
    """The entities plus the new spans (longest first, no two overlapping); a new span
    removes the entities it overlaps."""
    entities, new, taken = list(entities), [], set()
    for span in _longest_first(spans):
        if not any(i in taken for i in range(span.start, span.end)):
            new.append(span)
            entities = [e for e in entities if not (e.start < span.end and e.end > span.start)]
            taken.update(range(span.start, span.end))
    return entities + new


def prioritize_existing_ents_filter(entities: Iterable, spans: Iterable) -> List:
    """The entities plus the new spans (longest first) that overlap neither them nor each
    other."""
    entities = list(entities)
    taken = {i for entity in entities for i in range(entity.start, entity.end)}
    new = []
    for span in _longest_first(spans):
        if not any(i in taken for i in range(span.start, span.end)):
            new.append(span)
            taken.update(range(span.start, span.end))
    return entities + new
