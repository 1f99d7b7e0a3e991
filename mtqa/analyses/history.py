"""Run history in an embedded DuckDB file: every recorded compare or gate run, with each system's
vendor name, the time, a hash of the data, every score with its interval, every pairwise test, every
gate check and the verdict. ``mtqa history`` prints and plots each vendor's trend from it.

Tables (one database file, default ``mtqa-history.duckdb`` in the working directory):
``runs`` (one row per run), ``system_scores`` (run × system × score), ``comparisons``
(run × pair × score), ``checks`` (run × gate check).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from mtqa.analyses.compare import CompareResult
from mtqa.analyses.gate import GateResult, check_values
from mtqa.core.exceptions import InputError
from mtqa.core.version import __version__

DEFAULT_DATABASE = "mtqa-history.duckdb"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR PRIMARY KEY, recorded_at TIMESTAMP, command VARCHAR, data_sha256 VARCHAR,
    reference VARCHAR, verdict VARCHAR, mtqa_version VARCHAR, parameters VARCHAR
);
CREATE TABLE IF NOT EXISTS system_scores (
    run_id VARCHAR, system VARCHAR, vendor VARCHAR, role VARCHAR, input_sha256 VARCHAR, score VARCHAR,
    value DOUBLE, ci_low DOUBLE, ci_high DOUBLE, n_segments INTEGER, cluster INTEGER, verdict VARCHAR
);
CREATE TABLE IF NOT EXISTS comparisons (
    run_id VARCHAR, system_a VARCHAR, system_b VARCHAR, score VARCHAR, n_pairs INTEGER, delta DOUBLE,
    delta_ci_low DOUBLE, delta_ci_high DOUBLE, p_bootstrap DOUBLE, p_randomization DOUBLE,
    p_bootstrap_holm DOUBLE, p_randomization_holm DOUBLE, significant BOOLEAN, better VARCHAR,
    human_agreement VARCHAR
);
CREATE TABLE IF NOT EXISTS checks (
    run_id VARCHAR, check_name VARCHAR, score VARCHAR, status VARCHAR, message VARCHAR, "values" VARCHAR
);
"""


def _connect(path: str | Path, create: bool):
    import duckdb

    path = Path(path)
    if not create and not path.is_file():
        raise InputError(path, "no such history database (record one with --record)")
    if create:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        connection = duckdb.connect(str(path), read_only=not create)
    except duckdb.Error as error:
        raise InputError(path, f"cannot be opened as a DuckDB database ({str(error).splitlines()[0]})") from None
    if create:
        connection.execute(_SCHEMA)
    return connection


def _insert(connection, table: str, rows: pd.DataFrame) -> None:
    if len(rows):
        connection.register("incoming", rows)
        connection.execute(f"INSERT INTO {table} ({', '.join(map(_quoted, rows.columns))}) SELECT * FROM incoming")
        connection.unregister("incoming")


def _quoted(name: str) -> str:
    return f'"{name}"'


def record(
    path: str | Path,
    comparison: CompareResult,
    gate: "GateResult | None" = None,
    *,
    recorded_at: datetime | None = None,
) -> str:
    """Append one run (a comparison, or a gate with its comparison) to the database; returns its id."""
    run_id = uuid.uuid4().hex
    recorded_at = recorded_at or datetime.now(timezone.utc).replace(tzinfo=None)
    references = comparison.inputs[comparison.inputs.role == "reference"]
    candidates = comparison.inputs[comparison.inputs.role == "candidate"].set_index("system")
    clusters = comparison.clusters.set_index(["system", "score"]).cluster
    if gate is not None:
        verdicts = {gate.baseline: "baseline", gate.candidate: gate.verdict}
    else:
        verdicts = {}
    scores = comparison.systems.assign(
        run_id=run_id,
        vendor=comparison.systems.system.map(candidates.vendor),
        role="candidate",
        input_sha256=comparison.systems.system.map(candidates.sha256),
        cluster=[clusters.get((s, score)) for s, score in zip(comparison.systems.system, comparison.systems.score)],
        verdict=comparison.systems.system.map(lambda s: verdicts.get(s, "compared")),
    )[["run_id", "system", "vendor", "role", "input_sha256", "score", "value", "ci_low", "ci_high", "n_segments",
       "cluster", "verdict"]]
    pairs = comparison.pairs.drop(columns=["score_a", "score_b"]).assign(run_id=run_id)
    pairs = pairs[["run_id", *[c for c in pairs.columns if c != "run_id"]]]
    checks = pd.DataFrame(
        [{"run_id": run_id, "check_name": c.name, "score": c.score, "status": c.status, "message": c.message,
          "values": json.dumps(check_values(c))} for c in (gate.checks if gate else [])],
        columns=["run_id", "check_name", "score", "status", "message", "values"],
    )
    parameters = dict(comparison.parameters)
    if gate is not None:
        parameters["gate"] = asdict(gate.config)
    run = pd.DataFrame([{
        "run_id": run_id, "recorded_at": recorded_at, "command": "gate" if gate else "compare",
        "data_sha256": comparison.data_hash, "reference": ";".join(references.system),
        "verdict": gate.verdict if gate else "compared", "mtqa_version": __version__,
        "parameters": json.dumps(parameters),
    }])
    connection = _connect(path, create=True)
    try:
        connection.begin()
        _insert(connection, "runs", run)
        _insert(connection, "system_scores", scores)
        _insert(connection, "comparisons", pairs)
        _insert(connection, "checks", checks)
        connection.commit()
    finally:
        connection.close()
    return run_id


def trend(path: str | Path, systems: list[str] | None = None, scores: list[str] | None = None) -> pd.DataFrame:
    """One row per recorded run × vendor × score, oldest first."""
    connection = _connect(path, create=False)
    try:
        query = """
            SELECT r.recorded_at, r.command, r.run_id, r.data_sha256, s.vendor, s.system, s.score, s.value,
                   s.ci_low, s.ci_high, s.n_segments, s.cluster, s.verdict
            FROM system_scores s JOIN runs r USING (run_id)
            WHERE ($systems IS NULL OR list_contains($systems, s.vendor) OR list_contains($systems, s.system))
              AND ($scores IS NULL OR list_contains($scores, s.score))
            ORDER BY r.recorded_at, s.vendor, s.score
        """
        return connection.execute(query, {"systems": systems, "scores": scores}).df()
    finally:
        connection.close()


def trend_table(history: pd.DataFrame) -> str:
    """Each vendor's runs, oldest first, one column per score."""
    if history.empty:
        return "no recorded runs match"
    wide = history.pivot_table(
        index=["vendor", "recorded_at", "command", "data_sha256", "verdict"], columns="score", values="value",
        aggfunc="first", sort=True,
    ).reset_index()
    wide["data_sha256"] = wide.data_sha256.str[:12]
    wide["recorded_at"] = pd.to_datetime(wide.recorded_at).dt.strftime("%Y-%m-%d %H:%M:%S")
    wide.columns.name = None
    return wide.to_string(index=False, na_rep="–", float_format=lambda v: f"{v:.4g}")


def plot_trend(history: pd.DataFrame, out: str | Path) -> Path:
    """One panel per score, one line per vendor (with its 95 % intervals), saved as PNG or SVG."""
    out = Path(out)
    if out.suffix.lower() not in (".png", ".svg"):
        raise InputError(out, "plot must be a .png or .svg file")
    if history.empty:
        raise InputError(None, "no recorded runs match: nothing to plot")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    scores = list(dict.fromkeys(history.score))
    figure, axes = plt.subplots(len(scores), 1, figsize=(8, 2.6 * len(scores)), sharex=True, squeeze=False)
    # Okabe-Ito: distinguishable with every common colour-vision deficiency.
    palette = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
    vendors = sorted(history.vendor.unique())
    for axis, score in zip(axes[:, 0], scores):
        for index, vendor in enumerate(vendors):
            mine = history[(history.score == score) & (history.vendor == vendor)]
            if mine.empty:
                continue
            colour = palette[index % len(palette)]
            spread = [(mine.value - mine.ci_low).fillna(0).clip(lower=0), (mine.ci_high - mine.value).fillna(0).clip(lower=0)]
            axis.errorbar(mine.recorded_at, mine.value, yerr=spread, marker="o", capsize=3, color=colour, label=vendor)
        axis.set_ylabel(score)
        axis.grid(alpha=0.3)
    axes[0, 0].legend(loc="best", fontsize="small")
    axes[0, 0].set_title("mtqa history: each vendor's scores per recorded run (bars: 95 % CI)")
    axes[-1, 0].set_xlabel("recorded at")
    figure.autofmt_xdate()
    figure.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, format=out.suffix.lower().lstrip("."))
    plt.close(figure)
    return out


__all__ = ["DEFAULT_DATABASE", "record", "trend", "trend_table", "plot_trend"]
