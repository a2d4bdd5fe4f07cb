/* MurmurHash3_x64_128 specialised to one 8-byte key (a uint64 attribute id).
 *
 * The four 32-bit words (low and high halves of h1, then of h2) are the four hash keys
 * of an id. This is the function Thinc's NumpyOps.hash computes, so the rows chosen here
 * match the rows Thinc's HashEmbed chooses for the same id and seed. We do not use
 * MurmurHash3_x86_128: on an 8-byte key its 3rd and 4th words are always equal (no key
 * byte reaches them), which would waste one of the four rows. Inline so the kernel can
 * hash inside its gather loop.
 */
#ifndef FASTNLP_HASH_EMBED_H
#define FASTNLP_HASH_EMBED_H

#include <stdint.h>

#define FNLP_MURMUR_C1 0x87c37b91114253d5ULL
#define FNLP_MURMUR_C2 0x4cf5ad432745937fULL
#define FNLP_MURMUR_FMIX1 0xff51afd7ed558ccdULL
#define FNLP_MURMUR_FMIX2 0xc4ceb9fe1a85ec53ULL
#define FNLP_KEY_BYTES 8ULL

static inline uint64_t fnlp_fmix64(uint64_t k) {
    k ^= k >> 33;
    k *= FNLP_MURMUR_FMIX1;
    k ^= k >> 33;
    k *= FNLP_MURMUR_FMIX2;
    k ^= k >> 33;
    return k;
}

/* Write the four 32-bit hash words of `key` under `seed` to keys_k[0..3]. */
static inline void fnlp_hash_u64_x4(uint64_t key, uint32_t seed, uint32_t* keys_k) {
    uint64_t h1 = seed;
    uint64_t h2 = seed;
    /* An 8-byte key has no 16-byte block, only the tail, which feeds h1. */
    uint64_t k1 = key * FNLP_MURMUR_C1;
    k1 = (k1 << 31) | (k1 >> 33);
    k1 *= FNLP_MURMUR_C2;
    h1 ^= k1;
    h1 ^= FNLP_KEY_BYTES;
    h2 ^= FNLP_KEY_BYTES;
    h1 += h2;
    h2 += h1;
    h1 = fnlp_fmix64(h1);
    h2 = fnlp_fmix64(h2);
    h1 += h2;
    h2 += h1;
    keys_k[0] = (uint32_t)(h1 & 0xffffffffULL);
    keys_k[1] = (uint32_t)(h1 >> 32);
    keys_k[2] = (uint32_t)(h2 & 0xffffffffULL);
    keys_k[3] = (uint32_t)(h2 >> 32);
}

/* Ask for the cache lines of one table row (W floats) ahead of use; the gathers and
 * scatter-adds hit rows at random, so without this each row is a cache miss. */
#define FNLP_CACHE_LINE_FLOATS 16
static inline void fnlp_prefetch_row(const float* row_w, long W, int for_write) {
    for (long w = 0; w < W; w += FNLP_CACHE_LINE_FLOATS) {
        if (for_write) __builtin_prefetch(row_w + w, 1, 3);
        else __builtin_prefetch(row_w + w, 0, 3);
    }
}

#endif
