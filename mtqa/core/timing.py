"""Wall time per pipeline stage, for ``--verbose`` and the speed benchmark (never in the tables)."""

from __future__ import annotations

import contextlib
import time
from typing import Iterator


class StageTimes:
    """Seconds spent in each stage, in the order the stages first ran."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start

    @property
    def total(self) -> float:
        return sum(self.seconds.values())

    def summary(self) -> str:
        """One line per stage: its seconds and share of the run."""
        total = self.total or 1.0
        width = max((len(name) for name in self.seconds), default=0)
        lines = [f"{name:<{width}}  {seconds:8.2f} s  {seconds / total:6.1%}" for name, seconds in self.seconds.items()]
        return "\n".join([*lines, f"{'total':<{width}}  {self.total:8.2f} s"])
