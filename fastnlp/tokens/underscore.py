"""Custom attributes under `._` of Doc, Span and Token (spaCy's extension API).

An extension has a default, a getter (with an optional setter) or a method. A value set
on an object with a default lives in `doc.user_data` under `("._.", name, start, end)`:
start and end are None for the Doc, (token.idx, None) for a Token, (start_char, end_char)
for a Span, spaCy's keys, so `Doc.to_bytes` and DocBin carry the values and spaCy reads
them. As in spaCy, a mutable default (list, dict, set) is copied into user_data the first
time it is read, so appending to it changes only that object.
"""
import copy
import functools
from typing import Any, Dict, Optional, Tuple

from .errors import E

MUTABLE_TYPES = (dict, list, set)
Extension = Tuple[Any, Any, Any, Any]  # (default, method, getter, setter)


class Underscore:
    """The `._` of one Doc, Span or Token."""

    doc_extensions: Dict[str, Extension] = {}
    span_extensions: Dict[str, Extension] = {}
    token_extensions: Dict[str, Extension] = {}

    def __init__(self, extensions, obj, doc, start: Optional[int] = None,
                 end: Optional[int] = None):
        object.__setattr__(self, "_extensions", extensions)
        object.__setattr__(self, "_obj", obj)
        object.__setattr__(self, "_doc", doc)
        object.__setattr__(self, "_start", start)
        object.__setattr__(self, "_end", end)

    def __dir__(self):
        return ["get", "has", "set"] + list(self._extensions)

    def __getattr__(self, name):
        try:
            default, method, getter, _ = self._extensions[name]
        except KeyError:
            raise AttributeError(E.no_extension.format(name=name)) from None
        if getter is not None:
            return getter(self._obj)
        if method is not None:
            bound = functools.partial(method, self._obj)
            bound.__doc__ = method.__doc__
            return bound
        key = ("._.", name, self._start, self._end)
        user_data = self._doc.user_data
        if key in user_data:
            return user_data[key]
        if isinstance(default, MUTABLE_TYPES):
            user_data[key] = copy.copy(default)
            return user_data[key]
        return default

    def __setattr__(self, name, value):
        try:
            default, method, getter, setter = self._extensions[name]
        except KeyError:
            raise AttributeError(E.no_extension.format(name=name)) from None
        if setter is not None:
            setter(self._obj, value)
        else:  # spaCy's behaviour, for a getter without setter too (the getter still wins)
            self._doc.user_data[("._.", name, self._start, self._end)] = value

    def get(self, name):
        return self.__getattr__(name)

    def set(self, name, value):
        self.__setattr__(name, value)

    def has(self, name):
        return name in self._extensions

    @classmethod
    def get_state(cls):
        return cls.token_extensions, cls.span_extensions, cls.doc_extensions

    @classmethod
    def load_state(cls, state):
        cls.token_extensions, cls.span_extensions, cls.doc_extensions = state


def set_extension(table, owner, name, kwargs):
    """Register extension `name` on `owner` (Doc, Span or Token); see spaCy's
    Doc.set_extension for the arguments (default=, getter=, setter=, method=, force=)."""
    if not isinstance(name, str) or not name:
        raise ValueError(E.extension_name.format(owner=owner, name=name))
    kwargs = dict(kwargs)
    force = kwargs.pop("force", False)
    unknown = set(kwargs) - {"default", "getter", "setter", "method"}
    if unknown:
        raise TypeError(E.extension_args.format(owner=owner, name=name,
                                                args=", ".join(sorted(unknown))))
    if name in table and not force:
        raise ValueError(E.extension_exists.format(owner=owner, name=name))
    default = kwargs.get("default")
    getter, setter, method = kwargs.get("getter"), kwargs.get("setter"), kwargs.get("method")
    if setter is not None and getter is None:
        raise ValueError(E.extension_setter.format(owner=owner, name=name))
    given = ("default" in kwargs) + (getter is not None) + (method is not None)
    if given != 1:
        raise ValueError(E.extension_kinds.format(owner=owner, name=name, n=given))
    for what, value in (("getter", getter), ("setter", setter), ("method", method)):
        if value is not None and not callable(value):
            raise ValueError(E.extension_callable.format(owner=owner, name=name, what=what,
                                                         value=value))
    table[name] = (default, method, getter, setter)


def remove_extension(table, owner, name):
    if name not in table:
        raise ValueError(E.extension_missing.format(owner=owner, name=name))
    return table.pop(name)
