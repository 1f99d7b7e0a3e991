"""Choose stage 6's language-model thresholds on development data: the French half of DEMETR.

    python -m benchmarks.calibrate_lm_evidence [--per-type 30]

Each item is a reference, an intact translation and a copy of it damaged in one known way; mtqa runs
in ``--parallel`` mode with the intact and the damaged translations as two candidates.

1. Runs of surprising words (``mtqa.stages.find_errors.language_model``: ``HIGH_BITS``, ``GAP_WORDS``, ``MIN_HIGH_WORDS``,
   ``RUN_BITS``), on the perturbations that damage the grammar: runs per 100 words of the intact
   translations (false alarms, or real faults of the translation) beside the share of damaged copies
   with a run that the intact translation lacks.
2. Omissions at either end of the reference (``mtqa.stages.find_errors.reference.UNRENDERED_BITS``), on the
   perturbations that drop content: for each threshold, the share of damaged copies given such an
   omission beside the share of intact translations given one. The packaged threshold is the
   highest of those whose difference of the two (Youden's J) is within ``J_TOLERANCE`` of the largest:
   at equal discrimination, fewer claims on intact translations.

The Russian half is left for ``benchmarks/run.py``'s DEMETR table; the seed documents are not used.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

import pandas as pd

from benchmarks import datasets
from benchmarks.scoring import line_segments, one_line
from mtqa.checks.evidence import Evidence, Segment
from mtqa.metrics.unexplained import UnexplainedBits
from mtqa.stages.find_errors import reference as reference_evidence
from mtqa.stages.find_errors.language_model import language_model_evidence

GRAMMAR = ("minor_id14_word_swap", "minor_id13_pos_shift", "minor_id16_function_word", "critical_id22_verb_removed",
           "critical_id24_subj_removed", "critical_id23_noun_removed", "minor_id15_case", "minor_id12_conj_removed")
DROPPED = ("major_id5_pp_removed", "critical_id21_adj_adv_removed", "critical_id23_noun_removed",
           "critical_id24_subj_removed", "critical_id22_verb_removed", "critical_id25_ne_removed")
UNRENDERED_GRID = (6.0, 8.0, 10.0, 12.0, 16.0, 20.0, 24.0)
J_TOLERANCE = 0.01


def items(types: tuple[str, ...], per_type: int) -> pd.DataFrame:
    table = datasets.demetr()
    table = table[(table.lang == "french") & table.pert_name.isin(types)]
    return table.groupby("pert_name", sort=True).head(per_type).reset_index(drop=True)


def segments(table: pd.DataFrame) -> dict[str, list[Segment]]:
    """Stage-6 segments of the intact ("mt") and damaged ("pert") translations, in item order."""
    built = line_segments([one_line(t) for t in table.ref], {side: [one_line(t) for t in table[side]] for side in ("mt", "pert")},
                          parallel=True, words_after_reference=UnexplainedBits(progress=True).words)
    by_side: dict[str, list[Segment]] = {"mt": [], "pert": []}
    for segment in built:
        by_side[segment.doc_id].append(segment)
    return by_side


def _rate(found: Callable[[Segment], bool], side: list[Segment]) -> float:
    return sum(map(found, side)) / len(side)


def surprising_runs(table: pd.DataFrame, by_side: dict[str, list[Segment]]) -> None:
    words = sum(len(s.analysis.words) for s in by_side["mt"])
    intact = [language_model_evidence(s) for s in by_side["mt"]]
    damaged = [language_model_evidence(s) for s in by_side["pert"]]
    new = [len(d) > len(i) for i, d in zip(intact, damaged)]
    print(f"== runs of surprising words, {len(table)} French items of {len(GRAMMAR)} grammar-damaging types")
    print(f"  intact translations: {100 * sum(map(len, intact)) / words:.2f} runs per 100 words")
    print(f"  damaged copies with a run the intact translation lacks: {sum(new) / len(new):.1%}")


def end_omissions(table: pd.DataFrame, by_side: dict[str, list[Segment]]) -> None:
    def found(segment: Segment) -> bool:
        return any(e.detector == reference_evidence.UNRENDERED for e in _omissions(segment))

    print(f"== omissions at the ends of the reference, {len(table)} French items of {len(DROPPED)} content-dropping types")
    default, youden = reference_evidence.UNRENDERED_BITS, {}
    try:
        for bits in UNRENDERED_GRID:
            reference_evidence.UNRENDERED_BITS = bits
            damaged, intact = _rate(found, by_side["pert"]), _rate(found, by_side["mt"])
            youden[bits] = damaged - intact
            print(f"  UNRENDERED_BITS {bits:4.0f}: damaged {damaged:.1%}, intact {intact:.1%}, J {youden[bits]:.3f}")
    finally:
        reference_evidence.UNRENDERED_BITS = default
    chosen = max(bits for bits, j in youden.items() if j >= max(youden.values()) - J_TOLERANCE)
    print(f"  chosen: {chosen:.0f} bits (packaged: {default:.0f})")


def _omissions(segment: Segment) -> list[Evidence]:
    return [e for e in reference_evidence.reference_evidence(segment) if e.category == "accuracy/omission"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-type", type=int, default=30, help="French items per perturbation type (default 30)")
    args = parser.parse_args(argv)
    grammar = items(GRAMMAR, args.per_type)
    surprising_runs(grammar, segments(grammar))
    dropped = items(DROPPED, args.per_type)
    end_omissions(dropped, segments(dropped))
    return 0


if __name__ == "__main__":
    sys.exit(main())
