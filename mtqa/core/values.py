"""Plain values for JSON and the history database, and the one way mtqa counts words."""

from __future__ import annotations

import math

import pandas as pd


def plain(value):
    """A JSON-ready Python value: NaN/NA become null, numpy scalars become Python numbers."""
    if value is None or value is pd.NA:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def word_count(text: str) -> int:
    """Words as MQM scores count them: white-space separated tokens."""
    return len(text.split())

# Every score in the tables is rounded to this many decimals.
SCORE_DECIMALS = 4
