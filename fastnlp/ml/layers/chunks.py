"""Planning bounded calls over long sequences, for skip_empty's prediction path.

A layer whose output row t depends only on input rows t - context .. t + context (the
tok2vec encoder: context = window_size * depth; the embedding: context = 0) gives the
same rows when it runs on a slice of the sequence that reaches `context` rows past the
rows kept. So in prediction a batch is run as calls of about CHUNK_SIZE rows each:
sequences longer than that are cut into near-equal chunks of at most CHUNK_SIZE rows,
each run with `context` extra rows on both sides, and the chunks' own rows are kept.
Time is then linear in the length and memory bounded by the call size (one 200,000
token Doc made arrays of 200,000 x 288 floats at once, several GB in all).
"""
from typing import Dict, List, Sequence, Tuple

# Rows per call (and the longest sequence run whole) in prediction. 1-2k rows keep the
# encoder's per-call arrays (rows x width * 3 floats) in cache; the per-call overhead is
# ~0.5 ms, 2 % of a 2048-row call. Set skip_empty's attrs["chunk_size"] to override.
CHUNK_SIZE = 2048

# (sequence index, input start, input end, first kept row, end of kept rows); rows are
# positions in the sequence.
Piece = Tuple[int, int, int, int, int]


def sequence_pieces(length: int, chunk_size: int, context: int) -> List[Tuple[int, int, int, int]]:
    """(input start, input end, keep start, keep end) for one sequence: itself when it has
    at most chunk_size rows, otherwise ceil(length / chunk_size) near-equal chunks.
    """
    if length <= chunk_size:
        return [(0, length, 0, length)]
    n_chunks = -(-length // chunk_size)
    bounds = [i * length // n_chunks for i in range(n_chunks + 1)]
    return [
        (max(0, start - context), min(length, end + context), start, end)
        for start, end in zip(bounds[:-1], bounds[1:])
    ]


def plan_calls(lengths: Sequence[int], chunk_size: int, context: int) -> List[List[Piece]]:
    """Pieces of all sequences, in order, packed into calls of at most chunk_size input
    rows (a chunk with its context may exceed it alone). Empty sequences join the current
    call, so no call is made of empty sequences only unless all are empty.
    """
    if chunk_size < 1 or context < 0:
        raise ValueError(f"chunk_size must be >= 1 and context >= 0: {chunk_size}, {context}")
    calls: List[List[Piece]] = []
    call: List[Piece] = []
    rows = 0
    for index, length in enumerate(lengths):
        for start, end, keep_start, keep_end in sequence_pieces(length, chunk_size, context):
            size = end - start
            if size and rows and rows + size > chunk_size:
                calls.append(call)
                call, rows = [], 0
            call.append((index, start, end, keep_start, keep_end))
            rows += size
    if call:
        calls.append(call)
    return calls


class TokenRange:
    """Tokens start .. end - 1 of a Doc, as much of a Doc as the embedding layers read
    (len, vocab, to_array). to_array reads the whole Doc once per attribute list (kept in
    `arrays`, shared by the Doc's ranges) and slices it, so cutting is linear.
    """

    __slots__ = ("doc", "start", "end", "arrays")

    def __init__(self, doc, start: int, end: int, arrays: Dict):
        self.doc, self.start, self.end, self.arrays = doc, start, end, arrays

    def __len__(self) -> int:
        return self.end - self.start

    @property
    def vocab(self):
        return self.doc.vocab

    def to_array(self, attr_ids):
        key = attr_ids if isinstance(attr_ids, (str, int)) else tuple(attr_ids)
        if key not in self.arrays:
            self.arrays[key] = self.doc.to_array(attr_ids)
        return self.arrays[key][self.start:self.end]


def take_rows(item, start: int, end: int, arrays: Dict):
    """Rows start .. end - 1 of an array (a view), or a TokenRange of a Doc."""
    if start == 0 and end == len(item):
        return item
    if hasattr(item, "shape"):
        return item[start:end]
    return TokenRange(item, start, end, arrays)
