from .doc import Doc
from .span import Span
from .token import Token

__all__ = ["Doc", "Token", "Span"]
