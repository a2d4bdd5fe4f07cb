"""The affix engine the Tokenizer runs on cache misses: one chunk in, its pieces out.

Behaviour is that of `tokenizer_reference.split_chunk`, the plain specification, which
shares the rules with this module but none of its code; tests/test_tokenizer_reference.py
compares the two. This implementation peels the chunk by moving two offsets inward and
slices only the strings the rule functions are called on and the pieces it returns.
"""
from cpython.unicode cimport Py_UNICODE_ISALNUM


cdef enum Rule:
    RULE_NONE = 0           # not kept whole: peel affixes or cut infixes
    RULE_SPECIAL = 1        # a special case: its own pieces
    RULE_TOKEN_MATCH = 2
    RULE_URL_MATCH = 3
    RULE_TOKEN = 4          # one token: the whole rest of the chunk matched as an affix,
                            # or the text between two infixes
    RULE_PREFIX = 5
    RULE_SUFFIX = 6
    RULE_INFIX = 7

# `Tokenizer.explain`'s rule names, indexed by Rule
_RULE_NAMES = (None, "SPECIAL", "TOKEN_MATCH", "URL_MATCH", "TOKEN", "PREFIX", "SUFFIX", "INFIX")


cdef inline bint _may_end_url(Py_UCS4 c) noexcept:
    """URL_MATCH is only asked about strings ending in a letter, digit or '/'."""
    return Py_UNICODE_ISALNUM(c) or c == u"/"


cdef class AffixSplitter:
    def __init__(self, special_cases=None, prefix_search=None, suffix_search=None,
                 infix_finditer=None, token_match=None, url_match=None):
        """special_cases: {string: [(orth, norm or None), ...]}, validated
        (`special_case_pieces`); the others as `Tokenizer` takes them."""
        self.special_cases = dict(special_cases or {})
        self.prefix_search = prefix_search
        self.suffix_search = suffix_search
        self.infix_finditer = infix_finditer
        self.token_match = token_match
        self.url_match = url_match

    cpdef list split(self, str chunk, list trace=None):
        """[(orth, norm or None), ...] for a chunk without whitespace.

        If `trace` is a list, (rule name, substring) pairs are appended to it in token
        order, as `Tokenizer.explain` reports them.
        """
        cdef Py_ssize_t start = 0           # chunk[start:end] is what is left to split
        cdef Py_ssize_t end = len(chunk)
        cdef Py_ssize_t size, n, k, piece_start, piece_end
        cdef list prefix_ends = []          # chunk[prefix_ends[k-1]:prefix_ends[k]]
        cdef list suffix_starts = []        # outermost first; each ends where the last began
        cdef int kept = RULE_NONE           # the Rule keeping chunk[start:end] whole
        cdef str rest
        cdef list pieces = []
        if end == 0:
            return pieces
        while True:
            size = end - start
            rest = chunk[start:end]
            kept = self._kept_by(rest)
            if kept != RULE_NONE:
                break
            if size > 1 and not Py_UNICODE_ISALNUM(chunk[end - 1]):
                kept = self._kept_by(chunk[start:end - 1])
                if kept != RULE_NONE:
                    end -= 1
                    suffix_starts.append(end)
                    break
            n = self._affix_len(self.prefix_search, rest)
            if n == size:
                kept = RULE_TOKEN
                break
            if n > 0:
                start += n
                prefix_ends.append(start)
                continue
            n = self._affix_len(self.suffix_search, rest)
            if n == size:
                kept = RULE_TOKEN
                break
            if n > 0:
                end -= n
                suffix_starts.append(end)
                continue
            break
        piece_start = 0
        for k in range(len(prefix_ends)):
            piece_end = prefix_ends[k]
            self._add_piece(pieces, chunk[piece_start:piece_end], RULE_PREFIX, trace)
            piece_start = piece_end
        rest = chunk[start:end]
        if kept == RULE_NONE:
            self._add_infix_split(pieces, rest, trace)
        else:
            self._add_piece(pieces, rest, kept, trace)
        for k in range(len(suffix_starts) - 1, -1, -1):
            piece_start = suffix_starts[k]
            piece_end = len(chunk) if k == 0 else suffix_starts[k - 1]
            self._add_piece(pieces, chunk[piece_start:piece_end], RULE_SUFFIX, trace)
        return pieces

    cdef int _kept_by(self, str string) except -1:
        """The rule keeping a non-empty `string` as given (a Rule), or RULE_NONE."""
        if string in self.special_cases:
            return RULE_SPECIAL
        if self.token_match is not None and self.token_match(string):
            return RULE_TOKEN_MATCH
        if (self.url_match is not None and _may_end_url(string[len(string) - 1])
                and self.url_match(string)):
            return RULE_URL_MATCH
        return RULE_NONE

    cdef Py_ssize_t _affix_len(self, object search, str string) except -1:
        """Length of the affix `search` finds in `string` (0: none, or no rule)."""
        if search is None:
            return 0
        match = search(string)
        if match is None:
            return 0
        return match.end() - match.start()

    cdef int _add_piece(self, list pieces, str string, int rule, list trace) except -1:
        """Append `string`, made by `rule` (a Rule), to `pieces` and to `trace`."""
        if rule == RULE_SPECIAL:
            special = self.special_cases[string]
            pieces.extend(special)
            if trace is not None:
                trace.extend([("SPECIAL", orth) for orth, _ in special])
            return 0
        pieces.append((string, None))
        if trace is not None:
            trace.append((_RULE_NAMES[rule], string))
        return 0

    cdef int _add_infix_split(self, list pieces, str string, list trace) except -1:
        """Cut `string` at its infixes: a match that is empty or starts at 0 is skipped;
        the text between infixes is a special case's pieces or one token."""
        cdef Py_ssize_t done = 0        # string[:done] is in `pieces`
        cdef Py_ssize_t match_start, match_end
        if self.infix_finditer is not None:
            for match in self.infix_finditer(string):
                match_start = match.start()
                match_end = match.end()
                if match_start == match_end or match_start == 0:
                    continue
                if match_start > done:
                    self._add_between_infixes(pieces, string[done:match_start], trace)
                self._add_piece(pieces, string[match_start:match_end], RULE_INFIX, trace)
                done = match_end
        if done < len(string):
            self._add_between_infixes(pieces, string[done:], trace)
        return 0

    cdef int _add_between_infixes(self, list pieces, str string, list trace) except -1:
        cdef int rule = RULE_SPECIAL if string in self.special_cases else RULE_TOKEN
        return self._add_piece(pieces, string, rule, trace)


def special_case_pieces(string, substrings, orth_id, norm_id):
    """Validate a spaCy-style special case ([{ORTH: ..., NORM: ...}, ...]) as pieces.

    Attribute keys may be the integer ids or the names "ORTH"/"NORM". Returns
    [(orth, norm or None), ...]; raises ValueError unless the ORTHs spell `string`.
    """
    pieces = []
    for attrs in substrings:
        orth = attrs.get(orth_id, attrs.get("ORTH"))
        norm = attrs.get(norm_id, attrs.get("NORM"))
        if not isinstance(orth, str) or not orth:
            raise ValueError(f"Special case {string!r}: every piece needs a non-empty ORTH")
        pieces.append((orth, norm))
    if "".join(orth for orth, _ in pieces) != string:
        raise ValueError(f"Special case {string!r}: the ORTH values must spell the string "
                         f"exactly, got {[orth for orth, _ in pieces]!r}")
    if any(char.isspace() for char in string):
        raise ValueError(f"Special case {string!r} may not contain whitespace")
    return pieces
