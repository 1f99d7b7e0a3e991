"""How well mtqa's error spans (stage 6) match people, each figure beside a baseline from the same run.

    python benchmarks/error_spans.py            # all five parts
    python benchmarks/error_spans.py seeds mqm  # some of them: seeds, false-alarms, mqm, mlqe, checks

seeds         hand-annotated errors of seed 000 (French origin) against reference 002: share of gold
              spans overlapped by a predicted error, and the misses; error counts of every seed.
false-alarms  002 (native English) as a candidate against 003: fluency errors per 100 content words
              (the headline typo "killiing" aside), beside the same figure for the machine translations.
mqm           WMT21 TED zh-en MQM spans: character-level precision/recall/F1 (non-space characters,
              micro-averaged), overall and per category family, beside "flag every hypothesis word
              absent from the reference" and "flag every character".
mlqe          MLQE-PE ru-en test20 word tags, reference-free (checks and language-model runs): F1 of
              BAD and MCC, beside "all BAD" and "flag every word unknown to English word lists"; and
              what a word's language-model excess alone gives, its threshold fitted on the even
              segments and reported on the odd ones.
checks        DEMETR (fr/ru-en): each reference check that a perturbation type imitates exactly (a
              number or a name replaced), against a parallel reference: how often it fires on the
              damaged copies, beside how often on the intact translations.

Data: benchmarks/data/error_spans/ (see its README for sources and licences), benchmarks/data/contrastive_demetr/
and seeds/.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import mtqa  # noqa: E402
from mtqa.backends.encoder import sentence_encoder
from mtqa.checks import CHECKS
from mtqa.core.records import MarkedDocument
from mtqa.stages.find_errors.spans import find_errors, segment_for
from mtqa.stages.load import document_from_text
from mtqa.stages.score.fluency import score_documents
from mtqa.stages.segment import segment_lines

DATA = ROOT / "benchmarks" / "data" / "error_spans"
DEMETR = ROOT / "benchmarks" / "data" / "contrastive_demetr" / "demetr_fr_ru.jsonl"
# The checks some DEMETR perturbation imitates exactly, with that perturbation.
CHECK_PERTURBATIONS = {"number-mismatch": "critical_id10_numbers_replaced", "name-mismatch": "critical_id9_ne_replaced"}
SEEDS = ROOT / "seeds"
REFERENCE, FRENCH = SEEDS / "002_7337f87eccdfb504.txt", SEEDS / "000_cc02e8cbdcfd7727.txt"
NYT = SEEDS / "003_04f21086b02ac016.txt"
CANDIDATES = [FRENCH, SEEDS / "004_fdc9254782756410.txt", SEEDS / "001_183f575d9282628d.txt", NYT]
_WORD = re.compile(r"\w+(?:[’'-]\w+)*")


def _ranges_overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def seeds() -> None:
    print("== (a) seed 000 against its hand annotation (gold: tests/data/gold/seed-000-errors.tsv)")
    result = mtqa.assess(REFERENCE, CANDIDATES)
    text = FRENCH.read_text(encoding="utf-8")
    gold = [line.split("\t") for line in (DATA / "seed-000-errors.tsv").read_text().splitlines()[1:]]
    errors = result.errors[result.errors.doc_id == FRENCH.stem]
    predicted = list(zip(errors.doc_start, errors.doc_end))
    misses = []
    for row in gold:
        start = text.index(row[1])
        if not any(_ranges_overlap((start, start + len(row[1])), p) for p in predicted):
            misses.append(row)
    found = len(gold) - len(misses)
    print(f"gold spans overlapped: {found}/{len(gold)} = {100 * found / len(gold):.1f} % (target >= 90 %)")
    for row in misses:
        print(f"  missed: {row[1]!r} ({row[2]}, {row[3]})")
    gold_chars = {i for row in gold for i in range(text.index(row[1]), text.index(row[1]) + len(row[1]))}
    inside = sum(any(gold_chars & set(range(a, b))) for a, b in predicted)
    print(f"predicted errors touching a gold span: {inside}/{len(predicted)} (the gold list is not exhaustive)")
    counts = result.documents[result.documents.role == "candidate"][
        ["doc_id", "n_words", "n_errors", "n_minor", "n_major", "n_critical", "mqm_score"]]
    print(counts.to_string(index=False))


def false_alarms() -> None:
    print("== (b) false alarms: 002 (native English) as a candidate, 003 as the reference")
    native = mtqa.assess(NYT, [REFERENCE])
    machine = mtqa.assess(REFERENCE, CANDIDATES)

    def rate(result, doc_id: str, exclude: str | None = None) -> tuple[float, list[str]]:
        errors = result.errors[(result.errors.doc_id == doc_id) & result.errors.category.str.startswith("fluency/")]
        if exclude:
            errors = errors[~errors.text.str.contains(exclude, regex=False)]
        words = int(result.documents.set_index("doc_id").loc[doc_id, "n_words"])
        return 100 * len(errors) / words, [f"{e.text!r} {e.category}: {e.explanation}" for e in errors.itertuples()]

    value, listed = rate(native, REFERENCE.stem, exclude="killiing")
    words = int(native.documents.set_index("doc_id").loc[REFERENCE.stem, "n_words"])
    print(f"002 native: {value:.2f} fluency errors per 100 words of {words} (target <= 1; 'killiing' aside)")
    for line in listed:
        print(f"  {line}")
    typo = native.errors[native.errors.text.str.contains("killiing", regex=False)]
    for error in typo.itertuples():
        print(f"  the typo, found: {error.text!r} {error.category} ({error.detector}), suggestion {error.suggestion!r}")
    other = native.errors[~native.errors.category.str.startswith("fluency/")]
    print(f"  (errors of other families against 003, a different story: {len(other)})")
    for path in CANDIDATES:
        print(f"baseline, machine translation {path.stem}: {rate(machine, path.stem)[0]:.2f} per 100 words")


def _char_set(text: str, spans) -> set[int]:
    return {i for start, end in spans for i in range(start, end) if not text[i].isspace()}


def _prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _family(category: str) -> str:
    return category.split("/")[0].lower().split(" ")[0]


def mqm() -> None:
    print("== (c) WMT21 TED zh-en MQM spans, character level (non-space characters, micro-averaged)")
    rows = [json.loads(line) for line in (DATA / "mqm_zhen_ted21.jsonl").open(encoding="utf-8")]
    systems = sorted({r["system"] for r in rows})
    by_system = {s: sorted((r for r in rows if r["system"] == s), key=lambda r: r["seg_id"]) for s in systems}
    reference_lines = [r["reference"] for r in by_system[systems[0]]]
    reference = document_from_text("\n".join(reference_lines) + "\n", "reference", "reference")
    candidates = {s: document_from_text("\n".join(r["hypothesis"] for r in by_system[s]) + "\n", "candidate", s)
                  for s in systems}
    started = time.perf_counter()
    result = mtqa.assess(reference, candidates, parallel=True)
    elapsed = time.perf_counter() - started
    families = ["accuracy", "fluency", "style", "terminology"]
    totals: dict[str, Counter] = {name: Counter() for name in ["mtqa", "absent-word", "every-char"]}
    # A split half: whether a finding holds on both halves of the segments.
    odd_half: dict[str, Counter] = {name: Counter() for name in ["mtqa", "absent-word"]}
    per_family = {f: Counter() for f in families}
    for system in systems:
        sentences = result.sentences[result.sentences.doc_id == system].set_index("sent_id")
        errors = result.errors[result.errors.doc_id == system]
        for line, row in enumerate(by_system[system]):
            hypothesis = row["hypothesis"]
            shift = int(sentences.loc[line, "start"]) - sum(len(h["hypothesis"]) + 1 for h in by_system[system][:line])
            mine = errors[errors.sent_id == line]
            predicted = [(a + shift, b + shift) for a, b in zip(mine.start, mine.end)]
            gold = _char_set(hypothesis, [(e["start"], e["end"]) for e in row["errors"]])
            reference_words = {w.lower() for w in _WORD.findall(row["reference"])}
            absent = [(m.start(), m.end()) for m in _WORD.finditer(hypothesis) if m.group(0).lower() not in reference_words]
            for name, spans in (("mtqa", predicted), ("absent-word", absent), ("every-char", [(0, len(hypothesis))])):
                chars = _char_set(hypothesis, spans)
                totals[name].update(tp=len(chars & gold), pred=len(chars), gold=len(gold))
                if name in odd_half and row["seg_id"] % 2 == 1:
                    odd_half[name].update(tp=len(chars & gold), pred=len(chars), gold=len(gold))
            for family in families:
                gold_f = _char_set(hypothesis, [(e["start"], e["end"]) for e in row["errors"] if _family(e["category"]) == family])
                pred_f = _char_set(hypothesis, [(a + shift, b + shift) for a, b, c in zip(mine.start, mine.end, mine.category)
                                                if _family(c) == family])
                absent_chars = _char_set(hypothesis, absent)
                per_family[family].update(tp=len(pred_f & gold_f), pred=len(pred_f), gold=len(gold_f),
                                          base_tp=len(absent_chars & gold_f), base_pred=len(absent_chars))
    print(f"{len(rows)} segments, {sum(len(r['errors']) for r in rows)} gold spans; mtqa took {elapsed:.0f} s")
    print(f"{'':22}{'P':>7}{'R':>7}{'F1':>7}")
    for name, c in totals.items():
        p, r, f = _prf(c["tp"], c["pred"], c["gold"])
        label = {"mtqa": "mtqa", "absent-word": "baseline absent-word", "every-char": "baseline every-char"}[name]
        print(f"{label:22}{p:7.3f}{r:7.3f}{f:7.3f}")
    for name, c in odd_half.items():
        p, r, f = _prf(c["tp"], c["pred"], c["gold"])
        print(f"  odd segment numbers only, {name}: P {p:.3f} R {r:.3f} F1 {f:.3f}")
    print("per category family (mtqa's spans of that family vs gold spans of that family; baseline: absent-word)")
    for family, c in per_family.items():
        p, r, f = _prf(c["tp"], c["pred"], c["gold"])
        bp, br, bf = _prf(c["base_tp"], c["base_pred"], c["gold"])
        print(f"  {family:12} gold chars {c['gold']:5}  mtqa P {p:.3f} R {r:.3f} F1 {f:.3f}   baseline F1 {bf:.3f}")


def _mcc(tp: int, fp: int, fn: int, tn: int) -> float:
    denominator = math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    return (tp * tn - fp * fn) / denominator if denominator else 0.0


def _word_scores(predicted: list[list[bool]], gold: list[list[bool]]) -> tuple[float, float]:
    pairs = [(p, g) for ps, gs in zip(predicted, gold) for p, g in zip(ps, gs)]
    tp = sum(p and g for p, g in pairs)
    fp = sum(p and not g for p, g in pairs)
    fn = sum(g and not p for p, g in pairs)
    tn = len(pairs) - tp - fp - fn
    return _prf(tp, tp + fp, tp + fn)[2], _mcc(tp, fp, fn, tn)


def _token_ranges(text: str, tokens: str) -> list[tuple[int, int]]:
    cursor, ranges = 0, []
    for token in tokens.split():
        start = text.index(token, cursor)
        ranges.append((start, start + len(token)))
        cursor = start + len(token)
    return ranges


def _best_threshold(values: list[float], gold: list[bool]) -> float:
    """The excess threshold with the best F1 of BAD on these words (candidates: 0.5-bit steps)."""
    candidates = [t / 2 for t in range(-4, 25)]
    return max(candidates, key=lambda t: _word_scores([[v >= t for v in values]], [gold])[0])


def mlqe() -> None:
    print("== (d) MLQE-PE ru-en test20: word-level BAD detection, reference-free")
    rows = [json.loads(line) for line in (DATA / "mlqe_pe_ruen_test20.jsonl").open(encoding="utf-8")]
    document = document_from_text("\n".join(r["mt"] for r in rows) + "\n", "candidate", "mlqe")
    marked = MarkedDocument(document, segment_lines(document), {})
    started = time.perf_counter()
    # Stage 6 as the pipeline runs it without a reference: checks and language-model runs, from the
    # fluency stage's word surprisals (SmolLM2).
    surprisals = score_documents([marked], "smollm2").by_sentence()
    spans = find_errors([marked], [], {}, sentence_encoder(), surprisals=surprisals)
    elapsed = time.perf_counter() - started
    by_line: dict[int, list[tuple[int, int]]] = {}
    for span in spans:
        by_line.setdefault(span.sent_id, []).append((span.start, span.end))
    line_starts = {s.sent_id: s.start for s in marked.sentences}
    gold, predicted, unknown_baseline, excess = [], [], [], []
    from wordfreq import zipf_frequency

    for line, row in enumerate(rows):
        text = row["mt"]
        shift = line_starts[line] - sum(len(r["mt"]) + 1 for r in rows[:line])
        ranges = _token_ranges(text, row["mt_tok"])
        spans_here = [(a + shift, b + shift) for a, b in by_line.get(line, [])]
        predicted.append([any(_ranges_overlap(r, s) for s in spans_here) for r in ranges])
        gold.append([tag == "BAD" for tag in row["mt_word_tags"]])
        unknown_baseline.append([
            any(c.isalpha() for c in text[a:b]) and zipf_frequency(text[a:b], "en") == 0 for a, b in ranges
        ])
        # Word offsets are into the sentence, which starts `shift` characters into its line.
        words = surprisals.get((document.doc_id, line), [])
        excess.append([
            max((w.excess for w in words if _ranges_overlap(r, (w.start + shift, w.end + shift))), default=0.0)
            for r in ranges
        ])
    n_bad = sum(map(sum, gold))
    n_words = sum(map(len, gold))
    print(f"{len(rows)} segments, {n_words} words, {n_bad} BAD ({100 * n_bad / n_words:.1f} %); mtqa took {elapsed:.0f} s")
    for label, values in (
        ("mtqa (checks + LM runs)", predicted),
        ("baseline all BAD", [[True] * len(g) for g in gold]),
        ("baseline all OK", [[False] * len(g) for g in gold]),
        ("baseline unknown word", unknown_baseline),
    ):
        f1, mcc = _word_scores(values, gold)
        flagged = sum(map(sum, values))
        print(f"{label:30} F1-BAD {f1:.3f}  MCC {mcc:+.3f}  ({flagged} words flagged)")
    # How much a word's language-model excess alone tells about BAD: a threshold fitted on the even
    # segments, reported on the odd ones (and the all-BAD baseline on the same odd segments).
    fit = [i for i in range(len(rows)) if i % 2 == 0]
    held = [i for i in range(len(rows)) if i % 2 == 1]
    threshold = _best_threshold([v for i in fit for v in excess[i]], [g for i in fit for g in gold[i]])
    held_gold = [gold[i] for i in held]
    f1, mcc = _word_scores([[v >= threshold for v in excess[i]] for i in held], held_gold)
    flagged = sum(v >= threshold for i in held for v in excess[i])
    base_f1, _ = _word_scores([[True] * len(g) for g in held_gold], held_gold)
    print(f"word excess >= {threshold:.1f} bits (fitted on even segments), odd segments: F1-BAD {f1:.3f}  "
          f"MCC {mcc:+.3f}  ({flagged} of {sum(map(len, held_gold))} words flagged; all BAD there: F1 {base_f1:.3f})")


def checks() -> None:
    print("== (e) DEMETR: reference checks on the perturbation that imitates their error (parallel reference)")
    items = [json.loads(line) for line in DEMETR.open(encoding="utf-8")]
    # One intact translation per source sentence, its segment built once for every check.
    intact = [segment_for(item["mt"], item["ref"], parallel=True) for item in {i["id"]: i for i in items}.values()]

    def share_fired(name: str, segments: list) -> float:
        return sum(bool(CHECKS[name].run(segment)) for segment in segments) / len(segments)

    for name, perturbation in CHECK_PERTURBATIONS.items():
        damaged = [segment_for(item["pert"], item["ref"], parallel=True)
                   for item in items if item["pert_name"] == perturbation]
        print(f"{name:16} fires on {share_fired(name, damaged):6.1%} of {len(damaged)} {perturbation} copies, "
              f"{share_fired(name, intact):6.1%} of {len(intact)} intact translations")


PARTS = {"seeds": seeds, "false-alarms": false_alarms, "mqm": mqm, "mlqe": mlqe, "checks": checks}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("parts", nargs="*", metavar="PART", help=f"parts to run: {', '.join(PARTS)} (default: all)")
    args = parser.parse_args()
    unknown = sorted(set(args.parts) - set(PARTS))
    if unknown:
        parser.error(f"unknown part(s): {', '.join(unknown)}")
    for name in args.parts or PARTS:
        PARTS[name]()
        print()


if __name__ == "__main__":
    main()
