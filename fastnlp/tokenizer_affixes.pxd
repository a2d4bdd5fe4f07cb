cdef class AffixSplitter:
    """The affix rules of a Tokenizer and the code applying them to one chunk; no cache."""
    cdef public dict special_cases      # string -> list of (orth, norm or None)
    cdef public object prefix_search    # string -> match of its prefix, or None
    cdef public object suffix_search    # string -> match of its suffix, or None
    cdef public object infix_finditer   # string -> iterable of infix matches
    cdef public object token_match      # string -> truthy if kept whole
    cdef public object url_match        # string -> truthy if kept whole

    cpdef list split(self, str chunk, list trace=*)
    cdef int _kept_by(self, str string) except -1
    cdef Py_ssize_t _affix_len(self, object search, str string) except -1
    cdef int _add_piece(self, list pieces, str string, int rule, list trace) except -1
    cdef int _add_infix_split(self, list pieces, str string, list trace) except -1
    cdef int _add_between_infixes(self, list pieces, str string, list trace) except -1
