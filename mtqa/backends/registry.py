"""Every packaged model with the function that loads it: what ``mtqa models`` checks."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from mtqa.backends.encoder import sentence_encoder
from mtqa.backends.estimator import learned_estimator, link_verifier
from mtqa.backends.language_models import language_model
from mtqa.backends.linguistic import spacy_pipeline, word_frequencies
from mtqa.backends.packaged import PACKAGED

# What builds each packaged model as mtqa uses it (once per process).
LOADERS: dict[str, Callable[[], Any]] = {
    "minilm": sentence_encoder,
    "smollm2": lambda: language_model("smollm2"),
    "ngram": lambda: language_model("ngram"),
    "spacy-en": lambda: spacy_pipeline("spacy-en"),
    "wordfreq": word_frequencies,
    "estimator": learned_estimator,
    "link-verifier": link_verifier,
}


@dataclass(frozen=True)
class ModelCheck:
    name: str
    kind: str
    package_spec: str  # "package==version", or "package (not installed)"
    size_bytes: int  # on disk: the packaged weights plus any cached copy mtqa made of them
    load_seconds: float | None
    status: str  # "ok" or the reason it does not load

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _disk_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def check_models() -> list[ModelCheck]:
    """Load every packaged model (once per process) and say whether it works, its size and load time."""
    checks = []
    for model in PACKAGED.values():
        version = model.version
        spec = f"{model.package}=={version}" if version else f"{model.package} (not installed)"
        try:
            location = model.locate()
            size = _disk_size(location)
        except (FileNotFoundError, ImportError, OSError) as error:
            checks.append(ModelCheck(model.name, model.kind, spec, 0, None, f"not found: {error}"))
            continue
        started = time.perf_counter()
        try:
            LOADERS[model.name]()
            status = "ok"
        except Exception as error:  # report any failure to load, whatever its kind: that is the point
            status = f"fails to load: {str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__}"
        seconds = time.perf_counter() - started
        if model.cached_copy.is_dir():
            size += _disk_size(model.cached_copy)
        checks.append(ModelCheck(model.name, model.kind, spec, size, seconds, status))
    return checks
