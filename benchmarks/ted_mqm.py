"""TED talks zh→en (WMT21 MQM): segment-level agreement of mtqa's scores with professional MQM
judgements, beside chrF, BLEU and TER computed in the same run, also with each rater's severity taken
out; and the two systems' means."""

from __future__ import annotations

import pandas as pd

from benchmarks import correlation, datasets
from benchmarks.harness import Section
from benchmarks.scoring import fluency_tier, score_judged

ORDER = 10


def system_table(scored: pd.DataFrame, scores) -> pd.DataFrame:
    columns = {"human": "human MQM"} | {s.column: s.label for s in scores}
    means = scored.groupby("system")[list(columns)].mean()
    for s in scores:
        means[s.column] *= s.direction
    return means.rename(columns=columns).reset_index()


def rater_note(scored: pd.DataFrame, scores) -> str:
    """How far the raters' severity, which no score of the translation can follow, caps the figures."""
    means = scored.groupby("rater").human.mean()
    harshest = means.idxmin()
    shares = (scored.rater == harshest).groupby(scored.system).mean()
    centred = scored.assign(rater_centred=scored.human - scored.rater.map(means))
    figures = ", ".join(
        f"{row.score} {row.pearson:.3f}"
        for row in correlation.correlation_table(centred, "rater_centred", scores).itertuples()
    )
    return (
        f"One rater judged each segment, {len(means)} raters in all, with mean MQM scores from {means.max():.2f} "
        f"to {means.min():.2f}; the harshest ({harshest}) judged "
        + ", ".join(f"{share * 100:.0f} % of {system}'s segments" for system, share in shares.items())
        + f". Against the human score minus its rater's mean, Pearson is: {figures}."
    )


def run(quick: bool) -> list[Section]:
    data = datasets.ted(quick)
    scored, timings = score_judged(data, fluency_tier(quick))
    scores, empty = correlation.present(scored, correlation.MTQA + correlation.BASELINES)
    notes = [
        f"{len(scored)} segments ({data.table.system.nunique()} systems, {data.table.group.nunique()} talks); "
        f"human score: {data.human}; reference: {data.reference}. mtqa ran in `--parallel` mode.",
        correlation.quality_note(data.name),
        rater_note(scored, scores),
        correlation.lexical_consistency(scored),
        *correlation.empty_note(empty),
    ]
    return [
        Section(data.title, correlation.correlation_table(scored, "human", scores), notes, timings),
        Section(
            f"{data.title}: system means",
            system_table(scored, scores),
            ["Mean per system of the human score and of each (oriented) sentence score; "
             "the human ranking is DIDI-NLP above Online-W."],
            level=3,
        ),
    ]
