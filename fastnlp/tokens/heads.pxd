# Chains of heads over absolute head indices (heads.pyx): the one cycle check that Doc,
# the parser's gold and pseudo-projective code, and the CoNLL-U reader share.

# The smallest token whose chain of heads loops, or -1 if every chain ends. heads_n[i]
# is i's head: i itself for a root, -1 (or any value outside [0, n)) for no head, which
# ends the chain. With a loop, *entry is the first token of that chain on the loop.
# mark_n: scratch of n ints, overwritten.
cdef int find_head_cycle(const int* heads_n, int n, int* mark_n, int* entry) noexcept nogil
