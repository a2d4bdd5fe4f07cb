"""Corpus: stream training Examples from `.spacy` files (one file or a directory of shards).

Shards are read one at a time, so memory holds one shard plus, when shuffling, a
bounded buffer of Docs. Registered as `fastnlp.Corpus.v1` and `spacy.Corpus.v1`.
"""
import random
from pathlib import Path
from typing import Callable, Iterable, Iterator, List, Optional, Union

from ..errors import FastNLPError
from ..registry import register
from ..tokens import Doc
from ..tokens.docbin import DocBin
from .example import Example, has_sents

FILE_TYPE = ".spacy"
DEFAULT_SHUFFLE_BUFFER = 10000

Augmenter = Callable[..., Iterable[Example]]


class CorpusError(FastNLPError, ValueError):
    """A corpus path that does not exist or holds no readable `.spacy` data."""


def walk_corpus(path: Union[str, Path], file_type: str = FILE_TYPE) -> List[Path]:
    """The `file_type` files at `path`: the file itself, or all under a directory, sorted."""
    path = Path(path)
    if not path.exists():
        raise CorpusError(f"{path}: corpus path does not exist")
    if path.is_file():
        if not path.name.endswith(file_type):
            raise CorpusError(f"{path}: not a {file_type} file")
        return [path]
    files = sorted(p for p in path.rglob(f"*{file_type}") if p.is_file())
    if not files:
        raise CorpusError(f"{path}: directory holds no {file_type} files")
    return files


class Corpus:
    """Iterate over the Examples of `.spacy` files: `corpus(nlp) -> Iterator[Example]`.

    path: a `.spacy` file or a directory of them (searched recursively, sorted).
    gold_preproc: predicted docs take the reference words, one Example per sentence.
    max_length: docs of this many tokens or more are split into sentences, and
        sentences that are still too long are skipped (0: no limit).
    limit: at most this many reference docs (0: all).
    augmenter: `augmenter(nlp, example)` yields the Examples to train on.
    shuffle: shuffle shard order and docs (through a buffer of `shuffle_buffer`
        docs); each call uses a new seed derived from `seed` and the call count.
    """

    def __init__(self, path: Union[str, Path], *, limit: int = 0, gold_preproc: bool = False,
                 max_length: int = 0, augmenter: Optional[Augmenter] = None,
                 shuffle: bool = False, shuffle_buffer: int = DEFAULT_SHUFFLE_BUFFER,
                 seed: int = 0):
        if path is None:
            raise CorpusError("Corpus: path is None; set it in the config ([paths] or [corpora])")
        self.path = Path(path)
        self.limit = int(limit or 0)
        self.gold_preproc = gold_preproc
        self.max_length = int(max_length or 0)
        self.augmenter = augmenter
        self.shuffle = shuffle
        self.shuffle_buffer = max(1, int(shuffle_buffer))
        self.seed = seed
        self.epoch = 0
        self.files = walk_corpus(self.path)

    def __call__(self, nlp) -> Iterator[Example]:
        """Yield Examples for `nlp` (its vocab and tokenizer), augmented if configured."""
        rng = random.Random(self.seed * 1_000_003 + self.epoch) if self.shuffle else None
        self.epoch += 1
        docs = self.iter_docs(nlp.vocab, rng=rng)
        make = self._gold_preproc_examples if self.gold_preproc else self._examples
        for example in make(nlp, docs):
            if self.augmenter is None:
                yield example
            else:
                yield from self.augmenter(nlp, example)

    def iter_docs(self, vocab, *, rng: Optional[random.Random] = None) -> Iterator[Doc]:
        """Reference Docs of every shard (empty ones skipped), at most `limit`; no Examples."""
        vocab = getattr(vocab, "vocab", vocab)
        files = list(self.files)
        if rng is not None:
            rng.shuffle(files)
        docs = self._read(files, vocab)
        if rng is not None:
            docs = _buffered_shuffle(docs, self.shuffle_buffer, rng)
        count = 0
        for doc in docs:
            if self.limit and count >= self.limit:
                return
            count += 1
            yield doc

    def _read(self, files: List[Path], vocab) -> Iterator[Doc]:
        for path in files:
            for doc in DocBin().from_disk(path).get_docs(vocab):
                if len(doc):
                    yield doc

    def _examples(self, nlp, docs: Iterable[Doc]) -> Iterator[Example]:
        for reference in docs:
            if not self.max_length or len(reference) < self.max_length:
                yield _make_example(nlp, reference, False)
            elif has_sents(reference):
                for sent in reference.sents:
                    if 0 < len(sent) < self.max_length:
                        yield _make_example(nlp, sent.as_doc(), False)

    def _gold_preproc_examples(self, nlp, docs: Iterable[Doc]) -> Iterator[Example]:
        for reference in docs:
            sents = [s.as_doc() for s in reference.sents] if has_sents(reference) else [reference]
            for sent in sents:
                if len(sent):
                    yield _make_example(nlp, sent, True)

    def __repr__(self) -> str:
        return f"Corpus({str(self.path)!r}, {len(self.files)} files)"


def _make_example(nlp, reference: Doc, gold_preproc: bool) -> Example:
    """Predicted doc: the reference words (gold_preproc or unknown spaces) or the tokenizer's."""
    if gold_preproc or reference.has_unknown_spaces:
        words = [t.text for t in reference]
        spaces = [bool(t.whitespace_) for t in reference]
        return Example(Doc(nlp.vocab, words=words, spaces=spaces), reference)
    return Example(nlp.make_doc(reference.text), reference)


def _buffered_shuffle(items: Iterable, size: int, rng: random.Random) -> Iterator:
    """Shuffle a stream through a buffer of `size` items: memory stays bounded."""
    buffer = []
    for item in items:
        if len(buffer) < size:
            buffer.append(item)
            continue
        j = rng.randrange(size)
        yield buffer[j]
        buffer[j] = item
    rng.shuffle(buffer)
    yield from buffer


@register("readers", "fastnlp.Corpus.v1", "spacy.Corpus.v1")
def create_docbin_reader(path: Optional[Path], gold_preproc: bool, max_length: int = 0,
                         limit: int = 0, augmenter: Optional[Augmenter] = None,
                         shuffle: bool = False) -> Corpus:
    """The corpus reader configs name as `@readers = "spacy.Corpus.v1"`."""
    return Corpus(path, gold_preproc=gold_preproc, max_length=max_length, limit=limit,
                  augmenter=augmenter, shuffle=shuffle)


__all__ = ["Corpus", "CorpusError", "walk_corpus", "create_docbin_reader"]
