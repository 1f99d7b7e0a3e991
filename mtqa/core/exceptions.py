"""The one exception type users see: bad input, reported as a single line naming the file."""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """Input that mtqa cannot use. The CLI prints ``str(error)`` on one line and exits with status 2."""

    def __init__(self, source: str | Path | None, problem: str):
        self.source = str(source) if source is not None else None
        self.problem = problem
        super().__init__(f"{self.source}: {problem}" if self.source else problem)
