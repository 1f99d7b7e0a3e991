"""MLQE-PE ru→en (direct assessment): quality estimation without a reference. The reference-free
scores (reference-free quality, fluency) are the real test, beside the trivial baseline of sentence
length. The data has no independent reference, only the human post-edit of this very MT: scores
computed against it are listed apart, as a pseudo-reference setting that favours lexical metrics."""

from __future__ import annotations

import pandas as pd

from benchmarks import correlation, datasets
from benchmarks.harness import Section
from benchmarks.scoring import fluency_tier, score_judged
from mtqa.stages.aggregate.quality import packaged_model

ORDER = 20
REFERENCE_FREE = (
    correlation.Score("quality", "quality (reference-free variant)", "mtqa"),
    correlation.Score("fluency", "fluency", "mtqa"),
    correlation.Score("mqm_penalty", "−mqm_penalty (errors found without a reference)", "mtqa", -1),
    correlation.Score("n_words", "−length (words)", "baseline (trivial)", -1),
)
PSEUDO_REFERENCE = (
    correlation.Score("quality", "quality (reference variant)", "mtqa"),
    correlation.Score("semantic", "semantic", "mtqa"),
    correlation.Score("mqm_penalty", "−mqm_penalty", "mtqa", -1),
    *correlation.BASELINES[:3],
)


def run(quick: bool) -> list[Section]:
    data = datasets.mlqe(quick)
    # The reference-free block comes from a run without the post-edit (--no-reference): its error
    # penalty and quality see only the MT, as a user's quality estimation would.
    free, free_timings = score_judged(data, fluency_tier(quick), with_reference=False)
    pseudo, pseudo_timings = score_judged(data, fluency_tier(quick))
    tables, empty = [], []
    for setting, scored, candidates in (
        ("reference-free", free, REFERENCE_FREE), ("post-edit as pseudo-reference", pseudo, PSEUDO_REFERENCE)
    ):
        scores, missing = correlation.present(scored, candidates)
        empty += missing
        tables.append(correlation.correlation_table(scored, "human", scores).assign(setting=setting))
    table = pd.concat(tables, ignore_index=True)
    table = table[["setting", *[c for c in table.columns if c != "setting"]]]
    variant = packaged_model().variant("reference_free")
    notes = [
        f"{len(pseudo)} segments from {data.table.group.nunique()} documents; human score: {data.human}. "
        "mtqa ran twice in `--parallel` mode: without a reference (`--no-reference`, first block), and "
        f"with {data.reference} as its reference document (second block), where every figure compares "
        "the MT with its own correction, an HTER-like setting, not a reference-based evaluation.",
        "The packaged quality weights have no reference-free variant (it needs reference-free features "
        "such as fluency)." if variant is None else
        f"The reference-free quality uses {', '.join(variant.columns)}; "
        + correlation.quality_note(data.name),
        *correlation.empty_note(empty),
    ]
    # sacrebleu's baselines ran in both scorings; their timing is given once
    return [Section(data.title, table, notes, [free_timings[0], *pseudo_timings])]
