"""Renderings of a comparison: a terminal table and a JSON document, both from CompareResult's tables."""

from __future__ import annotations

import json
import math

import pandas as pd

from mtqa.analyses.compare import SCORE_SPECS, CompareResult
from mtqa.core.values import plain


def records(table: pd.DataFrame) -> list[dict]:
    return [{key: plain(value) for key, value in row.items()} for row in table.to_dict("records")]


def comparison_dict(result: "CompareResult") -> dict:
    return {
        "parameters": result.parameters,
        "scores": [{"name": name, "higher_is_better": SCORE_SPECS[name].higher_is_better,
                    "description": SCORE_SPECS[name].description} for name in result.scores],
        "data_sha256": result.data_hash,
        "inputs": records(result.inputs),
        "notes": result.notes,
        "systems": records(result.systems),
        "pairs": records(result.pairs),
        "clusters": records(result.clusters),
    }


def comparison_json(result: "CompareResult") -> str:
    return json.dumps(comparison_dict(result), indent=2, ensure_ascii=False) + "\n"


def _number(value: float, digits: int) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"


def _p(value: float) -> str:
    return "–" if math.isnan(value) else (f"{value:.3f}" if value >= 0.001 else f"{value:.1e}")


def comparison_text(result: "CompareResult") -> str:
    """One block per score: systems best first with interval and cluster, then the pairs."""
    digits = {"semantic": 4}
    lines = [
        f"{len(result.assessment.candidates)} systems, {result.parameters['resamples']} resamples, "
        f"seed {result.parameters['seed']}, alpha {result.parameters['alpha']} "
        f"(significant: both Holm-corrected p-values below alpha)"
    ]
    for score in result.scores:
        places = digits.get(score, 2)
        clusters = result.clusters[result.clusters.score == score]
        systems = result.systems[result.systems.score == score].set_index("system")
        better = "higher" if systems.higher_is_better.iloc[0] else "lower"
        ranking = pd.DataFrame(
            {
                "rank": clusters["rank"].to_numpy(),
                "cluster": clusters["cluster"].to_numpy(),
                "system": clusters["system"].to_numpy(),
                score: [_number(systems.loc[s, "value"], places) for s in clusters.system],
                "95 % CI": [f"[{_number(systems.loc[s, 'ci_low'], places)}, {_number(systems.loc[s, 'ci_high'], places)}]"
                            for s in clusters.system],
                "segments": [int(systems.loc[s, "n_segments"]) for s in clusters.system],
            }
        )
        lines += ["", f"== {score} ({better} is better)", ranking.to_string(index=False)]
        pairs = result.pairs[result.pairs.score == score]
        if len(pairs):
            table = pd.DataFrame(
                {
                    "A": pairs.system_a, "B": pairs.system_b, "pairs": pairs.n_pairs,
                    "Δ (B−A)": [_number(v, places) for v in pairs.delta],
                    "95 % CI of Δ": [f"[{_number(lo, places)}, {_number(hi, places)}]"
                                     for lo, hi in zip(pairs.delta_ci_low, pairs.delta_ci_high)],
                    "p boot": [_p(v) for v in pairs.p_bootstrap_holm],
                    "p AR": [_p(v) for v in pairs.p_randomization_holm],
                    "better": [b or "–" for b in pairs.better],
                }
            )
            if pairs.human_agreement.notna().any():
                table["humans agree"] = pairs.human_agreement.fillna("–").to_numpy()
            lines.append(table.to_string(index=False))
    if result.notes:
        lines += ["", *(f"note: {note}" for note in result.notes)]
    return "\n".join(lines)


__all__ = ["comparison_dict", "comparison_json", "comparison_text", "plain", "records"]
