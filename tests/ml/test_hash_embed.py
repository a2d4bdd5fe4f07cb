"""The C hash-embed kernel against the numpy reference (fastnlp/ml/reference.py)."""
import numpy
import pytest
from thinc.api import NumpyOps

from fastnlp.ml import reference
from fastnlp.ml.hash_embed import hash_embed_backward, hash_embed_forward

CASES = [  # (T, rows per attribute, W)
    (0, [10, 5], 4),
    (1, [1], 1),
    (7, [13], 3),
    (50, [100, 50, 50, 50], 16),
    (300, [2000, 7, 1000], 33),
    (64, [3, 3, 3, 3, 3, 3], 96),
]


def _random_case(T, rows, W, seed):
    rs = numpy.random.RandomState(seed)
    ids = rs.randint(0, 2**63, size=(T, len(rows)), dtype=numpy.uint64)
    ids[rs.rand(*ids.shape) < 0.1] = 0
    if T:
        ids[0] = 2**64 - 1
    tables = [rs.uniform(-1, 1, (n, W)).astype(numpy.float32) for n in rows]
    seeds = list(rs.randint(0, 2**32, size=len(rows), dtype=numpy.uint64))
    return ids, tables, seeds, rs


@pytest.mark.parametrize("T,rows,W", CASES)
def test_forward_matches_reference(T, rows, W):
    ids, tables, seeds, _ = _random_case(T, rows, W, seed=T + W)
    out, rowids = hash_embed_forward(numpy.concatenate(tables), ids, seeds, rows)
    assert out.shape == (T, len(rows) * W) and out.dtype == numpy.float32
    assert rowids.shape == (T, len(rows), 4)
    expected = reference.hash_embed_forward(tables, ids, seeds)
    numpy.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)
    offsets = numpy.concatenate([[0], numpy.cumsum(rows)[:-1]])
    expected_rows = reference.hash_rows(ids, seeds, rows) + offsets[None, :, None]
    assert (rowids.astype(numpy.int64) == expected_rows).all()


@pytest.mark.parametrize("T,rows,W", CASES)
def test_backward_matches_reference(T, rows, W):
    ids, tables, seeds, rs = _random_case(T, rows, W, seed=2 * T + W)
    _, rowids = hash_embed_forward(numpy.concatenate(tables), ids, seeds, rows)
    d_out = rs.uniform(-1, 1, (T, len(rows) * W)).astype(numpy.float32)
    d_table = numpy.zeros((sum(rows), W), dtype=numpy.float32)
    result = hash_embed_backward(d_out, rowids, d_table)
    assert result is d_table
    expected = reference.hash_embed_backward(d_out, ids, seeds, [t.shape for t in tables])
    numpy.testing.assert_allclose(d_table, numpy.concatenate(expected), rtol=1e-5, atol=1e-5)


def test_backward_accumulates_into_existing_gradient():
    ids, tables, seeds, rs = _random_case(20, [9, 4], 5, seed=3)
    _, rowids = hash_embed_forward(numpy.concatenate(tables), ids, seeds, [9, 4])
    d_out = rs.uniform(-1, 1, (20, 10)).astype(numpy.float32)
    once = hash_embed_backward(d_out, rowids, numpy.zeros((13, 5), dtype=numpy.float32))
    start = numpy.ones((13, 5), dtype=numpy.float32)
    twice = hash_embed_backward(d_out, rowids, start.copy())
    numpy.testing.assert_allclose(twice, once + 1.0, rtol=1e-5, atol=1e-5)


def test_rows_match_thinc_hashembed():
    """Same id, seed and table as Thinc's HashEmbed gives the same vector."""
    from thinc.api import HashEmbed

    ids, tables, _, _ = _random_case(40, [77], 6, seed=5)
    layer = HashEmbed(6, 77, seed=8)
    layer.initialize()
    layer.set_param("E", tables[0])
    thinc_out = layer.predict(ids[:, 0].copy())
    ours, _ = hash_embed_forward(tables[0], ids, [8], [77])
    numpy.testing.assert_allclose(ours, thinc_out, rtol=1e-6)


def test_zero_id_is_hashed_like_any_id():
    table = numpy.random.RandomState(0).randn(50, 4).astype(numpy.float32)
    out, _ = hash_embed_forward(table, numpy.zeros((2, 1), dtype=numpy.uint64), [8], [50])
    rows = NumpyOps().hash(numpy.zeros(1, dtype=numpy.uint64), 8)[0].astype("int64") % 50
    numpy.testing.assert_allclose(out[0], table[rows].sum(axis=0), rtol=1e-6)
    assert (out[0] == out[1]).all() and numpy.abs(out[0]).sum() > 0


@pytest.mark.parametrize(
    "table_shape,ids_shape,seeds,rows",
    [
        ((15, 4), (3, 1), [1, 2], [10, 5]),  # ids have too few columns
        ((15, 4), (3, 2), [1], [10, 5]),  # one seed for two attributes
        ((14, 4), (3, 2), [1, 2], [10, 5]),  # table rows != sum(rows)
        ((10, 4), (3, 2), [1, 2], [10, 0]),  # empty table
        ((15, 4), (3,), [1, 2], [10, 5]),  # 1d ids
    ],
)
def test_forward_rejects_bad_input(table_shape, ids_shape, seeds, rows):
    with pytest.raises(ValueError):
        hash_embed_forward(
            numpy.zeros(table_shape, dtype="f"), numpy.zeros(ids_shape, dtype="uint64"), seeds, rows
        )


def test_backward_rejects_bad_input():
    _, rowids = hash_embed_forward(numpy.zeros((10, 3), "f"), numpy.ones((4, 1), "uint64"), [1], [10])
    with pytest.raises(ValueError):  # wrong gradient width
        hash_embed_backward(numpy.zeros((4, 2), "f"), rowids, numpy.zeros((10, 3), "f"))
    with pytest.raises(ValueError):  # gradient table not float32
        hash_embed_backward(numpy.zeros((4, 3), "f"), rowids, numpy.zeros((10, 3), "d"))
    with pytest.raises(ValueError):  # table smaller than the row ids
        hash_embed_backward(numpy.ones((4, 3), "f"), rowids, numpy.zeros((1, 3), "f"))


def test_forward_accepts_non_contiguous_input():
    rs = numpy.random.RandomState(0)
    ids = rs.randint(0, 2**63, size=(10, 4), dtype=numpy.uint64)
    table = rs.randn(20, 3).astype("f")
    a, _ = hash_embed_forward(table, ids[:, ::2], [1, 2], [10, 10])
    b, _ = hash_embed_forward(table, numpy.ascontiguousarray(ids[:, ::2]), [1, 2], [10, 10])
    assert (a == b).all()
