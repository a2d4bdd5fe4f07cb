from .doc import Doc
from .docbin import DocBin
from .morph import MorphAnalysis
from .retokenizer import Retokenizer
from .span import Span
from .span_group import SpanGroup
from .token import Token

__all__ = ["Doc", "DocBin", "MorphAnalysis", "Retokenizer", "Token", "Span", "SpanGroup"]
