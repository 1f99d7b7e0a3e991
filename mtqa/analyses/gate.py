"""The regression gate: is the candidate delivery significantly worse than the baseline?

Checks, each passed, failed or skipped (a score with no values yet is skipped, with the reason):

- **no significant drop** in each score of ``max_drop``: fails when the candidate is worse than the
  baseline by more than the allowed amount (in the score's own units) *and* the difference is
  significant: both paired tests' p-values, Holm-corrected across the drop checks, below ``alpha``;
- **critical errors**: the candidate has at most ``max_critical_errors`` critical errors, and at most
  ``max_new_critical_errors`` more than the baseline (raw counts; both off unless set);
- **minimum quality**: the candidate's mean sentence quality is at least ``min_quality`` (when set).

Defaults (``GateConfig``; override them in ``mtqa.toml`` under ``[gate]`` and ``[gate.max_drop]``):
chrF 1.0 and BLEU 1.39 points (below these deltas fewer than 70 % of human judges agree with the
ranking, Kocmi et al. 2024), TER 1.0 point, and any significant drop of quality or semantic
similarity, or rise of the MQM penalty or of critical errors per segment (a paired test, because
automatic error counts are noisy: a raw "no new critical error" rule fails equal systems half the time);
fluency is not gated by default (add ``fluency = 0`` under ``[gate.max_drop]``): on TED zh→en its
system-level direction disagrees with human MQM fluency errors (DIDI-NLP has 213 fluency penalty
points to Online-W's 340, yet reads 2.1 points less fluent to the language model); no minimum quality (its scale depends on
the model: set it from your own baseline runs); alpha 0.05, 1000 resamples, seed 12345.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

from mtqa.analyses.compare import (
    SCORE_SPECS,
    CompareResult,
    compare_assessment,
    pair_segments,
)
from mtqa.core.exceptions import InputError
from mtqa.core.values import plain
from mtqa.metrics.resampling import DEFAULT_RESAMPLES, DEFAULT_SEED, holm
from mtqa.pipeline.run import assess
from mtqa.stages.load import read_text

EXIT_PASS, EXIT_REGRESSION = 0, 1
DEFAULT_MAX_DROP: dict[str, float] = {
    "quality": 0.0, "semantic": 0.0, "chrf": 1.0, "bleu": 1.39, "ter": 1.0, "mqm_penalty": 0.0,
    "n_critical": 0.0,
}
# Which score ranks the regressed segments when no drop check failed: the first that has values.
# BLEU is last: at sentence level it is mostly zeros.
SEGMENT_SCORE_ORDER = ("quality", "mqm_penalty", "semantic", "chrf", "fluency", "ter", "bleu")


@dataclass(frozen=True)
class GateConfig:
    alpha: float = 0.05
    resamples: int = DEFAULT_RESAMPLES
    seed: int = DEFAULT_SEED
    max_drop: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_MAX_DROP))
    max_critical_errors: int | None = None
    max_new_critical_errors: int | None = None
    min_quality: float | None = None
    regressed_segments: int = 10  # how many of the most regressed segments the summary lists


_NUMBERS = {"alpha": float, "resamples": int, "seed": int, "max_critical_errors": int,
            "max_new_critical_errors": int, "min_quality": float, "regressed_segments": int}


def _number(source, key: str, value, kind):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (kind is int and not isinstance(value, int)):
        raise InputError(source, f"[gate] {key} must be {'an integer' if kind is int else 'a number'}, got {value!r}")
    return kind(value)


def load_config(path: str | Path | None) -> GateConfig:
    """The ``[gate]`` table of a TOML file (other tables are left to other commands); ``None``: defaults."""
    if path is None:
        return GateConfig()
    try:
        spec = tomllib.loads(read_text(path))
    except tomllib.TOMLDecodeError as error:
        raise InputError(path, f"invalid TOML ({error})") from None
    table = spec.get("gate", {})
    if not isinstance(table, dict):
        raise InputError(path, "[gate] must be a table")
    unknown = set(table) - set(_NUMBERS) - {"max_drop"}
    if unknown:
        raise InputError(path, f"[gate] unknown key(s): {', '.join(sorted(unknown))}")
    values = {key: _number(path, key, table[key], kind) for key, kind in _NUMBERS.items() if key in table}
    max_drop = dict(DEFAULT_MAX_DROP)
    drops = table.get("max_drop", {})
    if not isinstance(drops, dict):
        raise InputError(path, "[gate.max_drop] must be a table of score = allowed drop")
    for score, allowed in drops.items():
        if score not in SCORE_SPECS:
            raise InputError(path, f"[gate.max_drop] unknown score {score!r} (known: {', '.join(SCORE_SPECS)})")
        if allowed is False:  # TOML has no null: false switches a score's check off
            max_drop.pop(score, None)
        else:
            max_drop[score] = _number(path, f"max_drop.{score}", allowed, float)
    config = GateConfig(**values, max_drop=max_drop)
    if not 0 < config.alpha < 1:
        raise InputError(path, f"[gate] alpha must be within (0, 1), got {config.alpha}")
    if config.resamples < 1:
        raise InputError(path, f"[gate] resamples must be at least 1, got {config.resamples}")
    return config


Status = Literal["passed", "failed", "skipped"]


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    message: str
    score: str | None = None
    values: dict = field(default_factory=dict)


@dataclass
class GateResult:
    baseline: str
    candidate: str
    checks: list[Check]
    comparison: CompareResult
    regressed: pd.DataFrame  # the segments that regressed most, worst first
    segment_score: str | None  # the score that ranks them
    config: GateConfig

    @property
    def passed(self) -> bool:
        return not any(check.status == "failed" for check in self.checks)

    @property
    def verdict(self) -> str:
        return "pass" if self.passed else "regression"

    @property
    def exit_code(self) -> int:
        return EXIT_PASS if self.passed else EXIT_REGRESSION

    @property
    def failed(self) -> list[Check]:
        return [check for check in self.checks if check.status == "failed"]


def _fmt(value: float) -> str:
    return f"{value:.4g}" if abs(value) < 1 else f"{value:.2f}"


def _oriented_pairs(comparison: CompareResult, baseline: str, candidate: str) -> pd.DataFrame:
    """The baseline-candidate rows of the comparison, one per score, with delta = candidate − baseline."""
    pairs = comparison.pairs
    forward = pairs[(pairs.system_a == baseline) & (pairs.system_b == candidate)]
    backward = pairs[(pairs.system_a == candidate) & (pairs.system_b == baseline)].assign(
        system_a=baseline, system_b=candidate,
    )
    backward = backward.assign(
        score_a=backward.score_b.to_numpy(), score_b=backward.score_a.to_numpy(), delta=-backward.delta,
        delta_ci_low=-backward.delta_ci_high, delta_ci_high=-backward.delta_ci_low,
    )
    return pd.concat([forward, backward]).set_index("score")


def _drop_checks(comparison: CompareResult, baseline: str, candidate: str, config: GateConfig) -> list[Check]:
    pairs = _oriented_pairs(comparison, baseline, candidate)
    tested = [score for score in config.max_drop if score in pairs.index]
    adjusted = {
        test: dict(zip(tested, holm([pairs.loc[s, test] for s in tested]))) for test in ("p_bootstrap", "p_randomization")
    }
    checks = []
    for score, allowed in config.max_drop.items():
        name = f"no significant drop in {score}"
        if score not in pairs.index:
            checks.append(Check(name, "skipped", f"{score}: no values yet, not checked", score))
            continue
        row = pairs.loc[score]
        spec = SCORE_SPECS[score]
        drop = -row.delta if spec.higher_is_better else row.delta
        p_bootstrap, p_randomization = adjusted["p_bootstrap"][score], adjusted["p_randomization"][score]
        significant = max(p_bootstrap, p_randomization) < config.alpha
        failed = significant and drop > allowed
        worse = "dropped" if spec.higher_is_better else "rose"
        direction = f"{worse} by {_fmt(drop)}" if drop > 0 else ("unchanged" if drop == 0 else f"improved by {_fmt(-drop)}")
        message = (
            f"{score} {direction} ({_fmt(row.score_a)} → {_fmt(row.score_b)} on {row.n_pairs} pairs, "
            f"95 % CI of Δ [{_fmt(row.delta_ci_low)}, {_fmt(row.delta_ci_high)}]); Holm-corrected p = "
            f"{p_bootstrap:.4f} (paired bootstrap), {p_randomization:.4f} (approximate randomization); "
            f"{'significant' if significant else 'not significant'} at alpha {config.alpha}; allowed drop {_fmt(allowed)}"
        )
        agreement = row.human_agreement if isinstance(row.human_agreement, str) else None
        if agreement:
            message += f"; humans would agree with this ranking {agreement} of the time (Kocmi et al. 2024)"
        values = {
            "baseline": row.score_a, "candidate": row.score_b, "delta": row.delta, "delta_ci_low": row.delta_ci_low,
            "delta_ci_high": row.delta_ci_high, "drop": drop, "allowed_drop": allowed, "n_pairs": int(row.n_pairs),
            "p_bootstrap": row.p_bootstrap, "p_randomization": row.p_randomization,
            "p_bootstrap_holm": p_bootstrap, "p_randomization_holm": p_randomization, "significant": significant,
            "human_agreement": agreement,
        }
        checks.append(Check(name, "failed" if failed else "passed", message, score, values))
    return checks


def _document_row(comparison: CompareResult, doc_id: str) -> pd.Series:
    documents = comparison.assessment.documents
    return documents[documents.doc_id == doc_id].iloc[0]


def _critical_checks(comparison: CompareResult, baseline: str, candidate: str, config: GateConfig) -> list[Check]:
    limits = [(name, limit) for name, limit in (("max_critical_errors", config.max_critical_errors),
                                                ("max_new_critical_errors", config.max_new_critical_errors))
              if limit is not None]
    if not limits:
        return []
    base, cand = _document_row(comparison, baseline).n_critical, _document_row(comparison, candidate).n_critical
    checks = []
    for name, limit in limits:
        title = "critical errors" if name == "max_critical_errors" else "no new critical errors"
        if pd.isna(cand) or pd.isna(base):
            checks.append(Check(title, "skipped", "error spans not computed yet, not checked"))
            continue
        count = int(cand) if name == "max_critical_errors" else int(cand) - int(base)
        what = f"{int(cand)} critical errors" if name == "max_critical_errors" else (
            f"{int(cand)} critical errors against the baseline's {int(base)}")
        status: Status = "failed" if count > limit else "passed"
        checks.append(Check(title, status, f"{what}; allowed {limit}{'' if name == 'max_critical_errors' else ' more'}",
                            "n_critical", {"baseline": int(base), "candidate": int(cand), "limit": limit}))
    return checks


def _quality_check(comparison: CompareResult, candidate: str, config: GateConfig) -> list[Check]:
    if config.min_quality is None:
        return []
    quality = _document_row(comparison, candidate).quality
    if pd.isna(quality):
        return [Check("minimum quality", "skipped", "quality not computed yet, not checked", "quality")]
    status: Status = "failed" if quality < config.min_quality else "passed"
    return [Check("minimum quality", status, f"quality {quality:.2f}, minimum {config.min_quality:.2f}", "quality",
                  {"candidate": float(quality), "minimum": config.min_quality})]


def _regressed_segments(comparison: CompareResult, baseline: str, candidate: str, checks: list[Check], limit: int):
    failed = [c.score for c in checks if c.status == "failed" and c.score in SCORE_SPECS and c.score != "n_critical"]
    available = [s for s in SEGMENT_SCORE_ORDER if s in comparison.scores]
    order = [s for s in SEGMENT_SCORE_ORDER if s in failed] + available
    if not order:
        return pd.DataFrame(), None
    score = order[0]
    table = pair_segments(comparison, baseline, candidate)
    orientation = 1.0 if SCORE_SPECS[score].higher_is_better else -1.0
    table["drop"] = orientation * (table[f"{score}_a"] - table[f"{score}_b"])
    table = table[table["drop"] > 0].sort_values(["drop", "pair"], ascending=[False, True]).head(limit)
    errors = comparison.assessment.errors
    table["errors"] = [
        errors[(errors.doc_id == candidate) & errors.sent_id.isin(ids)].to_dict("records") for ids in table.sent_ids_b
    ]
    return table.reset_index(drop=True), score


def gate_assessment(assessment, baseline: str, candidate: str, config: GateConfig | None = None) -> GateResult:
    config = config or GateConfig()
    for role, system in (("baseline", baseline), ("candidate", candidate)):
        if system not in assessment.candidates:
            raise InputError(None, f"{role} {system!r} is not a candidate of the assessment")
    comparison = compare_assessment(assessment, n_resamples=config.resamples, seed=config.seed, alpha=config.alpha)
    checks = (
        _drop_checks(comparison, baseline, candidate, config)
        + _critical_checks(comparison, baseline, candidate, config)
        + _quality_check(comparison, candidate, config)
    )
    regressed, segment_score = _regressed_segments(comparison, baseline, candidate, checks, config.regressed_segments)
    return GateResult(baseline, candidate, checks, comparison, regressed, segment_score, config)


def gate(
    reference, baseline, candidate, *, config: GateConfig | None = None, progress: bool = False, **assess_options
) -> GateResult:
    """Assess baseline and candidate (file paths) against the reference and run the gate's checks."""
    config = config or GateConfig()
    baseline_id, candidate_id = Path(baseline).stem, Path(candidate).stem
    if baseline_id == candidate_id:  # the same system delivered twice, or a system against itself
        baseline_id, candidate_id = f"{baseline_id} (baseline)", f"{candidate_id} (candidate)"
    # by id: plain-text files and vendor files (XLIFF, TMX, PO, tables) alike
    documents = {baseline_id: baseline, candidate_id: candidate}
    assessment = assess(reference, documents, progress=progress, bootstrap_resamples=config.resamples,
                        seed=config.seed, **assess_options)
    return gate_assessment(assessment, baseline_id, candidate_id, config)


def check_values(check: Check) -> dict:
    """A check's numbers as plain Python values (for JSON and the history)."""
    return {key: plain(value) for key, value in check.values.items()}


__all__ = ["GateConfig", "GateResult", "Check", "DEFAULT_MAX_DROP", "load_config", "gate", "gate_assessment",
           "check_values", "EXIT_PASS", "EXIT_REGRESSION"]
