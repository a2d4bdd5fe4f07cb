"""Build the Cython extensions: every .pyx under fastnlp/ becomes one module."""
import os
from pathlib import Path

import numpy
from Cython.Build import cythonize
from setuptools import Extension, setup

ROOT = Path(__file__).parent
COMPILER_DIRECTIVES = {
    "language_level": 3,
    "boundscheck": False,
    "wraparound": False,
    "cdivision": True,
    "embedsignature": True,
}


def find_extensions():
    include_dirs = [numpy.get_include(), str(ROOT / "include")]
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
                extra_compile_args=["-O3", "-std=c++14", "-Wno-unused-function"],
                define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
            )
        )
    return extensions


setup(
    ext_modules=cythonize(
        find_extensions(),
        compiler_directives=COMPILER_DIRECTIVES,
        nthreads=int(os.environ.get("FASTNLP_BUILD_JOBS", os.cpu_count() or 1)),
    ),
)
