"""State: a Python view of one FnlpState, for tests and debugging."""
from ...attrs cimport IS_SPACE
from ...lexeme cimport lex_check_flag
from ...tokens.doc cimport Doc
from .state cimport (fnlp_B, fnlp_H, fnlp_L, fnlp_R, fnlp_S, fnlp_add_arc, fnlp_del_arc,
                     fnlp_is_final, fnlp_is_space, fnlp_set_space, fnlp_n_L, fnlp_n_R, fnlp_pop, fnlp_push,
                     fnlp_state_copy, fnlp_state_free, fnlp_state_init, FNLP_SENT_SPLIT,
                     FNLP_SENT_START)


cdef int fill_token_flags(FnlpState* st, object doc_obj) except -1:
    cdef Doc doc = doc_obj
    cdef int i
    if doc.length != st.length:
        raise ValueError(f"fill_token_flags: doc has {doc.length} tokens, state {st.length}")
    for i in range(st.length):
        fnlp_set_space(st, i, lex_check_flag(doc.c[i].lex, IS_SPACE))
    return 0


cdef class State:
    def __cinit__(self, int length, int offset=0):
        self.ready = False
        if length < 0:
            raise ValueError(f"State: length must be >= 0, not {length}")
        if fnlp_state_init(&self.c, length, offset) != 0:
            raise MemoryError()
        self.ready = True

    def __dealloc__(self):
        if self.ready:
            fnlp_state_free(&self.c)

    def copy(self):
        cdef State other = State(self.c.length, self.c.offset)
        fnlp_state_copy(&other.c, &self.c)
        return other

    def __len__(self):
        return self.c.length

    def _check(self, int i):
        if not 0 <= i < self.c.length:
            raise IndexError(f"token {i} out of range (0..{self.c.length - 1})")

    # Reads --------------------------------------------------------------------

    def S(self, int i):
        return fnlp_S(&self.c, i)

    def B(self, int i):
        return fnlp_B(&self.c, i)

    def H(self, int i):
        return fnlp_H(&self.c, i)

    def L(self, int i, int k):
        self._check(i)
        return fnlp_L(&self.c, i, k)

    def R(self, int i, int k):
        self._check(i)
        return fnlp_R(&self.c, i, k)

    def n_L(self, int i):
        self._check(i)
        return fnlp_n_L(&self.c, i)

    def n_R(self, int i):
        self._check(i)
        return fnlp_n_R(&self.c, i)

    @property
    def stack(self):
        """Stack tokens, bottom first."""
        return [self.c.stack[i] for i in range(self.c.stack_len)]

    @property
    def buffer(self):
        return list(range(self.c.b0, self.c.length))

    @property
    def heads(self):
        """Head per token: -1 none, i itself for a root."""
        return [self.c.heads[i] for i in range(self.c.length)]

    @property
    def labels(self):
        return [self.c.labels[i] for i in range(self.c.length)]

    @property
    def sent_starts(self):
        """Per token, whether a BREAK in front of the buffer opened a sentence there."""
        return [self.c.sent_starts[i] == FNLP_SENT_START for i in range(self.c.length)]

    @property
    def split_starts(self):
        """Per token, whether a BREAK while closing split a sentence off there."""
        return [self.c.sent_starts[i] == FNLP_SENT_SPLIT for i in range(self.c.length)]

    @property
    def spaces(self):
        """Whether each token is whitespace (from the doc; all False without one)."""
        return [bool(fnlp_is_space(&self.c, i)) for i in range(self.c.length)]

    def set_spaces(self, spaces):
        """Mark whitespace tokens by hand (tests); init_state(doc) fills them."""
        if len(spaces) != self.c.length:
            raise ValueError(f"set_spaces: {len(spaces)} values for {self.c.length} tokens")
        for i, value in enumerate(spaces):
            fnlp_set_space(&self.c, i, bool(value))

    @property
    def entities(self):
        """Closed entities as (start, end, label hash)."""
        return [(self.c.ents[i].start, self.c.ents[i].end, self.c.ents[i].label)
                for i in range(self.c.n_ents)]

    @property
    def open_entity(self):
        """(start, label hash) of the open entity, or None."""
        return None if self.c.ent_start < 0 else (self.c.ent_start, self.c.ent_label)

    @property
    def closing(self):
        """True while arc-eager joins a finished sentence's headless tokens."""
        return bool(self.c.closing)

    @property
    def is_final(self):
        return bool(fnlp_is_final(&self.c))

    # Raw operations (no validity checks beyond bounds) -------------------------

    def push(self):
        if self.c.b0 >= self.c.length:
            raise IndexError("push: the buffer is empty")
        fnlp_push(&self.c)

    def pop(self):
        if self.c.stack_len == 0:
            raise IndexError("pop: the stack is empty")
        fnlp_pop(&self.c)

    def add_arc(self, int head, int child, label=0):
        self._check(head)
        self._check(child)
        if self.c.heads[child] != -1:
            raise ValueError(f"add_arc: token {child} already has a head")
        fnlp_add_arc(&self.c, head, child, label)

    def del_arc(self, int child):
        self._check(child)
        fnlp_del_arc(&self.c, child)

    def __repr__(self):
        return f"State(stack={self.stack}, b0={self.c.b0}, heads={self.heads})"
