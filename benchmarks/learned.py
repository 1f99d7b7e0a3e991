"""The learned estimator (mtqa/backends/estimator.py) on data it never trained on, each figure beside
chrF and BLEU on the same rows, and its throughput beside the bare encoder's forward pass on the same
segments in the same run.

    python -m benchmarks.learned [--out reports/learned_estimator.md] [--quick]

Data: TED zh→en MQM (segments and character spans), DiaBLa fr→en, MLQE-PE ru-en test20 (DA and word
tags; reference-free and with the post-edit), DEMETR fr/ru→en pairs. Today's quality score on the same
rows is the figure `make bench` measured (reports/benchmarks.md), cited beside.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import sacrebleu
from scipy.stats import kendalltau, pearsonr, spearmanr

from benchmarks import datasets
from benchmarks.error_spans import (
    _WORD,
    DATA,
    _char_set,
    _prf,
    _token_ranges,
    _word_scores,
)
from benchmarks.harness import markdown_table
from mtqa.backends.estimator import learned_estimator

ROOT = Path(__file__).resolve().parent.parent
# reports/benchmarks.md (make bench, quality weights version 12), on the same rows
TODAY = {"ted_zhen_mqm": 0.408, "diabla_fren_judgements": 0.463, "mlqe (reference-free)": 0.089,
         "mlqe (post-edit as reference)": 0.573}


def _chrf(hypotheses, references) -> np.ndarray:
    return np.array([sacrebleu.sentence_chrf(h, [r]).score for h, r in zip(hypotheses, references)])


def _bleu(hypotheses, references) -> np.ndarray:
    bleu = sacrebleu.BLEU(effective_order=True)
    return np.array([bleu.sentence_score(h, [r]).score for h, r in zip(hypotheses, references)])


def _agreement(name: str, values: np.ndarray, human: np.ndarray) -> dict:
    return {"score": name, "n": len(values), "pearson": pearsonr(values, human)[0],
            "spearman": spearmanr(values, human)[0], "kendall": kendalltau(values, human)[0]}


def judged(quick: bool) -> pd.DataFrame:
    estimator = learned_estimator()
    rows = []
    for name, load in (("ted_zhen_mqm", datasets.ted), ("diabla_fren_judgements", datasets.diabla)):
        table = load(quick).table
        hyp, ref, human = table.hypothesis.tolist(), table.reference.tolist(), table.human.to_numpy(float)
        learned, _ = estimator.predict(hyp, ref)
        rows += [_agreement("learned (with reference)", learned, human) | {"data": name, "today's quality": TODAY[name]},
                 _agreement("chrF", _chrf(hyp, ref), human) | {"data": name},
                 _agreement("BLEU", _bleu(hyp, ref), human) | {"data": name}]
    table = datasets.mlqe(quick).table
    hyp, ref, human = table.hypothesis.tolist(), table.reference.tolist(), table.human.to_numpy(float)
    alone, _ = estimator.predict(hyp)
    with_pe, _ = estimator.predict(hyp, ref)
    rows += [_agreement("learned (candidate alone)", alone, human)
             | {"data": "mlqe_ruen_da", "today's quality": TODAY["mlqe (reference-free)"]},
             _agreement("learned (post-edit as reference)", with_pe, human)
             | {"data": "mlqe_ruen_da", "today's quality": TODAY["mlqe (post-edit as reference)"]},
             _agreement("chrF (post-edit as reference)", _chrf(hyp, ref), human) | {"data": "mlqe_ruen_da"}]
    columns = ["data", "score", "n", "pearson", "spearman", "kendall", "today's quality"]
    return pd.DataFrame(rows).reindex(columns=columns)


def demetr(quick: bool) -> pd.DataFrame:
    items = datasets.demetr(quick)
    estimator = learned_estimator()
    intact, _ = estimator.predict(items.mt.tolist(), items.ref.tolist())
    perturbed, _ = estimator.predict(items.pert.tolist(), items.ref.tolist())
    chrf_gap = _chrf(items.mt, items.ref) - _chrf(items.pert, items.ref)
    table = items.assign(learned=intact > perturbed, chrf=chrf_gap > 0)
    return table.groupby("severity")[["learned", "chrf"]].mean().reset_index().assign(
        n=table.groupby("severity").size().to_numpy())


def spans() -> pd.DataFrame:
    estimator = learned_estimator()
    rows = [json.loads(line) for line in (DATA / "mqm_zhen_ted21.jsonl").open(encoding="utf-8")]
    _, words = estimator.predict([r["hypothesis"] for r in rows], [r["reference"] for r in rows])
    totals = {name: {"tp": 0, "pred": 0, "gold": 0} for name in ("learned", "absent-word", "every-char")}
    for row, found in zip(rows, words):
        text = row["hypothesis"]
        gold = _char_set(text, [(e["start"], e["end"]) for e in row["errors"]])
        reference_words = {w.lower() for w in _WORD.findall(row["reference"])}
        candidates = {
            "learned": [(w.start, w.end) for w in found if w.probability >= estimator.threshold],
            "absent-word": [(m.start(), m.end()) for m in _WORD.finditer(text) if m.group(0).lower() not in reference_words],
            "every-char": [(0, len(text))],
        }
        for name, predicted in candidates.items():
            chars = _char_set(text, predicted)
            totals[name]["tp"] += len(chars & gold)
            totals[name]["pred"] += len(chars)
            totals[name]["gold"] += len(gold)
    out = [{"data": "TED zh→en MQM spans (character F1)", "method": name, **dict(zip(("P", "R", "F1"), _prf(c["tp"], c["pred"], c["gold"])))}
           for name, c in totals.items()]
    mlqe = [json.loads(line) for line in (DATA / "mlqe_pe_ruen_test20.jsonl").open(encoding="utf-8")]
    _, words = estimator.predict([r["mt"] for r in mlqe])
    gold, predicted = [], []
    for row, found in zip(mlqe, words):
        ranges = _token_ranges(row["mt"], row["mt_tok"])
        flagged = [(w.start, w.end) for w in found if w.probability >= estimator.threshold]
        predicted.append([any(a < e and s < b for s, e in flagged) for a, b in ranges])
        gold.append([tag == "BAD" for tag in row["mt_word_tags"]])
    for name, values in (("learned (candidate alone)", predicted), ("all BAD", [[True] * len(g) for g in gold])):
        f1, mcc = _word_scores(values, gold)
        out.append({"data": "MLQE-PE ru-en test20 word tags (F1-BAD)", "method": name, "F1": f1, "MCC": mcc})
    return pd.DataFrame(out)


def throughput(n: int = 500) -> pd.DataFrame:
    """Segments per second: the whole estimator against the bare encoder's forward pass on the same
    tokenised pairs, same batch size, same run."""
    import torch

    from mtqa.backends.estimator import encode

    table = datasets.ted().table.head(n)
    hyp, ref = table.hypothesis.tolist(), table.reference.tolist()
    estimator = learned_estimator()
    started = time.perf_counter()
    estimator.predict(hyp, ref)
    learned = time.perf_counter() - started
    encoder = estimator.model.encoder
    started = time.perf_counter()
    with torch.inference_mode():
        for batch in estimator._batches(hyp, ref):
            tokens = encode(estimator.tokenizer, [hyp[i] for i in batch], [ref[i] for i in batch], estimator.max_length)
            tokens.pop("offset_mapping")
            encoder(**tokens)
    bare = time.perf_counter() - started
    return pd.DataFrame([{"what": "learned estimator (score + word tags)", "segments/s": n / learned},
                         {"what": "bare MiniLM forward, same pairs", "segments/s": n / bare},
                         {"what": "ratio", "segments/s": bare / learned}])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "learned_estimator.md")
    args = parser.parse_args()
    torch_threads = __import__("torch").get_num_threads()
    parts = [("Agreement with people (segment level)", judged(args.quick)),
             ("DEMETR: intact translation above its perturbed copy", demetr(args.quick)),
             ("Error spans", spans()),
             (f"Throughput ({torch_threads} threads)", throughput())]
    text = "# The learned estimator on held-out data\n\n" + "\n\n".join(
        f"## {title}\n\n{markdown_table(table)}" for title, table in parts) + "\n"
    print(text)
    args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
