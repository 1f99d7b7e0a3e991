"""Fit the fluency calibration of a language model on development data and store it in mtqa.

    python -m benchmarks.calibrate_fluency --model smollm2 --write
    python -m benchmarks.calibrate_fluency --model ngram --write
    python -m benchmarks.calibrate_fluency --model /path/to/causal-lm --name my-lm --write

Development data: the French half of DEMETR (benchmarks/data/demetr_fluency.jsonl), the
fluency-damaging perturbation types only, ``--per-type`` items of each drawn with a fixed seed. The
Russian half and MLQE-PE are left for ``benchmarks/fluency.py``; the seed documents are not used.

1. Expected surprisal of an ordinary word: least squares, on the words of the intact translations,
   of surprisal on [1, unigram bits (wordfreq), log(1 + position), first word, capitalised].
2. Expected surprisal of punctuation: the mean surprisal of each punctuation run in intact text
   (runs seen at least 10 times; quotation marks are pardoned, not expected); any other run gets the
   mean over all punctuation.
3. The weights of the three sentence features (mean positive capped excess per word, mean of the two largest,
   number of reference-free fluency check findings): a logistic model of which sentence of a pair is
   the intact one, on feature differences.
4. The 0-100 mapping: logistic regression of intact (1) vs damaged (0) on that weighted sum (a scale
   and an intercept), so fluency/100 estimates the probability that a sentence is the intact
   translation rather than a damaged copy, at even odds.
5. The cap on one word's excess: the value in CAPS with the best pairwise accuracy.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

from benchmarks.fluency_data import demetr_items
from mtqa.backends.language_models import straight_quotes
from mtqa.stages.score.fluency import (
    CALIBRATION_FILE,
    Calibration,
    FluencyScorer,
    WordFacts,
    check_findings,
    fluency_checks,
)

UNKNOWN_UNIGRAM_BITS = round(-math.log2(1e-8), 4)  # wordfreq lists English words down to ~1e-8
CAPS = (8.0, 10.0, 12.0, 15.0, 20.0)
FEATURES = ("surprise", "peak", "findings")  # of a sentence, in the order fit_logistic weighs them
MIN_PUNCTUATION_COUNT = 10
ROOT = Path(__file__).resolve().parent.parent


def _design(word: WordFacts) -> list[float]:
    unigram = word.unigram if word.unigram is not None else UNKNOWN_UNIGRAM_BITS
    return [1.0, unigram, math.log1p(word.position), float(word.position == 0), float(word.capitalised and word.position > 0)]


def fit_expected(intact: list[list[WordFacts]]) -> dict[str, float]:
    rows = [(_design(w), w.surprisal) for words in intact for w in words if not w.named and not w.punctuation and w.unigram is not None]
    x = np.array([r[0] for r in rows])
    y = np.array([r[1] for r in rows])
    coefficients, *_ = np.linalg.lstsq(x, y, rcond=None)
    return dict(zip(("intercept", "unigram", "log_position", "first", "capitalised"), (round(float(c), 4) for c in coefficients)))


def fit_punctuation(intact: list[list[WordFacts]]) -> tuple[dict[str, float], float]:
    costs: dict[str, list[float]] = defaultdict(list)
    for words in intact:
        for w in words:
            if w.punctuation and not w.named and not w.quotation:
                costs[straight_quotes(w.text)].append(w.surprisal)
    every = [c for values in costs.values() for c in values]
    default = round(float(np.mean(every)), 4) if every else 0.0
    table = {mark: round(float(np.mean(v)), 4) for mark, v in sorted(costs.items()) if len(v) >= MIN_PUNCTUATION_COUNT}
    return table, default


def fit_logistic(intact: np.ndarray, damaged: np.ndarray) -> dict[str, float]:
    """Feature weights from the pairs (which one is intact?), then scale and intercept from the
    sentences themselves (is this one intact?). Every feature measures damage, so no weight may be
    positive: more excess or another finding never makes a sentence more fluent."""
    differences = intact - damaged
    weights = minimize(
        lambda w: float(np.sum(np.logaddexp(0, -differences @ w))), np.zeros(differences.shape[1]),
        method="L-BFGS-B", bounds=[(None, 0.0)] * differences.shape[1],
    ).x
    z = np.concatenate([intact @ weights, damaged @ weights])
    y = np.concatenate([np.ones(len(intact)), np.zeros(len(damaged))])

    def loss(p):
        logit = p[0] + p[1] * z
        return float(np.sum(y * np.logaddexp(0, -logit) + (1 - y) * np.logaddexp(0, logit)))

    intercept, scale = minimize(loss, np.array([0.0, 1.0]), method="BFGS").x
    return {"intercept": round(float(intercept), 4)} | {
        name: round(float(scale * weight), 4) for name, weight in zip(FEATURES, weights)
    }


def calibrate(scorer: FluencyScorer, name: str, per_type: int) -> tuple[Calibration, dict]:
    items = demetr_items("french", per_type)
    texts = sorted({t for item in items for t in (item["mt"], item["pert"])})
    facts = dict(zip(texts, scorer.facts(texts, progress=True)))
    findings = dict(zip(texts, (len(f) for f in check_findings(texts, texts, fluency_checks()))))
    intact = [facts[t] for t in sorted({item["mt"] for item in items})]
    expected = fit_expected(intact)
    punctuation, punctuation_default = fit_punctuation(intact)
    source = (
        f"benchmarks/calibrate_fluency.py --per-type {per_type}: DEMETR French, {len(items)} intact/damaged "
        f"pairs of {len({i['pert_name'] for i in items})} fluency-damaging perturbation types"
    )

    def with_cap(cap: float, logistic: dict[str, float]) -> Calibration:
        return Calibration(
            model=name, expected=expected, unknown_unigram_bits=UNKNOWN_UNIGRAM_BITS,
            punctuation_bits=punctuation, punctuation_default_bits=punctuation_default,
            cap_bits=cap, logistic=logistic, source=source,
        )

    def excess(calibration: Calibration, text: str) -> list[float]:
        return [w.surprisal - calibration.expected_bits(w) for w in facts[text]]

    def features(calibration: Calibration, text: str) -> tuple[float, float, float]:
        values = excess(calibration, text)
        return (*(calibration.features(values) if values else (0.0, 0.0)), findings[text])

    best = None
    report = {}
    for cap in CAPS:
        trial = with_cap(cap, dict.fromkeys(("intercept", *FEATURES), 0.0))
        intact_features = np.array([features(trial, item["mt"]) for item in items])
        damaged_features = np.array([features(trial, item["pert"]) for item in items])
        calibration = with_cap(cap, fit_logistic(intact_features, damaged_features))
        score = {t: calibration.fluency(excess(calibration, t), findings[t]) for t in texts}
        accuracy = float(np.mean([_pairwise(score[i["mt"]], score[i["pert"]]) for i in items]))
        report[cap] = accuracy
        if best is None or accuracy > best[0]:
            best = (accuracy, calibration)
    return best[1], {"pairwise_accuracy_by_cap": report, "pairs": len(items)}


def _pairwise(intact: float, damaged: float) -> float:
    if math.isnan(intact) or math.isnan(damaged):
        return 0.5
    return 1.0 if intact > damaged else 0.5 if intact == damaged else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="smollm2", help="smollm2, ngram, or a causal LM's directory / hub id")
    parser.add_argument("--name", help="the name to store the calibration under (default: the model's name)")
    parser.add_argument("--per-type", type=int, default=40, help="items per perturbation type (default: 40)")
    parser.add_argument("--write", action="store_true", help=f"store the result in mtqa/{CALIBRATION_FILE}")
    args = parser.parse_args(argv)

    scorer = FluencyScorer(args.model)
    name = args.name or scorer.lm.name
    calibration, report = calibrate(scorer, name, args.per_type)
    entry = {k: v for k, v in calibration.__dict__.items() if k != "model"}
    print(json.dumps({name: entry, "report": report}, indent=2, ensure_ascii=False))
    if args.write:
        path = ROOT / "mtqa" / CALIBRATION_FILE
        table = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        table[name] = entry
        path.write_text(json.dumps(table, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
