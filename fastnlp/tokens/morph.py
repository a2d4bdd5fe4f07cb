"""Morphological features: the UD FEATS string and a read-only view of it."""
from ..symbols import EMPTY_MORPH


def normalize_feats(feats):
    """Canonical FEATS string: 'Case=Nom|Number=Sing', fields and values sorted, '' for none.

    Accepts a FEATS string or a dict {field: value}.
    """
    if isinstance(feats, dict):
        pairs = [(str(k), str(v)) for k, v in feats.items()]
    else:
        feats = (feats or "").strip()
        if feats in ("", "_"):
            return ""
        pairs = []
        for field in feats.split("|"):
            if "=" not in field:
                raise ValueError(f"Morphology: feature {field!r} in {feats!r} is not Name=Value")
            name, value = field.split("=", 1)
            pairs.append((name, value))
    pairs = [(name, ",".join(sorted(value.split(",")))) for name, value in pairs]
    pairs.sort()
    return "|".join(f"{name}={value}" for name, value in pairs)


class MorphAnalysis:
    """A token's morphological features, read from its FEATS string."""

    __slots__ = ("_feats", "key")

    def __init__(self, vocab, key):
        self.key = key
        self._feats = "" if key in (0, EMPTY_MORPH) else vocab.strings[key]

    def to_dict(self):
        if not self._feats:
            return {}
        return dict(field.split("=", 1) for field in self._feats.split("|"))

    def get(self, field):
        """The values of one field, e.g. morph.get("Number") -> ["Sing"]."""
        value = self.to_dict().get(field)
        return [] if value is None else value.split(",")

    def __contains__(self, feature):
        return feature in self._feats.split("|")

    def __len__(self):
        return len(self.to_dict())

    def __iter__(self):
        return iter(self._feats.split("|") if self._feats else [])

    def __str__(self):
        return self._feats

    def __repr__(self):
        return self._feats

    def __eq__(self, other):
        return str(self) == str(other)

    def __hash__(self):
        return hash(self._feats)
