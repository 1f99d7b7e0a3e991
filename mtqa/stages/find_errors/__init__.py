"""Stage 6, find errors: evidence from the reference comparison (:mod:`.reference`), the QA checks
(:mod:`mtqa.checks`) and the language model (:mod:`.language_model`), merged into error spans with an
MQM category and severity (:mod:`.spans`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from mtqa.checks import enabled_checks


@dataclass(frozen=True)
class ErrorOptions:
    enabled: bool = True  # error spans, n_errors and mqm_penalty
    # QA checks to run: names, or a mapping that switches checks on and off from the default set
    # (a manifest's [checks] table); None: the default set. Stored as the names that run.
    checks: tuple[str, ...] | Mapping[str, bool] | None = None

    def __post_init__(self) -> None:
        if self.checks is not None:  # enabled_checks refuses unknown names
            object.__setattr__(self, "checks", tuple(c.name for c in enabled_checks(self.checks)))
