"""Training data: Example and Alignment, BILUO helpers, and corpus converters."""
from .alignment import Alignment
from .converters import CONVERTERS, DocRecord, read_records, record_to_doc
from .example import Example
from .iob_utils import (biluo_tags_to_offsets, biluo_tags_to_spans, biluo_to_iob,
                        iob_to_biluo, offsets_to_biluo_tags, tags_to_entities)

__all__ = ["Alignment", "Example", "CONVERTERS", "DocRecord", "read_records", "record_to_doc",
           "biluo_tags_to_offsets", "biluo_tags_to_spans", "biluo_to_iob", "iob_to_biluo",
           "offsets_to_biluo_tags", "tags_to_entities"]
