"""Pure-Python tokenizer: the specification the Cython Tokenizer is tested against.

A text is cut at whitespace into chunks. One space after a chunk is its trailing
space; any other whitespace becomes a token of its own. Each chunk is split by
`split_chunk`: special cases first, then prefixes and suffixes peeled off one at a
time (re-checking special cases and TOKEN_MATCH each time), then the remaining
middle is kept whole (special case, TOKEN_MATCH, URL_MATCH) or cut at its infixes.
"""

_URL_END_OK = frozenset("/")


class AffixRules:
    """The rule set shared by the reference and the Cython tokenizer."""

    def __init__(self, special_cases=None, prefix_search=None, suffix_search=None,
                 infix_finditer=None, token_match=None, url_match=None):
        self.special_cases = dict(special_cases or {})
        self.prefix_search = prefix_search
        self.suffix_search = suffix_search
        self.infix_finditer = infix_finditer
        self.token_match = token_match
        self.url_match = url_match

    def _keeps_whole(self, string):
        if self.token_match is not None and self.token_match(string):
            return "TOKEN_MATCH"
        if (self.url_match is not None and (string[-1].isalnum() or string[-1] in _URL_END_OK)
                and self.url_match(string)):
            return "URL_MATCH"
        return None

    def _prefix_len(self, string):
        if self.prefix_search is None:
            return 0
        match = self.prefix_search(string)
        return match.end() - match.start() if match is not None else 0

    def _suffix_len(self, string):
        if self.suffix_search is None:
            return 0
        match = self.suffix_search(string)
        return match.end() - match.start() if match is not None else 0

    def split_chunk(self, chunk, trace=None):
        """Split one whitespace-free chunk into [(orth, norm or None), ...].

        If `trace` is a list, (rule name, substring) pairs are appended to it in
        token order, as `Tokenizer.explain` reports them.
        """
        prefixes = []
        suffixes = []
        middle = chunk
        whole = None          # why `middle` stays one piece, once known
        while middle:
            whole = self._whole(middle)
            if whole is not None:
                break
            if len(middle) > 1 and not middle[-1].isalnum():
                whole = self._whole(middle[:-1])
                if whole is not None:
                    suffixes.append(middle[-1])
                    middle = middle[:-1]
                    break
            pre_len = self._prefix_len(middle)
            if pre_len == len(middle):
                whole = "TOKEN"
                break
            if 0 < pre_len:
                prefixes.append(middle[:pre_len])
                middle = middle[pre_len:]
                continue
            suf_len = self._suffix_len(middle)
            if suf_len == len(middle):
                whole = "TOKEN"
                break
            if 0 < suf_len:
                suffixes.append(middle[len(middle) - suf_len:])
                middle = middle[:len(middle) - suf_len]
                continue
            break
        pieces = []
        for prefix in prefixes:
            pieces.append((prefix, None))
            if trace is not None:
                trace.append(("PREFIX", prefix))
        if whole == "SPECIAL":
            pieces.extend(self._special(middle, trace))
        elif whole is not None:
            pieces.append((middle, None))
            if trace is not None:
                trace.append((whole, middle))
        else:
            pieces.extend(self._split_infixes(middle, trace))
        for suffix in reversed(suffixes):
            pieces.append((suffix, None))
            if trace is not None:
                trace.append(("SUFFIX", suffix))
        return pieces

    def _whole(self, string):
        """The rule keeping `string` as given (SPECIAL, TOKEN_MATCH, URL_MATCH), or None."""
        if string in self.special_cases:
            return "SPECIAL"
        return self._keeps_whole(string)

    def _split_infixes(self, middle, trace):
        pieces = []
        start = 0
        if self.infix_finditer is not None:
            for match in self.infix_finditer(middle):
                if match.start() == match.end() or match.start() == 0:
                    continue
                if match.start() > start:
                    pieces.extend(self._piece(middle[start:match.start()], trace))
                infix = middle[match.start():match.end()]
                pieces.append((infix, None))
                if trace is not None:
                    trace.append(("INFIX", infix))
                start = match.end()
        if start < len(middle):
            pieces.extend(self._piece(middle[start:], trace))
        return pieces

    def _piece(self, string, trace):
        if string in self.special_cases:
            return self._special(string, trace)
        if trace is not None:
            trace.append(("TOKEN", string))
        return [(string, None)]

    def _special(self, string, trace):
        pieces = self.special_cases[string]
        if trace is not None:
            trace.extend(("SPECIAL", orth) for orth, _ in pieces)
        return list(pieces)


def iter_chunks(text):
    """Yield (string, is_space_token, has_trailing_space) for every token-to-be chunk."""
    i = 0
    n = len(text)
    while i < n:
        if text[i].isspace():
            j = i
            while j < n and text[j].isspace():
                j += 1
            yield text[i:j], True, False
            i = j
            continue
        j = i
        while j < n and not text[j].isspace():
            j += 1
        if j < n and text[j] == " ":
            yield text[i:j], False, True
            j += 1
        else:
            yield text[i:j], False, False
        i = j


def tokenize(rules, text):
    """[(orth, norm or None, has_space), ...] for `text`, whitespace tokens included."""
    out = []
    for chunk, is_space, has_space in iter_chunks(text):
        pieces = [(chunk, None)] if is_space else rules.split_chunk(chunk)
        for k, (orth, norm) in enumerate(pieces):
            out.append((orth, norm, has_space and k == len(pieces) - 1))
    return out


def special_case_pieces(string, substrings, orth_id, norm_id):
    """Validate a spaCy-style special case ([{ORTH: ..., NORM: ...}, ...]) as pieces.

    Attribute keys may be the integer ids or the names "ORTH"/"NORM".
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
