"""Named groups of possibly overlapping spans of one Doc: `doc.spans["name"]`.

`SpanGroups` is `doc.spans`, a dict whose values are `SpanGroup`s (a list assigned to it
becomes one); each group keeps a weak reference to its Doc, as spaCy's does, so groups do
not keep a Doc alive. The bytes of one group are spaCy's: msgpack {"name", "attrs",
"spans": [packed (id, kb_id, label, start, end, start_char, end_char)]}.
"""
import weakref

from .doc_io import span_group_from_bytes, span_group_to_bytes
from .span import Span


def _check_span(doc, span):
    if getattr(span, "doc", None) is not doc:
        raise ValueError(f"span {span!r} belongs to another Doc than its span group's; make "
                         "it on this Doc (doc[start:end] or Span(doc, ...))")
    return span


class SpanGroup:
    """A list of spans of one Doc, with a name and JSON-serializable attrs."""

    def __init__(self, doc, *, name="", attrs=None, spans=()):
        self._doc_ref = weakref.ref(doc)
        self.name = name
        self.attrs = dict(attrs or {})
        self._spans = [_check_span(doc, span) for span in spans]

    @property
    def doc(self):
        doc = self._doc_ref()
        if doc is None:
            raise RuntimeError(f"span group {self.name!r}: its Doc no longer exists")
        return doc

    @property
    def has_overlap(self):
        """Whether any two spans of the group share a token."""
        reach = -1
        for start, end in sorted((span.start, span.end) for span in self._spans):
            if start < reach:
                return True
            reach = max(reach, end)
        return False

    def __len__(self):
        return len(self._spans)

    def __iter__(self):
        return iter(self._spans)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return SpanGroup(self.doc, name=self.name, attrs=self.attrs, spans=self._spans[i])
        return self._spans[i]

    def __setitem__(self, i, span):
        self._spans[i] = _check_span(self.doc, span)

    def __delitem__(self, i):
        del self._spans[i]

    def __repr__(self):
        return repr(self._spans)

    def __eq__(self, other):
        if not isinstance(other, SpanGroup):
            return NotImplemented
        return (self.name, self.attrs, self._spans) == (other.name, other.attrs, other._spans)

    def append(self, span):
        self._spans.append(_check_span(self.doc, span))

    def extend(self, spans):
        doc = self.doc
        self._spans.extend(_check_span(doc, span) for span in spans)

    def __add__(self, other):
        """A new group: these spans then `other`'s; the attrs of both (this one's win)."""
        if isinstance(other, SpanGroup) and other.doc is not self.doc:
            raise ValueError("cannot concatenate span groups of different Docs")
        attrs = {**getattr(other, "attrs", {}), **self.attrs}
        return SpanGroup(self.doc, name=self.name, attrs=attrs, spans=self._spans + list(other))

    def __iadd__(self, other):
        if isinstance(other, SpanGroup):
            if other.doc is not self.doc:
                raise ValueError("cannot concatenate span groups of different Docs")
            self.attrs = {**other.attrs, **self.attrs}
        self.extend(other)
        return self

    def copy(self, doc=None):
        """The group on `doc` (default: the same Doc), its spans made anew there."""
        doc = self.doc if doc is None else doc
        spans = [Span(doc, span.start, span.end, label=span.label, kb_id=span.kb_id,
                      span_id=span.id) for span in self._spans]
        return SpanGroup(doc, name=self.name, attrs=self.attrs, spans=spans)

    def to_bytes(self):
        return span_group_to_bytes(self.name, self.attrs, self._spans)

    def from_bytes(self, bytes_data):
        """Replace name, attrs and spans with those of `bytes_data`; a DocBytesError if
        they are not a span group of this Doc."""
        self.name, attrs, self._spans = span_group_from_bytes(self.doc, bytes_data)
        self.attrs = dict(attrs)
        return self


class SpanGroups(dict):
    """`doc.spans`: span groups by name; a list of spans assigned becomes a SpanGroup."""

    def __init__(self, doc, items=None):
        super().__init__()
        self._doc_ref = weakref.ref(doc)
        for name, value in dict(items or {}).items():
            self[name] = value

    @property
    def doc(self):
        return self._doc_ref()

    def _make_group(self, name, value):
        doc = self.doc
        if isinstance(value, SpanGroup):
            if value.doc is not doc:
                raise ValueError(f"doc.spans[{name!r}]: the span group belongs to another "
                                 "Doc; use group.copy(doc)")
            return value
        return SpanGroup(doc, name=name, spans=value)

    def __setitem__(self, name, value):
        super().__setitem__(name, self._make_group(name, value))

    def setdefault(self, name, default=None):
        if name not in self:
            self[name] = default if default is not None else []
        return self[name]

    def update(self, *args, **kwargs):
        for name, value in dict(*args, **kwargs).items():
            self[name] = value

    def copy(self, doc=None):
        """The groups on `doc` (default: the same Doc)."""
        doc = self.doc if doc is None else doc
        copied = SpanGroups(doc)
        for name, group in self.items():
            dict.__setitem__(copied, name, group.copy(doc))
        return copied

    def __reduce__(self):
        return (dict, (dict(self),))
