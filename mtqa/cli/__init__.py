"""The command line: ``mtqa assess``, ``compare``, ``gate``, ``history`` and ``models``."""

from mtqa.cli.main import main

__all__ = ["main"]
