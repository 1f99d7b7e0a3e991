"""Where the language model's forward passes run: in this process, or on the workers of a Dask
cluster (``mtqa assess --dask ADDRESS``, ``mtqa.assess(..., client=...)``).

The language model is nearly all of a default run's time, and its numbers do not depend on which
texts share a batch (:class:`~mtqa.backends.language_models.CausalLM`), so chunks of texts can be
scored anywhere and the tables stay the same byte for byte. Each worker loads the model once, by the
name the run gave (a packaged model's weights come from the worker's own installation; a local
directory must exist at the same path on every worker). Everything else runs in the calling process.
"""

from __future__ import annotations

import contextlib
import contextvars
from typing import Any, Callable, Iterator, Sequence

_client: contextvars.ContextVar[Any] = contextvars.ContextVar("mtqa_dask_client", default=None)


@contextlib.contextmanager
def distributed(client: Any) -> Iterator[None]:
    """Send the model work of the calls inside this block to a ``distributed.Client``'s workers
    (None: run it here)."""
    token = _client.set(client)
    try:
        yield
    finally:
        _client.reset(token)


def is_distributed() -> bool:
    return _client.get() is not None


def run_on_workers(function: Callable[..., Any], chunks: Sequence[tuple]) -> Iterator[Any]:
    """``function(*chunk)`` of each chunk on the cluster's workers at once, yielded in order, each as
    soon as it and those before it are back (only inside :func:`distributed` with a client)."""
    client = _client.get()
    if client is None:
        raise RuntimeError("run_on_workers needs a Dask client (mtqa.backends.workers.distributed)")
    futures = [client.submit(function, *chunk, pure=False) for chunk in chunks]
    try:
        for future in futures:
            yield future.result()
    finally:
        client.cancel([f for f in futures if not f.done()])


def connect(address: str):
    """A ``distributed.Client`` for a scheduler address (``tcp://host:8786``)."""
    from mtqa.core.exceptions import InputError

    try:
        from distributed import Client
    except ImportError:
        raise InputError(None, "--dask needs the distributed package: pip install 'mtqa[dask]'") from None
    try:
        return Client(address, timeout="30s")
    except (OSError, TimeoutError, ValueError) as error:
        raise InputError(None, f"--dask {address}: cannot reach the scheduler ({error})") from None
