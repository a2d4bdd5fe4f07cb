# cython: infer_types=True
"""Pseudo-projective parsing (Nivre & Nilsson 2005, "head" encoding).

`projectivize` lifts each non-projective arc to the head's head until the tree is
projective, smallest arcs first, and decorates a lifted token's label with its original
head's label: "label||head_label". `deprojectivize_arrays` / `deprojectivize` lower a
decorated token again: breadth-first (left to right) through the descendants of its
current head, skipping the token's own subtree, to the first token whose label (without
decoration) is head_label; without one the token stays where it is. Heads are absolute
indices, a root is its own head, None is a missing head: no arc, and since the token
might hang anywhere, an arc over it (or over its subtree) is not counted as crossing.
"""
from bisect import insort

import numpy
from libc.stdlib cimport free, malloc
from ..attrs import DEP, HEAD
from .heads cimport find_head_cycle

DELIMITER = "||"
cdef int NO_HEAD = -1


cdef int* _heads_array(heads) except NULL:
    """heads as a malloc'd int array (None -> NO_HEAD); ValueError outside the doc or
    for a cycle."""
    cdef int n = len(heads)
    cdef int* heads_n = <int*>malloc(max(n, 1) * sizeof(int))
    cdef int* mark_n = <int*>malloc(max(n, 1) * sizeof(int))
    if heads_n == NULL or mark_n == NULL:
        free(heads_n)
        free(mark_n)
        raise MemoryError()
    cdef int i, first, entry
    try:
        for i in range(n):
            head = heads[i]
            if head is None:
                heads_n[i] = NO_HEAD
            elif not 0 <= head < n:
                raise ValueError(f"head {head} of token {i} is outside the doc (0..{n - 1})")
            else:
                heads_n[i] = head
        first = find_head_cycle(heads_n, n, mark_n, &entry)
        if first >= 0:
            raise ValueError(f"the heads from token {first} form a cycle through token "
                             f"{entry}")
    except BaseException:
        free(heads_n)
        raise
    finally:
        free(mark_n)
    return heads_n


cdef bint _may_dominate(const int* heads_n, int head, int token) noexcept nogil:
    """Whether head dominates token, or may: token's chain of heads ends in a missing
    head before reaching a root."""
    while token != head:
        if heads_n[token] == NO_HEAD:
            return True
        if heads_n[token] == token:
            return False
        token = heads_n[token]
    return True


cdef bint _is_nonproj_arc(const int* heads_n, int child) noexcept nogil:
    cdef int head = heads_n[child]
    if head == NO_HEAD or head == child:
        return False
    cdef int lo = head if head < child else child
    cdef int hi = child if head < child else head
    cdef int k
    for k in range(lo + 1, hi):
        if not _may_dominate(heads_n, head, k):
            return True
    return False


cdef int _smallest_nonproj_arc(const int* heads_n, int n) noexcept nogil:
    cdef int i, size, best = -1, best_size = n + 1
    for i in range(n):
        if _is_nonproj_arc(heads_n, i):
            size = heads_n[i] - i if heads_n[i] > i else i - heads_n[i]
            if size < best_size:
                best = i
                best_size = size
    return best


def is_nonproj_arc(int child, heads):
    """Whether child's arc spans a token its head does not dominate."""
    cdef int* heads_n = _heads_array(heads)
    try:
        if not 0 <= child < len(heads):
            raise IndexError(f"token {child} out of range")
        return bool(_is_nonproj_arc(heads_n, child))
    finally:
        free(heads_n)


def is_nonproj_tree(heads):
    """Whether any arc of the tree (or forest) is non-projective."""
    cdef int* heads_n = _heads_array(heads)
    cdef int i
    try:
        for i in range(len(heads)):
            if _is_nonproj_arc(heads_n, i):
                return True
        return False
    finally:
        free(heads_n)


def projectivize(heads, labels):
    """(proj_heads, deco_labels): the lifted heads, and labels with "||head_label" on
    the tokens that were lifted. Input lists are not modified."""
    cdef int n = len(heads)
    if len(labels) != n:
        raise ValueError(f"projectivize: {n} heads but {len(labels)} labels")
    cdef int* heads_n = _heads_array(heads)
    cdef int child, head
    try:
        child = _smallest_nonproj_arc(heads_n, n)
        if child < 0:
            return list(heads), list(labels)
        while child >= 0:
            head = heads_n[child]
            if heads_n[head] == NO_HEAD or heads_n[head] == head:
                heads_n[child] = child
            else:
                heads_n[child] = heads_n[head]
            child = _smallest_nonproj_arc(heads_n, n)
        proj_heads = [None if heads[i] is None else heads_n[i] for i in range(n)]
    finally:
        free(heads_n)
    deco_labels = list(labels)
    for i in range(n):
        if heads[i] is not None and proj_heads[i] != heads[i]:
            deco_labels[i] = f"{labels[i]}{DELIMITER}{labels[heads[i]]}"
    return proj_heads, deco_labels


def _base_label(label):
    return label.split(DELIMITER, 1)[0] if label else label


def _children_lists(heads):
    """Children of each token, ascending."""
    children = [[] for _ in range(len(heads))]
    for j, head in enumerate(heads):
        if head is not None and head != j:
            children[head].append(j)
    return children


def _find_new_head(heads, labels, children, int token, head_label):
    """Breadth-first, left to right, through the descendants of token's head (not
    entering token's own subtree): the first whose base label is head_label, or None."""
    queue = [heads[token]]
    while queue:
        next_queue = []
        for node in queue:
            for child in children[node]:
                if child == token:
                    continue
                if _base_label(labels[child]) == head_label:
                    return child
                next_queue.append(child)
        queue = next_queue
    return None


def deprojectivize_arrays(heads, labels):
    """(heads, labels) with decorated tokens lowered and their decoration removed.

    Lowering runs in passes, left to right, until no decorated token finds its head:
    a token whose original head was itself lifted finds it once that one is lowered.
    """
    n = len(heads)
    if len(labels) != n:
        raise ValueError(f"deprojectivize: {n} heads but {len(labels)} labels")
    heads = list(heads)
    labels = list(labels)
    cdef int* check_n = _heads_array(heads)
    free(check_n)
    pending = [i for i in range(n) if labels[i] and DELIMITER in labels[i]
               and heads[i] is not None and heads[i] != i]
    children = _children_lists(heads) if pending else None
    progress = True
    while pending and progress:
        progress = False
        still = []
        for i in pending:
            head_label = labels[i].split(DELIMITER, 1)[1]
            found = _find_new_head(heads, labels, children, i, head_label)
            if found is None:
                still.append(i)
            else:
                children[heads[i]].remove(i)
                insort(children[found], i)
                heads[i] = found
                labels[i] = _base_label(labels[i])
                progress = True
        pending = still
    for i in range(n):
        if labels[i] and DELIMITER in labels[i]:
            labels[i] = _base_label(labels[i])
    return heads, labels


def deprojectivize(doc):
    """Lower the decorated arcs of a parsed Doc in place; returns the Doc."""
    n = len(doc)
    strings = doc.vocab.strings
    rel = doc.to_array(HEAD).view(numpy.int64)
    heads = (numpy.arange(n) + rel).tolist()
    labels = [strings[int(d)] for d in doc.to_array(DEP)]
    if not any(DELIMITER in label for label in labels):
        return doc
    heads, labels = deprojectivize_arrays(heads, labels)
    array = numpy.zeros((n, 2), dtype="uint64")
    array[:, 0] = (numpy.asarray(heads, dtype=numpy.int64) - numpy.arange(n)).view(numpy.uint64)
    array[:, 1] = [strings.add(label) for label in labels]
    doc.from_array([HEAD, DEP], array)
    return doc
