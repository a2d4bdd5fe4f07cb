"""Hash-embedding speed: fastnlp's fused kernel vs Thinc's HashEmbed (what spaCy runs).

Both embed the same (T, A) uint64 ids with the same table sizes, seeds and width, and
both run forward + backward. Thinc's side is spaCy's MultiHashEmbed arrangement: one
HashEmbed per attribute column, concatenated. Prints tokens/sec and the speed ratio.

    python benchmarks/hash_embed.py [--tokens 20000] [--width 96] [--repeats 20]
"""
import argparse
import time

import numpy
from thinc.api import HashEmbed, concatenate, fix_random_seed

from fastnlp.ml.hash_embed import hash_embed_backward, hash_embed_forward
from fastnlp.ml.layers import HashEmbedMulti

FIRST_SEED = 8
VOCAB_SIZE = 50000  # distinct ids per attribute, drawn with a Zipf-like frequency


def make_ids(n_tokens, n_attrs, seed):
    rs = numpy.random.RandomState(seed)
    ids_ta = numpy.empty((n_tokens, n_attrs), dtype=numpy.uint64)
    for a in range(n_attrs):
        vocab = rs.randint(0, 2**63, size=VOCAB_SIZE, dtype=numpy.uint64)
        ranks = numpy.minimum(rs.zipf(1.2, size=n_tokens), VOCAB_SIZE) - 1
        ids_ta[:, a] = vocab[ranks]
    return ids_ta


def time_layer(model, ids, d_out, repeats):
    """Best-of-repeats seconds for one forward + backward through a Thinc layer."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        _, backprop = model.begin_update(ids)
        backprop(d_out)
        best = min(best, time.perf_counter() - start)
    return best


def time_kernels(table, ids, seeds, rows, d_out, repeats):
    """Best-of-repeats seconds for the bare kernel wrappers (no Thinc model)."""
    d_table = numpy.zeros_like(table)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        _, rowids = hash_embed_forward(table, ids, seeds, rows)
        hash_embed_backward(d_out, rowids, d_table)
        best = min(best, time.perf_counter() - start)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=20000)
    parser.add_argument("--width", type=int, default=96)
    parser.add_argument("--rows", type=int, nargs="+", default=[2000, 1000, 1000, 1000])
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    fix_random_seed(0)
    rows, W, T = args.rows, args.width, args.tokens
    seeds = [FIRST_SEED + a for a in range(len(rows))]
    ids = make_ids(T, len(rows), seed=0)
    d_out = numpy.random.RandomState(1).uniform(-1, 1, (T, W * len(rows))).astype("f")

    ours = HashEmbedMulti(W, rows, seeds)
    ours.initialize()
    thinc = concatenate(
        *[HashEmbed(W, n, seed=s, column=a, dropout=0.0) for a, (n, s) in enumerate(zip(rows, seeds))]
    )
    thinc.initialize(X=ids)
    tables = numpy.split(ours.get_param("E"), numpy.cumsum(rows)[:-1])
    for layer, table in zip([n for n in thinc.walk() if n.name == "hashembed"], tables):
        layer.set_param("E", numpy.ascontiguousarray(table))
    same = numpy.allclose(ours.predict(ids), thinc.predict(ids), rtol=1e-5, atol=1e-6)

    t_ours = time_layer(ours, ids, d_out, args.repeats)
    t_thinc = time_layer(thinc, ids, d_out, args.repeats)
    t_kernel = time_kernels(ours.get_param("E"), ids, seeds, rows, d_out, args.repeats)
    print(f"T={T} tokens, A={len(rows)} attributes, rows={rows}, W={W}; forward+backward, "
          f"best of {args.repeats}; outputs identical: {same}")
    print(f"{'thinc HashEmbed x' + str(len(rows)) + ' + concatenate':36s} {T / t_thinc:>12,.0f} tokens/s")
    print(f"{'fastnlp HashEmbedMulti (layer)':36s} {T / t_ours:>12,.0f} tokens/s  "
          f"x{t_thinc / t_ours:.2f} vs thinc")
    print(f"{'fastnlp kernels (no Thinc model)':36s} {T / t_kernel:>12,.0f} tokens/s  "
          f"x{t_thinc / t_kernel:.2f} vs thinc")


if __name__ == "__main__":
    main()
