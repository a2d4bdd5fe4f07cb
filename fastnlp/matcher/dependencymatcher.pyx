# cython: infer_types=True, boundscheck=False, wraparound=False
"""DependencyMatcher: patterns over a dependency tree (spaCy's `DependencyMatcher` API).

A pattern is a list of nodes: the anchor `{"RIGHT_ID", "RIGHT_ATTRS"}`, then nodes that
relate a new RIGHT_ID to an earlier LEFT_ID through a REL_OP (Semgrex-style). Each node's
RIGHT_ATTRS is a one-token Matcher pattern; every distinct RIGHT_ATTRS is one rule
("slot") of an internal `Matcher`, so the attribute tests run in its C loop once per
call however many nodes share them.

A call then works on C arrays: the absolute head and the tree root of each token, the
candidate tokens of each slot sorted by (tree, token), and a backtracking search per
pattern and tree that assigns the nodes in pattern order, checking each node's relation
to its LEFT_ID node as soon as it is assigned. Trees come in the order spaCy visits them
(by the first token any slot matched in them), and within a tree the matches come in the
order of spaCy's cartesian product over the candidates (node 0 slowest), so the result
list is spaCy's, in spaCy's order.

fastnlp's Docs keep exact subtree edges, so the relations are computed from the heads
alone: the "sentence" of `.`, `;`, `.*` and `;*` is the token's tree, which holds every
candidate of a search already.
"""
import copy
import warnings

from libc.stdint cimport int32_t
from libcpp.algorithm cimport sort
from libcpp.vector cimport vector
from ..structs cimport TokenC
from ..tokens.doc cimport Doc, set_children_from_heads
from ..tokens.span cimport Span
from ..tokens.token cimport token_get_attr
from ..attrs cimport attr_id_t
from ..attrs import NAMES
from .levenshtein import levenshtein_compare
from .matcher import ANNOTATING_PIPES, Matcher
from .patterns import MatchPatternError, PatternCompiler

# REL_OP codes (A op B: A is the LEFT_ID node, B the node being added).
cdef enum:
    OP_HEAD = 0             # <    B is A's head
    OP_CHILD                # >    B is a child of A
    OP_ANCESTOR             # <<   B is an ancestor of A
    OP_DESCENDANT           # >>   B is a descendant of A
    OP_NEXT                 # .    B is the token after A
    OP_AFTER                # .*   B is after A
    OP_PREV                 # ;    B is the token before A
    OP_BEFORE               # ;*   B is before A
    OP_NEXT_SIB             # $+   B is A's sibling, right after A
    OP_PREV_SIB             # $-   B is A's sibling, right before A
    OP_RIGHT_SIB            # $++  B is a sibling of A after A
    OP_LEFT_SIB             # $--  B is a sibling of A before A
    OP_NEXT_CHILD           # >+   B is A's child, right after A
    OP_PREV_CHILD           # >-   B is A's child, right before A
    OP_RIGHT_CHILD          # >++  B is a child of A after A
    OP_LEFT_CHILD           # >--  B is a child of A before A
    OP_NEXT_HEAD            # <+   B is A's head, right after A
    OP_PREV_HEAD            # <-   B is A's head, right before A
    OP_RIGHT_HEAD           # <++  B is A's head, after A
    OP_LEFT_HEAD            # <--  B is A's head, before A

REL_OPS = {"<": OP_HEAD, ">": OP_CHILD, "<<": OP_ANCESTOR, ">>": OP_DESCENDANT,
           ".": OP_NEXT, ".*": OP_AFTER, ";": OP_PREV, ";*": OP_BEFORE,
           "$+": OP_NEXT_SIB, "$-": OP_PREV_SIB, "$++": OP_RIGHT_SIB, "$--": OP_LEFT_SIB,
           ">+": OP_NEXT_CHILD, ">-": OP_PREV_CHILD, ">++": OP_RIGHT_CHILD,
           ">--": OP_LEFT_CHILD, "<+": OP_NEXT_HEAD, "<-": OP_PREV_HEAD,
           "<++": OP_RIGHT_HEAD, "<--": OP_LEFT_HEAD}
NODE_KEYS = ("RIGHT_ID", "RIGHT_ATTRS", "LEFT_ID", "REL_OP")
# A node stands for one token: the quantifiers that keep a token spec one token long.
NODE_OPS = ("1", "!")
EVERY_TOKEN = object()  # stands for the tested attributes of RIGHT_ATTRS {}: every token passes


cdef struct EntryC:
    int slot
    int tree                # rank of the token's tree, in the order trees are visited
    int token


cdef bint entry_less(const EntryC& a, const EntryC& b) noexcept nogil:
    if a.slot != b.slot:
        return a.slot < b.slot
    if a.tree != b.tree:
        return a.tree < b.tree
    return a.token < b.token


cdef inline bint is_child(const int* head, int token, int parent) noexcept nogil:
    return token != parent and head[token] == parent


cdef inline bint is_ancestor(const int* head, int n, int ancestor, int token) noexcept nogil:
    """`ancestor` is on the head path above `token` (not `token` itself)."""
    cdef int steps = 0
    while head[token] != token and steps < n:
        token = head[token]
        steps += 1
        if token == ancestor:
            return True
    return False


cdef bint related(int op, const int* head, int n, int a, int b) noexcept nogil:
    """Whether `a op b` holds, for tokens a and b of the same tree."""
    cdef int h = head[a]
    if op == OP_HEAD:
        return h != a and b == h
    if op == OP_CHILD:
        return is_child(head, b, a)
    if op == OP_ANCESTOR:
        return is_ancestor(head, n, b, a)
    if op == OP_DESCENDANT:
        return is_ancestor(head, n, a, b)
    if op == OP_NEXT:
        return b == a + 1
    if op == OP_AFTER:
        return b > a
    if op == OP_PREV:
        return b == a - 1
    if op == OP_BEFORE:
        return b < a
    # siblings: the children of A's head (of A itself when A is a root, as in spaCy)
    if op == OP_NEXT_SIB:
        return b == a + 1 and is_child(head, b, h)
    if op == OP_PREV_SIB:
        return b == a - 1 and is_child(head, b, h)
    if op == OP_RIGHT_SIB:
        return b > a and is_child(head, b, h)
    if op == OP_LEFT_SIB:
        return b < a and is_child(head, b, h)
    if op == OP_NEXT_CHILD:
        return b == a + 1 and is_child(head, b, a)
    if op == OP_PREV_CHILD:
        return b == a - 1 and is_child(head, b, a)
    if op == OP_RIGHT_CHILD:
        return b > a and is_child(head, b, a)
    if op == OP_LEFT_CHILD:
        return b < a and is_child(head, b, a)
    if op == OP_NEXT_HEAD:
        return h == a + 1 and b == h
    if op == OP_PREV_HEAD:
        return h == a - 1 and b == h
    if op == OP_RIGHT_HEAD:
        return h > a and b == h
    if op == OP_LEFT_HEAD:
        return h < a and b == h
    return False


cdef int only_candidate(int op, const int* head, int a) noexcept nogil:
    """The one token `a op b` allows as b, -1 for none, -2 where several may do."""
    cdef int h = head[a]
    if op == OP_HEAD:
        return h if h != a else -1
    if op == OP_NEXT or op == OP_NEXT_SIB or op == OP_NEXT_CHILD:
        return a + 1
    if op == OP_PREV or op == OP_PREV_SIB or op == OP_PREV_CHILD:
        return a - 1
    if op == OP_NEXT_HEAD:
        return h if h == a + 1 else -1
    if op == OP_PREV_HEAD:
        return h if h == a - 1 else -1
    if op == OP_RIGHT_HEAD:
        return h if h > a else -1
    if op == OP_LEFT_HEAD:
        return h if h < a else -1
    return -2


cdef inline int lower_bound(const EntryC* entries, int lo, int hi, int token) noexcept nogil:
    cdef int mid
    while lo < hi:
        mid = (lo + hi) // 2
        if entries[mid].token < token:
            lo = mid + 1
        else:
            hi = mid
    return lo


cdef void narrow(int op, const int* head, int a, const EntryC* entries, int lo, int hi,
                 int* start, int* stop) noexcept nogil:
    """The part of candidates [lo, hi) (one tree, by token) that `a op b` can accept."""
    cdef int target = only_candidate(op, head, a)
    cdef int k
    if target >= 0:
        k = lower_bound(entries, lo, hi, target)
        start[0] = k
        stop[0] = k + 1 if k < hi and entries[k].token == target else k
    elif target == -1:
        start[0] = stop[0] = lo
    elif op == OP_AFTER or op == OP_RIGHT_SIB or op == OP_RIGHT_CHILD:
        start[0], stop[0] = lower_bound(entries, lo, hi, a + 1), hi
    elif op == OP_BEFORE or op == OP_LEFT_SIB or op == OP_LEFT_CHILD:
        start[0], stop[0] = lo, lower_bound(entries, lo, hi, a)
    else:
        start[0], stop[0] = lo, hi


cdef void search(const EntryC* entries, const int* slot_off, const int* head, int n,
                 int pattern, int n_nodes, const int* slots, const int* parents,
                 const int* ops, vector[int]& out_tokens,
                 vector[int]& out_patterns) noexcept nogil:
    """Every assignment of the pattern's nodes to candidates of one tree that satisfies
    all relations, tree by tree, each in lexicographic order of the candidates."""
    cdef vector[int] ptr, lo, hi, cur, stop, tok
    ptr.resize(n_nodes)
    lo.resize(n_nodes)
    hi.resize(n_nodes)
    cur.resize(n_nodes)
    stop.resize(n_nodes)
    tok.resize(n_nodes)
    cdef int j, k, t, c, end, group_end
    cdef int first = slot_off[slots[0]]
    cdef int first_end = slot_off[slots[0] + 1]
    cdef bint empty
    for j in range(n_nodes):
        ptr[j] = slot_off[slots[j]]
    k = first
    while k < first_end:
        t = entries[k].tree
        group_end = k
        while group_end < first_end and entries[group_end].tree == t:
            group_end += 1
        lo[0], hi[0] = k, group_end
        k = group_end
        empty = False
        for j in range(1, n_nodes):
            end = slot_off[slots[j] + 1]
            while ptr[j] < end and entries[ptr[j]].tree < t:
                ptr[j] += 1
            lo[j] = ptr[j]
            while ptr[j] < end and entries[ptr[j]].tree == t:
                ptr[j] += 1
            hi[j] = ptr[j]
            if lo[j] == hi[j]:
                empty = True
        if empty:
            continue
        j = 0
        cur[0], stop[0] = lo[0], hi[0]
        while True:
            if cur[j] >= stop[j]:
                if j == 0:
                    break
                j -= 1
                cur[j] += 1
                continue
            c = entries[cur[j]].token
            if j > 0 and not related(ops[j], head, n, tok[parents[j]], c):
                cur[j] += 1
                continue
            tok[j] = c
            if j == n_nodes - 1:
                for c in range(n_nodes):
                    out_tokens.push_back(tok[c])
                out_patterns.push_back(pattern)
                cur[j] += 1
                continue
            j += 1
            narrow(ops[j], head, tok[parents[j]], entries, lo[j], hi[j], &cur[j], &stop[j])


def _frozen(value):
    """A hashable stand-in for a RIGHT_ATTRS value of plain data (equal only for equal
    data of the same types); TypeError for anything else."""
    if isinstance(value, dict):
        return ("dict",) + tuple((_frozen(k), _frozen(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return (type(value).__name__,) + tuple(_frozen(v) for v in value)
    if value is None or isinstance(value, (str, int, float)):
        return (type(value).__name__, value)
    raise TypeError(type(value).__name__)


cdef class DependencyMatcher:
    """Match subtrees of a dependency parse (spaCy's `DependencyMatcher` API)."""

    cdef readonly object vocab
    cdef public object validate
    cdef object _matcher          # the internal Matcher: one rule per slot
    cdef dict _patterns           # key -> the patterns as given
    cdef dict _compiled           # key -> [(slots, parents, ops)] per pattern
    cdef dict _callbacks
    cdef dict _slot_of            # frozen RIGHT_ATTRS -> slot
    cdef list _slot_refs          # per slot: how many nodes use it (0: free)
    cdef list _slot_keys          # per slot: its frozen RIGHT_ATTRS
    cdef list _slot_attrs         # per slot: the attribute ids it tests for equality
    cdef int _n_rules             # live slots that are rules of the internal Matcher
    cdef bint _stale
    cdef list _pattern_keys       # per flattened pattern: its key
    cdef set _seen_attrs
    cdef vector[int] c_first      # per flattened pattern: offset of its nodes
    cdef vector[int] c_count
    cdef vector[int] c_slots
    cdef vector[int] c_parents
    cdef vector[int] c_ops
    cdef vector[int] c_every      # the live slots of RIGHT_ATTRS {}: every token

    def __init__(self, vocab, *, validate=False):
        self.vocab = vocab
        self.validate = validate
        self._matcher = Matcher(vocab, validate=validate)
        self._patterns = {}
        self._compiled = {}
        self._callbacks = {}
        self._slot_of = {}
        self._slot_refs = []
        self._slot_keys = []
        self._slot_attrs = []
        self._n_rules = 0
        self._stale = True
        self._pattern_keys = []
        self._seen_attrs = set()

    def __reduce__(self):
        return (_unpickle_dependency_matcher,
                (self.vocab, self._patterns, self._callbacks, self.validate))

    def __len__(self):
        """The number of rules (keys), not of patterns."""
        return len(self._patterns)

    def __contains__(self, key):
        return self._normalize_key(key) in self._patterns

    def has_key(self, key):
        return self._normalize_key(key) in self._patterns

    def get(self, key, default=None):
        """(on_match, patterns) of a key, or `default`."""
        key = self._normalize_key(key)
        if key not in self._patterns:
            return default
        return (self._callbacks[key], self._patterns[key])

    def _normalize_key(self, key):
        return self.vocab.strings.add(key) if isinstance(key, str) else key

    def add(self, key, patterns, *, on_match=None):
        """Add patterns under `key` (appended to its earlier ones; `on_match` replaces the
        key's). Nothing is added if any pattern is invalid."""
        if on_match is not None and not callable(on_match):
            raise ValueError(f"DependencyMatcher.add({key!r}): on_match must be callable, "
                             f"not {type(on_match).__name__}")
        if not isinstance(patterns, list):
            raise MatchPatternError(f"DependencyMatcher.add({key!r}): patterns must be a "
                                    f"list of patterns (lists of node dicts), not "
                                    f"{type(patterns).__name__}")
        compiler = PatternCompiler(self.vocab, levenshtein_compare)
        checked = [_check_pattern(compiler, key, i, pattern)
                   for i, pattern in enumerate(patterns)]
        norm = self._normalize_key(key)
        compiled = self._compiled.setdefault(norm, [])
        for nodes in checked:
            slots = tuple(self._take_slot(attrs, specs) for attrs, specs, _, _ in nodes)
            compiled.append((slots, tuple(parent for _, _, parent, _ in nodes),
                             tuple(op for _, _, _, op in nodes)))
        self._patterns.setdefault(norm, []).extend(patterns)
        self._callbacks[norm] = on_match
        self._stale = True

    def _take_slot(self, attrs, specs):
        """The slot matching `attrs`, a new rule of the internal Matcher if none does."""
        try:
            frozen = _frozen(attrs)
        except TypeError:
            frozen = None  # not plain data: a slot of its own
        slot = self._slot_of.get(frozen) if frozen is not None else None
        if slot is None:
            slot = next((i for i, refs in enumerate(self._slot_refs) if refs == 0),
                        len(self._slot_refs))
            if slot == len(self._slot_refs):
                self._slot_refs.append(0)
                self._slot_keys.append(None)
                self._slot_attrs.append(None)
            if attrs:
                self._matcher.add(slot, [[attrs]])
                self._n_rules += 1
            self._slot_keys[slot] = frozen
            self._slot_attrs[slot] = {attr for spec in specs for attr, _ in spec.attrs} \
                if attrs else EVERY_TOKEN
            if frozen is not None:
                self._slot_of[frozen] = slot
        self._slot_refs[slot] += 1
        return slot

    def remove(self, key):
        """Remove a key's rule; a ValueError if there is none."""
        norm = self._normalize_key(key)
        if norm not in self._patterns:
            raise ValueError(f"DependencyMatcher.remove: no rule for {key!r}")
        for slots, _, _ in self._compiled.pop(norm):
            for slot in slots:
                self._slot_refs[slot] -= 1
                if self._slot_refs[slot] == 0:
                    if self._slot_attrs[slot] is not EVERY_TOKEN:
                        self._matcher.remove(slot)
                        self._n_rules -= 1
                    if self._slot_keys[slot] is not None:
                        del self._slot_of[self._slot_keys[slot]]
                    self._slot_keys[slot] = self._slot_attrs[slot] = None
        del self._patterns[norm]
        del self._callbacks[norm]
        self._stale = True

    cdef _build(self):
        """Lay the patterns out as flat C arrays, in key order then pattern order."""
        self.c_first.clear()
        self.c_count.clear()
        self.c_slots.clear()
        self.c_parents.clear()
        self.c_ops.clear()
        self._pattern_keys = []
        for key, compiled in self._compiled.items():
            for slots, parents, ops in compiled:
                self._pattern_keys.append(key)
                self.c_first.push_back(self.c_slots.size())
                self.c_count.push_back(len(slots))
                for j in range(len(slots)):
                    self.c_slots.push_back(slots[j])
                    self.c_parents.push_back(parents[j])
                    self.c_ops.push_back(ops[j])
        self._seen_attrs = set()
        self.c_every.clear()
        for slot, attrs in enumerate(self._slot_attrs):
            if attrs is EVERY_TOKEN:
                self.c_every.push_back(slot)
            elif attrs:
                self._seen_attrs.update(attrs)
        self._stale = False

    def __call__(self, doclike):
        """(match_id, token ids) per match: the token ids in the order of the pattern's
        nodes."""
        if isinstance(doclike, Doc):
            doc = doclike
        elif isinstance(doclike, Span):
            doc = _span_doc(doclike)
        else:
            raise ValueError(f"DependencyMatcher: expected a Doc or Span, got "
                             f"{type(doclike).__name__}")
        if not self._patterns:
            warnings.warn("DependencyMatcher is called with no patterns added", stacklevel=2)
            return []
        if self._stale:
            self._build()
        if len(doc) == 0:
            return []
        self._check_annotation(doc)
        matches = self._find(doc)
        for i, (key, _) in enumerate(matches):
            on_match = self._callbacks.get(key)
            if on_match is not None:
                on_match(self, doc, i, matches)
        return matches

    def _check_annotation(self, Doc doc):
        cdef int i
        cdef bint present
        for attr, pipe in ANNOTATING_PIPES.items():
            if attr not in self._seen_attrs:
                continue
            present = False
            for i in range(doc.length):
                if token_get_attr(&doc.c[i], <attr_id_t>attr) != 0:
                    present = True
                    break
            if not present:
                raise ValueError(f"DependencyMatcher: a pattern tests {NAMES[attr]} but the "
                                 f"doc has none; run a {pipe} first")

    cdef list _find(self, Doc doc):
        cdef int n = doc.length
        cdef int i, r, steps, n_trees = 0
        cdef size_t s
        cdef vector[int] head, root, tree_of
        head.resize(n)
        root.resize(n)
        tree_of.resize(n, -1)
        for i in range(n):
            head[i] = i + doc.c[i].head
        for i in range(n):
            r = i
            steps = 0
            while head[r] != r and steps < n:
                r = head[r]
                steps += 1
            root[i] = r
        # Trees are ranked by their first candidate token (the Matcher reports
        # candidates by token); where some node takes every token, by their first token.
        if self.c_every.size():
            for i in range(n):
                if tree_of[root[i]] < 0:
                    tree_of[root[i]] = n_trees
                    n_trees += 1
        found = self._matcher._find(doc, 0, n, False) if self._n_rules else []
        cdef vector[EntryC] entries
        entries.reserve(len(found) + n * self.c_every.size())
        cdef EntryC entry
        for item in found:
            entry.slot = item[0]
            entry.token = item[1]
            r = root[entry.token]
            if tree_of[r] < 0:
                tree_of[r] = n_trees
                n_trees += 1
            entry.tree = tree_of[r]
            entries.push_back(entry)
        for s in range(self.c_every.size()):
            entry.slot = self.c_every[s]
            for i in range(n):
                entry.token = i
                entry.tree = tree_of[root[i]]
                entries.push_back(entry)
        if entries.size() == 0:
            return []
        sort(entries.begin(), entries.end(), entry_less)
        cdef int n_slots = len(self._slot_refs)
        cdef vector[int] slot_off
        slot_off.resize(n_slots + 1, 0)
        cdef size_t e
        for e in range(entries.size()):
            slot_off[entries[e].slot + 1] += 1
        for i in range(n_slots):
            slot_off[i + 1] += slot_off[i]
        cdef vector[int] out_tokens, out_patterns
        cdef int p, first
        with nogil:
            for p in range(<int>self.c_first.size()):
                first = self.c_first[p]
                search(entries.data(), slot_off.data(), head.data(), n, p, self.c_count[p],
                       &self.c_slots[first], &self.c_parents[first], &self.c_ops[first],
                       out_tokens, out_patterns)
        keys = self._pattern_keys
        matches = []
        cdef int offset = 0, count
        cdef size_t m
        for m in range(out_patterns.size()):
            p = out_patterns[m]
            count = self.c_count[p]
            matches.append((keys[p], [out_tokens[offset + j] for j in range(count)]))
            offset += count
        return matches


def _check_pattern(compiler, key, i, pattern):
    """The nodes of a pattern as (RIGHT_ATTRS, compiled specs, parent node, op code), or a
    MatchPatternError naming the key, the pattern, the node and the fault."""
    where = f"DependencyMatcher.add({key!r}): pattern {i}"
    if not isinstance(pattern, list):
        raise MatchPatternError(f"{where} is a {type(pattern).__name__}, not a list of node "
                                f"dicts")
    if not pattern:
        raise MatchPatternError(f"{where} is empty: give at least the anchor node "
                                f"{{'RIGHT_ID': ..., 'RIGHT_ATTRS': {{...}}}}")
    ids = {}
    nodes = []
    for j, node in enumerate(pattern):
        at = f"{where}, node {j}"
        if not isinstance(node, dict):
            raise MatchPatternError(f"{at}: {node!r} is a {type(node).__name__}, not a dict")
        if "RIGHT_ID" not in node:
            raise MatchPatternError(f"{at}: missing RIGHT_ID (the node's name)")
        right_id = node["RIGHT_ID"]
        at = f"{at} ({right_id!r})"
        try:
            known = right_id in ids
        except TypeError:
            raise MatchPatternError(f"{at}: RIGHT_ID is a {type(right_id).__name__}, which "
                                    f"cannot name a node; use a string") from None
        if known:
            raise MatchPatternError(f"{at}: RIGHT_ID {right_id!r} already names node "
                                    f"{ids[right_id]}; each node needs its own")
        parent, op = -1, -1
        if j == 0:
            extra = [name for name in ("LEFT_ID", "REL_OP") if name in node]
            if extra:
                raise MatchPatternError(f"{at}: the first node is the anchor and relates to "
                                        f"no other; remove its {' and '.join(extra)}")
        else:
            missing = [name for name in ("LEFT_ID", "REL_OP") if name not in node]
            if missing:
                raise MatchPatternError(f"{at}: missing {' and '.join(missing)} (every node "
                                        f"after the anchor relates to an earlier one)")
            left_id = node["LEFT_ID"]
            try:
                parent = ids.get(left_id, -1)
            except TypeError:
                parent = -1
            if parent < 0:
                raise MatchPatternError(f"{at}: LEFT_ID {left_id!r} names no earlier node; "
                                        f"known: {', '.join(map(repr, ids))}")
            rel_op = node["REL_OP"]
            op = REL_OPS.get(rel_op, -1) if isinstance(rel_op, str) else -1
            if op < 0:
                raise MatchPatternError(f"{at}: unknown REL_OP {rel_op!r}; use one of "
                                        f"{' '.join(REL_OPS)}")
        if "RIGHT_ATTRS" not in node:
            raise MatchPatternError(f"{at}: missing RIGHT_ATTRS (give {{}} to match any "
                                    f"token)")
        attrs = node["RIGHT_ATTRS"]
        if not isinstance(attrs, dict):
            raise MatchPatternError(f"{at}: RIGHT_ATTRS is a {type(attrs).__name__}, not a "
                                    f"dict of token attributes")
        for name, value in attrs.items():
            if isinstance(name, str) and name.upper() == "OP" and value not in NODE_OPS:
                raise MatchPatternError(f"{at}: RIGHT_ATTRS has OP {value!r}, but a node is "
                                        f"one token: OP may only be '1' or '!'")
        unknown = [name for name in node if name not in NODE_KEYS]
        if unknown:
            warnings.warn(f"{at}: ignoring unknown keys {', '.join(map(repr, unknown))}; a "
                          f"node has {', '.join(NODE_KEYS)}", UserWarning, stacklevel=3)
        try:
            specs = compiler.compile(key, i, [attrs])
        except MatchPatternError as err:
            message = str(err)
            prefix = f"Matcher.add({key!r}): pattern {i}, token 0"
            message = message[len(prefix):] if message.startswith(prefix) else ": " + message
            raise MatchPatternError(f"{at}, RIGHT_ATTRS{message}") from None
        ids[right_id] = j
        nodes.append((attrs, specs, parent, op))
    return nodes


cdef Doc _span_doc(Span span):
    """The span as a Doc the way spaCy's `Span.as_doc(copy_user_data=True)` makes it for
    its DependencyMatcher: a token whose head is outside the span gets the dep `dep` and
    its highest ancestor inside the span as head, or else the first such token of its
    tree becomes a root the others attach to; an entity cut by the span's edges becomes
    missing; the extension values come along."""
    cdef Doc doc = span.doc
    cdef Doc new = span.as_doc()
    cdef int start = span.start, end = span.end, n = end - start
    cdef int i, a, h, chosen, steps
    dep = doc.vocab.strings.add("dep")
    new_root = {}
    for i in range(n):
        a = start + i
        h = a + doc.c[a].head
        if start <= h < end:
            new.c[i].head = h - a
            continue
        new.c[i].dep = dep
        chosen = -1
        steps = 0
        while doc.c[a].head != 0 and steps < doc.length:
            a += doc.c[a].head
            steps += 1
            if start <= a < end:
                chosen = a
        if chosen >= 0:
            new.c[i].head = chosen - (start + i)
        elif a in new_root:
            new.c[i].head = new_root[a] - i
        else:
            new.c[i].head = 0
            new_root[a] = i
    set_children_from_heads(new.c, 0, n)
    whole = {(e.start - start, e.end - start) for e in doc.ents
             if e.start >= start and e.end <= end}
    ents = list(new.ents)
    for ent in ents[:1] + ents[len(ents) - 1:]:
        if (ent.start, ent.end) not in whole:
            for i in range(ent.start, ent.end):
                new.c[i].ent_iob = 0
                new.c[i].ent_type = 0
    offset = span.start_char
    user_data = {}
    for key, value in doc.user_data.items():
        if isinstance(key, tuple) and len(key) == 4 and key[0] == "._.":
            kind, name, first, last = key
            if first is not None:
                first -= offset
                if last is not None:
                    last -= offset
            user_data[(kind, name, first, last)] = copy.copy(value)
        else:
            user_data[key] = copy.copy(value)
    new.user_data = user_data
    return new


def _unpickle_dependency_matcher(vocab, patterns, callbacks, validate):
    matcher = DependencyMatcher(vocab, validate=validate)
    for key, key_patterns in patterns.items():
        matcher.add(key, key_patterns, on_match=callbacks.get(key))
    return matcher
