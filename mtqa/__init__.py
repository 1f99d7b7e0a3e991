"""mtqa: machine-translation quality assessment.

>>> import mtqa
>>> result = mtqa.assess("seeds/002_7337f87eccdfb504.txt", ["seeds/000_cc02e8cbdcfd7727.txt"])
>>> result.sentences.head()
"""

__version__ = "0.1.0"

from .exceptions import InputError  # noqa: E402
from .load import Document, document_from_text, load_document  # noqa: E402
from .pipeline import AssessOptions, assess  # noqa: E402
from .result import Assessment  # noqa: E402

__all__ = [
    "__version__",
    "assess",
    "AssessOptions",
    "Assessment",
    "Document",
    "InputError",
    "document_from_text",
    "load_document",
]
