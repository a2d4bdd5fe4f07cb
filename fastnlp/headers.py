"""Where fastnlp's C headers are, for extensions that cimport fastnlp."""
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_MARKER = "fastnlp_state.h"    # present in every copy of the headers


def get_include():
    """The directory to add to `include_dirs` when building against fastnlp's .pxd files.

    Several .pxd files declare C functions and structs from headers (`cdef extern from
    "fastnlp_state.h"`), so an extension that cimports them must find those headers:
    Extension(..., include_dirs=[fastnlp.get_include(), numpy.get_include()]).
    An installed package carries them in fastnlp/include/ (setup.py's build_py copies
    them there); an in-place build or an editable install uses the repository's include/.
    """
    for candidate in (_PACKAGE_DIR / "include", _PACKAGE_DIR.parent / "include"):
        if (candidate / _MARKER).is_file():
            return str(candidate)
    raise FileNotFoundError(
        f"fastnlp's C headers are missing: neither {_PACKAGE_DIR / 'include'} (an installed "
        f"package) nor {_PACKAGE_DIR.parent / 'include'} (a source checkout) holds "
        f"{_MARKER}; reinstall fastnlp")
