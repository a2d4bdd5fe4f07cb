# The transition state in C (include/fastnlp_state.h): the contract every transition
# system, the batch and the decoder share. All functions are inline C, nogil, and cannot
# fail except fnlp_state_init (returns -1 when out of memory).
from libc.stdint cimport uint8_t, uint64_t


cdef extern from "fastnlp_state.h" nogil:
    int FNLP_NO_TOKEN
    int FNLP_MAX_KIDS
    int FNLP_MAX_ENT_TOKENS
    int FNLP_SENT_START
    int FNLP_SENT_INSIDE
    int FNLP_SENT_UNKNOWN
    int FNLP_SENT_SPLIT
    int FNLP_FLAG_SPACE
    int FNLP_MAX_EXACT_CLOSING

    ctypedef struct FnlpEntity:
        int start
        int end
        uint64_t label

    ctypedef struct FnlpState:
        int length
        int offset
        const int* row_of
        int b0
        int stack_len
        int* stack
        int* heads
        uint64_t* labels
        int* n_left
        int* n_right
        int* lkids
        int* rkids
        int* sent_starts
        uint8_t* token_flags
        int last_word
        FnlpEntity* ents
        int n_ents
        int ent_start
        uint64_t ent_label
        int closing

    ctypedef struct FnlpGold:
        int length
        int* heads
        uint64_t* labels
        int* kid_starts
        int* kids
        int* sent_starts
        int* ner_actions
        int* ner_label_ids
        int n_ner_labels
        int* ner_future
        int* ner_is_space
        int ner_last_word

    cdef struct FnlpMove

    ctypedef int (*fnlp_valid_fn)(const FnlpState* st, const FnlpMove* move) noexcept nogil
    ctypedef void (*fnlp_apply_fn)(FnlpState* st, const FnlpMove* move) noexcept nogil
    ctypedef int (*fnlp_cost_fn)(const FnlpState* st, const FnlpGold* gold,
                                 const FnlpMove* move) noexcept nogil

    cdef struct FnlpMove:
        int action
        int label_id
        uint64_t label
        fnlp_valid_fn is_valid
        fnlp_apply_fn apply
        fnlp_cost_fn cost

    int fnlp_state_init(FnlpState* st, int length, int offset) noexcept
    void fnlp_state_free(FnlpState* st) noexcept
    void fnlp_state_reset(FnlpState* st) noexcept
    void fnlp_state_copy(FnlpState* dst, const FnlpState* src) noexcept

    int fnlp_S(const FnlpState* st, int i) noexcept
    int fnlp_B(const FnlpState* st, int i) noexcept
    int fnlp_H(const FnlpState* st, int i) noexcept
    int fnlp_L(const FnlpState* st, int i, int k) noexcept
    int fnlp_R(const FnlpState* st, int i, int k) noexcept
    int fnlp_E(const FnlpState* st, int k) noexcept
    int fnlp_n_L(const FnlpState* st, int i) noexcept
    int fnlp_n_R(const FnlpState* st, int i) noexcept
    int fnlp_buffer_len(const FnlpState* st) noexcept
    int fnlp_has_head(const FnlpState* st, int i) noexcept
    int fnlp_is_final(const FnlpState* st) noexcept
    int fnlp_view_S(const FnlpState* st, int i) noexcept
    int fnlp_view_B(const FnlpState* st, int i) noexcept
    int fnlp_n_headless_stack(const FnlpState* st) noexcept
    void fnlp_remove_S1(FnlpState* st) noexcept
    int fnlp_n_needed_max(const FnlpState* st) noexcept
    int fnlp_needed_tokens(const FnlpState* st, int* out) noexcept

    void fnlp_push(FnlpState* st) noexcept
    void fnlp_pop(FnlpState* st) noexcept
    void fnlp_advance(FnlpState* st) noexcept
    void fnlp_add_arc(FnlpState* st, int h, int c, uint64_t label) noexcept
    void fnlp_del_arc(FnlpState* st, int c) noexcept
    void fnlp_set_sent_start(FnlpState* st, int i) noexcept
    int fnlp_is_space(const FnlpState* st, int i) noexcept
    void fnlp_set_space(FnlpState* st, int i, int is_space) noexcept
    int fnlp_entity_is_open(const FnlpState* st) noexcept
    void fnlp_open_entity(FnlpState* st, int start, uint64_t label) noexcept
    void fnlp_close_entity(FnlpState* st, int last) noexcept


cdef class State:
    """Owner of one FnlpState (a Python view for tests and debugging; the decoder uses
    StateBatch, which owns its states without a Python object each)."""
    cdef FnlpState c
    cdef bint ready


# Mark st's whitespace tokens from doc (a fastnlp Doc of st.length tokens). Returns 0, or
# -1 with ValueError if the lengths differ.
cdef int fill_token_flags(FnlpState* st, object doc) except -1
