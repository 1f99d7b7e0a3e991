"""Fluency benchmark: does sentence fluency move the right way, agree with people, and how fast is it?

    python -m benchmarks.fluency [--per-type 40] [--lang russian] [--throughput 500]

1. DEMETR (held-out Russian half by default; the French half is the calibration data): for each
   fluency-damaging perturbation type, the fraction of pairs where the intact translation scores as
   more fluent than its damaged copy (ties count half), SmolLM2 and the trigram side by side, beside
   a language-model-free baseline (mean wordfreq unigram surprisal: rarer words, less fluent) and
   chance (0.5). ``--per-type`` items of each type, drawn with a fixed seed.
2. MLQE-PE ru-en (1,000 sentences, never used for calibration): Pearson and Spearman correlation of
   sentence fluency with the human ``da_z_mean``, beside the same for sentence length in words.
3. Documents (TED zh→en MQM, DiaBLa fr→en judgements): Pearson and Spearman correlation of sentence
   fluency with the human scores, SmolLM2 reading each translation alone and after the translation
   before it (TED: the same system's previous segment of the talk; DiaBLa: the previous utterance
   of the dialogue), as ``mtqa assess`` reads documents by default. On TED, the same against the
   penalty of the raters' fluency and style errors alone, and of their accuracy errors alone, with
   sentence length beside them (and per word): does the score follow fluency errors more than
   accuracy errors?
4. Throughput on ``--throughput`` real sentences (MLQE-PE): each tier batched (one call, the model
   groups sentences by length) and one sentence per call (SmolLM2: one row per forward pass), and
   the whole scorer batched (language model, named entities, word frequencies). The modes take turns
   on five slices of the sentences, and the machine's load average is printed beside the table: on a
   shared machine the absolute figures vary with it.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time

import numpy as np
import pandas as pd
from scipy.stats import pearsonr, spearmanr

from benchmarks import datasets
from benchmarks.fluency_data import FLUENCY_PERTURBATIONS, PERTURBATION_GROUP, demetr_items, mlqe_items
from mtqa.fluency import FluencyScorer, unigram_bits, word_spans
from mtqa.lm import language_model

TIERS = ("smollm2", "ngram")


def _pairwise(intact: float, damaged: float) -> float:
    if math.isnan(intact) or math.isnan(damaged) or intact == damaged:
        return 0.5
    return 1.0 if intact > damaged else 0.0


def unigram_fluency(text: str) -> float:
    """The baseline: minus the mean wordfreq surprisal of the words (no language model)."""
    bits = [unigram_bits(text[s:e]) for s, e in word_spans(text) if any(c.isalnum() for c in text[s:e])]
    known = [b for b in bits if b is not None]
    return -float(np.mean(known)) if known else float("nan")


def demetr_table(scorers: dict[str, FluencyScorer], lang: str, per_type: int) -> pd.DataFrame:
    items = demetr_items(lang, per_type)
    texts = sorted({t for item in items for t in (item["mt"], item["pert"])})
    scores = {name: dict(zip(texts, (r.fluency for r in scorer.score(texts, progress=True)))) for name, scorer in scorers.items()}
    scores["unigram baseline"] = {t: unigram_fluency(t) for t in texts}
    rows = []
    for item in items:
        row = {"group": PERTURBATION_GROUP[item["pert_name"]], "perturbation": item["pert_name"].split("_", 2)[2]}
        for name, table in scores.items():
            row[name] = _pairwise(table[item["mt"]], table[item["pert"]])
        rows.append(row)
    frame = pd.DataFrame(rows)
    order = {group: i for i, group in enumerate(FLUENCY_PERTURBATIONS)}
    per_type = frame.groupby(["group", "perturbation"], sort=False).agg(n=("group", "size"), **{c: (c, "mean") for c in scores})
    per_type = per_type.reset_index().sort_values(["group", "perturbation"], key=lambda s: s.map(order) if s.name == "group" else s)
    overall = {"group": "all", "perturbation": "(mean over pairs)", "n": len(frame), **{c: frame[c].mean() for c in scores}}
    return pd.concat([per_type, pd.DataFrame([overall])], ignore_index=True)


def mlqe_table(scorers: dict[str, FluencyScorer]) -> pd.DataFrame:
    items = mlqe_items()
    texts = [item["mt"] for item in items]
    human = np.array([item["da_z_mean"] for item in items])
    predictors = {name: np.array([r.fluency for r in scorer.score(texts, progress=True)]) for name, scorer in scorers.items()}
    predictors["sentence length (words)"] = np.array([len(t.split()) for t in texts], dtype=float)
    predictors["unigram baseline"] = np.array([unigram_fluency(t) for t in texts])
    rows = []
    for name, values in predictors.items():
        keep = ~np.isnan(values)
        rows.append({
            "predictor": name,
            "n": int(keep.sum()),
            "pearson": pearsonr(values[keep], human[keep])[0],
            "spearman": spearmanr(values[keep], human[keep])[0],
        })
    return pd.DataFrame(rows)


# Judged data sets whose segments follow one another, and the column that orders them.
DOCUMENT_DATA = {"ted_zhen_mqm": "seg_id", "diabla_fren_judgements": "utt_id"}


def _in_reading_order(name: str) -> tuple[datasets.JudgedSegments, pd.DataFrame, list[str]]:
    """A judged data set's rows in document order per system, and what precedes each translation."""
    data = datasets.JUDGED[name]()
    order = DOCUMENT_DATA[name]
    table = data.table.assign(order=pd.to_numeric(data.table[order])).sort_values(["system", "group", "order"])
    before = table.groupby(["system", "group"]).hypothesis.shift().fillna("").tolist()
    return data, table, before


def _readings(scorer: FluencyScorer, texts: list[str], before: list[str]) -> dict[str, np.ndarray]:
    """Fluency of each text read alone and after what precedes it (the scorer keeps every text it has
    scored, so a second table on the same data costs nothing)."""
    return {
        reading: np.array([r.fluency for r in scorer.score(texts, contexts=contexts, progress=True)])
        for reading, contexts in (("alone", None), ("after the previous segment", before))
    }


def documents_table(scorer: FluencyScorer) -> pd.DataFrame:
    rows = []
    for name in DOCUMENT_DATA:
        data, table, before = _in_reading_order(name)
        human = table.human.to_numpy(float)
        for reading, fluency in _readings(scorer, table.hypothesis.tolist(), before).items():
            rows.append({
                "data": data.title, "smollm2 reads each translation": reading, "n": len(table),
                "pearson": pearsonr(fluency, human)[0], "spearman": spearmanr(fluency, human)[0],
            })
    return pd.DataFrame(rows)


# The TED raters' error categories, by the half of the quality they judge (source errors left out).
ERROR_KINDS = {"fluency and style": ("Fluency/", "Style/"), "accuracy and terminology": ("Accuracy/", "Terminology/")}


def error_penalty(table: pd.DataFrame, prefixes: tuple[str, ...]) -> pd.Series:
    """Per row, the summed MQM weight of the raters' errors whose category starts with one of these."""
    return table.errors.map(lambda errors: float(sum(e["weight"] for e in errors if e["category"].startswith(prefixes))))


def ted_errors_table(scorer: FluencyScorer) -> pd.DataFrame:
    """Agreement with the penalty (MQM weights: major 5, minor 1, minor punctuation 0.1) of the TED
    raters' fluency and style errors alone, beside that of their accuracy errors: a fluency score
    should follow the first more closely than the second. The penalty grows with a segment's length
    and fluency does not, so the agreement is also given with the penalty per word."""
    _, table, before = _in_reading_order("ted_zhen_mqm")
    predictors = {f"smollm2, {reading}": fluency for reading, fluency in _readings(scorer, table.hypothesis.tolist(), before).items()}
    words = table.hypothesis.str.split().str.len().to_numpy(float)
    predictors["sentence length (−words)"] = -words
    rows = []
    for kind, prefixes in ERROR_KINDS.items():
        penalty = error_penalty(table, prefixes).to_numpy()
        for name, values in predictors.items():
            rows.append({
                "errors": kind, "segments with one": int((penalty > 0).sum()), "predictor": name,
                "pearson": pearsonr(values, -penalty)[0], "spearman": spearmanr(values, -penalty)[0],
                "per word: pearson": pearsonr(values, -penalty / words)[0],
                "per word: spearman": spearmanr(values, -penalty / words)[0],
            })
    return pd.DataFrame(rows)


def throughput_table(n: int, rounds: int = 5) -> tuple[pd.DataFrame, float]:
    """Sentences per second of the language model, batched (one call) and one sentence per call, and
    of the whole scorer (language model, named entities, word frequencies), batched. The modes take
    turns on ``rounds`` slices of the sentences, so that a shared machine's changing load hits them
    alike."""
    texts = [item["mt"] for item in mlqe_items()[:n]]
    slices = [texts[i::rounds] for i in range(rounds)]
    rows = []
    drift = float("nan")
    for tier in TIERS:
        batched, single = language_model(tier), language_model(tier, max_rows=1)
        scorer = FluencyScorer(batched)  # a scorer of its own: nothing cached from other runs
        scorer.score(texts[:2])  # load every model before timing
        single.surprisals(texts[:2])
        # One untimed pass warms the caches every mode shares (wordfreq's lookups for words outside
        # the trigram's vocabulary), so that no mode pays for them on behalf of the others.
        batched.surprisals(texts)
        modes = {
            "LM batched": batched.surprisals,
            "LM one at a time": lambda part: [single.surprisals([t])[0] for t in part],
            "whole scorer batched": scorer.score,
        }
        seconds = dict.fromkeys(modes, 0.0)
        outputs: dict[str, list] = {name: [] for name in modes}
        for part in slices:
            for name, function in modes.items():
                started = time.perf_counter()
                outputs[name].extend(function(part))
                seconds[name] += time.perf_counter() - started
        rows.append({"tier": tier, "sentences": len(texts), **{name: len(texts) / seconds[name] for name in modes}})
        if tier == "smollm2":
            drift = max(
                abs(a.surprisal - b.surprisal)
                for x, y in zip(outputs["LM batched"], outputs["LM one at a time"])
                for a, b in zip(x, y)
            )
    return pd.DataFrame(rows), drift


def _print(title: str, frame: pd.DataFrame) -> None:
    print(f"\n## {title}\n")
    print(frame.to_string(index=False, float_format=lambda v: f"{v:.3f}"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-type", type=int, default=40, help="DEMETR items per perturbation type (default 40)")
    parser.add_argument("--lang", default="russian", choices=["russian", "french"],
                        help="DEMETR half: russian (held out, default) or french (the calibration data)")
    parser.add_argument("--throughput", type=int, default=500, help="sentences for the throughput test (default 500)")
    parser.add_argument("--only", nargs="+", choices=["demetr", "mlqe", "documents", "throughput"],
                        help="run only these parts")
    args = parser.parse_args(argv)
    parts = set(args.only or ["demetr", "mlqe", "documents", "throughput"])

    started = time.perf_counter()
    scorers = {tier: FluencyScorer(tier) for tier in TIERS}
    if "demetr" in parts:
        _print(
            f"DEMETR {args.lang} → English: fraction of pairs where the intact translation is more fluent "
            f"({args.per_type} items per type, fixed seed; chance 0.5)",
            demetr_table(scorers, args.lang, args.per_type),
        )
    if "mlqe" in parts:
        _print("MLQE-PE ru→en test20: correlation with human da_z_mean (reference-free)", mlqe_table(scorers))
    if "documents" in parts:
        _print("Documents: correlation of SmolLM2 fluency with the human scores, each translation read alone "
               "and after the one before it", documents_table(scorers["smollm2"]))
        _print("TED zh→en: correlation with minus the penalty of the raters' fluency errors alone, and of their "
               "accuracy errors alone (MQM weights)", ted_errors_table(scorers["smollm2"]))
    if "throughput" in parts:
        load = os.getloadavg()[0]
        table, drift = throughput_table(args.throughput)
        _print(
            f"Throughput on {args.throughput} MLQE-PE sentences, sentences/s ({os.cpu_count()} CPUs, "
            f"load average {load:.1f} before, {os.getloadavg()[0]:.1f} after; torch threads {_torch_threads()})",
            table,
        )
        print(f"\nSmolLM2 one at a time vs batched: largest token surprisal difference {drift:.2e} bits "
              "(different matrix shapes round differently; within one mode results are identical).")
    print(f"\ntotal benchmark time: {time.perf_counter() - started:.0f} s")
    return 0


def _torch_threads() -> int:
    import torch

    return torch.get_num_threads()


if __name__ == "__main__":
    sys.exit(main())
