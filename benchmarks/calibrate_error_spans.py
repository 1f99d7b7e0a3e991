"""Can stage 6's reference-comparison threshold be fitted on WMT21 TED zh-en MQM spans? Fitted on two
talks, reported on the other three, each figure beside the absent-word baseline on the same talks.

    python benchmarks/calibrate_error_spans.py

The threshold swept is ``mtqa.stages.find_errors.reference.MATCH`` (below it a candidate word has no good
counterpart in the reference). Also printed, as ceilings of what word-level reference differences
can give on these data: the union of mtqa's spans with the absent-word baseline, and mtqa's spans plus
every word the reference has only in another form ("does" for "did", a lemma match).

Fit talks: talk.2 and talk.6 (269 segments per system); held-out talks: talk.5, talk.7 and talk.9 (260).
The seeds play no part. Character-level P/R/F1 as in ``benchmarks/error_spans.py mqm``.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.error_spans import _WORD, DATA, _char_set, _prf  # noqa: E402
from benchmarks.scoring import line_segments  # noqa: E402
from mtqa.backends.encoder import sentence_encoder
from mtqa.backends.linguistic import LEMMA
from mtqa.checks.evidence import Segment
from mtqa.stages.find_errors import reference as reference_evidence
from mtqa.stages.find_errors.spans import ErrorFinder

FIT_TALKS = {"talk.2", "talk.6"}
HELD_OUT_TALKS = {"talk.5", "talk.7", "talk.9"}
MATCH_GRID = (0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)
TALKS = ROOT / "benchmarks" / "data" / "mqm_zhen_ted21" / "segments.jsonl"

Spans = list[tuple[int, int]]


def ted_segments() -> list[tuple[dict, str, Segment]]:
    """(gold row, talk, stage-6 segment with SmolLM2 word surprisals) for every TED hypothesis."""
    rows = [json.loads(line) for line in (DATA / "mqm_zhen_ted21.jsonl").open(encoding="utf-8")]
    talk = {json.loads(line)["seg_id"]: json.loads(line)["doc"] for line in TALKS.open(encoding="utf-8")}
    systems = sorted({r["system"] for r in rows})
    by_system = {s: sorted((r for r in rows if r["system"] == s), key=lambda r: r["seg_id"]) for s in systems}
    segments = line_segments([r["reference"] for r in by_system[systems[0]]],
                             {s: [r["hypothesis"] for r in by_system[s]] for s in systems})
    found = []
    for segment in segments:
        row = by_system[segment.doc_id][segment.parts[0].sentence.sent_id]
        if segment.text != row["hypothesis"]:
            raise ValueError(f"segment {segment.doc_id}/{row['seg_id']} is not its hypothesis")
        found.append((row, talk[row["seg_id"]], segment))
    return found


def mtqa_spans(finder: ErrorFinder, match: float) -> Callable[[dict, Segment], Spans]:
    """mtqa's evidence with ``MATCH`` set to ``match`` (merging evidence changes no character)."""
    def spans(row: dict, segment: Segment) -> Spans:
        default, reference_evidence.MATCH = reference_evidence.MATCH, match
        try:
            return [(e.start, e.end) for e in finder.evidence(segment)]
        finally:
            reference_evidence.MATCH = default
    return spans


def absent_words(row: dict, segment: Segment) -> Spans:
    reference_words = {w.lower() for w in _WORD.findall(row["reference"])}
    return [(m.start(), m.end()) for m in _WORD.finditer(row["hypothesis"]) if m.group(0).lower() not in reference_words]


def other_form_words(row: dict, segment: Segment) -> Spans:
    """Words whose only counterpart in the reference is the same lemma in another form."""
    alignment = segment.alignment
    return [
        (w.start, w.end) for i, w in enumerate(alignment.candidate.words)
        if alignment.surface[i].max() == LEMMA
    ]


def score(data, talks: set[str], spans: Callable[[dict, Segment], Spans]) -> tuple[float, float, float]:
    counts = Counter()
    for row, talk, segment in data:
        if talk not in talks:
            continue
        text = row["hypothesis"]
        gold = _char_set(text, [(e["start"], e["end"]) for e in row["errors"]])
        predicted = _char_set(text, spans(row, segment))
        counts.update(tp=len(predicted & gold), pred=len(predicted), gold=len(gold))
    return _prf(counts["tp"], counts["pred"], counts["gold"])


def main() -> None:
    data = ted_segments()
    finder = ErrorFinder(sentence_encoder())
    default = reference_evidence.MATCH
    print(f"== reference_evidence.MATCH swept on the fit talks ({', '.join(sorted(FIT_TALKS))})")
    fitted = {}
    for match in MATCH_GRID:
        fitted[match] = score(data, FIT_TALKS, mtqa_spans(finder, match))
        print(f"  MATCH {match:.2f}: P {fitted[match][0]:.3f} R {fitted[match][1]:.3f} F1 {fitted[match][2]:.3f}")
    best = max(fitted, key=lambda m: fitted[m][2])
    print(f"best on the fit talks: {best:.2f} (packaged default {default:.2f})")
    print(f"== held-out talks ({', '.join(sorted(HELD_OUT_TALKS))})")
    mine = mtqa_spans(finder, default)
    lines = [(f"mtqa, MATCH {m:.2f}", mtqa_spans(finder, m)) for m in dict.fromkeys((best, default))]
    lines += [
        ("baseline absent-word", absent_words),
        ("ceiling: mtqa + absent-word", lambda r, s: mine(r, s) + absent_words(r, s)),
        ("ceiling: mtqa + other-form words", lambda r, s: mine(r, s) + other_form_words(r, s)),
    ]
    for label, spans in lines:
        fit_p, fit_r, fit_f = score(data, FIT_TALKS, spans)
        p, r, f = score(data, HELD_OUT_TALKS, spans)
        print(f"  {label:34} P {p:.3f} R {r:.3f} F1 {f:.3f}   (fit talks F1 {fit_f:.3f})")


if __name__ == "__main__":
    main()
