"""Build fastnlp: every .pyx under fastnlp/ becomes one module; include/ ships in the package.

The installed .pxd files name C headers that live in include/ (`cdef extern from
"fastnlp_state.h"`), so an extension that cimports fastnlp needs them too. `build_py`
copies include/*.h and include/*.cu into fastnlp/include/ of the build (the wheel); the
repository keeps one copy, in include/. `fastnlp.get_include()` returns the installed
directory, or include/ itself for an in-place build or an editable install.

The .pyx files are translated to C++ only when `build_ext` runs: `build_py`, `egg_info`
and `sdist` run no Cython pass, and the generated .cpp files (20 MB) stay out of the
wheel and the sdist, which carry the .pyx sources (Cython is a build requirement).

COMPILE_ARGS, DEFINE_MACROS and COMPILER_DIRECTIVES are literals: tests/test_build.py
reads them (without running this file) to build a downstream extension the same way.
"""
import os
from pathlib import Path

import numpy
from Cython.Build import cythonize
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext as _build_ext
from setuptools.command.build_py import build_py as _build_py

ROOT = Path(__file__).parent
HEADER_DIR = "include"                  # in the repository and the sdist
PACKAGE_HEADER_DIR = "fastnlp/include"  # in the build and the wheel
HEADER_PATTERNS = ["*.h", "*.cu"]
COMPILE_ARGS = ["-O3", "-std=c++14", "-Wno-unused-function"]
DEFINE_MACROS = [("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")]
COMPILER_DIRECTIVES = {
    "language_level": 3,
    "boundscheck": False,
    "wraparound": False,
    "cdivision": True,
    "embedsignature": True,
}


def find_extensions():
    include_dirs = [numpy.get_include(), str(ROOT / HEADER_DIR)]
    extensions = []
    for pyx in sorted((ROOT / "fastnlp").rglob("*.pyx")):
        rel = pyx.relative_to(ROOT)
        name = ".".join(rel.with_suffix("").parts)
        extensions.append(
            Extension(
                name,
                [str(rel)],
                include_dirs=include_dirs,
                language="c++",
                extra_compile_args=list(COMPILE_ARGS),
                define_macros=list(DEFINE_MACROS),
            )
        )
    return extensions


def header_files():
    """The headers to install, as paths relative to the project root."""
    found = set()
    for pattern in HEADER_PATTERNS:
        found.update((ROOT / HEADER_DIR).glob(pattern))
    return sorted(str(path.relative_to(ROOT)) for path in found)


class build_py(_build_py):
    """The package's files plus include/'s headers, copied to fastnlp/include/."""

    def _header_mapping(self):
        """{target in the build: source in the project} for every header."""
        target_dir = os.path.join(self.build_lib, *PACKAGE_HEADER_DIR.split("/"))
        return {os.path.join(target_dir, os.path.basename(source)): source
                for source in header_files()}

    def run(self):
        super().run()
        if self.editable_mode:
            # the package is the source tree: get_include() finds include/ itself
            return
        for target, source in self._header_mapping().items():
            self.mkpath(os.path.dirname(target))
            self.copy_file(source, target, preserve_mode=False)

    def get_outputs(self, include_bytecode=1):
        outputs = super().get_outputs(include_bytecode)
        return outputs + [target for target in self._header_mapping() if target not in outputs]

    def get_output_mapping(self):
        # a strict editable install links these targets to the sources
        mapping = dict(super().get_output_mapping())
        mapping.update(self._header_mapping())
        return dict(sorted(mapping.items()))


class build_ext(_build_ext):
    """Translate the .pyx sources to C++ (in parallel) just before compiling them."""

    def run(self):
        cpp_sources = {
            ext.name: ext.sources
            for ext in cythonize(
                self.extensions,
                compiler_directives=COMPILER_DIRECTIVES,
                nthreads=int(os.environ.get("FASTNLP_BUILD_JOBS", os.cpu_count() or 1)),
            )
        }
        # keep the Extension objects finalize_options prepared; only their sources change
        for ext in self.extensions:
            ext.sources = cpp_sources[ext.name]
        super().run()


setup(
    ext_modules=find_extensions(),
    cmdclass={"build_py": build_py, "build_ext": build_ext},
)
