"""The numpy spec itself: its hash is Thinc's, and its lookups follow the definition."""
import numpy
import pytest
from thinc.api import NumpyOps

from fastnlp.ml import reference


@pytest.mark.parametrize("seed", [0, 8, 123456, 2**32 - 1])
def test_reference_hash_equals_thinc_ops_hash(seed):
    ids = numpy.random.RandomState(seed % 1000).randint(0, 2**63, size=500, dtype=numpy.uint64)
    ids[:3] = [0, 1, 2**64 - 1]
    assert (reference.murmurhash3_x64_128_uint64(ids, seed) == NumpyOps().hash(ids, seed)).all()


def test_reference_hash_four_distinct_words():
    # Guards the reason x86_128 was rejected: its 3rd and 4th words coincide on 8-byte keys.
    ids = numpy.arange(1, 200, dtype=numpy.uint64)
    keys = reference.murmurhash3_x64_128_uint64(ids, 8)
    assert (keys[:, 2] != keys[:, 3]).mean() > 0.99


def test_reference_forward_is_sum_of_hashed_rows():
    rs = numpy.random.RandomState(1)
    tables = [rs.randn(11, 3).astype("f"), rs.randn(5, 3).astype("f")]
    ids = numpy.array([[0, 7], [2**40, 3]], dtype=numpy.uint64)
    out = reference.hash_embed_forward(tables, ids, [8, 9])
    for t in range(2):
        for a in range(2):
            keys = NumpyOps().hash(ids[t : t + 1, a].copy(), [8, 9][a])[0]
            rows = keys.astype("int64") % tables[a].shape[0]
            expected = tables[a][rows].sum(axis=0)
            numpy.testing.assert_allclose(out[t, a * 3 : (a + 1) * 3], expected, rtol=1e-6)
