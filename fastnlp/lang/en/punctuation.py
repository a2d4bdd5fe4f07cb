"""English prefix, suffix and infix patterns.

Conventions follow the Universal Dependencies English guidelines: punctuation,
clitics ('s, n't, 'll, ...) and unit symbols after numbers are split off; hyphens
split words ("long-term" -> long - term) except after bound prefixes such as
"non-" or "anti-" (kept whole by TOKEN_MATCH); digit-digit hyphens split ranges
("3-4") but phone numbers and dates are kept (TOKEN_MATCH); "and/or" splits.
"""
from ..punctuation import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

LETTER = r"[^\W\d_]"
OPEN_QUOTES = "\"'`“‘„‚«‹"
CLOSE_QUOTES = "\"'`”’»›"
OPEN_BRACKETS = r"(\[{"
CLOSE_BRACKETS = r")\]}"
CURRENCY = "$£€¥₹₩₽₺¢"
APOSTROPHES = "'’`‘"
UNITS = (
    "km|kg|mg|g|lbs?|oz|ft|mi|mph|kph|kmh|m|cm|mm|ml|l|L|gal|"
    "KB|MB|GB|TB|kb|mb|gb|tb|Kb|Mb|Gb|kbps|Mbps|Gbps|Hz|kHz|MHz|GHz|"
    "k|K|M|bn|hrs?|mins?|secs?|ms|yrs?|"
    r"am|pm|AM|PM|a\.m\.|p\.m\.|°[CFcf]?|°|%|x"
)

SYMBOL_RUN = r"[-=_~*+^<>|#$]{2,}"

PREFIXES = [
    r"\.\.+",
    "…+",
    r"[!?]+",
    SYMBOL_RUN,
    "—+",
    "–+",
    "[-<>*=_~^]",
    rf"[{OPEN_QUOTES}]",
    rf"[{CLOSE_QUOTES}]",
    rf"[{OPEN_BRACKETS}{CLOSE_BRACKETS}]",
    rf"[{CURRENCY}]",
    r"[§¶•·¿¡,;:|/\\@]",
    r"\+(?!\d)",
    "#",
    "&",
    "%",
]

SUFFIXES = [
    r"\.\.+",
    "…+",
    r"[!?]+",
    SYMBOL_RUN,
    "—+",
    "–+",
    "[-<>*=_~+]",
    rf"[{CLOSE_QUOTES}{OPEN_QUOTES}]",
    rf"[{OPEN_BRACKETS}{CLOSE_BRACKETS}]",
    r"[,;:|/\\§¶•·&@]",
    *(CLITIC_SUFFIXES := [
        rf"(?<={LETTER})[{APOSTROPHES}][sS]",
        rf"(?<={LETTER})[nN][{APOSTROPHES}][tT]",
        rf"(?<={LETTER})[{APOSTROPHES}](?:ll|LL|re|RE|ve|VE|d|D|m|M)",
    ]),
    rf"(?<=\d)(?:{UNITS})",
    rf"(?<=[\d%])[{CURRENCY}]",
    r"\.",
]

INFIXES = [
    r"\.\.+",
    "…+",
    "-{2,}",
    "—",
    "–",
    rf"(?<={LETTER})-(?={LETTER})",
    rf"(?<={LETTER})-(?=\d)",
    rf"(?<=\d)-(?={LETTER})",
    r"(?<=\d)-(?=\d)",
    rf"(?<={LETTER}{LETTER})/(?={LETTER})",
    rf"(?<={LETTER})/(?={LETTER}{LETTER})",
    rf"(?<={LETTER}),(?={LETTER})",
    r"(?<=\w);(?=\w)",
    rf"(?<=[a-z]{{2}})\.(?=[A-Z][a-z])",
    rf"(?<={LETTER})!+(?={LETTER})",
    rf"(?<={LETTER})\?+(?={LETTER})",
    rf"[{OPEN_BRACKETS}{CLOSE_BRACKETS}]",
    r"[\"“”]",
]

PREFIX_RE = compile_prefix_regex(PREFIXES)
SUFFIX_RE = compile_suffix_regex(SUFFIXES)
INFIX_RE = compile_infix_regex(INFIXES)
