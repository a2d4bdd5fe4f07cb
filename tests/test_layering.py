"""The package's layers only look down: read from the source, every import of fastnlp's own
modules (inside functions too) goes to the same or a lower layer, no import cycle spans
more than four modules, and function-level imports stay within their budget."""
import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "fastnlp"

# (layer, module-name patterns), lowest first; docs/architecture.md describes them.
LAYERS = [
    ("base", [r"errors", r"about", r"symbols", r"attrs", r"registry", r"system", r"factories",
              r"typedefs", r"structs", r"parts_of_speech", r"gpu", r"headers", r"glossary"]),
    ("data", [r"strings", r"lexeme", r"lex_kernels", r"vocab", r"vectors", r"lookups",
              r"tokens(\..*)?",
              r"tokenizer(_\w+)?", r"lang", r"lang\.lex_attrs", r"lang\.punctuation",
              r"lang\.\w+\.\w+", r"lang\.sentence_terminals", r"scorer",
              r"training", r"training\.(example|alignment|align_kernel|annotations|"
              r"iob_utils|corpus|batchers|augment|loggers)", r"training\.converters(\..*)?"]),
    ("models", [r"ml(\..*)?", r"pipeline\.transition(\..*)?", r"matcher(\..*)?"]),
    ("components", [r"pipeline(\.\w+)?", r"pipeline_io", r"displacy(\..*)?"]),
    ("language", [r"config", r"language", r"lang\.\w+", r"pipe_analysis"]),
    ("loading", [r"loading", r"registrations", r"util"]),
    ("training", [r"training\.(loop|train|checkpoint|ray_train)"]),
    ("cli", [r"cli(\..*)?", r"__main__"]),
    ("package", [r""]),
]
# Imports that reach up a layer, each with its reason.
ALLOWED_UP = {
    ("language", "loading"): "Language.from_config (spaCy's API) builds through build_nlp",
}
MAX_CYCLE = 4
MAX_INNER_IMPORTS = 25

CYTHON_IMPORT = re.compile(
    r"^([ \t]*)(?:from\s+(\.*)([\w.]*)\s+c?import\s+\(?([\w, *]+)|c?import\s+([\w.]+))")


def _module_name(path):
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules():
    """{module name: its source files} (a Cython module may have a .pyx and a .pxd)."""
    modules = {}
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in (".py", ".pyx", ".pxd") and "__pycache__" not in path.parts:
            modules.setdefault(_module_name(path), []).append(path)
    return modules


def _absolute(current, is_package, level, name):
    if level == 0:
        return name
    parts = current.split(".")
    if not is_package:
        parts = parts[:-1]
    parts = parts[:len(parts) - (level - 1)]
    return ".".join(parts + ([name] if name else []))


def _own_module(name, modules):
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def _python_imports(path, module):
    """(imported module path, imported names, is inside a function) of a .py file."""
    tree = ast.parse(path.read_text(encoding="utf8"))
    functions = [node for node in ast.walk(tree)
                 if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))]
    inner = {id(n) for f in functions for n in ast.walk(f)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, [], id(node) in inner
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(module, path.name == "__init__.py", node.level, node.module or "")
            yield base, [alias.name for alias in node.names], id(node) in inner


def _cython_imports(path, module):
    in_string = False
    for line in path.read_text(encoding="utf8").splitlines():
        if line.count('"""') % 2 == 1:
            in_string = not in_string
            continue
        if in_string:
            continue
        match = CYTHON_IMPORT.match(line)
        if not match:
            continue
        indent, dots, name, names, plain = match.groups()
        if plain:
            yield plain, [], bool(indent)
        else:
            base = _absolute(module, path.name == "__init__.py", len(dots), name) if dots \
                else name
            names = [n.split(" as ")[0].strip() for n in names.split(",")]
            yield base, [n for n in names if n and n != "*"], bool(indent)


def _graph():
    """{module: {imported own module: inside a function}}, and the count of function-level
    imports of own modules."""
    modules = _modules()
    edges, n_inner = {}, 0
    for module, paths in modules.items():
        found = [item for path in paths for item in
                 (_python_imports if path.suffix == ".py" else _cython_imports)(path, module)]
        for base, names, inside in found:
            if not (base == "fastnlp" or base.startswith("fastnlp.")):
                continue
            targets = {_own_module(f"{base}.{n}", modules) for n in names} or \
                {_own_module(base, modules)}
            targets = {t for t in targets if t and t != module}
            n_inner += bool(inside and targets)
            for target in targets:
                edges.setdefault(module, {})
                edges[module][target] = edges[module].get(target, False) or inside
    return modules, edges, n_inner


def _layer(module):
    short = module[len("fastnlp."):] if module != "fastnlp" else ""
    for rank, (name, patterns) in enumerate(LAYERS):
        if any(re.fullmatch(pattern, short) for pattern in patterns):
            return rank, name
    return None, None


def _cycles(edges):
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, {}):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


@pytest.fixture(scope="module")
def graph():
    return _graph()


def test_every_module_has_a_layer(graph):
    modules, _, _ = graph
    missing = [m for m in sorted(modules) if _layer(m)[0] is None]
    assert not missing, f"give these modules a layer in LAYERS: {missing}"


def test_imports_only_look_down(graph):
    _, edges, _ = graph
    upward = []
    for module, targets in sorted(edges.items()):
        rank, name = _layer(module)
        for target in sorted(targets):
            target_rank, target_name = _layer(target)
            if None in (rank, target_rank):
                continue  # test_every_module_has_a_layer names it
            if target_rank > rank and (name, target_name) not in ALLOWED_UP:
                upward.append(f"{module} ({name}) -> {target} ({target_name})")
    assert not upward, "imports that reach up a layer:\n" + "\n".join(upward)


def test_no_large_import_cycle(graph):
    _, edges, _ = graph
    cycles = _cycles(edges)
    assert all(len(cycle) <= MAX_CYCLE for cycle in cycles), cycles


def test_function_level_imports_within_budget(graph):
    _, _, n_inner = graph
    assert n_inner <= MAX_INNER_IMPORTS


def test_the_scanner_sees_imports_inside_functions(tmp_path):
    """The reader itself: a function-level import and a Cython cimport are both found."""
    source = tmp_path / "mod.py"
    source.write_text("import os\n\ndef f():\n    from fastnlp.vocab import Vocab\n")
    found = list(_python_imports(source, "fastnlp.mod"))
    assert ("fastnlp.vocab", ["Vocab"], True) in found and ("os", [], False) in found
    cython = tmp_path / "mod.pyx"
    cython.write_text('"""Doc.\n\n    from nowhere import x\n"""\n\nfrom ..tokens.doc cimport Doc\n'
                      "def g():\n    from .. import attrs as a\n")
    found = list(_cython_imports(cython, "fastnlp.ml.mod"))
    assert found == [("fastnlp.tokens.doc", ["Doc"], False), ("fastnlp", ["attrs"], True)]
