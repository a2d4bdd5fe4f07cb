"""The package carries what a downstream Cython extension needs: .pxd files and C headers.

`build_py` is the step that fills the wheel (and a strict editable install), so the
first tests run it into a temp dir; the last one compiles a small extension that
cimports fastnlp, with `fastnlp.get_include()`, and runs it on a Doc.
"""
import ast
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import numpy
import pytest

import fastnlp

REPO = Path(__file__).resolve().parents[1]
SETUP_PY = REPO / "setup.py"
EXTERN_HEADER = re.compile(r'cdef\s+extern\s+from\s+"([^"]+)"')
DOWNSTREAM_PYX = """\
from fastnlp.tokens.doc cimport Doc
from fastnlp.pipeline.transition.state cimport FNLP_MAX_KIDS, FNLP_NO_TOKEN


def read_doc(Doc doc):
    cdef int i
    return doc.length, [(doc.c[i].lex.orth, doc.c[i].spacy) for i in range(doc.length)]


def state_constants():
    return FNLP_NO_TOKEN, FNLP_MAX_KIDS
"""
DOWNSTREAM_SETUP = """\
import json
import sys

from Cython.Build import cythonize
from setuptools import Extension, setup

cfg = json.loads(sys.argv.pop(1))
extension = Extension(cfg["name"], [cfg["name"] + ".pyx"], language="c++",
                      include_dirs=cfg["include_dirs"], extra_compile_args=cfg["compile_args"],
                      define_macros=[tuple(m) for m in cfg["define_macros"]])
setup(ext_modules=cythonize([extension], compiler_directives=cfg["directives"],
                            include_path=cfg["include_path"]))
"""


def named_headers(package_dir):
    """{header: [.pxd files naming it]} over every .pxd under `package_dir`."""
    found = {}
    for pxd in sorted(Path(package_dir).rglob("*.pxd")):
        for header in EXTERN_HEADER.findall(pxd.read_text(encoding="utf8")):
            found.setdefault(header, []).append(pxd)
    return found


def provided_by_python_or_numpy(header):
    return header.startswith("<") or any(
        (Path(d) / header).is_file()
        for d in (sysconfig.get_paths()["include"], numpy.get_include()))


def setup_py_literals():
    """The build settings setup.py compiles fastnlp with, read without running it."""
    values = {}
    for node in ast.parse(SETUP_PY.read_text(encoding="utf8")).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            name = getattr(node.targets[0], "id", None)
            if name in ("COMPILE_ARGS", "DEFINE_MACROS", "COMPILER_DIRECTIVES"):
                values[name] = ast.literal_eval(node.value)
    assert len(values) == 3, f"setup.py no longer defines the build settings: {sorted(values)}"
    return values


def header_define(include_dir, name):
    text = (Path(include_dir) / "fastnlp_state.h").read_text(encoding="utf8")
    return int(re.search(rf"#define {name}\s+\(?(-?\d+)\)?", text).group(1))


def missing_compilers():
    """The compiler commands setuptools would call (CC compiles, CXX links) that are absent."""
    missing = []
    for var, default in (("CC", "cc"), ("CXX", "c++")):
        command = (os.environ.get(var) or sysconfig.get_config_var(var) or default).split()[0]
        if shutil.which(command) is None:
            missing.append(f"{var}={command!r}")
    return missing


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(build_py output dir, egg-info dir) of this checkout, nothing compiled."""
    if not SETUP_PY.exists():
        pytest.skip(f"no setup.py at {SETUP_PY}: not a source checkout")
    tmp = tmp_path_factory.mktemp("build_py")
    result = subprocess.run(
        [sys.executable, str(SETUP_PY), "-q", "egg_info", "--egg-base", str(tmp),
         "build_py", "-d", str(tmp / "lib")],
        cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    [egg_info] = tmp.glob("*.egg-info")
    return tmp / "lib", egg_info


def test_pxd_files_name_headers():
    """Guards the tests below against passing on a regex that finds nothing."""
    headers = named_headers(REPO / "fastnlp")
    assert "fastnlp_state.h" in headers and "hash_embed.h" in headers, headers


def test_build_carries_every_named_header(built):
    lib, _ = built
    missing = []
    for header, pxds in named_headers(REPO / "fastnlp").items():
        if provided_by_python_or_numpy(header):
            continue
        beside = [lib / pxd.parent.relative_to(REPO) / header for pxd in pxds]
        if not (lib / "fastnlp" / "include" / header).is_file() and \
                not all(path.is_file() for path in beside):
            missing.append((header, [str(p.relative_to(REPO)) for p in pxds]))
    assert not missing, f"headers named by .pxd files but not in the build: {missing}"


def test_build_carries_every_pxd_and_no_generated_cpp(built):
    lib, _ = built
    source = {p.relative_to(REPO) for p in (REPO / "fastnlp").rglob("*.pxd")}
    assert {p.relative_to(lib) for p in (lib / "fastnlp").rglob("*.pxd")} == source
    assert not list(lib.rglob("*.cpp")), "generated C++ does not belong in the wheel"


def test_sdist_manifest_carries_headers(built):
    _, egg_info = built
    listed = set((egg_info / "SOURCES.txt").read_text(encoding="utf8").split())
    headers = {f"include/{p.name}" for p in (REPO / "include").iterdir()
               if p.suffix in (".h", ".cu")}
    assert headers and headers <= listed, headers - listed


def test_get_include_in_installed_layout(built):
    """Loaded from the build output, get_include() points at the copied headers."""
    lib, _ = built
    spec = importlib.util.spec_from_file_location("built_fastnlp_headers",
                                                  lib / "fastnlp" / "headers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert Path(module.get_include()) == (lib / "fastnlp" / "include").resolve()


def test_get_include_holds_every_named_header():
    include = Path(fastnlp.get_include())
    package = Path(fastnlp.__file__).parent
    for header in named_headers(package):
        if not provided_by_python_or_numpy(header):
            assert (include / header).is_file(), header


def test_downstream_extension_cimports_doc(tmp_path):
    missing = missing_compilers()
    if missing:
        pytest.skip(f"no C++ compiler to build an extension with: {', '.join(missing)} not found")
    pytest.importorskip("Cython")
    settings = setup_py_literals()
    name = "fastnlp_downstream_probe"
    (tmp_path / f"{name}.pyx").write_text(DOWNSTREAM_PYX, encoding="utf8")
    (tmp_path / "setup.py").write_text(DOWNSTREAM_SETUP, encoding="utf8")
    site = str(Path(fastnlp.__file__).resolve().parents[1])
    cfg = {
        "name": name,
        "include_dirs": [fastnlp.get_include(), numpy.get_include()],
        "compile_args": settings["COMPILE_ARGS"],
        "define_macros": settings["DEFINE_MACROS"],
        "directives": settings["COMPILER_DIRECTIVES"],
        "include_path": [site],
    }
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([site, os.environ.get("PYTHONPATH", "")]))
    result = subprocess.run(
        [sys.executable, "setup.py", json.dumps(cfg), "build_ext", "--inplace"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-4000:]
    [so_path] = tmp_path.glob(f"{name}*{sysconfig.get_config_var('EXT_SUFFIX')}")
    spec = importlib.util.spec_from_file_location(name, so_path)
    probe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(probe)

    doc = fastnlp.blank("en")("hello world")
    length, rows = probe.read_doc(doc)
    assert length == len(doc) == 2
    assert [orth for orth, _ in rows] == [token.orth for token in doc]
    assert [doc.vocab.strings[orth] for orth, _ in rows] == ["hello", "world"]
    assert [bool(space) for _, space in rows] == [True, False]
    assert probe.state_constants() == (header_define(fastnlp.get_include(), "FNLP_NO_TOKEN"),
                                       header_define(fastnlp.get_include(), "FNLP_MAX_KIDS"))
