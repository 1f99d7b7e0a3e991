"""Progress bars for long work: on a terminal only, and never with --quiet."""

from __future__ import annotations

import contextlib
import sys
from typing import Iterable, Iterator, Protocol, TypeVar

T = TypeVar("T")


def track(items: Iterable[T], description: str, *, enabled: bool, total: int | None = None) -> Iterable[T]:
    if not enabled or not sys.stderr.isatty():
        return items
    from tqdm import tqdm

    return tqdm(items, desc=description, total=total, leave=False, file=sys.stderr)


class Bar(Protocol):
    def update(self, n: int = 1) -> object: ...


class _Silent:
    def update(self, n: int = 1) -> None:
        pass


@contextlib.contextmanager
def progress_bar(total: int, description: str, *, enabled: bool, unit: str = "it") -> Iterator[Bar]:
    """A bar advanced by hand (``bar.update(n)``), with its rate in ``unit``/s and an ETA; silent
    where :func:`track` would be."""
    if not enabled or not sys.stderr.isatty():
        yield _Silent()
        return
    from tqdm import tqdm

    with tqdm(total=total, desc=description, leave=False, file=sys.stderr, unit=f" {unit}") as bar:
        yield bar
