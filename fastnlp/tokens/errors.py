"""Messages for errors raised by Doc, Token and Span."""


class E:
    unequal_length = ("Doc: argument '{arg}' has {n} values but there are {n_words} words; "
                      "give one value per word")
    spaces_without_words = "Doc: 'spaces' was given without 'words'"
    bad_word = "Doc: word {i} is {word}; every word must be a non-empty string"
    bad_pos = "Doc: pos[{i}] = {pos!r} is not a universal POS tag (ADJ, ADP, ..., X)"
    bad_ent_tag = "Doc: ents[{i}] = {tag!r} is not an IOB/BILUO tag such as 'B-PER', 'O' or None"
    head_out_of_range = "Doc: token {i} has head {head}, outside the document"
    head_cycle = "Doc: the heads form a cycle through token {i}"
    unsettable_attr = "Doc.from_array: attribute {attr} cannot be set on a token"
    array_shape = ("Doc.from_array: array of shape {shape} does not fit {n} tokens x "
                   "{k} attributes")
    slice_step = "Doc: slices with a step are not supported"
    token_index = "Doc: token index {i} out of range for a doc of {n} tokens"
    bad_ents_default = "Doc.set_ents: default must be outside, missing, blocked or unmodified, not {default!r}"
    bad_span = "Doc: span [{start}, {end}) is not inside a doc of {n} tokens"
    overlapping_ents = "Doc.set_ents: entity [{start}, {end}) overlaps another entity"
    no_sents = ("Doc.sents: sentence boundaries are unset; run a parser or set "
                "token.is_sent_start")
    no_noun_chunks = "Doc.noun_chunks: no noun chunk rules for language {lang!r}"
    bad_alignment_mode = "Doc.char_span: alignment_mode must be strict, contract or expand, not {mode!r}"
    no_head_annotation = "Token.head: the doc has no dependency parse"
    bytes_not_empty = "Doc.from_bytes: the doc already has tokens; call it on Doc(vocab)"
    no_extension = ("[._] no extension {name!r}; register it with Doc/Span/Token"
                    ".set_extension({name!r}, default=...)")
    extension_name = "{owner}.set_extension: the name must be a non-empty string, not {name!r}"
    extension_args = "{owner}.set_extension({name!r}): unknown argument(s) {args}"
    extension_exists = ("{owner}.set_extension: extension {name!r} already exists; pass "
                        "force=True to replace it")
    extension_setter = "{owner}.set_extension({name!r}): a setter needs a getter"
    extension_kinds = ("{owner}.set_extension({name!r}): give exactly one of default=, "
                       "getter= or method= (got {n})")
    extension_callable = "{owner}.set_extension({name!r}): {what} {value!r} is not callable"
    extension_missing = "{owner}.remove_extension: no extension {name!r}"
