"""Static word vectors: a table of rows and the keys that map to them."""
import numpy

from .registry import registry


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
