"""Pure-Python tokenizer: the specification the Cython Tokenizer is tested against.

It shares the rules with the runtime (the special cases and pattern functions a
Tokenizer is built from) and none of the code: `tokenizer.pyx` scans whitespace in C and
`tokenizer_affixes.pyx` splits chunks, and tests/test_tokenizer_reference.py checks that
they give what this module gives. Nothing at run time imports it.

Whitespace. A text is cut at whitespace (`str.isspace`) into chunks. One space (U+0020)
right after a chunk is that chunk's trailing space; every other run of whitespace is a
token of its own, without trailing space.

A chunk. With `rest` the part of the chunk not yet split (first the whole chunk), the
first of these that applies decides:
 1. `rest` is kept whole if it is a special case (giving the case's pieces), or if
    TOKEN_MATCH accepts it, or if it ends in a letter, a digit or "/" and URL_MATCH
    accepts it.
 2. If `rest` has two or more characters, ends in one that is neither a letter nor a
    digit, and `rest` without it is kept whole by (1), that is kept whole and the last
    character is a suffix.
 3. If the prefix rule matches the start of `rest`: a match covering all of `rest` makes
    it one token; otherwise the prefix is split off and the steps repeat on what follows.
 4. Likewise for the suffix rule at the end of `rest`.
 5. Otherwise `rest` is cut at its infixes, ignoring a match that is empty or starts at
    `rest`'s first character; each stretch between infixes is a special case (its
    pieces) or one token.
Prefixes come first in the order they were split off, suffixes last in text order.
"""


class Rules:
    """The rules a Tokenizer is built from, as the specification reads them."""

    def __init__(self, special_cases=None, prefix_search=None, suffix_search=None,
                 infix_finditer=None, token_match=None, url_match=None):
        """special_cases: {string: [(orth, norm or None), ...]}; the functions as
        `Tokenizer` takes them (None: the rule is not used)."""
        self.special_cases = dict(special_cases or {})
        self.prefix_search = prefix_search
        self.suffix_search = suffix_search
        self.infix_finditer = infix_finditer
        self.token_match = token_match
        self.url_match = url_match


def tokenize(rules, text):
    """[(orth, norm or None, has_space), ...] for `text`, whitespace tokens included."""
    out = []
    for chunk, is_space, has_space in iter_chunks(text):
        if is_space:
            pieces = [(chunk, None)]
        else:
            pieces = [(orth, norm) for _, orth, norm in split_chunk(rules, chunk)]
        for orth, norm in pieces[:-1]:
            out.append((orth, norm, False))
        orth, norm = pieces[-1]
        out.append((orth, norm, has_space))
    return out


def explain(rules, text):
    """[(rule, orth), ...] for the tokens of `text` that are not whitespace.

    Rules: PREFIX, SUFFIX, INFIX, SPECIAL, TOKEN_MATCH, URL_MATCH, TOKEN.
    """
    return [(rule, orth)
            for chunk, is_space, _ in iter_chunks(text) if not is_space
            for rule, orth, _ in split_chunk(rules, chunk)]


def iter_chunks(text):
    """Yield (string, is_whitespace, has_trailing_space) for every chunk of `text`."""
    i = 0
    while i < len(text):
        is_space = text[i].isspace()
        j = i + 1
        while j < len(text) and text[j].isspace() == is_space:
            j += 1
        has_space = not is_space and j < len(text) and text[j] == " "
        yield text[i:j], is_space, has_space
        i = j + 1 if has_space else j


def split_chunk(rules, chunk):
    """[(rule, orth, norm or None), ...] for one chunk without whitespace."""
    front = []      # split off the start, in order
    back = []       # split off the end, in text order
    rest = chunk
    while rest:
        rule = kept_whole(rules, rest)
        if rule is not None:
            return front + _kept(rules, rule, rest) + back
        if len(rest) > 1 and not rest[-1].isalnum():
            rule = kept_whole(rules, rest[:-1])
            if rule is not None:
                return front + _kept(rules, rule, rest[:-1]) + [("SUFFIX", rest[-1], None)] + back
        n = _match_length(rules.prefix_search, rest)
        if n == len(rest):
            return front + [("TOKEN", rest, None)] + back
        if n > 0:
            front.append(("PREFIX", rest[:n], None))
            rest = rest[n:]
            continue
        n = _match_length(rules.suffix_search, rest)
        if n == len(rest):
            return front + [("TOKEN", rest, None)] + back
        if n > 0:
            back.insert(0, ("SUFFIX", rest[len(rest) - n:], None))
            rest = rest[:len(rest) - n]
            continue
        return front + _split_at_infixes(rules, rest) + back
    return front + back


def kept_whole(rules, string):
    """Step 1: the rule keeping a non-empty `string` whole, or None."""
    if string in rules.special_cases:
        return "SPECIAL"
    if rules.token_match is not None and rules.token_match(string):
        return "TOKEN_MATCH"
    if (rules.url_match is not None and (string[-1].isalnum() or string[-1] == "/")
            and rules.url_match(string)):
        return "URL_MATCH"
    return None


def _kept(rules, rule, string):
    if rule == "SPECIAL":
        return [("SPECIAL", orth, norm) for orth, norm in rules.special_cases[string]]
    return [(rule, string, None)]


def _match_length(search, string):
    if search is None:
        return 0
    match = search(string)
    return 0 if match is None else match.end() - match.start()


def _split_at_infixes(rules, string):
    infixes = []
    if rules.infix_finditer is not None:
        infixes = [(m.start(), m.end()) for m in rules.infix_finditer(string)
                   if m.start() < m.end() and m.start() > 0]
    tokens = []
    done = 0
    for start, end in infixes:
        if start > done:
            tokens.extend(_between_infixes(rules, string[done:start]))
        tokens.append(("INFIX", string[start:end], None))
        done = end
    if done < len(string):
        tokens.extend(_between_infixes(rules, string[done:]))
    return tokens


def _between_infixes(rules, string):
    if string in rules.special_cases:
        return _kept(rules, "SPECIAL", string)
    return [("TOKEN", string, None)]
