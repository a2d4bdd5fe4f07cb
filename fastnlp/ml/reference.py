"""Plain numpy reference implementations: the spec the C kernels are tested against.

Hash embedding, as fastnlp computes it:

- A batch holds T tokens with A attribute ids each (`ids_ta`, uint64).
- Attribute a has its own table E_a of rows_a x W float32 and its own 32-bit seed.
- Each id is hashed once with MurmurHash3_x64_128 (the 8 little-endian bytes of the id,
  the attribute's seed), giving K = 4 32-bit keys; key k selects row `key_k % rows_a`.
  These are the keys Thinc's `ops.hash(ids, seed)` gives, so rows match Thinc's HashEmbed.
- Forward: out[t, a*W:(a+1)*W] = sum over k of E_a[row_k]; the A slices are concatenated,
  so the output is T x (A*W).
- Backward: dE_a[row_k] += d_out[t, a*W:(a+1)*W] for every t and k (a scatter-add).
- Id 0 (a missing attribute) is hashed like any other id, as Thinc's HashEmbed does; it
  gets its own learned vector instead of zeros, so "no value" can carry information.

Nothing here is fast; it is written to be read.
"""
import numpy

N_KEYS = 4
_C1 = numpy.uint64(0x87C37B91114253D5)
_C2 = numpy.uint64(0x4CF5AD432745937F)
_FMIX1 = numpy.uint64(0xFF51AFD7ED558CCD)
_FMIX2 = numpy.uint64(0xC4CEB9FE1A85EC53)
_KEY_BYTES = numpy.uint64(8)
_LOW32 = numpy.uint64(0xFFFFFFFF)


def _fmix64(k):
    k = k ^ (k >> numpy.uint64(33))
    k = k * _FMIX1
    k = k ^ (k >> numpy.uint64(33))
    k = k * _FMIX2
    return k ^ (k >> numpy.uint64(33))


def murmurhash3_x64_128_uint64(ids_t, seed):
    """MurmurHash3_x64_128 of each uint64 id (as 8 little-endian bytes): (T, 4) uint32.

    The four keys are the low and high 32 bits of h1, then of h2. (MurmurHash3_x86_128
    is not used: for an 8-byte key its last two words are always equal.)
    """
    ids_t = numpy.asarray(ids_t, dtype=numpy.uint64).reshape(-1)
    seed = numpy.uint64(seed)
    with numpy.errstate(over="ignore"):
        k1 = ids_t * _C1
        k1 = (k1 << numpy.uint64(31)) | (k1 >> numpy.uint64(33))
        k1 = k1 * _C2
        h1 = (seed ^ k1) ^ _KEY_BYTES
        h2 = numpy.full(ids_t.shape, seed ^ _KEY_BYTES, dtype=numpy.uint64)
        h1 = h1 + h2
        h2 = h2 + h1
        h1 = _fmix64(h1)
        h2 = _fmix64(h2)
        h1 = h1 + h2
        h2 = h2 + h1
    words = [h1 & _LOW32, h1 >> numpy.uint64(32), h2 & _LOW32, h2 >> numpy.uint64(32)]
    return numpy.stack(words, axis=1).astype(numpy.uint32)


def hash_rows(ids_ta, seeds_a, rows_a):
    """Row index of every (token, attribute, key) into that attribute's table: (T, A, 4)."""
    ids_ta = numpy.asarray(ids_ta, dtype=numpy.uint64)
    T, A = ids_ta.shape
    rows_tak = numpy.zeros((T, A, N_KEYS), dtype=numpy.int64)
    for a in range(A):
        keys_tk = murmurhash3_x64_128_uint64(ids_ta[:, a], seeds_a[a])
        rows_tak[:, a, :] = keys_tk.astype(numpy.int64) % int(rows_a[a])
    return rows_tak


def hash_embed_forward(tables, ids_ta, seeds_a):
    """Sum the 4 hashed rows of each id in its attribute's table: (T, A*W) float32."""
    ids_ta = numpy.asarray(ids_ta, dtype=numpy.uint64)
    T, A = ids_ta.shape
    W = tables[0].shape[1]
    rows_tak = hash_rows(ids_ta, seeds_a, [table.shape[0] for table in tables])
    out_taw = numpy.zeros((T, A, W), dtype=numpy.float32)
    for a, table in enumerate(tables):
        for k in range(N_KEYS):
            out_taw[:, a, :] += table[rows_tak[:, a, k]]
    return out_taw.reshape((T, A * W))


def hash_embed_backward(d_out, ids_ta, seeds_a, table_shapes):
    """Gradient of each table from d_out (T, A*W): a list of (rows_a, W) float32."""
    ids_ta = numpy.asarray(ids_ta, dtype=numpy.uint64)
    T, A = ids_ta.shape
    rows_tak = hash_rows(ids_ta, seeds_a, [shape[0] for shape in table_shapes])
    W = table_shapes[0][1]
    d_out_taw = numpy.asarray(d_out, dtype=numpy.float32).reshape((T, A, W))
    d_tables = [numpy.zeros(shape, dtype=numpy.float32) for shape in table_shapes]
    for a in range(A):
        for k in range(N_KEYS):
            numpy.add.at(d_tables[a], rows_tak[:, a, k], d_out_taw[:, a, :])
    return d_tables
