"""Deterministic QA checks: a registry of small functions, each with an MQM category, a default
severity and an on/off switch (``AssessOptions.checks``, or a ``[checks]`` table in a manifest)."""

from __future__ import annotations

from . import (  # noqa: F401 (registration)
    acronyms,
    casing,
    forms,
    grammar,
    names,
    numbers,
    order,
    punctuation,
    repetition,
    words,
)
from .registry import CHECKS, Check, Finding, check, enabled_checks, run_checks

__all__ = ["CHECKS", "Check", "Finding", "check", "enabled_checks", "run_checks"]
