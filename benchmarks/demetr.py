"""DEMETR fr/ru→en: for each score, how often the intact translation scores above its deliberately
damaged copy (both against the same reference), by severity and by perturbation type.
No quality weights were fitted on this data."""

from __future__ import annotations

import pandas as pd

from benchmarks import correlation, datasets
from benchmarks.harness import Section, Timing
from benchmarks.scoring import assess_lines, fluency_tier, sacrebleu_scores

ORDER = 40
SEVERITIES = ("minor", "major", "critical", "base")


def score_pairs(items: pd.DataFrame, fluency_model: str) -> tuple[dict[str, pd.DataFrame], list[Timing]]:
    """For ``mt`` and ``pert``: one row per item with mtqa's scores and the sacrebleu baselines."""
    sentences, mtqa_timing = assess_lines(
        items.ref.tolist(), {"mt": items.mt.tolist(), "pert": items.pert.tolist()}, fluency_model
    )
    sides, seconds = {}, 0.0
    for side in ("mt", "pert"):
        mine = sentences[sentences.doc_id == side].sort_values("sent_id").reset_index(drop=True)
        baselines, timing = sacrebleu_scores(items[side].tolist(), items.ref.tolist())
        seconds += timing.seconds
        sides[side] = pd.concat([mine, baselines], axis=1)
    return sides, [mtqa_timing, Timing(timing.step, seconds, 2 * len(items))]


def wins(sides: dict[str, pd.DataFrame], scores) -> pd.DataFrame:
    """True where the intact translation scores strictly higher (a tie is a miss)."""
    return pd.DataFrame(
        {s.label: correlation.oriented(sides["mt"], s) > correlation.oriented(sides["pert"], s) for s in scores}
    )


def accuracy(items: pd.DataFrame, won: pd.DataFrame, by: str, order) -> pd.DataFrame:
    grouped = pd.concat([items[[by]], won], axis=1).groupby(by, sort=False)
    table = grouped.mean().reindex([key for key in order if key in grouped.groups])
    table.insert(0, "n", grouped.size())
    table = table.reset_index()
    every = pd.DataFrame([{by: "all but base", "n": int((items.severity != "base").sum()),
                           **won[items.severity != "base"].mean().to_dict()}])
    return pd.concat([table, every], ignore_index=True) if by == "severity" else table


def run(quick: bool) -> list[Section]:
    items = datasets.demetr(quick)
    sides, timings = score_pairs(items, fluency_tier(quick))
    scores, empty = correlation.present(sides["mt"], correlation.MTQA + correlation.BASELINES[:3])
    won = wins(sides, scores)
    by_type = accuracy(items, won, "pert_name", sorted(items.pert_name.unique(), key=lambda n: (SEVERITIES.index(items.loc[items.pert_name == n, "severity"].iat[0]), n)))
    notes = [
        f"{len(items)} contrastive items ({', '.join(f'{(items.lang == l).sum()} {l}' for l in items.lang.unique())}); "
        "accuracy = share of items where score(mt, ref) > score(perturbed mt, ref), a tie counting as a miss. "
        "`base` holds the sanity checks (the translation replaced by a full stop, or its words shuffled). "
        "mtqa ran in `--parallel` mode with the intact and the perturbed translations as two candidates.",
        "No quality weights were fitted on DEMETR: these figures are out-of-sample.",
        *correlation.empty_note(empty),
    ]
    return [
        Section("DEMETR fr/ru→en: accuracy by severity", accuracy(items, won, "severity", SEVERITIES), notes, timings),
        Section("DEMETR: accuracy by perturbation type", by_type, level=3),
    ]
