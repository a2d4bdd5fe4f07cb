# cython: infer_types=True
"""TransitionSystem: the move table and the per-state loops over it.

A move is one row of `c`: an action (SHIFT, LEFT, BEGIN, ...) with a label, and its
nogil `is_valid`, `apply` and `cost` functions; the subclass picks the functions per
action in `fill_move`. Everything per transition is C; Python is only used to build the
table, the gold standard and for the test helpers.
"""
from collections import Counter

from libc.stdint cimport uint64_t
from libc.stdlib cimport calloc, free, malloc
from .features import FeatureTemplate, templates_for
from .state cimport State, fill_token_flags, fnlp_is_final

# Costs of invalid moves in set_costs (never chosen: valid_m says they are invalid).
cdef float INVALID_COST = 1e9
cdef float NEG_INF = -1e30


class GoldError(ValueError):
    """Gold annotation the oracle cannot use (a head cycle, a head outside the doc,
    overlapping entities); trainers skip the example and count it."""


cdef class Gold:
    def __cinit__(self):
        self.length = 0
        self.n_missing = 0
        self.n_unknown_labels = 0

    cdef int alloc_parse(self, int length) except -1:
        cdef size_t n = length + 1
        self.length = length
        self.c.length = length
        self.c.heads = <int*>calloc(n, sizeof(int))
        self.c.labels = <uint64_t*>calloc(n, sizeof(uint64_t))
        self.c.kid_starts = <int*>calloc(n + 1, sizeof(int))
        self.c.kids = <int*>calloc(n, sizeof(int))
        self.c.sent_starts = <int*>calloc(n, sizeof(int))   # 0: FNLP_SENT_UNKNOWN
        if not self.c.heads or not self.c.labels or not self.c.kid_starts or not self.c.kids \
                or not self.c.sent_starts:
            raise MemoryError()
        return 0

    cdef int alloc_ner(self, int length, int n_labels) except -1:
        cdef size_t n = length + 1
        self.length = length
        self.c.length = length
        self.c.n_ner_labels = n_labels
        self.c.ner_actions = <int*>calloc(n, sizeof(int))
        self.c.ner_label_ids = <int*>calloc(n, sizeof(int))
        self.c.ner_future = <int*>calloc(n * (n_labels + 1), sizeof(int))
        self.c.ner_is_space = <int*>calloc(n, sizeof(int))
        self.c.ner_last_word = length - 1
        if not self.c.ner_actions or not self.c.ner_label_ids or not self.c.ner_future \
                or not self.c.ner_is_space:
            raise MemoryError()
        return 0

    def __dealloc__(self):
        free(self.c.heads)
        free(self.c.labels)
        free(self.c.kid_starts)
        free(self.c.kids)
        free(self.c.sent_starts)
        free(self.c.ner_actions)
        free(self.c.ner_label_ids)
        free(self.c.ner_future)
        free(self.c.ner_is_space)


cdef class TransitionSystem:
    """Moves = actions x labels. Subclasses define ACTION_NAMES, LABELLED (actions that
    take a label), ORACLE_ORDER (action order the static oracle tries), `fill_move`,
    `init_gold`, `set_annotations` and `loss`."""

    kind = "base"
    ACTION_NAMES = ()
    LABELLED = ()
    ORACLE_ORDER = ()

    def __cinit__(self):
        self.c = NULL
        self.templates_f = NULL
        self.oracle_order_m = NULL
        self.n_moves = 0
        self.n_feats = 0

    def __init__(self, strings, labels=(), *, nr_feature_tokens=None, label_freqs=None):
        self.strings = strings
        self.labels = []
        self.label_freqs = dict(label_freqs or {})
        self.set_templates(nr_feature_tokens if nr_feature_tokens is not None
                           else self.default_nr_feature_tokens)
        for label in self.required_labels():
            if label not in labels:
                self.labels.append(label)
        for label in labels:
            if label not in self.labels:
                self.labels.append(label)
        self._build_moves()

    default_nr_feature_tokens = 0

    def required_labels(self):
        return ()

    def __dealloc__(self):
        free(self.c)
        free(self.templates_f)
        free(self.oracle_order_m)

    # Construction -----------------------------------------------------------

    def set_templates(self, nr_feature_tokens):
        """Choose the feature templates: a count with a default list, or names."""
        templates = templates_for(self.kind, nr_feature_tokens)
        cdef int* new_f = <int*>malloc(len(templates) * sizeof(int))
        if new_f == NULL:
            raise MemoryError()
        for f, t in enumerate(templates):
            new_f[f] = int(t)
        free(self.templates_f)
        self.templates_f = new_f
        self.n_feats = len(templates)

    @property
    def templates(self):
        return [FeatureTemplate(self.templates_f[f]).name for f in range(self.n_feats)]

    def add_label(self, label):
        """Add a label (and its moves); returns whether it was new."""
        if label in self.labels:
            return False
        self.labels.append(label)
        self._build_moves()
        return True

    def _build_moves(self):
        specs = []
        for action, name in enumerate(self.ACTION_NAMES):
            if name in self.LABELLED:
                specs.extend((action, i, label) for i, label in enumerate(self.labels))
            else:
                specs.append((action, -1, None))
        cdef FnlpMove* table = <FnlpMove*>calloc(max(len(specs), 1), sizeof(FnlpMove))
        cdef int* order_m = <int*>calloc(max(len(specs), 1), sizeof(int))
        if table == NULL or order_m == NULL:
            free(table)
            free(order_m)
            raise MemoryError()
        try:
            for m, (action, label_id, label) in enumerate(specs):
                table[m].action = action
                table[m].label_id = label_id
                table[m].label = self.strings.add(label) if label is not None else 0
                self.fill_move(&table[m], action)
        except BaseException:
            free(table)
            free(order_m)
            raise
        rank = {self.ACTION_NAMES.index(a): r for r, a in enumerate(self.ORACLE_ORDER)}
        for r, m in enumerate(sorted(range(len(specs)), key=lambda m: (rank[specs[m][0]], m))):
            order_m[r] = m
        free(self.c)
        free(self.oracle_order_m)
        self.c = table
        self.oracle_order_m = order_m
        self.n_moves = len(specs)

    cdef int fill_move(self, FnlpMove* move, int action) except -1:
        raise TypeError(f"{type(self).__name__} is abstract: a transition system subclass "
                        "fills its moves (fill_move)")

    # Per-state loops (nogil) ------------------------------------------------

    cdef int set_valid(self, const FnlpState* st, int* valid_m) noexcept nogil:
        """valid_m[m] = 1 if move m is valid in st; returns the number of valid moves."""
        cdef int m, n_valid = 0
        for m in range(self.n_moves):
            valid_m[m] = self.c[m].is_valid(st, &self.c[m])
            n_valid += valid_m[m]
        return n_valid

    cdef int set_costs(self, const FnlpState* st, const FnlpGold* gold,
                       int* valid_m, float* costs_m) noexcept nogil:
        """Validity and cost of every move (INVALID_COST for invalid ones); returns the
        number of valid zero-cost moves."""
        cdef int m, n_zero = 0
        for m in range(self.n_moves):
            valid_m[m] = self.c[m].is_valid(st, &self.c[m])
            if valid_m[m]:
                costs_m[m] = self.c[m].cost(st, gold, &self.c[m])
                n_zero += costs_m[m] == 0
            else:
                costs_m[m] = INVALID_COST
        return n_zero

    cdef int best_valid(self, const FnlpState* st, const float* scores_m) noexcept nogil:
        """The valid move with the highest score, or -1 if none is valid."""
        cdef int m, best = -1
        cdef float best_score = NEG_INF
        for m in range(self.n_moves):
            if (best == -1 or scores_m[m] > best_score) and self.c[m].is_valid(st, &self.c[m]):
                best = m
                best_score = scores_m[m]
        return best

    cdef int first_zero_cost(self, const FnlpState* st, const FnlpGold* gold) noexcept nogil:
        """The first valid zero-cost move in the oracle order, or -1."""
        cdef int r, m
        for r in range(self.n_moves):
            m = self.oracle_order_m[r]
            if self.c[m].is_valid(st, &self.c[m]) and self.c[m].cost(st, gold, &self.c[m]) == 0:
                return m
        return -1

    cdef void finalize_state(self, FnlpState* st) noexcept nogil:
        pass

    cdef int write_doc(self, const FnlpState* st, object doc) except -1:
        raise TypeError(f"{type(self).__name__} is abstract: a transition system subclass "
                        "writes its annotations (write_doc)")

    def set_annotations(self, State state, doc):
        """Write a final state's annotation into doc."""
        if not fnlp_is_final(&state.c):
            raise ValueError("set_annotations: the state is not final")
        if len(doc) != state.c.length:
            raise ValueError(f"set_annotations: doc has {len(doc)} tokens, state {state.c.length}")
        self.write_doc(&state.c, doc)

    # Python helpers ---------------------------------------------------------

    def __len__(self):
        return self.n_moves

    def move_name(self, int m):
        if not 0 <= m < self.n_moves:
            raise IndexError(f"move {m} out of range (0..{self.n_moves - 1})")
        name = self.ACTION_NAMES[self.c[m].action]
        if self.c[m].label_id >= 0:
            return f"{name}-{self.labels[self.c[m].label_id]}"
        return name

    @property
    def move_names(self):
        return [self.move_name(m) for m in range(self.n_moves)]

    def move_index(self, name):
        """Index of a move by name ("SHIFT", "LEFT-nsubj", "B-PER", ...)."""
        try:
            return self.move_names.index(name)
        except ValueError:
            raise KeyError(f"{type(self).__name__} has no move {name!r}") from None

    def is_valid(self, State state, name):
        cdef int m = self.move_index(name)
        return bool(self.c[m].is_valid(&state.c, &self.c[m]))

    def cost(self, State state, Gold gold, name):
        cdef int m = self.move_index(name)
        if not self.c[m].is_valid(&state.c, &self.c[m]):
            raise ValueError(f"{name} is not valid in this state")
        return self.c[m].cost(&state.c, &gold.c, &self.c[m])

    def apply(self, State state, name):
        """Apply a move by name or index; raises ValueError if it is not valid."""
        cdef int m = name if isinstance(name, int) else self.move_index(name)
        if not 0 <= m < self.n_moves or not self.c[m].is_valid(&state.c, &self.c[m]):
            raise ValueError(f"move {name!r} is not valid in this state")
        self.c[m].apply(&state.c, &self.c[m])
        if fnlp_is_final(&state.c):
            self.finalize_state(&state.c)

    def valid_moves(self, State state):
        return [self.move_name(m) for m in range(self.n_moves)
                if self.c[m].is_valid(&state.c, &self.c[m])]

    def costs(self, State state, Gold gold):
        """{move name: cost} over the valid moves."""
        return {self.move_name(m): self.c[m].cost(&state.c, &gold.c, &self.c[m])
                for m in range(self.n_moves) if self.c[m].is_valid(&state.c, &self.c[m])}

    def init_state(self, doc_or_length, offset=0):
        """A fresh state over a doc (its whitespace tokens marked) or a length."""
        if isinstance(doc_or_length, int):
            return State(doc_or_length, offset)
        cdef State state = State(len(doc_or_length), offset)
        fill_token_flags(&state.c, doc_or_length)
        return state

    def follow_oracle(self, State state, Gold gold):
        """Apply first zero-cost moves until final; returns their names."""
        names = []
        cdef int m
        while not fnlp_is_final(&state.c):
            m = self.first_zero_cost(&state.c, &gold.c)
            if m < 0:
                raise RuntimeError(f"no zero-cost move in state {state!r}")
            names.append(self.move_name(m))
            self.apply(state, m)
        return names

    def get_oracle_sequence(self, example):
        """The move names the oracle takes from the initial state (the static oracle's
        path: first zero-cost move in ORACLE_ORDER at each step)."""
        gold = self.init_gold(example)
        return self.follow_oracle(self.init_state(example.predicted), gold)

    @classmethod
    def count_labels(cls, examples):
        """Counter of the labels the gold annotation of examples uses."""
        raise TypeError(f"{cls.__name__} is abstract: a transition system subclass counts "
                        "its labels (count_labels)")

    @classmethod
    def from_examples(cls, strings, examples, *, min_freq=1, **kwargs):
        """A system whose labels are those seen at least min_freq times."""
        freqs = cls.count_labels(examples)
        labels = sorted(label for label, n in freqs.items() if n >= min_freq)
        return cls(strings, labels, label_freqs=freqs, **kwargs)
