"""An on-disk cache of what the models compute, keyed by model, settings and text.

A re-run of unchanged input reads the language model's surprisals, the encoder's vectors and spaCy's
analyses back instead of computing them again; a run that stops keeps every batch it finished, so
the next run resumes where it stopped. Entries are exact (the bytes the model gave), so a table does
not depend on what the cache held.

One SQLite file, ``$MTQA_CACHE_DIR/results.sqlite3`` (see :func:`~mtqa.backends.packaged.cache_dir`),
in write-ahead-log mode: two runs may read and write it at once. A namespace holds one model's
outputs under one set of settings (its signature and a fingerprint of its files); a key is the
SHA-256 of the text it read (and of its context). The cache is on unless a run turns it off
(``--no-cache``, ``cache=False``: :func:`caching` for the duration of a run) or ``$MTQA_NO_CACHE`` is
set.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import os
import sqlite3
import threading
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence, TypeVar

from mtqa.backends.packaged import cache_dir

T = TypeVar("T")

FORMAT = 1  # bump when what an entry holds changes: older entries are then never read
FILE_NAME = "results.sqlite3"
_BUSY_TIMEOUT_MS = 60_000  # a second run writing at the same moment waits rather than fails
WRITE_EVERY = 256  # values computed between two writes: what an interrupted run keeps

# (enabled, directory) for the model calls of the current run; None: the process default
_setting: contextvars.ContextVar[tuple[bool, Path | None] | None] = contextvars.ContextVar(
    "mtqa_result_cache", default=None
)


@contextlib.contextmanager
def caching(enabled: bool, directory: Path | None = None) -> Iterator[None]:
    """Use the on-disk cache (or not) for the model calls made inside this block; ``directory``
    overrides where its file lies (default: mtqa's cache directory)."""
    token = _setting.set((enabled, directory))
    try:
        yield
    finally:
        _setting.reset(token)


def active_directory() -> Path | None:
    """Where the cache of the current run lies, or None when it is off."""
    setting = _setting.get()
    if setting is None:
        return None if os.environ.get("MTQA_NO_CACHE", "") not in ("", "0") else cache_dir()
    enabled, directory = setting
    return (directory or cache_dir()) if enabled else None


def text_key(*parts: str) -> bytes:
    """The key of a model input made of one or more texts (a context and a text, say)."""
    digest = hashlib.sha256()
    for part in parts:
        encoded = part.encode("utf-8")
        digest.update(len(encoded).to_bytes(8, "little"))  # ("ab", "c") and ("a", "bc") differ
        digest.update(encoded)
    return digest.digest()


def fingerprint(location: str | Path) -> str:
    """What identifies a model's weights: its files' names, sizes and modification times (a model
    retrained in place gets new entries), or the name itself for a hub id."""
    path = Path(location)
    if not path.exists():
        return str(location)
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    digest = hashlib.sha256(str(path.resolve()).encode())
    for file in files:
        stat = file.stat()
        digest.update(f"{file.relative_to(path) if file != path else file.name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()[:16]


class ResultCache:
    """One model's cached outputs (a namespace) in the shared SQLite file."""

    _connections: dict[tuple[int, int, str], sqlite3.Connection] = {}
    _lock = threading.Lock()

    def __init__(self, namespace: str, directory: Path):
        self.namespace = f"{FORMAT}|{namespace}"
        self.directory = directory

    def _connection(self) -> sqlite3.Connection:
        path = self.directory / FILE_NAME
        # One connection per process and thread: a forked worker or a Dask thread opens its own.
        key = (os.getpid(), threading.get_ident(), str(path))
        with self._lock:
            connection = self._connections.get(key)
            if connection is None:
                path.parent.mkdir(parents=True, exist_ok=True)
                connection = sqlite3.connect(path, timeout=_BUSY_TIMEOUT_MS / 1000, isolation_level=None)
                connection.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
                connection.execute("PRAGMA journal_mode = WAL")
                connection.execute("PRAGMA synchronous = NORMAL")
                connection.execute(
                    "CREATE TABLE IF NOT EXISTS entries (namespace TEXT NOT NULL, key BLOB NOT NULL, "
                    "value BLOB NOT NULL, PRIMARY KEY (namespace, key)) WITHOUT ROWID"
                )
                self._connections[key] = connection
        return connection

    def get(self, keys: Sequence[bytes]) -> dict[bytes, bytes]:
        connection = self._connection()
        found: dict[bytes, bytes] = {}
        unique = list(dict.fromkeys(keys))
        for i in range(0, len(unique), 500):  # SQLite caps the parameters of one statement
            chunk = unique[i : i + 500]
            rows = connection.execute(
                f"SELECT key, value FROM entries WHERE namespace = ? AND key IN ({','.join('?' * len(chunk))})",
                (self.namespace, *chunk),
            )
            found.update(rows)
        return found

    def put(self, items: Iterable[tuple[bytes, bytes]]) -> None:
        rows = [(self.namespace, key, value) for key, value in items]
        if not rows:
            return
        connection = self._connection()
        with _transaction(connection):
            connection.executemany("INSERT OR IGNORE INTO entries VALUES (?, ?, ?)", rows)


@contextlib.contextmanager
def _transaction(connection: sqlite3.Connection) -> Iterator[None]:
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def cached(
    namespace: str,
    keys: Sequence[bytes],
    compute: Callable[[list[int]], Iterable[tuple[int, T]]],
    encode: Callable[[T], bytes],
    decode: Callable[[bytes], T],
) -> list[T]:
    """Each key's value: read from the cache where it holds one, else from ``compute``, which is given
    the positions still missing and yields (position, value) pairs batch by batch; each batch is
    written as it comes, so an interrupted run keeps what it finished. Without the cache (a run's
    ``--no-cache``), everything is computed and nothing is written."""
    values: dict[int, T] = {}
    directory = active_directory()
    store = ResultCache(namespace, directory) if directory is not None else None
    if store is not None:
        found = store.get(keys)
        values = {i: decode(found[key]) for i, key in enumerate(keys) if key in found}
    missing = [i for i in range(len(keys)) if i not in values]
    if missing:
        pending: list[tuple[bytes, bytes]] = []
        for position, value in compute(missing):
            values[position] = value
            if store is not None:
                pending.append((keys[position], encode(value)))
                if len(pending) >= WRITE_EVERY:
                    store.put(pending)
                    pending = []
        if store is not None:
            store.put(pending)
    return [values[i] for i in range(len(keys))]
