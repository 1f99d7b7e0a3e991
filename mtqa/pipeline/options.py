"""A run's options: every stage's own options dataclass, composed once, with every default.

``AssessOptions.build(**settings)`` and :func:`mtqa.assess`'s keyword arguments take each setting by
its flat name (``fluency_model="ngram"``, ``max_merge=2``, ``checks=...``): :data:`SETTINGS` says
which stage's field each name sets. ``settings()`` gives them back the same way, and is what run.json
records, so ``AssessOptions.build(**run_json["parameters"])`` reproduces a run's options.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, replace
from typing import Any

from mtqa.backends.options import ModelOptions
from mtqa.core.exceptions import InputError
from mtqa.stages.aggregate import AggregateOptions
from mtqa.stages.align import AlignParameters
from mtqa.stages.find_errors import ErrorOptions
from mtqa.stages.noncontent import NonContentConfig
from mtqa.stages.score import ScoreOptions

SECTIONS: dict[str, type] = {
    "models": ModelOptions,
    "non_content": NonContentConfig,
    "align": AlignParameters,
    "score": ScoreOptions,
    "errors": ErrorOptions,
    "aggregate": AggregateOptions,
}
# Flat names that differ from their field's name: what the command line and run.json call them.
ALIASES = {
    ("non_content", "detectors"): "non_content_detectors",
    ("align", "skip_cost"): "align_threshold",
    ("errors", "enabled"): "find_errors",
}
# flat name -> (section, field)
SETTINGS: dict[str, tuple[str, str]] = {
    ALIASES.get((section, f.name), f.name): (section, f.name)
    for section, kind in SECTIONS.items()
    for f in dataclasses.fields(kind)
}
assert len(SETTINGS) == sum(len(dataclasses.fields(kind)) for kind in SECTIONS.values()), "flat names collide"


@dataclass(frozen=True)
class AssessOptions:
    parallel: bool = False  # line-aligned inputs: no segmentation, no alignment
    models: ModelOptions = ModelOptions()
    non_content: NonContentConfig = NonContentConfig()
    align: AlignParameters = AlignParameters()
    score: ScoreOptions = ScoreOptions()
    errors: ErrorOptions = ErrorOptions()
    aggregate: AggregateOptions = AggregateOptions()

    def __post_init__(self) -> None:
        if self.score.fluency_context and not self.models.causal_fluency_model:
            raise InputError(None, f"fluency_context needs a causal language model, not "
                                   f"{self.models.fluency_model!r} (the n-gram tier reads sentences alone)")

    @classmethod
    def build(cls, base: AssessOptions | None = None, **settings: Any) -> AssessOptions:
        """``base`` (default: the defaults) with the settings given by their flat names."""
        base = base or cls()
        unknown = set(settings) - set(SETTINGS) - {"parallel"}
        if unknown:
            raise InputError(None, f"unknown option(s): {', '.join(sorted(unknown))}")
        sections: dict[str, dict[str, Any]] = {}
        for name, value in settings.items():
            if name != "parallel":
                section, field = SETTINGS[name]
                sections.setdefault(section, {})[field] = value
        changed = {section: replace(getattr(base, section), **fields) for section, fields in sections.items()}
        return replace(base, parallel=settings.get("parallel", base.parallel), **changed)

    def settings(self) -> dict[str, Any]:
        """Every setting by its flat name, as plain values (run.json's ``parameters``)."""
        values: dict[str, Any] = {"parallel": self.parallel}
        for name, (section, field) in SETTINGS.items():
            values[name] = getattr(getattr(self, section), field)
        return values

    @property
    def reads_in_context(self) -> bool:
        """Whether the fluency stage reads each sentence after the one before it (``fluency_context``
        resolved)."""
        if self.score.fluency_context is not None:
            return self.score.fluency_context
        return self.models.causal_fluency_model and not self.parallel
