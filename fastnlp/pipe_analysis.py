"""What each component declares it sets and needs ("token.tag", "doc.ents", "doc._.x"),
checked when it is registered and summed up over a pipeline by `nlp.analyze_pipes`.

The analysis is static: it reads the factories' declarations and runs nothing.
"""
from typing import Dict, Iterable, List

from .factories import FactoryMeta
from .tokens import Doc, Span, Token

OWNERS = {"doc": Doc, "token": Token, "span": Span}
DEFAULT_KEYS = ["assigns", "requires", "scores", "retokenizes"]


def validate_attrs(values: Iterable[str], factory: str) -> List[str]:
    """The declared attributes as a list; a ValueError naming the first one that is not
    `doc.`, `token.` or `span.` followed by one of that class's attributes or `_.name`."""
    values = [values] if isinstance(values, str) else list(values)
    for value in values:
        where = f"component {factory!r}: attribute {value!r}"
        parts = value.split(".") if isinstance(value, str) else []
        if len(parts) < 2 or parts[0] not in OWNERS:
            raise ValueError(f"{where} must be written as doc.x, token.x or span.x "
                             "(an extension: token._.x)")
        if parts[1] == "_":
            if len(parts) != 3 or not parts[2]:
                raise ValueError(f"{where}: an extension is written {parts[0]}._.name")
        elif len(parts) != 2:
            raise ValueError(f"{where}: only an extension (._.name) may have a third part")
        elif not hasattr(OWNERS[parts[0]], parts[1]):
            raise ValueError(f"{where}: {OWNERS[parts[0]].__name__} has no attribute "
                             f"{parts[1]!r}")
    return values


def analyze_pipes(metas: Dict[str, FactoryMeta], *, keys=DEFAULT_KEYS, pretty=False):
    """{"summary": {pipe: {key: value}}, "problems": {pipe: [unmet requirements]},
    "attrs": {attr: {"assigns": [pipes], "requires": [pipes]}}} for the pipes in order.

    A requirement is met when an earlier pipe assigns it.
    """
    summary, problems, attrs = {}, {}, {}
    assigned = set()
    for name, meta in metas.items():
        summary[name] = {key: getattr(meta, key) for key in keys}
        problems[name] = [attr for attr in meta.requires if attr not in assigned]
        assigned.update(meta.assigns)
        for role in ("assigns", "requires"):
            for attr in getattr(meta, role):
                attrs.setdefault(attr, {"assigns": [], "requires": []})[role].append(name)
    analysis = {"summary": summary, "problems": problems, "attrs": attrs}
    if pretty:
        print(format_analysis(analysis, keys))
    return analysis


def format_analysis(analysis, keys=DEFAULT_KEYS) -> str:
    """The analysis as a text table, one block of lines per pipe, then its problems."""
    header = ["#", "Component"] + [key.capitalize() for key in keys]
    rows = [header, ["-" * len(cell) for cell in header]]
    for i, (name, values) in enumerate(analysis["summary"].items()):
        columns = [[str(i)], [name]] + [
            [str(v) for v in value] if isinstance(value, list) else [str(value)]
            for value in (values[key] for key in keys)]
        for line in range(max(len(column) for column in columns)):
            rows.append([column[line] if line < len(column) else "" for column in columns])
        rows.append([""] * len(header))
    widths = [max(len(row[c]) for row in rows) for c in range(len(header))]
    lines = ["Pipeline overview", ""]
    lines += ["   ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    unmet = {name: attrs for name, attrs in analysis["problems"].items() if attrs}
    lines.append(f"Problems ({sum(len(a) for a in unmet.values())})")
    for name, attrs in unmet.items():
        lines.append(f"{name!r} requirements not met: {', '.join(attrs)}")
    if not unmet:
        lines.append("No problems found.")
    return "\n".join(lines)
