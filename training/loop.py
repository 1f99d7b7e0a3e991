"""What mtqa's training scripts share: the packaged MiniLM read as a cross-encoder, length-bucketed batches,
and one fine-tuning loop (AdamW on the trained layers and the heads, linear warm-up over the first
twentieth of the steps then linear decay, gradients clipped at norm 1)."""

from __future__ import annotations

import argparse
import json
import platform
import random
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

CARD_FILE = "MODEL_CARD.md"

Item = TypeVar("Item")


def base_model(trained_layers: int):
    """The tokenizer and :func:`mtqa.backends.estimator.build_model` over the packaged MiniLM."""
    from transformers import AutoModel, AutoTokenizer

    from mtqa.backends.estimator import build_model
    from mtqa.backends.packaged import DEFAULT_ENCODER, PACKAGED, quiet_libraries

    quiet_libraries()
    base = str(PACKAGED[DEFAULT_ENCODER].locate())
    return AutoTokenizer.from_pretrained(base), build_model(AutoModel.from_pretrained(base), trained_layers)


def length_batches(groups: Sequence[Sequence[Item]], size: int, rng: random.Random,
                   length: Callable[[Item], int]) -> list[list[Item]]:
    """Batches that never mix groups, each group shuffled then sorted by length within chunks of 50
    batches (little padding, yet no batch order by length); the batches shuffled."""
    out: list[list[Item]] = []
    for group in groups:
        order = list(group)
        rng.shuffle(order)
        chunk = size * 50
        for start in range(0, len(order), chunk):
            part = sorted(order[start:start + chunk], key=length)
            out += [part[i:i + size] for i in range(0, len(part), size)]
    rng.shuffle(out)
    return out


def fine_tune(model, heads: list, plan: list[list[Item]], loss: Callable[[list[Item]], object],
              learning_rate: float, head_learning_rate: float, started: float) -> None:
    """Train the model's trained encoder layers (at ``learning_rate``) and ``heads`` (the heads'
    parameters, at ``head_learning_rate``) on the batches of ``plan``, ``loss`` giving each batch's loss."""
    import torch

    trained = [p for layer in model.trained_encoder_layers() for p in layer.parameters()]
    optimiser = torch.optim.AdamW([{"params": trained, "lr": learning_rate},
                                   {"params": heads, "lr": head_learning_rate}], weight_decay=0.01)
    warmup = max(1, len(plan) // 20)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min(1.0, (step + 1) / warmup) * max(0.0, (len(plan) - step) / len(plan)))
    model.train()
    for step, group in enumerate(plan):
        value = loss(group)
        value.backward()
        torch.nn.utils.clip_grad_norm_(trained + heads, 1.0)
        optimiser.step()
        schedule.step()
        optimiser.zero_grad()
        if step % 50 == 0:
            print(f"step {step}/{len(plan)} loss {value.item():.3f} {time.time() - started:.0f} s", flush=True)


def hardware() -> str:
    """Where the weights were trained, for the model card."""
    import torch

    return f"{platform.machine()}, {torch.get_num_threads()} threads, torch {torch.__version__}"


def save(out: Path, state: dict, config: dict, card: str) -> None:
    """Write what ships: the trained tensors in float16, the config the loader reads, the model card."""
    import torch

    from mtqa.backends.estimator import CONFIG_FILE, WEIGHTS_FILE

    out.mkdir(parents=True, exist_ok=True)
    torch.save({k: v.half() for k, v in state.items()}, out / WEIGHTS_FILE)
    (out / CONFIG_FILE).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    (out / CARD_FILE).write_text(card, encoding="utf-8")
    print(json.dumps(config["dev"], indent=2))


def command_line(description: str, sizes: dict, data: Path, out: Path,
                 train: Callable[[Path, str, Path], dict]) -> None:
    """A training script's command line: ``--data``, ``--size`` and ``--out``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--data", type=Path, default=data, help="the training corpus (shared/data/train)")
    parser.add_argument("--size", choices=sorted(sizes), default="cpu")
    parser.add_argument("--out", type=Path, default=out)
    args = parser.parse_args()
    train(args.data, args.size, args.out)
