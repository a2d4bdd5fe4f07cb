"""Alignment between two tokenizations of the same text, computed from characters.

Two token lists align when their concatenated characters agree once whitespace is
removed (case matters). A token of one side maps to every token of the other side
that shares at least one non-whitespace character with it; whitespace-only tokens
map to nothing. `Alignment.from_strings` runs a C kernel (`align_kernel`), one walk over
both token lists; `from_strings_reference`, a handful of numpy passes over the
characters, is the specification the kernel is tested against.
"""
from typing import List, Sequence

import numpy

from .align_kernel import align_words

# Every code point Python's str.isspace() accepts: all lie below U+3001.
_SPACE_CODEPOINTS = numpy.asarray([c for c in range(0x3001) if chr(c).isspace()],
                                  dtype=numpy.uint32)
_SNIPPET = 60


class AlignmentError(ValueError):
    """The two token lists do not spell the same text."""


class AlignmentArray:
    """A ragged int32 array: row i lists the tokens of the other side aligned to token i.

    data: all rows concatenated; lengths: row sizes; starts/ends: row bounds in data.
    Indexing with an int gives one row; with a slice, the rows concatenated.
    """

    __slots__ = ("data", "lengths", "_bounds")

    def __init__(self, data: numpy.ndarray, lengths: numpy.ndarray):
        self.data = numpy.ascontiguousarray(data, dtype=numpy.int32)
        self.lengths = numpy.ascontiguousarray(lengths, dtype=numpy.int32)
        self._bounds = numpy.zeros(len(self.lengths) + 1, dtype=numpy.int64)
        numpy.cumsum(self.lengths, out=self._bounds[1:])
        if self._bounds[-1] != len(self.data):
            raise ValueError(f"AlignmentArray: lengths sum to {self._bounds[-1]} but "
                             f"data has {len(self.data)} entries")

    @classmethod
    def _from_parts(cls, data, lengths, bounds) -> "AlignmentArray":
        """Wrap arrays already checked: int32 data and lengths, int64 bounds (N + 1)."""
        array = cls.__new__(cls)
        array.data = data
        array.lengths = lengths
        array._bounds = bounds
        return array

    @classmethod
    def from_lists(cls, rows: Sequence[Sequence[int]]) -> "AlignmentArray":
        lengths = numpy.asarray([len(row) for row in rows], dtype=numpy.int32)
        flat = [int(j) for row in rows for j in row]
        return cls(numpy.asarray(flat, dtype=numpy.int32), lengths)

    @property
    def starts(self) -> numpy.ndarray:
        return self._bounds[:-1]

    @property
    def ends(self) -> numpy.ndarray:
        return self._bounds[1:]

    def __len__(self) -> int:
        return len(self.lengths)

    def __getitem__(self, key):
        if isinstance(key, slice):
            start, stop, step = key.indices(len(self.lengths))
            if step != 1:
                raise ValueError("AlignmentArray: slices with a step are not supported")
            stop = max(start, stop)
            return self.data[self._bounds[start]:self._bounds[stop]]
        i = int(key)
        if i < 0:
            i += len(self.lengths)
        if not 0 <= i < len(self.lengths):
            raise IndexError(f"AlignmentArray: index {key} out of range for "
                             f"{len(self.lengths)} tokens")
        return self.data[self._bounds[i]:self._bounds[i + 1]]

    def to_lists(self) -> List[List[int]]:
        return [self[i].tolist() for i in range(len(self))]

    def __eq__(self, other) -> bool:
        return isinstance(other, AlignmentArray) \
            and numpy.array_equal(self.lengths, other.lengths) \
            and numpy.array_equal(self.data, other.data)

    def __repr__(self) -> str:
        return f"AlignmentArray({self.to_lists()})"


class Alignment:
    """Many-to-many token maps between a predicted (x) and a reference (y) tokenization."""

    __slots__ = ("x2y", "y2x")

    def __init__(self, x2y: AlignmentArray, y2x: AlignmentArray):
        self.x2y = x2y
        self.y2x = y2x

    @classmethod
    def from_indices(cls, x2y: Sequence[Sequence[int]], y2x: Sequence[Sequence[int]]):
        return cls(AlignmentArray.from_lists(x2y), AlignmentArray.from_lists(y2x))

    @classmethod
    def from_strings(cls, x_words: Sequence[str], y_words: Sequence[str]) -> "Alignment":
        """Align two token lists; AlignmentError names both texts if they differ."""
        x_words = list(x_words)
        y_words = list(y_words)
        if x_words == y_words:
            return cls.identity(len(x_words))
        at, x2y_data, x_lengths, x_bounds, y2x_data, y_lengths, y_bounds = \
            align_words(x_words, y_words)
        if at >= 0:
            raise AlignmentError(_mismatch_message(x_words, y_words, at))
        return cls(AlignmentArray._from_parts(x2y_data, x_lengths, x_bounds),
                   AlignmentArray._from_parts(y2x_data, y_lengths, y_bounds))

    @classmethod
    def identity(cls, n: int) -> "Alignment":
        return cls(_identity_array(n), _identity_array(n))

    def __repr__(self) -> str:
        return f"Alignment(x2y={self.x2y!r}, y2x={self.y2x!r})"


def _identity_array(n: int) -> AlignmentArray:
    return AlignmentArray._from_parts(numpy.arange(n, dtype=numpy.int32),
                                      numpy.ones(n, dtype=numpy.int32),
                                      numpy.arange(n + 1, dtype=numpy.int64))


def from_strings_reference(x_words: Sequence[str], y_words: Sequence[str]) -> Alignment:
    """Alignment.from_strings in numpy: the specification of the C kernel."""
    x_words = list(x_words)
    y_words = list(y_words)
    if x_words == y_words:
        return Alignment.identity(len(x_words))
    x_tok, x_chars = _token_of_char(x_words)
    y_tok, y_chars = _token_of_char(y_words)
    if x_chars.shape != y_chars.shape or not numpy.array_equal(x_chars, y_chars):
        raise AlignmentError(_mismatch_message(x_words, y_words,
                                               _first_difference(x_chars, y_chars)))
    return Alignment(*_pairs_to_arrays(x_tok, y_tok, len(x_words), len(y_words)))


def _token_of_char(words: List[str]):
    """For the non-whitespace characters of the words, joined: their token ids and code points."""
    if not words:
        empty = numpy.zeros(0, dtype=numpy.int64)
        return empty, numpy.zeros(0, dtype=numpy.uint32)
    text = "".join(words)
    chars = numpy.frombuffer(text.encode("utf-32-le"), dtype=numpy.uint32)
    lengths = numpy.fromiter((len(w) for w in words), dtype=numpy.int64, count=len(words))
    token = numpy.repeat(numpy.arange(len(words), dtype=numpy.int64), lengths)
    keep = ~numpy.isin(chars, _SPACE_CODEPOINTS)
    return token[keep], chars[keep]


def _pairs_to_arrays(x_tok, y_tok, n_x: int, n_y: int):
    """x2y and y2x from the (x token, y token) pair of every shared character.

    Both token columns are non-decreasing, so dropping repeated consecutive pairs
    leaves each pair once, sorted by x and, equally, by y.
    """
    if len(x_tok):
        changed = numpy.empty(len(x_tok), dtype=bool)
        changed[0] = True
        changed[1:] = (x_tok[1:] != x_tok[:-1]) | (y_tok[1:] != y_tok[:-1])
        xs = x_tok[changed]
        ys = y_tok[changed]
    else:
        xs = ys = numpy.zeros(0, dtype=numpy.int64)
    x2y = AlignmentArray(ys, numpy.bincount(xs, minlength=n_x))
    y2x = AlignmentArray(xs, numpy.bincount(ys, minlength=n_y))
    return x2y, y2x


def _first_difference(x_chars, y_chars) -> int:
    n = min(len(x_chars), len(y_chars))
    differs = numpy.nonzero(x_chars[:n] != y_chars[:n])[0]
    return int(differs[0]) if len(differs) else n


def _mismatch_message(x_words, y_words, at: int) -> str:
    x_text = _snippet(" ".join(x_words))
    y_text = _snippet(" ".join(y_words))
    return (f"Alignment: predicted and reference tokens spell different texts "
            f"(first difference at non-space character {at}); predicted: {x_text!r}, "
            f"reference: {y_text!r}")


def _snippet(text: str) -> str:
    return text if len(text) <= _SNIPPET else text[:_SNIPPET] + "..."


__all__ = ["Alignment", "AlignmentArray", "AlignmentError"]
