"""Plain-text summary tables for the terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..aggregate import UNIT_METRICS

if TYPE_CHECKING:
    from ..result import Assessment

_COLUMNS = ["doc_id", "role", "n_content", "n_aligned", "n_unaligned", "n_boilerplate", "chrf", "bleu", "ter", "semantic", "fluency", "quality", "mqm_score"]
_NEED_REFERENCE = {"n_aligned", "n_unaligned", *UNIT_METRICS}  # left out without a reference


def summary(result: "Assessment") -> str:
    shown = [c for c in _COLUMNS if c not in _NEED_REFERENCE] if result.reference_free else _COLUMNS
    table = result.documents[[c for c in shown if c in result.documents]]
    return table.to_string(index=False, na_rep="–", float_format=lambda v: f"{v:.2f}")
