"""Fluency benchmark: does sentence fluency move the right way, agree with people, and how fast is it?

    python -m benchmarks.fluency [--per-type 40] [--lang russian] [--throughput 500] [--only PART ...]

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
4. Seeds: the five seed documents against two hand annotations of the fluency and style errors in
   every content sentence (``tests/data/gold``; one made blind to mtqa's scores): per document, the
   share of sentences with an error and the penalty per sentence beside each tier's mean fluency; per
   sentence, the AUC with which fluency ranks the sentences with no error above the others, beside
   sentence length, the unigram baseline and the other annotation; per candidate, one-sided tests of
   whether it is less fluent than the reference, by the annotations and by each tier.
5. Throughput on ``--throughput`` real sentences (MLQE-PE): each tier batched (one call, the model
   groups sentences by length) and one sentence per call (SmolLM2: one row per forward pass), and
   the whole scorer batched (language model, named entities, word frequencies). The modes take turns
   on five slices of the sentences, and the machine's load average is printed beside the table: on a
   shared machine the absolute figures vary with it.
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import fisher_exact, mannwhitneyu, pearsonr, spearmanr, ttest_ind

import mtqa
from benchmarks import datasets
from benchmarks.fluency_data import (
    FLUENCY_PERTURBATIONS,
    PERTURBATION_GROUP,
    demetr_items,
    mlqe_items,
)
from mtqa.backends.language_models import language_model, word_spans
from mtqa.core.taxonomy import PENALTY
from mtqa.pipeline.result import Assessment
from mtqa.stages.load import load_manifest
from mtqa.stages.score.fluency import FluencyScorer, unigram_bits

TIERS = ("smollm2", "ngram")
PARTS = ("demetr", "mlqe", "documents", "seeds", "throughput")
ROOT = Path(__file__).resolve().parent.parent
SEEDS_MANIFEST = ROOT / "seeds" / "manifest.toml"
# Hand annotations of the fluency and style errors in every content sentence of the five seeds (MQM
# spans, tests/data/gold/README.md): one made blind to mtqa's scores, one by its developer after them.
GOLD = ROOT / "tests" / "data" / "gold"
SEED_ANNOTATIONS = {"blind": GOLD / "seed-fluency-errors.tsv", "developer": GOLD / "seed-fluency-errors-developer.tsv"}


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


def read_annotation(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, quoting=csv.QUOTE_NONE)


def content_sentences(result: Assessment) -> pd.DataFrame:
    """Every content sentence of an assessment, the candidates' and the primary reference's, with its
    fluency (``reference.csv`` repeats the reference's sentences once per candidate: one copy is kept)."""
    reference = result.reference[result.reference.candidate == result.candidates[0]]
    table = pd.concat([result.sentences, reference], ignore_index=True)
    columns = ["doc_id", "sent_id", "start", "end", "text", "fluency"]
    return table.loc[table.status != "boilerplate", columns].reset_index(drop=True)


def annotated_penalty(result: Assessment, sentences: pd.DataFrame, annotation: pd.DataFrame) -> np.ndarray:
    """Per content sentence, the MQM penalty of the annotated errors overlapping it. An annotation's
    ``doc`` is a seed's file prefix ("004"); a span outside every content sentence (mtqa took it for
    page furniture) counts nowhere."""
    seeds = {doc_id.split("_")[0]: doc_id for doc_id in sentences.doc_id.unique()}
    if missing := set(annotation.doc) - set(seeds):
        raise ValueError(f"annotated seeds {sorted(missing)} are not in the assessment")
    penalty = np.zeros(len(sentences))
    for error in annotation.itertuples():
        doc_id = seeds[error.doc]
        start = result.document_text(doc_id).index(error.span)
        inside = (sentences.doc_id == doc_id) & (sentences.start < start + len(error.span)) & (sentences.end > start)
        penalty[inside.to_numpy()] += PENALTY[error.severity]
    return penalty


def auc(scores: np.ndarray, positive: np.ndarray) -> float:
    """The chance that a positive item (a sentence with no annotated error) outscores a negative one,
    ties counting half: Mann-Whitney's U over the product of the group sizes."""
    u = mannwhitneyu(scores[positive], scores[~positive]).statistic
    return float(u / (positive.sum() * (~positive).sum()))


def seeds_tables(results: dict[str, Assessment]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The seeds' fluency against their hand annotations, one assessment per tier.

    Per document: the share of content sentences with an annotated error, the penalty per sentence and
    each tier's mean fluency. Per sentence: the AUC of fluency for the sentences with no annotated error
    and its Spearman correlation with minus the penalty, beside sentence length, the unigram baseline and
    the other annotation (how far two annotators agree). Per candidate: is it less fluent than the
    reference, by each annotation and by each tier (one-sided tests)?"""
    tables = {tier: content_sentences(result) for tier, result in results.items()}
    first, sentences = next(iter(results.values())), next(iter(tables.values()))
    if any(not table[["doc_id", "sent_id"]].equals(sentences[["doc_id", "sent_id"]]) for table in tables.values()):
        raise ValueError("the tiers' assessments segment the seeds differently")
    fluency = {tier: table.fluency.to_numpy(float) for tier, table in tables.items()}
    penalty = {name: annotated_penalty(first, sentences, read_annotation(path)) for name, path in SEED_ANNOTATIONS.items()}

    per_document = sentences[["doc_id"]].assign(
        **{f"share marked, {name}": p > 0 for name, p in penalty.items()},
        **{f"penalty, {name}": p for name, p in penalty.items()},
        **{f"fluency, {tier}": f for tier, f in fluency.items()},
    ).groupby("doc_id").mean()
    per_document.insert(0, "sentences", sentences.groupby("doc_id").size())

    predictors = {**{f"{tier} fluency": f for tier, f in fluency.items()},
                  "sentence length (−words)": -sentences.text.str.split().str.len().to_numpy(float),
                  "unigram baseline": sentences.text.map(unigram_fluency).to_numpy(float)}
    rows = []
    for name, p in penalty.items():
        others = {f"{other} annotation (−penalty)": -q for other, q in penalty.items() if other != name}
        for predictor, values in {**predictors, **others}.items():
            rows.append({"annotation": name, "sentences marked": int((p > 0).sum()), "of": len(p), "predictor": predictor,
                         "AUC unmarked > marked": auc(values, p == 0), "spearman with −penalty": spearmanr(values, -p)[0]})
    per_sentence = pd.DataFrame(rows)

    rows = []
    for candidate in first.candidates:
        mine = (sentences.doc_id == candidate).to_numpy()
        theirs = (sentences.doc_id == first.primary_reference).to_numpy()
        for name, p in penalty.items():
            marked = [[(p[side] > 0).sum(), (p[side] == 0).sum()] for side in (mine, theirs)]
            rows.append({"candidate": candidate, "judge": f"{name} annotation", "measure": "penalty per sentence",
                         "candidate's": p[mine].mean(), "reference's": p[theirs].mean(),
                         **_less_fluent(-p[mine], -p[theirs]),
                         "Fisher p (share marked)": fisher_exact(marked, alternative="greater").pvalue})
        for tier, f in fluency.items():
            rows.append({"candidate": candidate, "judge": tier, "measure": "mean fluency",
                         "candidate's": f[mine].mean(), "reference's": f[theirs].mean(),
                         **_less_fluent(f[mine], f[theirs])})
    return per_document.reset_index(), per_sentence, pd.DataFrame(rows)


def _less_fluent(candidate: np.ndarray, reference: np.ndarray) -> dict[str, float]:
    """One-sided p-values that the candidate's sentences score lower (higher is more fluent)."""
    return {
        "Mann-Whitney p": mannwhitneyu(candidate, reference, alternative="less").pvalue,
        "Welch p": ttest_ind(candidate, reference, equal_var=False, alternative="less").pvalue,
    }

def _forgetful_model(tier: str, max_rows: int = 8):
    """A language model of the benchmark's own that remembers no text it has scored, so that every
    timed call computes: the process's shared model (``language_model``) answers the sentences the
    other parts or the warm-up pass have read from its memory."""
    model = language_model.__wrapped__(tier, max_rows)
    model.MEMO_SIZE = 0  # the causal LM forgets each text as soon as it has returned it
    return model


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
        batched, single = _forgetful_model(tier), _forgetful_model(tier, max_rows=1)
        scorer = FluencyScorer(batched)
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
    parser.add_argument("--only", nargs="+", choices=PARTS, help="run only these parts")
    args = parser.parse_args(argv)
    parts = set(args.only or PARTS)

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
    if "seeds" in parts:
        manifest = load_manifest(SEEDS_MANIFEST)
        results = {tier: mtqa.assess(manifest.references, manifest.candidates, fluency_model=tier) for tier in TIERS}
        per_document, per_sentence, against_reference = seeds_tables(results)
        _print("Seeds: content sentences with a hand-annotated fluency or style error, MQM penalty per sentence "
               "(minor 1, major 5), and mean fluency (mtqa assess defaults: SmolLM2 reads each sentence after the "
               "one before it; the trigram reads it alone)", per_document)
        _print("Seeds, per sentence: does fluency rank the sentences with no annotated error above the others?",
               per_sentence)
        _print("Seeds: is each candidate less fluent than the reference 002? (one-sided p-values)", against_reference)
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
