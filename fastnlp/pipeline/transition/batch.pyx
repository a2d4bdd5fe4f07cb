# cython: infer_types=True
"""StateBatch: N transition states over N docs, stepped by the decoder in C."""
from libc.stdlib cimport calloc, free

cimport numpy as np
import numpy
from .state cimport (State, fill_token_flags, fnlp_is_final, fnlp_n_needed_max,
                     fnlp_needed_tokens, fnlp_state_copy, fnlp_state_free, fnlp_state_init,
                     FNLP_MAX_EXACT_CLOSING)
from .features cimport fill_context
from .transition_system cimport Gold
from .transition_system import GoldError

np.import_array()

# moves_b value that leaves a row's state unchanged in apply.
cdef int NO_MOVE = -1


cdef class StateBatch:
    """Owner of B states (one malloc'd FnlpState array, freed in __dealloc__), the docs
    they annotate and, for training, their gold. See batch.pxd for the row contract."""

    def __cinit__(self):
        self.states_b = NULL
        self.golds_b = NULL
        self.active_b = NULL
        self.n_ready = 0

    def __init__(self, TransitionSystem system, docs, golds=None):
        self.system = system
        self.docs = list(docs)
        self.n_states = len(self.docs)
        if golds is not None and len(golds) != self.n_states:
            raise ValueError(f"StateBatch: {self.n_states} docs but {len(golds)} golds")
        cdef size_t B = max(self.n_states, 1)
        self.states_b = <FnlpState*>calloc(B, sizeof(FnlpState))
        self.active_b = <int*>calloc(B, sizeof(int))
        if self.states_b == NULL or self.active_b == NULL:
            raise MemoryError()
        cdef int b, offset = 0
        for b, doc in enumerate(self.docs):
            if fnlp_state_init(&self.states_b[b], len(doc), offset) != 0:
                raise MemoryError()
            self.n_ready += 1
            fill_token_flags(&self.states_b[b], doc)
            offset += len(doc)
        self.n_tokens = offset
        self.row_maps = {}
        self.gold_refs = []
        cdef Gold gold
        if golds is not None:
            self.golds_b = <const FnlpGold**>calloc(B, sizeof(FnlpGold*))
            if self.golds_b == NULL:
                raise MemoryError()
            for b, gold in enumerate(golds):
                if gold.length != self.states_b[b].length:
                    raise ValueError(f"StateBatch: gold {b} has {gold.length} tokens, "
                                     f"doc {b} has {self.states_b[b].length}")
                self.golds_b[b] = &gold.c
                self.gold_refs.append(gold)
        self.n_active = 0
        for b in range(self.n_states):
            if fnlp_is_final(&self.states_b[b]):
                self.system.finalize_state(&self.states_b[b])
            else:
                self.active_b[self.n_active] = b
                self.n_active += 1

    @classmethod
    def from_examples(cls, TransitionSystem system, examples, *, skip_bad=True):
        """A batch over the examples' predicted docs with their gold. Examples whose
        gold the oracle cannot use raise GoldError, or with skip_bad are left out;
        returns (batch, kept examples, number skipped)."""
        kept, golds = [], []
        n_skipped = 0
        for eg in examples:
            try:
                golds.append(system.init_gold(eg))
                kept.append(eg)
            except GoldError:
                if not skip_bad:
                    raise
                n_skipped += 1
        return cls(system, [eg.predicted for eg in kept], golds), kept, n_skipped

    def cut_along_oracle(self, int length):
        """A batch of training states that start along each doc's oracle path: the
        gold-prefix state after 0, length, 2 * length, ... oracle moves. They share this
        batch's token rows (same docs, same offsets) and gold; train them for at most
        `length` steps each (parser_loops.train's max_steps)."""
        if self.golds_b == NULL:
            raise ValueError("cut_along_oracle: the batch has no gold")
        if length < 1:
            raise ValueError(f"cut_along_oracle: length must be >= 1, not {length}")
        snapshots = []
        cdef State work
        cdef int b, m, step
        for b in range(self.n_states):
            if fnlp_is_final(&self.states_b[b]):
                continue
            work = State(self.states_b[b].length, self.states_b[b].offset)
            fnlp_state_copy(&work.c, &self.states_b[b])
            step = 0
            while not fnlp_is_final(&work.c):
                if step % length == 0:
                    snapshots.append((work.copy(), b))
                m = self.system.first_zero_cost(&work.c, self.golds_b[b])
                if m < 0:
                    break
                self.system.c[m].apply(&work.c, &self.system.c[m])
                step += 1
        cdef StateBatch out = StateBatch.__new__(StateBatch)
        out.system = self.system
        out.n_states = len(snapshots)
        out.n_tokens = self.n_tokens
        out.docs = [self.docs[b] for _, b in snapshots]
        out.gold_refs = list(self.gold_refs)
        out.row_maps = {}
        cdef size_t B = max(out.n_states, 1)
        out.states_b = <FnlpState*>calloc(B, sizeof(FnlpState))
        out.active_b = <int*>calloc(B, sizeof(int))
        out.golds_b = <const FnlpGold**>calloc(B, sizeof(FnlpGold*))
        if out.states_b == NULL or out.active_b == NULL or out.golds_b == NULL:
            raise MemoryError()
        cdef State snap
        cdef int i
        for i, (snap, b) in enumerate(snapshots):
            if fnlp_state_init(&out.states_b[i], snap.c.length, snap.c.offset) != 0:
                raise MemoryError()
            out.n_ready += 1
            fnlp_state_copy(&out.states_b[i], &snap.c)
            out.golds_b[i] = self.golds_b[b]
            out.active_b[i] = i
        out.n_active = out.n_states
        return out

    def __dealloc__(self):
        cdef int b
        if self.states_b != NULL:
            for b in range(self.n_ready):
                fnlp_state_free(&self.states_b[b])
        free(self.states_b)
        free(self.active_b)
        free(self.golds_b)

    # nogil API ----------------------------------------------------------------

    cdef int set_context_tokens(self, int* ids_bf, int n_feats) except -1 nogil:
        cdef int r
        if n_feats != self.system.n_feats:
            with gil:
                raise ValueError(f"set_context_tokens: n_feats={n_feats}, the system has "
                                 f"{self.system.n_feats} templates")
        for r in range(self.n_active):
            fill_context(&self.states_b[self.active_b[r]], self.system.templates_f,
                         n_feats, ids_bf + r * n_feats)
        return 0

    cdef int set_valid(self, int* valid_bm) noexcept nogil:
        cdef int r, M = self.system.n_moves
        for r in range(self.n_active):
            self.system.set_valid(&self.states_b[self.active_b[r]], valid_bm + r * M)
        return 0

    cdef int set_costs(self, float* costs_bm, int* valid_bm) except -1 nogil:
        cdef int r, b, M = self.system.n_moves
        if self.golds_b == NULL:
            with gil:
                raise ValueError("set_costs: the batch was made without gold")
        for r in range(self.n_active):
            b = self.active_b[r]
            self.system.set_costs(&self.states_b[b], self.golds_b[b],
                                  valid_bm + r * M, costs_bm + r * M)
        return 0

    cdef int apply(self, const int* moves_b) except -1 nogil:
        cdef int r, m, M = self.system.n_moves
        cdef FnlpState* st
        for r in range(self.n_active):
            m = moves_b[r]
            if m == NO_MOVE:
                continue
            st = &self.states_b[self.active_b[r]]
            if m < 0 or m >= M or not self.system.c[m].is_valid(st, &self.system.c[m]):
                with gil:
                    raise ValueError(f"apply: move {m} is not valid for row {r} "
                                     f"(state {self.active_b[r]})")
        for r in range(self.n_active):
            m = moves_b[r]
            if m != NO_MOVE:
                self.system.c[m].apply(&self.states_b[self.active_b[r]], &self.system.c[m])
        return self.drop_final()

    cdef int greedy_step(self, const float* scores_bm, int* moves_b) except -1 nogil:
        cdef int r, m, M = self.system.n_moves
        cdef FnlpState* st
        for r in range(self.n_active):
            st = &self.states_b[self.active_b[r]]
            m = self.system.best_valid(st, scores_bm + r * M)
            if m < 0:
                with gil:
                    raise RuntimeError(f"greedy_step: no valid move for state {self.active_b[r]}")
            moves_b[r] = m
        for r in range(self.n_active):
            self.system.c[moves_b[r]].apply(&self.states_b[self.active_b[r]],
                                            &self.system.c[moves_b[r]])
        return self.drop_final()

    cdef int oracle_step(self, int* moves_b) except -1 nogil:
        cdef int r, b, m
        if self.golds_b == NULL:
            with gil:
                raise ValueError("oracle_step: the batch was made without gold")
        for r in range(self.n_active):
            b = self.active_b[r]
            m = self.system.first_zero_cost(&self.states_b[b], self.golds_b[b])
            if m < 0:
                with gil:
                    raise RuntimeError(f"oracle_step: no zero-cost move for state {b}")
            moves_b[r] = m
        return self.apply(moves_b)

    cdef int drop_final(self) noexcept nogil:
        """Finalize states that became final and remove them from the active rows."""
        cdef int r, b, n_kept = 0
        for r in range(self.n_active):
            b = self.active_b[r]
            if fnlp_is_final(&self.states_b[b]):
                self.system.finalize_state(&self.states_b[b])
            else:
                self.active_b[n_kept] = b
                n_kept += 1
        self.n_active = n_kept
        return n_kept

    cdef int drop_unteachable(self) noexcept nogil:
        cdef int r, b, n_kept = 0
        for r in range(self.n_active):
            b = self.active_b[r]
            if not (self.states_b[b].closing
                    and self.states_b[b].stack_len > FNLP_MAX_EXACT_CLOSING):
                self.active_b[n_kept] = b
                n_kept += 1
        self.n_active = n_kept
        return n_kept

    # Python helpers (tests, debugging, a Python-level trainer) -----------------

    @property
    def active(self):
        """State index of each active row."""
        return numpy.asarray([self.active_b[r] for r in range(self.n_active)], dtype="int32")

    @property
    def is_final(self):
        return [bool(fnlp_is_final(&self.states_b[b])) for b in range(self.n_states)]

    def state(self, int b):
        """A copy of state b as a State."""
        if not 0 <= b < self.n_states:
            raise IndexError(f"state {b} out of range (0..{self.n_states - 1})")
        cdef State out = State(self.states_b[b].length, self.states_b[b].offset)
        fnlp_state_copy(&out.c, &self.states_b[b])
        return out

    def needed_tokens(self, int b):
        """The tokens left of B0 that state b (or a later state of it) can still name
        as features, sorted: decoding a long doc in windows computes rows for these."""
        self._check_state(b)
        cdef FnlpState* st = &self.states_b[b]
        cdef np.ndarray[int, ndim=1] out = numpy.zeros((fnlp_n_needed_max(st),), dtype="int32")
        cdef int n = fnlp_needed_tokens(st, &out[0])
        return sorted(set(out[:n].tolist()))

    def buffer_start(self, int b):
        """B0 of state b (its length once the buffer is empty)."""
        self._check_state(b)
        return self.states_b[b].b0

    def set_row_map(self, int b, row_of):
        """Make state b name token i as model row row_of[i] (an int32 array over its
        doc, kept alive here; None: back to row i + offset)."""
        self._check_state(b)
        cdef np.ndarray[int, ndim=1] rows
        if row_of is None:
            self.row_maps.pop(b, None)
            self.states_b[b].row_of = NULL
            return
        rows = numpy.ascontiguousarray(row_of, dtype="int32")
        if rows.shape[0] != self.states_b[b].length:
            raise ValueError(f"set_row_map: {rows.shape[0]} rows for "
                             f"{self.states_b[b].length} tokens")
        self.row_maps[b] = rows
        self.states_b[b].row_of = &rows[0] if rows.shape[0] else NULL

    def _check_state(self, int b):
        if not 0 <= b < self.n_states:
            raise IndexError(f"state {b} out of range (0..{self.n_states - 1})")

    def context_tokens(self):
        """(n_active, F) int32 batch rows per template (-1: no token)."""
        cdef np.ndarray[int, ndim=2] ids_bf = numpy.zeros((self.n_active, self.system.n_feats),
                                                          dtype="int32")
        if self.n_active:
            self.set_context_tokens(&ids_bf[0, 0], self.system.n_feats)
        return ids_bf

    def valid(self):
        """(n_active, M) int32 validity."""
        cdef np.ndarray[int, ndim=2] valid_bm = numpy.zeros((self.n_active, self.system.n_moves),
                                                            dtype="int32")
        if self.n_active:
            self.set_valid(&valid_bm[0, 0])
        return valid_bm

    def costs(self):
        """((n_active, M) float32 costs, (n_active, M) int32 validity)."""
        cdef np.ndarray[float, ndim=2] costs_bm = numpy.zeros((self.n_active, self.system.n_moves),
                                                              dtype="float32")
        cdef np.ndarray[int, ndim=2] valid_bm = numpy.zeros((self.n_active, self.system.n_moves),
                                                            dtype="int32")
        if self.n_active:
            self.set_costs(&costs_bm[0, 0], &valid_bm[0, 0])
        return costs_bm, valid_bm

    def apply_moves(self, moves):
        """Apply one move index per active row (-1 to skip); returns n_active."""
        cdef np.ndarray[int, ndim=1] moves_b = numpy.ascontiguousarray(moves, dtype="int32")
        if moves_b.shape[0] != self.n_active:
            raise ValueError(f"apply_moves: {moves_b.shape[0]} moves for {self.n_active} rows")
        if self.n_active == 0:
            return 0
        return self.apply(&moves_b[0])

    def greedy(self, scores):
        """Apply the best valid move per active row given (n_active, M) scores; returns
        the moves chosen."""
        cdef np.ndarray[float, ndim=2] scores_bm = numpy.ascontiguousarray(scores, dtype="float32")
        if scores_bm.shape[0] != self.n_active or scores_bm.shape[1] != self.system.n_moves:
            raise ValueError(f"greedy: scores shape {(scores_bm.shape[0], scores_bm.shape[1])}, expected "
                             f"({self.n_active}, {self.system.n_moves})")
        cdef np.ndarray[int, ndim=1] moves_b = numpy.zeros((self.n_active,), dtype="int32")
        if self.n_active:
            self.greedy_step(&scores_bm[0, 0], &moves_b[0])
        return moves_b

    def follow_oracle(self):
        """Run every state to the end along the oracle; returns the number of steps."""
        cdef np.ndarray[int, ndim=1] moves_b = numpy.zeros((max(self.n_active, 1),), dtype="int32")
        cdef int n_steps = 0
        while self.n_active:
            self.oracle_step(&moves_b[0])
            n_steps += 1
        return n_steps

    def set_annotations(self):
        """Write each final state's annotation into its doc; raises if any is not final."""
        if self.n_active:
            raise ValueError(f"set_annotations: {self.n_active} states are not final")
        cdef int b
        for b, doc in enumerate(self.docs):
            self.system.write_doc(&self.states_b[b], doc)
        return self.docs
