"""mtqa: machine-translation quality assessment.

>>> import mtqa
>>> result = mtqa.assess("seeds/002_7337f87eccdfb504.txt", ["seeds/000_cc02e8cbdcfd7727.txt"])
>>> result.sentences.head()
"""

from mtqa.api import (
    Assessment,
    AssessOptions,
    CompareResult,
    Document,
    GateResult,
    InputError,
    assess,
    assess_frame,
    compare,
    document_from_text,
    gate,
    load_document,
)
from mtqa.core.version import __version__

__all__ = [
    "__version__",
    "assess",
    "assess_frame",
    "compare",
    "gate",
    "AssessOptions",
    "CompareResult",
    "GateResult",
    "Assessment",
    "Document",
    "InputError",
    "document_from_text",
    "load_document",
]
