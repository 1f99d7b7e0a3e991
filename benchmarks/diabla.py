"""DiaBLa fr→en dialogue: agreement of mtqa's scores with the participants' perfect/medium/poor
judgements (an ordinal), beside chrF, BLEU and TER computed in the same run."""

from __future__ import annotations

from benchmarks import correlation, datasets
from benchmarks.harness import Section
from benchmarks.scoring import fluency_tier, score_judged

ORDER = 30


def run(quick: bool) -> list[Section]:
    data = datasets.diabla(quick)
    scored, timings = score_judged(data, fluency_tier(quick))
    scores, empty = correlation.present(scored, correlation.MTQA + correlation.BASELINES)
    counts = scored.judgment.value_counts()
    notes = [
        f"{len(scored)} utterances ({', '.join(f'{counts.get(j, 0)} {j}' for j in datasets.DIABLA_ORDINAL)}) "
        f"from {data.table.group.nunique()} dialogues; human score: {data.human}; reference: {data.reference}. "
        "With three levels and many ties, Kendall's tau-b and Spearman are the apt figures.",
        correlation.quality_note(data.name),
        correlation.lexical_consistency(scored),
        *correlation.empty_note(empty),
    ]
    return [Section(data.title, correlation.correlation_table(scored, "human", scores), notes, timings)]
