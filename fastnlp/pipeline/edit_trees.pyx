# cython: infer_types=True, boundscheck=False, wraparound=False
"""Edit trees: how a word form is rewritten into its lemma (the trainable lemmatizer's
labels), built and applied in C over code points.

A tree for (form, lemma) splits both at their longest common substring (the first one
found, scanning the form then the lemma): a match node keeps that substring and holds
a tree for the prefix pair and one for the suffix pair (absent when both sides are
empty); with no common substring, a substitution node replaces the form by the lemma.
"ge[gooi]d" -> "[gooi]en" is match(2, 1, subst("ge", ""), subst("d", "en")). Applying
a tree to another form fails when its lengths or substituted strings do not fit.
Trees are deduplicated by structure; their ids are positions in the container. The
serialized layout is spaCy's ({"trees": [node dicts]}, strings as StringStore ids), so
the lemmatizers of either library read the other's trees.
"""
import numpy
import srsly

from cpython.unicode cimport PyUnicode_GET_LENGTH, PyUnicode_READ_CHAR
from libc.stdint cimport UINT32_MAX, int64_t, uint32_t, uint64_t
from libc.string cimport memset
from libcpp.unordered_map cimport unordered_map
from libcpp.vector cimport vector
from murmurhash.mrmr cimport hash64
from preshed.maps cimport PreshMap
from ..structs cimport TokenC
from ..tokens.doc cimport Doc
from ..typedefs cimport attr_t, hash_t
from ..errors import FormatError

NULL_TREE = UINT32_MAX
cdef uint32_t NULL_ID = UINT32_MAX

cdef extern from "Python.h":
    object PyUnicode_FromKindAndData(int kind, const void* buffer, Py_ssize_t size)
    int PyUnicode_4BYTE_KIND


cdef struct TreeC:
    uint32_t is_match
    uint32_t prefix_len     # match nodes: code points kept before and after the match
    uint32_t suffix_len
    uint32_t prefix_tree
    uint32_t suffix_tree
    hash_t orig             # substitution nodes: the strings (StringStore ids)
    hash_t subst


cdef vector[Py_UCS4] _chars(str text):
    cdef vector[Py_UCS4] out
    cdef Py_ssize_t i, n = PyUnicode_GET_LENGTH(text)
    out.reserve(n)
    for i in range(n):
        out.push_back(PyUnicode_READ_CHAR(text, i))
    return out


cdef str _text(const vector[Py_UCS4]& chars):
    if chars.size() == 0:
        return ""
    return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, chars.data(), chars.size())


cdef void _longest_common(const vector[Py_UCS4]& a, const vector[Py_UCS4]& b,
                          size_t* a_begin, size_t* b_begin, size_t* length) noexcept nogil:
    """The first longest common substring of a and b (dynamic programming, two rows)."""
    cdef vector[size_t] prev = vector[size_t](b.size() + 1)
    cdef vector[size_t] cur = vector[size_t](b.size() + 1)
    cdef size_t i, j, best = 0
    a_begin[0] = b_begin[0] = 0
    for i in range(a.size()):
        cur[0] = 0
        for j in range(b.size()):
            if a[i] == b[j]:
                cur[j + 1] = prev[j] + 1
                if cur[j + 1] > best:
                    best = cur[j + 1]
                    a_begin[0] = i + 1 - best
                    b_begin[0] = j + 1 - best
            else:
                cur[j + 1] = 0
        prev.swap(cur)
    length[0] = best


cdef class EditTrees:
    """The trees one lemmatizer knows, with their subst strings kept as code points."""

    cdef vector[TreeC] trees
    cdef unordered_map[uint64_t, uint32_t] by_hash
    cdef vector[vector[Py_UCS4]] origs     # per tree (empty for match nodes)
    cdef vector[vector[Py_UCS4]] substs
    cdef PreshMap _lemmas                  # (tree, orth) -> lemma id + 1 (1: no lemma)
    cdef readonly object strings

    def __init__(self, strings):
        self.strings = strings
        self._lemmas = PreshMap()

    def __len__(self):
        return self.trees.size()

    def clear_cache(self):
        """Forget the lemmas worked out so far (their strings may have gone)."""
        self._lemmas = PreshMap()

    def add(self, str form, str lemma):
        """The id of the tree rewriting `form` into `lemma` (added if new)."""
        return self._add(_chars(form), _chars(lemma))

    cdef uint32_t _add(self, vector[Py_UCS4] form, vector[Py_UCS4] lemma) except? 0xFFFFFFFE:
        cdef TreeC tree
        cdef size_t f_begin, l_begin, length
        _clear(&tree)
        if form.size() == 0 and lemma.size() == 0:
            tree.is_match = 1
            return self._intern(tree, form, lemma)
        _longest_common(form, lemma, &f_begin, &l_begin, &length)
        if length == 0:
            tree.orig = self.strings.add(_text(form))
            tree.subst = self.strings.add(_text(lemma))
            return self._intern(tree, form, lemma)
        tree.is_match = 1
        tree.prefix_len = f_begin
        tree.suffix_len = form.size() - f_begin - length
        if f_begin != 0 or l_begin != 0:
            tree.prefix_tree = self._add(
                vector[Py_UCS4](form.begin(), form.begin() + f_begin),
                vector[Py_UCS4](lemma.begin(), lemma.begin() + l_begin))
        if f_begin + length != form.size() or l_begin + length != lemma.size():
            tree.suffix_tree = self._add(
                vector[Py_UCS4](form.begin() + f_begin + length, form.end()),
                vector[Py_UCS4](lemma.begin() + l_begin + length, lemma.end()))
        return self._intern(tree, form, lemma)

    cdef uint32_t _intern(self, TreeC tree, const vector[Py_UCS4]& form,
                          const vector[Py_UCS4]& lemma) except? 0xFFFFFFFE:
        cdef uint64_t key = hash64(&tree, sizeof(TreeC), 0)
        if self.by_hash.count(key):
            return self.by_hash[key]
        cdef uint32_t tree_id = self.trees.size()
        self.trees.push_back(tree)
        self.by_hash[key] = tree_id
        if tree.is_match:
            self.origs.push_back(vector[Py_UCS4]())
            self.substs.push_back(vector[Py_UCS4]())
        else:
            self.origs.push_back(form)
            self.substs.push_back(lemma)
        return tree_id

    cdef bint _apply(self, uint32_t tree_id, const vector[Py_UCS4]& form, size_t start,
                     size_t end, vector[Py_UCS4]* out) noexcept nogil:
        cdef const TreeC* tree = &self.trees[tree_id]
        cdef size_t i, n = end - start
        if tree.is_match:
            if tree.prefix_len + tree.suffix_len > n:
                return False
            if tree.prefix_tree != NULL_ID and not self._apply(
                    tree.prefix_tree, form, start, start + tree.prefix_len, out):
                return False
            for i in range(start + tree.prefix_len, end - tree.suffix_len):
                out.push_back(form[i])
            if tree.suffix_tree != NULL_ID and not self._apply(
                    tree.suffix_tree, form, end - tree.suffix_len, end, out):
                return False
            return True
        if self.origs[tree_id].size() != n:
            return False
        for i in range(n):
            if self.origs[tree_id][i] != form[start + i]:
                return False
        for i in range(self.substs[tree_id].size()):
            out.push_back(self.substs[tree_id][i])
        return True

    def apply(self, uint32_t tree_id, str form):
        """The lemma the tree makes of `form`, or None if it does not apply."""
        self._check_id(tree_id)
        cdef vector[Py_UCS4] chars = _chars(form)
        cdef vector[Py_UCS4] out
        if not self._apply(tree_id, chars, 0, chars.size(), &out):
            return None
        return _text(out)

    cdef attr_t _lemma_of(self, uint32_t tree_id, attr_t orth) except? 0:
        """lemma id + 1 for the tree applied to the string `orth` (1: it does not apply),
        cached per (tree, orth)."""
        cdef uint64_t key[2]
        key[0] = tree_id
        key[1] = orth
        cdef uint64_t cell = hash64(key, sizeof(key), 2)
        cdef attr_t found = <attr_t><size_t>self._lemmas.get(cell)
        if found != 0:
            return found
        lemma = self.apply(tree_id, self.strings[orth])
        found = 1 if lemma is None else <attr_t>self.strings.add(lemma) + 1
        self._lemmas.set(cell, <void*><size_t>found)
        return found

    def first_applicable(self, Doc doc, const int64_t[:, ::1] candidates):
        """Per token, the first of its candidate tree ids (a row of `candidates`, best
        first; negative entries are skipped) that applies to its text, else -1."""
        if candidates.shape[0] != doc.length:
            raise ValueError(f"first_applicable: {candidates.shape[0]} rows for a doc of "
                             f"{doc.length} tokens")
        chosen = numpy.full((doc.length,), -1, dtype="int64")
        cdef int64_t[::1] out = chosen
        cdef Py_ssize_t i, k
        cdef int64_t tree_id
        for i in range(doc.length):
            for k in range(candidates.shape[1]):
                tree_id = candidates[i, k]
                if tree_id < 0:
                    continue
                self._check_id(tree_id)
                if self._lemma_of(tree_id, doc.c[i].lex.orth) != 1:
                    out[i] = tree_id
                    break
        return chosen

    def set_lemmas(self, Doc doc, const int64_t[::1] tree_ids, bint overwrite, backoff):
        """Set each token's lemma from its tree id; for -1, the token's `backoff`
        attribute id (an int) or nothing (None). Tokens with a lemma stay unless
        overwrite."""
        cdef Py_ssize_t i
        cdef attr_t lemma
        cdef TokenC* token
        for i in range(doc.length):
            token = &doc.c[i]
            if not overwrite and token.lemma != 0:
                continue
            if tree_ids[i] >= 0:
                lemma = self._lemma_of(tree_ids[i], token.lex.orth)
                if lemma != 1:
                    token.lemma = lemma - 1
                    continue
            if backoff is not None:
                token.lemma = backoff(doc, i)

    cdef void _check_id(self, int64_t tree_id) except *:
        if tree_id < 0 or tree_id >= <int64_t>self.trees.size():
            raise IndexError(f"EditTrees: no tree {tree_id}; there are {self.trees.size()}")

    def tree_to_str(self, uint32_t tree_id):
        """The tree as an S-expression: (m prefix_len suffix_len prefix suffix) and
        (s 'orig' 'subst'), () for an absent subtree."""
        self._check_id(tree_id)
        cdef TreeC tree = self.trees[tree_id]
        if not tree.is_match:
            return f"(s '{_text(self.origs[tree_id])}' '{_text(self.substs[tree_id])}')"
        prefix = "()" if tree.prefix_tree == NULL_ID else self.tree_to_str(tree.prefix_tree)
        suffix = "()" if tree.suffix_tree == NULL_ID else self.tree_to_str(tree.suffix_tree)
        return f"(m {tree.prefix_len} {tree.suffix_len} {prefix} {suffix})"

    def __getitem__(self, tree_id):
        """The node as spaCy's dict: prefix_len, suffix_len, prefix_tree, suffix_tree;
        or orig and subst (string ids)."""
        self._check_id(tree_id)
        cdef TreeC tree = self.trees[tree_id]
        if tree.is_match:
            return {"prefix_len": tree.prefix_len, "suffix_len": tree.suffix_len,
                    "prefix_tree": tree.prefix_tree, "suffix_tree": tree.suffix_tree}
        return {"orig": tree.orig, "subst": tree.subst}

    def from_json(self, trees):
        """Replace the trees by node dicts (as __getitem__ gives, strings as ids in
        self.strings); a ValueError names the first bad node."""
        self.trees.clear()
        self.by_hash.clear()
        self.origs.clear()
        self.substs.clear()
        self._lemmas = PreshMap()
        cdef TreeC tree
        n = len(trees)
        for i, node in enumerate(trees):
            tree = _node(node, i, n)
            if tree.is_match:
                self._intern(tree, vector[Py_UCS4](), vector[Py_UCS4]())
            else:
                self._intern(tree, _chars(self._string(tree.orig, i)),
                             _chars(self._string(tree.subst, i)))
            if self.trees.size() != <size_t>i + 1:
                raise ValueError(f"edit tree {i} repeats an earlier tree")
        return self

    def _string(self, key, index):
        if key not in self.strings:
            raise ValueError(f"edit tree {index}: string id {key} is not in the vocab's "
                             "strings")
        return self.strings[key]

    def to_bytes(self, **kwargs):
        return srsly.msgpack_dumps({"trees": [self[i] for i in range(self.trees.size())]})

    def from_bytes(self, bytes_data, **kwargs):
        """Read to_bytes' output; a FormatError ("edit trees: ...") if it is not that."""
        try:
            msg = srsly.msgpack_loads(bytes_data)
        except Exception as err:  # msgpack raises several types for bad input
            raise FormatError(f"not msgpack ({type(err).__name__})", "edit trees") from None
        if not isinstance(msg, dict) or not isinstance(msg.get("trees"), list):
            raise FormatError("expected a map with a list of 'trees'", "edit trees")
        try:
            return self.from_json(msg["trees"])
        except ValueError as err:
            raise FormatError(str(err), "edit trees") from None

    def to_disk(self, path, **kwargs):
        with open(path, "wb") as file:
            file.write(self.to_bytes())

    def from_disk(self, path, **kwargs):
        with open(path, "rb") as file:
            return self.from_bytes(file.read())


cdef void _clear(TreeC* tree) noexcept nogil:
    """Zero every byte (the struct is hashed whole, padding included)."""
    memset(tree, 0, sizeof(TreeC))
    tree.prefix_tree = tree.suffix_tree = NULL_ID


cdef TreeC _node(node, Py_ssize_t index, Py_ssize_t n_trees) except *:
    cdef TreeC tree
    _clear(&tree)
    match_keys = ("prefix_len", "suffix_len", "prefix_tree", "suffix_tree")
    if isinstance(node, dict) and set(node) == set(match_keys):
        values = [node[key] for key in match_keys]
        if not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= NULL_TREE
                   for v in values):
            raise ValueError(f"edit tree {index}: {node!r}"[:200] + " needs non-negative "
                             "32-bit integers")
        for key in ("prefix_tree", "suffix_tree"):
            if node[key] != NULL_TREE and node[key] >= index:
                raise ValueError(f"edit tree {index}: its {key} {node[key]} is not an "
                                 "earlier tree")
        tree.is_match = 1
        tree.prefix_len, tree.suffix_len, tree.prefix_tree, tree.suffix_tree = values
        return tree
    if isinstance(node, dict) and set(node) == {"orig", "subst"} and all(
            isinstance(node[k], int) and not isinstance(node[k], bool) and
            0 <= node[k] < 2 ** 64 for k in ("orig", "subst")):
        tree.orig, tree.subst = node["orig"], node["subst"]
        return tree
    raise ValueError(f"edit tree {index}: {node!r}"[:200] + " is neither a match node "
                     "(prefix_len, suffix_len, prefix_tree, suffix_tree) nor a "
                     "substitution node (orig, subst)")
