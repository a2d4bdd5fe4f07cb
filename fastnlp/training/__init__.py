"""Training data: corpus converters (and, later, Example, Corpus and the loop)."""
from .converters import CONVERTERS, DocRecord, read_records, record_to_doc

__all__ = ["CONVERTERS", "DocRecord", "read_records", "record_to_doc"]
