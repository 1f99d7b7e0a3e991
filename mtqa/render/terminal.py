"""Plain-text summary tables for the terminal."""

from __future__ import annotations

from mtqa.pipeline.result import Assessment
from mtqa.stages.aggregate.statistics import UNIT_METRICS

_COLUMNS = ["doc_id", "role", "n_content", "n_aligned", "n_partial", "n_unaligned", "n_boilerplate", "chrf", "bleu", "ter", "semantic", "fluency", "quality", "mqm_score"]
_NEED_REFERENCE = {"n_aligned", "n_partial", "n_unaligned", *UNIT_METRICS}  # left out without a reference


def summary(result: Assessment) -> str:
    shown = [c for c in _COLUMNS if c not in _NEED_REFERENCE] if result.reference_free else _COLUMNS
    table = result.documents[[c for c in shown if c in result.documents]]
    return table.to_string(index=False, na_rep="–", float_format=lambda v: f"{v:.2f}")
