"""Turn lists of affix patterns into the search functions a Tokenizer takes."""
import re


def compile_prefix_regex(patterns):
    """One regex whose `.match` finds a prefix; earlier patterns take priority."""
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def compile_suffix_regex(patterns):
    """One regex whose `.search` finds the longest suffix (every pattern ends at `$`)."""
    return re.compile("|".join(f"(?:{p})$" for p in patterns))


def compile_infix_regex(patterns):
    """One regex whose `.finditer` yields the infixes of a string."""
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def compile_full_match(patterns, flags=0):
    """One regex whose `.fullmatch` says that a whole string is kept as one token."""
    return re.compile("|".join(f"(?:{p})" for p in patterns), flags)
