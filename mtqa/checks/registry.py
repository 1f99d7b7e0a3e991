"""The registry of deterministic QA checks (in the spirit of Translate Toolkit's pofilter and Okapi
CheckMate): each check is a small function over a segment, registered with an MQM category, a default
severity and whether it is on by default. Configuration switches checks on and off by name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Mapping

from mtqa.checks.evidence import Evidence, Segment
from mtqa.core.exceptions import InputError
from mtqa.core.taxonomy import CATEGORIES, SEVERITIES


@dataclass(frozen=True)
class Finding:
    """What a check reports: a span of the segment text, why, and (when known) the fix."""

    start: int
    end: int
    explanation: str
    suggestion: str | None = None


CheckFunction = Callable[[Segment], Iterable[Finding]]


@dataclass(frozen=True)
class Check:
    name: str
    category: str
    severity: str  # default severity, used when no reference allows measuring the meaning change
    description: str
    function: CheckFunction
    needs_reference: bool = False
    minimum: str | None = None  # severity floor for errors sentence embeddings barely see
    default: bool = True  # enabled unless configuration says otherwise
    # Runs only against a reference that translates the same source line by line (``--parallel``;
    # implies needs_reference): an independently written reference may word things otherwise.
    needs_parallel: bool = False

    def run(self, segment: Segment) -> list[Evidence]:
        """The check's findings as evidence. A check that reads a whole sentence (its first word, its
        brackets) may find something outside a segment that holds only part of it: that is left to
        the segment of that part."""
        if self.needs_reference and segment.alignment is None:
            return []
        if self.needs_parallel and not segment.context.parallel:
            return []
        return [
            Evidence(
                f.start, f.end, self.category, f"check:{self.name}", f.explanation,
                suggestion=f.suggestion, repair=f.suggestion, severity=self.severity, minimum=self.minimum,
            )
            for f in self.function(segment)
            if 0 <= f.start and f.end <= len(segment.text)
        ]


CHECKS: dict[str, Check] = {}


def check(
    name: str, category: str, severity: str, *, needs_reference: bool = False, minimum: str | None = None,
    default: bool = True, needs_parallel: bool = False,
) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check; the first paragraph of its docstring is its description."""
    if category not in CATEGORIES:
        raise ValueError(f"check {name}: unknown category {category!r}")
    if severity not in SEVERITIES or (minimum is not None and minimum not in SEVERITIES):
        raise ValueError(f"check {name}: unknown severity")

    def register(function: CheckFunction) -> CheckFunction:
        description = " ".join((function.__doc__ or name).strip().split("\n\n")[0].split())
        CHECKS[name] = Check(name, category, severity, description, function, needs_reference or needs_parallel,
                             minimum, default, needs_parallel)
        return function

    return register


def enabled_checks(selection: Iterable[str] | Mapping[str, bool] | None = None) -> list[Check]:
    """The checks to run: ``None`` gives the default set; a list of names gives exactly those; a
    mapping (a TOML ``[checks]`` table: ``name = true/false``) switches checks on or off from the
    defaults. Unknown names are an input error."""
    if selection is None:
        return [c for c in CHECKS.values() if c.default]
    names = dict(selection) if isinstance(selection, Mapping) else {name: True for name in selection}
    unknown = sorted(set(names) - set(CHECKS))
    if unknown:
        raise InputError(None, f"unknown check(s): {', '.join(unknown)} (known: {', '.join(CHECKS)})")
    if isinstance(selection, Mapping):
        for name, value in names.items():
            if not isinstance(value, bool):
                raise InputError(None, f"check {name}: expected true or false, got {value!r}")
        return [c for c in CHECKS.values() if names.get(c.name, c.default)]
    return [c for c in CHECKS.values() if c.name in names]


def run_checks(segment: Segment, checks: Iterable[Check]) -> list[Evidence]:
    return [evidence for c in checks for evidence in c.run(segment)]
