"""Compare systems: each segment-level score per system with its 95 % bootstrap interval; for every pair
of systems, paired bootstrap and approximate-randomization p-values, Holm-corrected across the pairs of
each score; systems ranked in clusters that are not significantly different; and for chrF and BLEU
deltas, the chance that human judges agree with the ranking (Kocmi et al. 2024, "Navigating the
Metrics Maze").

Pairing: two systems are compared on the reference sentences both cover. Units (candidate sentences
linked to reference sentences) of the two systems that share a reference sentence are joined into one
pair, transitively; units whose reference sentences the other system does not cover are left out.
With ``--parallel`` inputs this is simply line i against line i.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from mtqa.core.exceptions import InputError
from mtqa.core.taxonomy import SEVERITIES
from mtqa.metrics.resampling import (
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    ScoreStats,
    bootstrap_interval,
    holm,
    paired_test,
)
from mtqa.pipeline.result import Assessment
from mtqa.pipeline.run import assess
from mtqa.stages.aggregate.statistics import unit_statistics

DEFAULT_ALPHA = 0.05
FEW_PAIRS = 10  # below this, resampling tests have little power (and the bootstrap is unreliable)


@dataclass(frozen=True)
class ScoreSpec:
    name: str
    higher_is_better: bool
    description: str


# Every segment-level score, in the order tables show them.
SCORES: tuple[ScoreSpec, ...] = (
    ScoreSpec("quality", True, "sentence quality, 0-100"),
    ScoreSpec("semantic", True, "embedding cosine with the reference"),
    ScoreSpec("fluency", True, "reference-free fluency"),
    ScoreSpec("chrf", True, "chrF (corpus, from segment statistics)"),
    ScoreSpec("bleu", True, "BLEU (corpus, from segment statistics)"),
    ScoreSpec("ter", False, "TER (corpus, from segment statistics)"),
    ScoreSpec("mqm_penalty", False, "MQM penalty per segment (minor 1, major 5, critical 25)"),
    *(ScoreSpec(f"n_{level}", False, f"{level} errors per segment") for level in SEVERITIES),
)
SCORE_SPECS = {spec.name: spec for spec in SCORES}

# Kocmi et al. 2024, Table: the metric delta at which human judges agree with the system ranking with
# the given accuracy. BLEU never reaches 90 %.
HUMAN_AGREEMENT: dict[str, tuple[tuple[float, int], ...]] = {
    "chrf": ((3.05, 90), (2.12, 85), (1.63, 80), (1.00, 70)),
    "bleu": ((3.35, 85), (2.34, 80), (1.39, 70)),
}


def human_agreement(score: str, delta: float) -> str | None:
    """Estimated share of human judges agreeing with the ranking a chrF/BLEU delta implies."""
    thresholds = HUMAN_AGREEMENT.get(score)
    if thresholds is None or not np.isfinite(delta):
        return None
    for threshold, accuracy in thresholds:
        if abs(delta) >= threshold:
            return f"≥{accuracy} %"
    return f"<{thresholds[-1][1]} %"


@dataclass(frozen=True, eq=False)
class SystemSegments:
    """One system's aligned units: the reference sentences each covers, and every score's statistics."""

    system: str
    keys: list[frozenset]  # per unit: {(reference_doc, reference sentence id)}
    unit_rows: np.ndarray  # rows of the units in Assessment.unit_scores
    scores: dict[str, ScoreStats]


def system_segments(assessment: Assessment, doc_id: str) -> SystemSegments:
    units = assessment.unit_scores.units
    higher_is_better = {spec.name: spec.higher_is_better for spec in SCORES}
    statistics = unit_statistics(doc_id, assessment.sentences, assessment.errors, assessment.unit_scores,
                                 higher_is_better)
    return SystemSegments(
        system=doc_id,
        keys=[frozenset((units[r].reference_doc, i) for i in units[r].reference_ids) for r in statistics.rows],
        unit_rows=statistics.rows,
        scores={spec.name: statistics.scores[spec.name] for spec in SCORES if spec.name in statistics.scores},
    )


def pair_groups(keys_a: list[frozenset], keys_b: list[frozenset]) -> tuple[np.ndarray, np.ndarray]:
    """Membership matrices (n_pairs × units of A, n_pairs × units of B): units of A and B covering a
    common reference sentence, joined transitively, form one pair; units with no counterpart are left out."""
    parent: dict[Any, Any] = {}

    def find(node):
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for side, keys in (("a", keys_a), ("b", keys_b)):
        for index, unit_keys in enumerate(keys):
            for key in unit_keys:
                parent[find((side, index))] = find(("ref", key))
    components: dict[Any, tuple[list[int], list[int]]] = {}
    for side, keys in (("a", keys_a), ("b", keys_b)):
        for index in range(len(keys)):
            members = components.setdefault(find((side, index)), ([], []))
            members[0 if side == "a" else 1].append(index)
    groups = sorted((a, b) for a, b in components.values() if a and b)
    membership_a = np.zeros((len(groups), len(keys_a)))
    membership_b = np.zeros((len(groups), len(keys_b)))
    for g, (a_units, b_units) in enumerate(groups):
        membership_a[g, a_units] = 1.0
        membership_b[g, b_units] = 1.0
    return membership_a, membership_b


@dataclass
class CompareResult:
    """Tidy tables of a comparison; renderings (terminal, JSON, HTML, history) are made from them.

    - ``systems``: one row per system × score: value, 95 % interval, segments.
    - ``pairs``: one row per pair of systems × score: paired scores, delta (B − A) with its interval,
      raw and Holm-corrected p-values of both tests, whether the difference is significant (both
      corrected p-values below alpha), which system is better, and the human-agreement estimate.
    - ``clusters``: one row per system × score: rank and cluster (1 = best).
    """

    systems: pd.DataFrame
    pairs: pd.DataFrame
    clusters: pd.DataFrame
    notes: list[str]
    parameters: dict
    inputs: pd.DataFrame  # system, vendor, role, path, sha256
    assessment: Assessment = field(repr=False)
    segments: dict[str, SystemSegments] = field(repr=False, default_factory=dict)

    @property
    def scores(self) -> list[str]:
        return list(dict.fromkeys(self.systems.score))

    @property
    def ranking(self) -> pd.DataFrame:
        """One row per score × system, best first: rank, cluster (systems in one cluster are not
        significantly different), value with its 95 % interval. What the HTML report shows."""
        table = self.clusters.merge(self.systems, on=["score", "system", "value"], how="left")
        return table[["score", "rank", "cluster", "system", "value", "ci_low", "ci_high", "n_segments"]]

    @property
    def data_hash(self) -> str:
        """SHA-256 over the inputs' hashes: the same data give the same hash, whatever the file names."""
        digest = hashlib.sha256()
        for row in self.inputs.sort_values(["role", "sha256"]).itertuples():
            digest.update(f"{row.role}:{row.sha256}\n".encode())
        return digest.hexdigest()


SYSTEM_COLUMNS = ["system", "score", "value", "ci_low", "ci_high", "n_segments", "higher_is_better"]
PAIR_COLUMNS = [
    "system_a", "system_b", "score", "n_pairs", "score_a", "score_b", "delta", "delta_ci_low", "delta_ci_high",
    "p_bootstrap", "p_randomization", "p_bootstrap_holm", "p_randomization_holm", "significant", "better",
    "human_agreement",
]
CLUSTER_COLUMNS = ["score", "rank", "cluster", "system", "value"]


def _clusters(score: str, systems: pd.DataFrame, pairs: pd.DataFrame) -> list[dict]:
    """Best first; a system opens a new cluster when it is significantly worse than the best system of
    the current cluster, so every member of a cluster is indistinguishable from its head."""
    spec = SCORE_SPECS[score]
    ranked = systems.sort_values("value", ascending=not spec.higher_is_better, kind="stable")
    significant = {
        frozenset((row.system_a, row.system_b)): bool(row.significant) for row in pairs.itertuples()
    }
    rows, cluster, head = [], 0, None
    for rank, row in enumerate(ranked.itertuples(), 1):
        if head is None or significant.get(frozenset((head, row.system)), False):
            cluster, head = cluster + 1, row.system
        rows.append({"score": score, "rank": rank, "cluster": cluster, "system": row.system, "value": row.value})
    return rows


def compare_assessment(
    assessment: Assessment,
    *,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    alpha: float = DEFAULT_ALPHA,
) -> CompareResult:
    """Compare every candidate of an assessment with every other."""
    systems = assessment.candidates
    if len(systems) < 2:
        raise InputError(None, f"comparing needs at least two candidates, got {len(systems)}")
    if not 0 < alpha < 1:
        raise InputError(None, f"alpha must be within (0, 1), got {alpha}")
    segments = {system: system_segments(assessment, system) for system in systems}
    notes: list[str] = []
    system_rows, pair_rows, cluster_rows = [], [], []
    few_pairs: dict[tuple[str, str], int] = {}
    for spec in SCORES:
        present = [s for s in systems if spec.name in segments[s].scores and not segments[s].scores[spec.name].is_empty]
        if not present:
            notes.append(f"{spec.name}: no values yet for any system, skipped")
            continue
        if len(present) < len(systems):
            missing = ", ".join(s for s in systems if s not in present)
            notes.append(f"{spec.name}: no values for {missing}, left out of that score's comparison")
        score_systems = []
        for system in present:
            statistic = segments[system].scores[spec.name]
            interval = bootstrap_interval(statistic, n_resamples, seed)
            score_systems.append(
                {"system": system, "score": spec.name, "value": interval.value, "ci_low": interval.low,
                 "ci_high": interval.high, "n_segments": int(statistic.has_value().sum()),
                 "higher_is_better": spec.higher_is_better}
            )
        score_pairs = []
        for system_a, system_b in itertools.combinations(present, 2):
            a, b = segments[system_a], segments[system_b]
            groups_a, groups_b = pair_groups(a.keys, b.keys)
            test = paired_test(a.scores[spec.name].grouped(groups_a), b.scores[spec.name].grouped(groups_b), n_resamples, seed)
            if test.n_pairs == 0:
                notes.append(f"{spec.name}: {system_a} and {system_b} share no scored reference sentence")
                continue
            if test.n_pairs < FEW_PAIRS:
                few_pairs[(system_a, system_b)] = max(test.n_pairs, few_pairs.get((system_a, system_b), 0))
            score_pairs.append(
                {"system_a": system_a, "system_b": system_b, "score": spec.name, "n_pairs": test.n_pairs,
                 "score_a": test.score_a, "score_b": test.score_b, "delta": test.delta,
                 "delta_ci_low": test.delta_low, "delta_ci_high": test.delta_high,
                 "p_bootstrap": test.p_bootstrap, "p_randomization": test.p_randomization,
                 "human_agreement": human_agreement(spec.name, test.delta)}
            )
        for test_name in ("p_bootstrap", "p_randomization"):
            for row, adjusted in zip(score_pairs, holm([row[test_name] for row in score_pairs])):
                row[f"{test_name}_holm"] = float(adjusted)
        for row in score_pairs:
            row["significant"] = max(row["p_bootstrap_holm"], row["p_randomization_holm"]) < alpha
            b_better = (row["delta"] > 0) == spec.higher_is_better
            row["better"] = (row["system_b"] if b_better else row["system_a"]) if row["significant"] else ""
        system_rows += score_systems
        pair_rows += score_pairs
        cluster_rows += _clusters(spec.name, pd.DataFrame(score_systems), pd.DataFrame(score_pairs, columns=PAIR_COLUMNS))
    notes += [f"{a} and {b} pair on only {n} segments: weak evidence either way" for (a, b), n in few_pairs.items()]
    documents = {d: assessment.marked[d].document for d in assessment.references + systems}
    inputs = pd.DataFrame(
        [{"system": d.doc_id, "vendor": d.system or d.doc_id, "role": d.role, "path": d.path, "sha256": d.sha256}
         for d in documents.values()]
    )
    return CompareResult(
        systems=pd.DataFrame(system_rows, columns=SYSTEM_COLUMNS),
        pairs=pd.DataFrame(pair_rows, columns=PAIR_COLUMNS),
        clusters=pd.DataFrame(cluster_rows, columns=CLUSTER_COLUMNS),
        notes=notes,
        parameters={"resamples": n_resamples, "seed": seed, "alpha": alpha,
                    "parallel": bool(assessment.signature["parameters"].get("parallel")),
                    "significant_when": "both Holm-corrected p-values < alpha"},
        inputs=inputs,
        assessment=assessment,
        segments=segments,
    )


def compare(
    reference,
    candidates,
    *,
    n_resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    alpha: float = DEFAULT_ALPHA,
    progress: bool = False,
    **assess_options,
) -> CompareResult:
    """Assess the candidates against the reference, then compare them (see :func:`compare_assessment`).
    Keyword options are those of :func:`mtqa.assess` (``parallel=True`` for line-aligned files)."""
    if n_resamples < 1:
        raise InputError(None, f"resamples must be at least 1, got {n_resamples}")
    if not 0 < alpha < 1:  # checked before the models run, not after
        raise InputError(None, f"alpha must be within (0, 1), got {alpha}")
    assessment = assess(reference, candidates, progress=progress, bootstrap_resamples=n_resamples, seed=seed, **assess_options)
    return compare_assessment(assessment, n_resamples=n_resamples, seed=seed, alpha=alpha)


def pair_segments(result: CompareResult, system_a: str, system_b: str) -> pd.DataFrame:
    """One row per pair of segments of two systems: texts and every score on both sides (for finding
    the segments that regressed most)."""
    a, b = result.segments[system_a], result.segments[system_b]
    groups_a, groups_b = pair_groups(a.keys, b.keys)
    units = result.assessment.unit_scores.units
    sentences = {doc: result.assessment.marked[doc].by_id for doc in result.assessment.references}
    rows = []
    for g in range(len(groups_a)):
        a_units = [units[a.unit_rows[i]] for i in np.flatnonzero(groups_a[g])]
        b_units = [units[b.unit_rows[i]] for i in np.flatnonzero(groups_b[g])]
        references = sorted({(u.reference_doc, i) for u in a_units + b_units for i in u.reference_ids})
        rows.append(
            {"pair": g,
             "reference_ids": ";".join(f"{doc}:{i}" for doc, i in references),
             "reference": " ".join(sentences[doc][i].text for doc, i in references),
             "text_a": " ".join(u.hypothesis for u in a_units),
             "text_b": " ".join(u.hypothesis for u in b_units),
             "sent_ids_a": [c for u in a_units for c in u.candidate_ids],
             "sent_ids_b": [c for u in b_units for c in u.candidate_ids]}
        )
    table = pd.DataFrame(rows)
    for name in a.scores:
        if name in b.scores:
            table[f"{name}_a"] = a.scores[name].grouped(groups_a).segment_scores()
            table[f"{name}_b"] = b.scores[name].grouped(groups_b).segment_scores()
    return table


__all__ = [
    "SCORES", "SCORE_SPECS", "HUMAN_AGREEMENT", "CompareResult", "compare", "compare_assessment",
    "human_agreement", "pair_groups", "pair_segments", "system_segments",
]
