"""Entity annotation: the integer IOB codes of a token and the BILUO/IOB tag strings.

`IobCode` (entity_tags.pxd) numbers TokenC.ent_iob as spaCy does: 0 missing, 1 I, 2 O,
3 B; IOB_NAMES gives each code's string (Token.ent_iob_). A tag string is "O", or a
prefix B, I, L or U, a hyphen and the label ("B-PER"); `split_entity_tag` is the one
place that reads a prefixed tag. Missing-annotation markers ("-", "", None) and "O" are
for the callers to handle (MISSING_TAGS): each has its own error for a malformed tag.
"""

IOB_NAMES = ("", "I", "O", "B")
# Tags that mark a token's entity annotation as missing (an entity that does not align
# with the tokenization, or no annotation at all).
MISSING_TAGS = (None, "", "-")


cpdef tuple split_entity_tag(object tag):
    """("B", "PER") for "B-PER": the prefix (B, I, L or U) and the label of a prefixed
    entity tag; None for anything else ("O", "-", "", None, "X-PER", "B-", "BPER")."""
    if not isinstance(tag, str):
        return None
    cdef str text = <str>tag
    if len(text) < 3 or text[1] != "-":
        return None
    # Begin, In, Last, Unit (IOB tags use B and I only).
    cdef Py_UCS4 prefix = text[0]
    if prefix not in "BILU":
        return None
    return text[0], text[2:]
