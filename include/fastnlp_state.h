/* Transition state of the parser and the entity recognizer: one plain C struct per doc.
 *
 * A state holds the stack, the buffer (tokens [b0, length): arc-eager and BILUO both
 * consume the buffer left to right, so a start index is enough), the arcs (head and
 * label per token), the entity spans and the sentence starts. No Python object is made
 * per transition; the owner (StateBatch, or the State test wrapper) calls
 * fnlp_state_init / fnlp_state_free.
 *
 * Conventions: token indices are doc-local; -1 means "no token". heads[i] is the
 * absolute index of i's head, -1 while i has none, and i itself for a root. The k-th
 * leftmost/rightmost children (k = 1..FNLP_MAX_KIDS) are cached per token so the
 * feature templates read them in O(1); fnlp_del_arc recomputes the cache for one head.
 */
#ifndef FASTNLP_STATE_H
#define FASTNLP_STATE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FNLP_NO_TOKEN (-1)
#define FNLP_MAX_KIDS 2
/* The entity templates name at most the first FNLP_MAX_ENT_TOKENS tokens of the open
 * entity (fnlp_E; features.pxd E0..E4, spaCy's extra NER state tokens). */
#define FNLP_MAX_ENT_TOKENS 5
#define FNLP_SENT_START 1
#define FNLP_SENT_INSIDE (-1)
#define FNLP_SENT_UNKNOWN 0
#define FNLP_SENT_SPLIT 2     /* state only: a BREAK while closing split a sentence off here */
#define FNLP_FLAG_SPACE 1      /* token_flags bit: the token is whitespace */
/* Closing a stack deeper than this has no exact costs (arc_eager's closing.pyx): the
 * cost table is depth x depth per move, and such stacks come from an untrained model
 * that shifted everything. Training stops following a state there. */
#define FNLP_MAX_EXACT_CLOSING 24

typedef struct {
    int start;
    int end;
    uint64_t label;
} FnlpEntity;

typedef struct {
    int length;
    int offset;            /* row of token 0 in the batch's concatenated token array */
    const int* row_of;     /* if not NULL, the row of each token instead (a long doc
                              decoded in windows; not owned, not copied) */
    int b0;                /* first buffer token; the buffer is [b0, length) */
    int stack_len;
    int* stack;            /* stack[stack_len - 1] is S0 */
    int* heads;
    uint64_t* labels;
    int* n_left;           /* number of left children */
    int* n_right;
    int* lkids;            /* length x FNLP_MAX_KIDS: leftmost child first */
    int* rkids;            /* length x FNLP_MAX_KIDS: rightmost child first */
    int* sent_starts;      /* FNLP_SENT_START where a BREAK opened a sentence,
                              FNLP_SENT_SPLIT where one split a sentence off */
    uint8_t* token_flags;  /* per token FNLP_FLAG_* bits from the doc (fnlp_set_space);
                              not cleared by fnlp_state_reset: they describe the doc */
    int last_word;         /* last token that is not whitespace, or -1 */
    FnlpEntity* ents;
    int n_ents;
    int ent_start;         /* start of the open entity, or -1 */
    uint64_t ent_label;    /* label of the open entity */
    int closing;           /* arc-eager: 1 while the headless stack tokens of a finished
                              sentence are being joined into one tree (see arc_eager.pyx);
                              the state then reads as if S0 were back in the buffer */
} FnlpState;

/* Allocate and clear a state over `length` tokens. Returns 0, or -1 if out of memory
 * (everything allocated so far is freed again and the pointers are NULL). */
static inline int fnlp_state_init(FnlpState* st, int length, int offset);
static inline void fnlp_state_free(FnlpState* st);

static inline void fnlp_state_reset(FnlpState* st) {
    int n = st->length;
    st->b0 = 0;
    st->stack_len = 0;
    st->n_ents = 0;
    st->ent_start = FNLP_NO_TOKEN;
    st->ent_label = 0;
    st->closing = 0;
    for (int i = 0; i < n; i++) {
        st->heads[i] = FNLP_NO_TOKEN;
        st->labels[i] = 0;
        st->n_left[i] = 0;
        st->n_right[i] = 0;
        st->sent_starts[i] = FNLP_SENT_UNKNOWN;
    }
    for (int i = 0; i < n * FNLP_MAX_KIDS; i++) {
        st->lkids[i] = FNLP_NO_TOKEN;
        st->rkids[i] = FNLP_NO_TOKEN;
    }
}

static inline int fnlp_state_init(FnlpState* st, int length, int offset) {
    size_t n = length > 0 ? (size_t)length : 1;
    memset(st, 0, sizeof(FnlpState));
    st->length = length;
    st->offset = offset;
    st->stack = (int*)malloc(n * sizeof(int));
    st->heads = (int*)malloc(n * sizeof(int));
    st->labels = (uint64_t*)malloc(n * sizeof(uint64_t));
    st->n_left = (int*)malloc(n * sizeof(int));
    st->n_right = (int*)malloc(n * sizeof(int));
    st->lkids = (int*)malloc(n * FNLP_MAX_KIDS * sizeof(int));
    st->rkids = (int*)malloc(n * FNLP_MAX_KIDS * sizeof(int));
    st->sent_starts = (int*)malloc(n * sizeof(int));
    st->ents = (FnlpEntity*)malloc(n * sizeof(FnlpEntity));
    st->token_flags = (uint8_t*)calloc(n, sizeof(uint8_t));
    if (!st->stack || !st->heads || !st->labels || !st->n_left || !st->n_right
            || !st->lkids || !st->rkids || !st->sent_starts || !st->ents || !st->token_flags) {
        fnlp_state_free(st);
        return -1;
    }
    st->last_word = length - 1;
    fnlp_state_reset(st);
    return 0;
}

static inline void fnlp_state_free(FnlpState* st) {
    free(st->stack);
    free(st->heads);
    free(st->labels);
    free(st->n_left);
    free(st->n_right);
    free(st->lkids);
    free(st->rkids);
    free(st->sent_starts);
    free(st->ents);
    free(st->token_flags);
    st->token_flags = NULL;
    st->stack = NULL;
    st->heads = NULL;
    st->labels = NULL;
    st->n_left = NULL;
    st->n_right = NULL;
    st->lkids = NULL;
    st->rkids = NULL;
    st->sent_starts = NULL;
    st->ents = NULL;
}

/* Copy src into dst; both must have been initialised with the same length. */
static inline void fnlp_state_copy(FnlpState* dst, const FnlpState* src) {
    int n = src->length;
    dst->offset = src->offset;
    dst->row_of = NULL;
    dst->b0 = src->b0;
    dst->stack_len = src->stack_len;
    dst->n_ents = src->n_ents;
    dst->ent_start = src->ent_start;
    dst->ent_label = src->ent_label;
    dst->closing = src->closing;
    memcpy(dst->stack, src->stack, n * sizeof(int));
    memcpy(dst->heads, src->heads, n * sizeof(int));
    memcpy(dst->labels, src->labels, n * sizeof(uint64_t));
    memcpy(dst->n_left, src->n_left, n * sizeof(int));
    memcpy(dst->n_right, src->n_right, n * sizeof(int));
    memcpy(dst->lkids, src->lkids, n * FNLP_MAX_KIDS * sizeof(int));
    memcpy(dst->rkids, src->rkids, n * FNLP_MAX_KIDS * sizeof(int));
    memcpy(dst->sent_starts, src->sent_starts, n * sizeof(int));
    memcpy(dst->ents, src->ents, n * sizeof(FnlpEntity));
    memcpy(dst->token_flags, src->token_flags, n * sizeof(uint8_t));
    dst->last_word = src->last_word;
}

/* ---- Stack and buffer ------------------------------------------------------------ */

static inline int fnlp_S(const FnlpState* st, int i) {
    return i < st->stack_len ? st->stack[st->stack_len - 1 - i] : FNLP_NO_TOKEN;
}

static inline int fnlp_B(const FnlpState* st, int i) {
    int j = st->b0 + i;
    return j < st->length ? j : FNLP_NO_TOKEN;
}

static inline int fnlp_buffer_len(const FnlpState* st) { return st->length - st->b0; }

static inline int fnlp_H(const FnlpState* st, int i) {
    return (i >= 0 && i < st->length) ? st->heads[i] : FNLP_NO_TOKEN;
}

static inline int fnlp_has_head(const FnlpState* st, int i) { return st->heads[i] != FNLP_NO_TOKEN; }

/* Move B0 onto the stack. */
static inline void fnlp_push(FnlpState* st) {
    st->stack[st->stack_len] = st->b0;
    st->stack_len += 1;
    st->b0 += 1;
}

static inline void fnlp_pop(FnlpState* st) { st->stack_len -= 1; }

/* Advance the buffer without touching the stack (the BILUO system). */
static inline void fnlp_advance(FnlpState* st) { st->b0 += 1; }

static inline int fnlp_is_final(const FnlpState* st) {
    return st->b0 >= st->length && !st->closing;
}

/* The stack and buffer as the model sees them: while closing, S0 reads as the first
 * buffer token (in front of the real buffer) and the stack starts at S1. */
static inline int fnlp_view_S(const FnlpState* st, int i) {
    return fnlp_S(st, st->closing ? i + 1 : i);
}

static inline int fnlp_view_B(const FnlpState* st, int i) {
    if (!st->closing) return fnlp_B(st, i);
    return i == 0 ? fnlp_S(st, 0) : fnlp_B(st, i - 1);
}

/* Number of stack tokens without a head. */
static inline int fnlp_n_headless_stack(const FnlpState* st) {
    int n = 0;
    for (int i = 0; i < st->stack_len; i++) n += st->heads[st->stack[i]] == FNLP_NO_TOKEN;
    return n;
}

/* The k-th token (k >= 0) of the open entity, or -1: none is open, or it has no k-th
 * token left of B0 yet. */
static inline int fnlp_E(const FnlpState* st, int k) {
    if (st->ent_start == FNLP_NO_TOKEN || k < 0) return FNLP_NO_TOKEN;
    int t = st->ent_start + k;
    return t < st->b0 ? t : FNLP_NO_TOKEN;
}

/* The tokens left of B0 that a feature of this state or of a later one can name: the
 * token before B0, the open entity's first FNLP_MAX_ENT_TOKENS tokens, the stack tokens
 * and their cached children, B0's cached left children (every other later feature
 * token is right of B0). Writes at most fnlp_n_needed_max(st) tokens, some possibly
 * repeated, into out; returns how many. Decoding a long doc in windows computes rows
 * for these only. */
static inline int fnlp_n_needed_max(const FnlpState* st) {
    return 1 + FNLP_MAX_ENT_TOKENS + (st->stack_len + 1) * (1 + 2 * FNLP_MAX_KIDS);
}

static inline int fnlp_needed_tokens(const FnlpState* st, int* out) {
    int n = 0;
    if (st->b0 > 0) out[n++] = st->b0 - 1;
    for (int k = 0; k < FNLP_MAX_ENT_TOKENS; k++) {
        int t = fnlp_E(st, k);
        if (t == FNLP_NO_TOKEN) break;
        out[n++] = t;
    }
    for (int i = 0; i <= st->stack_len; i++) {
        int t = i < st->stack_len ? st->stack[i] : st->b0;
        if (t >= st->length) continue;
        if (i < st->stack_len) out[n++] = t;
        for (int k = 0; k < FNLP_MAX_KIDS; k++) {
            int left = st->lkids[t * FNLP_MAX_KIDS + k];
            int right = st->rkids[t * FNLP_MAX_KIDS + k];
            if (left != FNLP_NO_TOKEN) out[n++] = left;
            if (right != FNLP_NO_TOKEN && i < st->stack_len) out[n++] = right;
        }
    }
    return n;
}

/* Remove S1 from the stack (S0 stays on top). */
static inline void fnlp_remove_S1(FnlpState* st) {
    st->stack[st->stack_len - 2] = st->stack[st->stack_len - 1];
    st->stack_len -= 1;
}

/* ---- Arcs and children ----------------------------------------------------------- */

/* Insert child c into the cache kids[0..FNLP_MAX_KIDS) of one head, outermost child
 * first: the smallest index first for left children (outer_is_smaller), else the largest. */
static inline void fnlp_cache_kid(int* kids, int c, int outer_is_smaller) {
    int pos = FNLP_MAX_KIDS;
    for (int k = 0; k < FNLP_MAX_KIDS; k++) {
        int other = kids[k];
        if (other == FNLP_NO_TOKEN || (outer_is_smaller ? c < other : c > other)) {
            pos = k;
            break;
        }
    }
    if (pos == FNLP_MAX_KIDS) return;
    for (int k = FNLP_MAX_KIDS - 1; k > pos; k--) kids[k] = kids[k - 1];
    kids[pos] = c;
}

/* Set h as the head of c with a label; h == c makes c a root. c must have no head. */
static inline void fnlp_add_arc(FnlpState* st, int h, int c, uint64_t label) {
    st->heads[c] = h;
    st->labels[c] = label;
    if (c < h) {
        st->n_left[h] += 1;
        fnlp_cache_kid(st->lkids + h * FNLP_MAX_KIDS, c, 1);
    } else if (c > h) {
        st->n_right[h] += 1;
        fnlp_cache_kid(st->rkids + h * FNLP_MAX_KIDS, c, 0);
    }
}

/* Remove c's arc (if any) and rebuild its old head's child cache by a scan. */
static inline void fnlp_del_arc(FnlpState* st, int c) {
    int h = st->heads[c];
    if (h == FNLP_NO_TOKEN) return;
    st->heads[c] = FNLP_NO_TOKEN;
    st->labels[c] = 0;
    if (h == c) return;
    int* kids = (c < h ? st->lkids : st->rkids) + h * FNLP_MAX_KIDS;
    for (int k = 0; k < FNLP_MAX_KIDS; k++) kids[k] = FNLP_NO_TOKEN;
    if (c < h) {
        st->n_left[h] -= 1;
        for (int j = 0; j < h; j++)
            if (st->heads[j] == h) fnlp_cache_kid(kids, j, 1);
    } else {
        st->n_right[h] -= 1;
        for (int j = h + 1; j < st->length; j++)
            if (st->heads[j] == h) fnlp_cache_kid(kids, j, 0);
    }
}

/* k-th leftmost left child of i (k >= 1), or -1. */
static inline int fnlp_L(const FnlpState* st, int i, int k) {
    if (i < 0 || k < 1 || k > FNLP_MAX_KIDS) return FNLP_NO_TOKEN;
    return st->lkids[i * FNLP_MAX_KIDS + k - 1];
}

/* k-th rightmost right child of i (k >= 1), or -1. */
static inline int fnlp_R(const FnlpState* st, int i, int k) {
    if (i < 0 || k < 1 || k > FNLP_MAX_KIDS) return FNLP_NO_TOKEN;
    return st->rkids[i * FNLP_MAX_KIDS + k - 1];
}

static inline int fnlp_n_L(const FnlpState* st, int i) { return i < 0 ? 0 : st->n_left[i]; }
static inline int fnlp_n_R(const FnlpState* st, int i) { return i < 0 ? 0 : st->n_right[i]; }

/* ---- Sentences and entities ------------------------------------------------------ */

static inline void fnlp_set_sent_start(FnlpState* st, int i) {
    if (i >= 0 && i < st->length) st->sent_starts[i] = FNLP_SENT_START;
}

/* ---- Token flags (from the doc) ------------------------------------------------- */

static inline int fnlp_is_space(const FnlpState* st, int i) {
    return i >= 0 && i < st->length && (st->token_flags[i] & FNLP_FLAG_SPACE) != 0;
}

/* Mark token i as whitespace or not, keeping last_word up to date. */
static inline void fnlp_set_space(FnlpState* st, int i, int is_space) {
    if (i < 0 || i >= st->length) return;
    if (is_space) {
        st->token_flags[i] |= FNLP_FLAG_SPACE;
        if (i == st->last_word) {
            int j = i - 1;
            while (j >= 0 && (st->token_flags[j] & FNLP_FLAG_SPACE)) j--;
            st->last_word = j;
        }
    } else {
        st->token_flags[i] &= (uint8_t)~FNLP_FLAG_SPACE;
        if (i > st->last_word) st->last_word = i;
    }
}

static inline int fnlp_entity_is_open(const FnlpState* st) { return st->ent_start != FNLP_NO_TOKEN; }

static inline void fnlp_open_entity(FnlpState* st, int start, uint64_t label) {
    st->ent_start = start;
    st->ent_label = label;
}

/* Close the open entity so that it ends after token `last` (inclusive). */
static inline void fnlp_close_entity(FnlpState* st, int last) {
    FnlpEntity* ent = &st->ents[st->n_ents];
    ent->start = st->ent_start;
    ent->end = last + 1;
    ent->label = st->ent_label;
    st->n_ents += 1;
    st->ent_start = FNLP_NO_TOKEN;
    st->ent_label = 0;
}

/* ---- Gold standard and the move table --------------------------------------------- */

/* Gold annotation of one doc, as the oracles read it. The parser fields and the NER
 * fields are filled by their own transition system; the other half stays NULL. */
typedef struct {
    int length;
    int* heads;            /* parser: gold head, -1 unknown, i for a root */
    uint64_t* labels;      /* parser: gold label, 0 unknown */
    int* kid_starts;       /* parser: gold children of h are kids[kid_starts[h]..kid_starts[h+1]) */
    int* kids;             /* parser: ascending within each head */
    int* sent_starts;      /* parser: FNLP_SENT_START / FNLP_SENT_INSIDE / FNLP_SENT_UNKNOWN
                              per token (token 0 is ignored: it always starts one); never
                              START where a known gold arc crosses the boundary */
    int* ner_actions;      /* NER: gold action per token, -1 missing */
    int* ner_label_ids;    /* NER: gold label index per token (-1 for OUT or missing) */
    int n_ner_labels;
    int* ner_future;       /* NER: (length + 1) x (n_ner_labels + 1) least future loss */
    int* ner_is_space;     /* NER: 1 where the token is whitespace (as the state's flags) */
    int ner_last_word;     /* NER: last token that is not whitespace, or -1 */
} FnlpGold;

struct FnlpMove;
typedef int (*fnlp_valid_fn)(const FnlpState* st, const struct FnlpMove* move);
typedef void (*fnlp_apply_fn)(FnlpState* st, const struct FnlpMove* move);
typedef int (*fnlp_cost_fn)(const FnlpState* st, const FnlpGold* gold, const struct FnlpMove* move);

/* One row of a transition system's move table: an action, its label, and the three
 * functions that decide validity, apply it and give its cost against a gold standard. */
typedef struct FnlpMove {
    int action;
    int label_id;          /* index into the system's labels, -1 for unlabelled moves */
    uint64_t label;        /* label string hash, 0 for unlabelled moves */
    fnlp_valid_fn is_valid;
    fnlp_apply_fn apply;
    fnlp_cost_fn cost;
} FnlpMove;

#endif
