"""Progress bars for long work: on a terminal only, and never with --quiet."""

from __future__ import annotations

import sys
from typing import Iterable, TypeVar

T = TypeVar("T")


def track(items: Iterable[T], description: str, *, enabled: bool, total: int | None = None) -> Iterable[T]:
    if not enabled or not sys.stderr.isatty():
        return items
    from tqdm import tqdm

    return tqdm(items, desc=description, total=total, leave=False, file=sys.stderr)
