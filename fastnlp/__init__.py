"""fastnlp: fast statistical NLP pipelines."""
from . import registrations  # noqa: F401  (every built-in function a config can name)
from . import displacy  # noqa: F401  (`fastnlp.displacy` after `import fastnlp`, as in spaCy)
from .about import __version__
from .glossary import explain
from .headers import get_include
from .language import Language, blank
from .loading import load
from .registry import registry
from .strings import StringStore
from .vocab import Vocab

__all__ = ["__version__", "Language", "StringStore", "Vocab", "blank", "explain", "get_include",
           "load", "registry"]
