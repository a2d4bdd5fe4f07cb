"""Lookup tables (`Lookups`, `Table`): named dicts keyed by string hashes, as spaCy's.

Lemmatizer tables come from the `spacy-lookups-data` package (`load_lookups`) or from
a saved pipeline (`lookups.bin`: msgpack of {table name: {key hash: value}}, spaCy's
layout, so either library reads the other's file). A Table's string keys are hashed as
the StringStore hashes them; a Bloom filter (preshed's) answers most misses.
"""
import gzip
from importlib import metadata
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Union

import srsly
from preshed.bloom import BloomFilter

from .errors import FormatError
from .registry import registry
from .strings import hash_string

LOOKUPS_ENTRY_POINTS = "spacy_lookups"  # the group spacy-lookups-data registers under
LOOKUPS_FILE = "lookups.bin"
_UNSET = object()


def _key(key: Union[str, int]) -> int:
    return hash_string(key) if isinstance(key, str) else key


class Table(dict):
    """A dict whose str keys are stored as their string hashes (int keys as given)."""

    def __init__(self, name: Optional[str] = None, data: Optional[dict] = None):
        super().__init__()
        self.name = name
        self.bloom = BloomFilter.from_error_rate(max(len(data), 1) if data else 1e6)
        if data:
            self.update(data)

    @classmethod
    def from_dict(cls, data: dict, name: Optional[str] = None) -> "Table":
        return cls(name=name, data=data)

    def update(self, data=(), **kwargs):
        items = data.items() if hasattr(data, "items") else data
        for key, value in list(items) + list(kwargs.items()):
            self[key] = value

    def __setitem__(self, key, value):
        key = _key(key)
        super().__setitem__(key, value)
        self.bloom.add(key)

    def set(self, key, value) -> None:
        self[key] = value

    def __getitem__(self, key):
        return super().__getitem__(_key(key))

    def get(self, key, default=None):
        return super().get(_key(key), default)

    def __contains__(self, key) -> bool:
        key = _key(key)
        return key in self.bloom and super().__contains__(key)

    def to_bytes(self) -> bytes:
        return srsly.msgpack_dumps({"name": self.name, "dict": dict(self.items()),
                                    "bloom": self.bloom.to_bytes()})

    def from_bytes(self, bytes_data: bytes) -> "Table":
        msg = srsly.msgpack_loads(bytes_data)
        self.name = msg["name"]
        self.bloom = BloomFilter().from_bytes(msg["bloom"])
        dict.clear(self)
        self.update(msg.get("dict", {}))
        return self


class Lookups:
    """Named tables; serialized as one msgpack map (spaCy's lookups.bin)."""

    def __init__(self):
        self._tables: Dict[str, Table] = {}

    def __contains__(self, name: str) -> bool:
        return name in self._tables

    def __len__(self) -> int:
        return len(self._tables)

    @property
    def tables(self) -> List[str]:
        return list(self._tables)

    def add_table(self, name: str, data: Optional[dict] = None) -> Table:
        if name in self._tables:
            raise ValueError(f"Lookups: a table {name!r} exists already")
        table = Table(name=name, data=data)
        self._tables[name] = table
        return table

    def set_table(self, name: str, table: Table) -> None:
        self._tables[name] = table

    def get_table(self, name: str, default: Any = _UNSET) -> Table:
        if name not in self._tables:
            if default is _UNSET:
                raise KeyError(f"Lookups: no table {name!r}; tables: {self.tables}")
            return default
        return self._tables[name]

    def remove_table(self, name: str) -> Table:
        if name not in self._tables:
            raise KeyError(f"Lookups: no table {name!r}; tables: {self.tables}")
        return self._tables.pop(name)

    def has_table(self, name: str) -> bool:
        return name in self._tables

    def to_bytes(self, **kwargs) -> bytes:
        return srsly.msgpack_dumps({name: dict(table) for name, table in
                                    self._tables.items()})

    def from_bytes(self, bytes_data: bytes, **kwargs) -> "Lookups":
        """Read to_bytes' output; a FormatError ("lookups: ...") if it is not that."""
        try:
            msg = srsly.msgpack_loads(bytes_data)
        except Exception as err:  # msgpack raises several types for bad input
            raise FormatError(f"not msgpack ({type(err).__name__})", "lookups") from None
        if not isinstance(msg, dict) or not all(isinstance(v, dict) for v in msg.values()):
            raise FormatError("expected a map of table name to table", "lookups")
        try:
            self._tables = {str(name): Table(str(name), data) for name, data in msg.items()}
        except (TypeError, ValueError, OverflowError) as err:
            raise FormatError(f"a table key is neither a string nor a 64-bit id ({err})",
                              "lookups") from None
        return self

    def to_disk(self, path, filename: str = LOOKUPS_FILE, **kwargs) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / filename).write_bytes(self.to_bytes())

    def from_disk(self, path, filename: str = LOOKUPS_FILE, **kwargs) -> "Lookups":
        """Read `path/filename` if it exists (as spaCy, a missing file reads as no tables)."""
        file = Path(path) / filename
        if file.exists():
            try:
                return self.from_bytes(file.read_bytes())
            except FormatError as err:
                raise FormatError(f"not a lookups file ({err.message})", file) from None
        return self


def lookups_data(lang: str) -> Optional[Dict[str, Any]]:
    """{table name: file} that spacy-lookups-data has for `lang`; None if it has none
    (or the package is not installed)."""
    for entry in metadata.entry_points(group=LOOKUPS_ENTRY_POINTS):
        if entry.name == lang:
            return entry.load()
    return None


def load_lookups(lang: str, tables: Iterable[str], strict: bool = True) -> Lookups:
    """The named tables of `lang` from spacy-lookups-data. A table it lacks is an error
    with `strict`, else an empty table."""
    tables = list(tables)
    lookups = Lookups()
    data = lookups_data(lang)
    if data is None:
        if strict and tables:
            raise ValueError(f"no lookup tables for language {lang!r} (wanted "
                             f"{', '.join(tables)}): install spacy-lookups-data "
                             "(pip install 'fastnlp[lookups]'), or pass lookups to "
                             "initialize")
        return lookups
    for name in tables:
        if name not in data:
            if strict:
                raise ValueError(f"spacy-lookups-data has no table {name!r} for language "
                                 f"{lang!r}; it has {', '.join(sorted(data))}")
            lookups.add_table(name, {})
        else:
            lookups.add_table(name, _read_table_file(data[name]))
    return lookups


def _read_table_file(path) -> dict:
    """A table's JSON file; the package ships most of them gzipped beside the name."""
    path = Path(str(path))
    if not path.exists() and Path(str(path) + ".gz").exists():
        path = Path(str(path) + ".gz")
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    return srsly.json_loads(raw)


@registry.misc("spacy.LookupsDataLoader.v1")
def make_lookups_loader(lang: str, tables: List[str]) -> Lookups:
    """[initialize] lookups = {"@misc": "spacy.LookupsDataLoader.v1", ...}: the tables."""
    return load_lookups(lang, tables)
