"""Train the link verifier: a cross-encoder that reads a candidate sentence (or clause) and a reference
sentence (or clause) together and gives the probability that one renders the other, wholly or in part.

    python -m training.link_verifier [--data ../shared/data/train] [--size cpu|tiny|large] [--out mtqa/data/link_verifier]

The aligner (:mod:`mtqa.stages.align`) uses it to check the links its embedding cosines propose between
comparable documents, where on-topic sentences of one story look alike to a bi-encoder. Pairs are built
from the WMT21-22 DA training documents (split by document as :mod:`training.estimator` splits them;
nothing from WMT23 or later, nor any data mtqa is evaluated on):

- a translation and its reference (label 1), and the same with one side cut to a run of its clauses
  (:func:`mtqa.stages.align.clauses`; label 1: they share that clause);
- a translation and the reference of another segment of the same document, whole or a clause of
  either (label 0): the same story's other sentences, the distractors a news aligner meets.

One hypothesis is drawn per segment, from the systems that translated it. The sentence head of
:func:`mtqa.backends.estimator.build_model` is trained as a logit (binary cross-entropy); every layer of
MiniLM is trained; only the layers and the head ship (float16).
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from training.estimator import LICENCES, SEED, SHARED, is_dev
from training.loop import (
    base_model,
    command_line,
    fine_tune,
    hardware,
    length_batches,
    save,
)

OUT = Path(__file__).resolve().parent.parent / "mtqa" / "data" / "link_verifier"


@dataclass(frozen=True)
class Size:
    documents: int  # training documents drawn (each gives four pairs per segment)
    dev_documents: int
    trained_layers: int = 6
    epochs: int = 1
    batch_size: int = 32
    max_length: int = 96
    learning_rate: float = 5e-5
    head_learning_rate: float = 1e-3


SIZES = {
    # about 10 minutes on an idle 2-core CPU
    "cpu": Size(documents=700, dev_documents=60),
    # a few seconds: the tests' check that the script runs end to end
    "tiny": Size(documents=3, dev_documents=2, trained_layers=1, batch_size=8),
    # for the accelerator machine
    "large": Size(documents=6000, dev_documents=300, epochs=2),
}


@dataclass(frozen=True)
class Pair:
    candidate: str
    reference: str
    label: int  # 1: the candidate renders the reference, wholly or in part


def _clause(text: str, rng: random.Random) -> str | None:
    """A random run of the text's clauses short of the whole, or None for a one-clause text."""
    from mtqa.stages.align import clauses

    spans = clauses(text)
    if len(spans) < 2:
        return None
    low = rng.randrange(len(spans))
    high = rng.randrange(low, len(spans))
    if (low, high) == (0, len(spans) - 1):
        high -= 1
    return text[spans[low][0]:spans[high][1]]


def document_pairs(segments: list[tuple[str, str]], rng: random.Random) -> list[Pair]:
    """Four pairs per segment of one document, of (reference, hypothesis) segments in order."""
    pairs = []
    for i, (reference, hypothesis) in enumerate(segments):
        pairs.append(Pair(hypothesis, reference, 1))
        part = _clause(hypothesis, rng) if rng.random() < 0.5 else None
        pairs.append(Pair(part, reference, 1) if part else Pair(hypothesis, _clause(reference, rng) or reference, 1))
        others = [j for j in range(len(segments)) if j != i and segments[j][0] != reference]
        if not others:
            continue
        other = segments[rng.choice(others)][0]
        pairs.append(Pair(hypothesis, other, 0))
        part = _clause(hypothesis, rng)
        pairs.append(Pair(part, other, 0) if part else Pair(hypothesis, _clause(other, rng) or other, 0))
    return pairs


def load_pairs(data: Path, size: Size) -> tuple[list[Pair], list[Pair]]:
    rng = random.Random(SEED)
    da = pd.read_json(data / "da_xen_wmt21_22.jsonl.gz", lines=True, dtype={"doc_id": str})
    da = da[da.hypothesis.str.strip().astype(bool) & da.reference.str.strip().astype(bool)]
    keys = sorted({(y, lp, d) for y, lp, d in zip(da.year, da.lp, da.doc_id)})
    train_keys = [k for k in keys if not is_dev(*k)]
    dev_keys = [k for k in keys if is_dev(*k)]
    chosen = {"train": rng.sample(train_keys, min(size.documents, len(train_keys))),
              "dev": rng.sample(dev_keys, min(size.dev_documents, len(dev_keys)))}
    wanted = {k for ks in chosen.values() for k in ks}
    grouped = {
        key: rows for key, rows in da.groupby(["year", "lp", "doc_id"], sort=True) if key in wanted
    }
    out = {}
    for split, split_keys in chosen.items():
        pairs: list[Pair] = []
        for key in split_keys:
            rows = grouped[key].sort_values(["seg_id", "system"])
            segments = []
            for _, segment in rows.groupby("seg_id", sort=True):
                pick = segment.iloc[rng.randrange(len(segment))]
                segments.append((pick.reference, pick.hypothesis))
            pairs += document_pairs(segments, rng)
        out[split] = pairs
    return out["train"], out["dev"]


def _logits(model, tokenizer, pairs: list[Pair], max_length: int):
    from mtqa.backends.estimator import encode

    batch = encode(tokenizer, [p.candidate for p in pairs], [p.reference for p in pairs], max_length)
    sentence, _ = model(batch["input_ids"], batch["attention_mask"], batch["token_type_ids"])
    return sentence


def evaluate(model, tokenizer, pairs: list[Pair], size: Size, torch) -> dict:
    """Accuracy at 0.5 and ROC AUC on held-out documents' pairs."""
    from scipy.stats import rankdata

    model.eval()
    probabilities = []
    with torch.inference_mode():
        for start in range(0, len(pairs), 64):
            probabilities += torch.sigmoid(_logits(model, tokenizer, pairs[start:start + 64], size.max_length)).tolist()
    labels = np.array([p.label for p in pairs])
    predicted = np.array(probabilities)
    return {"n": len(pairs), "positives": int(labels.sum()), "accuracy": float(((predicted >= 0.5) == labels).mean()),
            "auc": float(_auc(labels, predicted, rankdata))}


def _auc(labels: np.ndarray, scores: np.ndarray, rankdata) -> float:
    """ROC AUC as the Mann-Whitney statistic: how often a positive outscores a negative."""
    ranks = rankdata(scores)
    positives = labels == 1
    n_pos, n_neg = int(positives.sum()), int((~positives).sum())
    return (ranks[positives].sum() - n_pos * (n_pos + 1) / 2) / max(n_pos * n_neg, 1)


def train(data: Path, size_name: str, out: Path) -> dict:
    import torch

    from mtqa.backends.packaged import DEFAULT_ENCODER

    size = SIZES[size_name]
    torch.manual_seed(SEED)
    rng = random.Random(SEED)
    started = time.time()
    train_pairs, dev_pairs = load_pairs(data, size)
    tokenizer, model = base_model(size.trained_layers)
    plan = [batch for _ in range(size.epochs)
            for batch in length_batches([train_pairs], size.batch_size, rng, lambda p: len(p.candidate) + len(p.reference))]
    print(f"{len(train_pairs)} training pairs, {len(dev_pairs)} dev pairs, {len(plan)} steps", flush=True)

    def loss(group: list[Pair]):
        return torch.nn.functional.binary_cross_entropy_with_logits(
            _logits(model, tokenizer, group, size.max_length), torch.tensor([float(p.label) for p in group]))

    fine_tune(model, list(model.sentence_head.parameters()), plan, loss, size.learning_rate,
              size.head_learning_rate, started)
    training_seconds = time.time() - started
    dev = evaluate(model, tokenizer, dev_pairs, size, torch)
    config = {
        "encoder": DEFAULT_ENCODER,
        "trained_layers": size.trained_layers,
        "max_length": size.max_length,
        "word_threshold": 1.0,  # no word head: LearnedEstimator's word probabilities are not used
        "size": size_name,
        "hyperparameters": asdict(size),
        "seed": SEED,
        "training_pairs": len(train_pairs),
        "training_positives": sum(p.label for p in train_pairs),
        "training_seconds": round(training_seconds),
        "hardware": hardware(),
        "dev": dev,
    }
    state = {k: v for k, v in model.trained_state().items() if not k.startswith("word_head")}  # untrained
    save(out, state, config, model_card(config))
    return config


def model_card(config: dict) -> str:
    dev = config["dev"]
    return f"""# mtqa link verifier: model card

**What it is.** all-MiniLM-L6-v2 read as a cross-encoder (a candidate sentence or clause, then a
reference sentence or clause), {config['trained_layers']} of its 6 layers fine-tuned, with a linear head on the mean
of the token states: the logit that the candidate renders the reference, wholly or in part. The aligner
uses it to check the links that embedding cosines propose (docs/alignment.md). Only the fine-tuned
layers and the head ship (`weights.pt`, float16).

**Trained by** `python -m training.link_verifier --size {config['size']}` (seed {config['seed']}), in
{config['training_seconds'] / 60:.0f} minutes on {config['hardware']}. Hyperparameters:
`{json.dumps(config['hyperparameters'])}`.

**Training pairs**: {config['training_pairs']} ({config['training_positives']} positive), built from WMT21-22 DA
training documents (a translation with its own reference, whole or cut to a run of clauses; against the
reference of another segment of the same document).

**Dev figures** (pairs of {config['hyperparameters']['dev_documents']} documents held out of training): {dev['n']} pairs,
accuracy {dev['accuracy']:.3f}, ROC AUC {dev['auc']:.3f}.

**Held-out evaluation**: the seeds' hand-aligned gold and the synthetic comparable documents,
`python -m benchmarks.seed_alignment` and `python benchmarks/alignment.py` (docs/alignment.md).

**Data licences and attribution** (of mtqa's training corpus; the link verifier reads only its WMT
DA texts).
{LICENCES}
"""


def main() -> None:
    command_line(__doc__.split("\n\n")[0], SIZES, SHARED, OUT, train)


if __name__ == "__main__":
    main()
