"""Batchers: split a stream of Examples (or any sized items) into training batches.

`size` may be an int, a sequence or iterator of ints, or a Thinc schedule: an
object called with the step number (Thinc 8.3 `Schedule`) or a generator of
sizes (older Thinc `compounding`). Each batch draws the next size; a finite
sequence keeps its last size once it runs out.
"""
import itertools
from functools import partial
from typing import Any, Callable, Iterable, Iterator, List, Optional, Sequence, Union

from ..registry import register

Sizing = Union[int, Sequence[int], Iterator[int], Callable[[int], float]]
Batcher = Callable[[Iterable[Any]], Iterator[List[Any]]]


def iter_sizes(size: Sizing) -> Iterator[int]:
    """Batch sizes, one per batch, from an int, an iterable or a step-called schedule."""
    if isinstance(size, (int, float)) and not isinstance(size, bool):
        if size <= 0:
            raise ValueError(f"batcher: size must be positive, not {size}")
        return itertools.repeat(int(size))
    if callable(size) and not hasattr(size, "__next__"):
        return (max(1, int(size(step))) for step in itertools.count())
    if hasattr(size, "__iter__") and not isinstance(size, (str, bytes)):
        return _repeat_last(size)
    raise TypeError(f"batcher: size must be an int, a sequence of ints or a schedule, "
                    f"not {type(size).__name__}")


def _repeat_last(values: Iterable[float]) -> Iterator[int]:
    """The values as batch sizes; once they run out, the last one forever."""
    last = None
    for value in values:
        last = max(1, int(value))
        yield last
    if last is None:
        raise ValueError("batcher: size is an empty sequence")
    yield from itertools.repeat(last)


def minibatch(items: Iterable[Any], size: Sizing = 8) -> Iterator[List[Any]]:
    """Batches of `size` items (the last one may be smaller)."""
    sizes = iter_sizes(size)
    items = iter(items)
    while True:
        batch = list(itertools.islice(items, next(sizes)))
        if not batch:
            return
        yield batch


def minibatch_by_words(seqs: Iterable[Any], size: Sizing, tolerance: float = 0.2,
                       discard_oversize: bool = False,
                       get_length: Callable[[Any], int] = len) -> Iterator[List[Any]]:
    """Batches of about `size` words, allowed to exceed it by `tolerance` (a fraction).

    An item longer than size * (1 + tolerance) makes a batch of its own, or is
    dropped if discard_oversize. Items that would overflow a batch are held in
    an overflow list that starts the next batch, so order is nearly kept.
    """
    sizes = iter_sizes(size)
    target = next(sizes)
    tol = target * tolerance
    batch: List[Any] = []
    overflow: List[Any] = []
    batch_words = 0
    overflow_words = 0
    for seq in seqs:
        n_words = get_length(seq)
        if n_words > target + tol:
            if not discard_oversize:
                yield [seq]
        elif overflow_words == 0 and batch_words + n_words <= target:
            batch.append(seq)
            batch_words += n_words
        elif batch_words + overflow_words + n_words <= target + tol:
            overflow.append(seq)
            overflow_words += n_words
        else:
            if batch:
                yield batch
            target = next(sizes)
            tol = target * tolerance
            batch, batch_words = overflow, overflow_words
            overflow, overflow_words = [], 0
            if batch_words + n_words <= target:
                batch.append(seq)
                batch_words += n_words
            elif batch_words + n_words <= target + tol:
                overflow.append(seq)
                overflow_words += n_words
            else:
                if batch:
                    yield batch
                target = next(sizes)
                tol = target * tolerance
                batch, batch_words = [seq], n_words
    batch.extend(overflow)
    if batch:
        yield batch


def minibatch_by_padded_size(seqs: Iterable[Any], size: Sizing, buffer: int = 256,
                             discard_oversize: bool = False,
                             get_length: Callable[[Any], int] = len) -> Iterator[List[Any]]:
    """Batches whose padded size (longest item x item count) stays within `size`.

    Items are read `buffer` at a time and grouped by length inside each buffer;
    longest groups come first, each group in input order.
    """
    sizes = iter_sizes(size)
    for outer in minibatch(seqs, size=buffer):
        target = next(sizes)
        for indices in _group_by_length(outer, target, get_length):
            batch = [outer[i] for i in indices]
            padded = max(get_length(seq) for seq in batch) * len(batch)
            if discard_oversize and padded >= target:
                continue
            yield batch


def _group_by_length(seqs: Sequence[Any], max_padded: int, get_length) -> List[List[int]]:
    """Indices grouped by ascending length so that length * group size <= max_padded;
    groups returned longest first, indices sorted inside each."""
    order = sorted((get_length(seq), i) for i, seq in enumerate(seqs))
    groups: List[List[int]] = []
    group: List[int] = []
    for length, i in order:
        if group and length * (len(group) + 1) > max_padded:
            groups.append(group)
            group = []
        group.append(i)
    if group:
        groups.append(group)
    return [sorted(g) for g in reversed(groups)]


@register("batchers", "fastnlp.batch_by_words.v1", "spacy.batch_by_words.v1")
def configure_minibatch_by_words(*, size: Sizing, tolerance: float = 0.2,
                                 discard_oversize: bool = False,
                                 get_length: Optional[Callable[[Any], int]] = None) -> Batcher:
    """Batcher of about `size` words per batch (see minibatch_by_words)."""
    return partial(minibatch_by_words, size=size, tolerance=tolerance,
                   discard_oversize=discard_oversize, get_length=get_length or len)


@register("batchers", "fastnlp.batch_by_padded.v1", "spacy.batch_by_padded.v1")
def configure_minibatch_by_padded_size(*, size: Sizing, buffer: int = 256,
                                       discard_oversize: bool = False,
                                       get_length: Optional[Callable[[Any], int]] = None) -> Batcher:
    """Batcher bounded by padded size (see minibatch_by_padded_size)."""
    return partial(minibatch_by_padded_size, size=size, buffer=buffer,
                   discard_oversize=discard_oversize, get_length=get_length or len)


@register("batchers", "fastnlp.batch_by_sequence.v1", "spacy.batch_by_sequence.v1")
def configure_minibatch(size: Sizing, get_length: Optional[Callable[[Any], int]] = None) -> Batcher:
    """Batcher of `size` items per batch; get_length is accepted for spaCy configs."""
    return partial(minibatch, size=size)


__all__ = ["minibatch", "minibatch_by_words", "minibatch_by_padded_size", "iter_sizes",
           "configure_minibatch_by_words", "configure_minibatch_by_padded_size",
           "configure_minibatch"]
