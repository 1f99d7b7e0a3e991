"""mtqa's learned estimator: the packaged MiniLM read as a cross-encoder (candidate, then its reference
when there is one), with its top layers fine-tuned on human judgements and two heads: a sentence score
(human judgements standardised: higher is better) and, per word piece of the candidate, the
probability that a person would mark it as an error.

The lower layers are the packaged MiniLM's own; only the fine-tuned top layers and the heads ship
inside mtqa (``mtqa/data/estimator/``), written by ``python -m training.estimator`` (its model card is
``data/estimator/MODEL_CARD.md``). Loaded lazily, once per process.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from mtqa.backends.packaged import DEFAULT_BATCH_SIZE, PACKAGED, quiet_libraries

WEIGHTS_FILE = "weights.pt"
CONFIG_FILE = "config.json"


def estimator_dir() -> Path:
    return PACKAGED["estimator"].locate()


@dataclass(frozen=True)
class WordError:
    """A word of the candidate with the estimator's probability that it is an error."""

    start: int  # character offsets into the candidate, end exclusive
    end: int
    probability: float


def _torch():
    import torch

    return torch


def build_model(encoder, trained_layers: int):
    """The estimator around a BERT-style ``encoder``: its last ``trained_layers`` layers trainable, the
    rest frozen, a sentence head on the mean of the token states and a word head on each token."""
    torch = _torch()

    class EstimatorModel(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = encoder
            hidden = encoder.config.hidden_size
            self.sentence_head = torch.nn.Linear(hidden, 1)
            self.word_head = torch.nn.Linear(hidden, 1)
            self.trained_layers = trained_layers
            for parameter in self.encoder.parameters():
                parameter.requires_grad = False
            for layer in self.trained_encoder_layers():
                for parameter in layer.parameters():
                    parameter.requires_grad = True

        def trained_encoder_layers(self):
            layers = self.encoder.encoder.layer
            return list(layers)[len(layers) - self.trained_layers:]

        def forward(self, input_ids, attention_mask, token_type_ids):
            states = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                                  token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(states.dtype)
            pooled = (states * mask).sum(1) / mask.sum(1).clamp(min=1.0)
            return self.sentence_head(pooled).squeeze(-1), self.word_head(states).squeeze(-1)

        def trained_state(self) -> dict:
            """What ships: the trained layers and the heads, nothing of the frozen encoder."""
            first = len(self.encoder.encoder.layer) - self.trained_layers
            return {
                name: value for name, value in self.state_dict().items()
                if name.startswith(("sentence_head.", "word_head."))
                or any(name.startswith(f"encoder.encoder.layer.{i}.") for i in range(first, first + self.trained_layers))
            }

    return EstimatorModel()


def encode(tokenizer, candidates: Sequence[str], references: Sequence[str] | None, max_length: int):
    """Token ids of each candidate (with its reference after it, when given), with the character
    offsets of the candidate's pieces; reference pieces and special tokens get sequence id != 0."""
    if references is None:
        return tokenizer(list(candidates), truncation=True, max_length=max_length, padding=True,
                         return_offsets_mapping=True, return_tensors="pt")
    return tokenizer(list(candidates), list(references), truncation="longest_first", max_length=max_length,
                     padding=True, return_offsets_mapping=True, return_tensors="pt")


class LearnedEstimator:
    """Scores and word-error probabilities from the packaged estimator."""

    def __init__(self, directory: Path | None = None, batch_size: int = DEFAULT_BATCH_SIZE) -> None:
        torch = _torch()
        quiet_libraries()
        from transformers import AutoModel, AutoTokenizer

        directory = directory or estimator_dir()
        self.config = json.loads((directory / CONFIG_FILE).read_text(encoding="utf-8"))
        base = str(PACKAGED[self.config["encoder"]].locate())
        self.tokenizer = AutoTokenizer.from_pretrained(base)
        self.model = build_model(AutoModel.from_pretrained(base), self.config["trained_layers"])
        state = torch.load(directory / WEIGHTS_FILE, map_location="cpu", weights_only=True)
        missing = self.model.load_state_dict({k: v.float() for k, v in state.items()}, strict=False)
        if missing.unexpected_keys:
            raise ValueError(f"unexpected estimator weights: {missing.unexpected_keys[:3]}")
        self.model.eval()
        self.batch_size = batch_size
        self.max_length = int(self.config["max_length"])
        self.threshold = float(self.config["word_threshold"])

    def _batches(self, candidates: Sequence[str], references: Sequence[str] | None):
        # Longest first in batches of similar length: little padding, and every text's numbers the same
        # whatever the batch it falls in (padding is masked out; float sums differ by ~1e-7 at most).
        order = sorted(range(len(candidates)), key=lambda i: (-len(candidates[i]) - len(references[i] if references else ""), i))
        for start in range(0, len(order), self.batch_size):
            yield order[start:start + self.batch_size]

    def _forward(self, candidates: Sequence[str], references: Sequence[str] | None):
        """(rows, their batch, the candidates' piece offsets, sentence scores, word logits) per batch."""
        torch = _torch()
        with torch.inference_mode():
            for rows in self._batches(candidates, references):
                batch = encode(self.tokenizer, [candidates[i] for i in rows],
                               [references[i] for i in rows] if references is not None else None, self.max_length)
                offsets = batch.pop("offset_mapping")
                sentence, word = self.model(batch["input_ids"], batch["attention_mask"],
                                            batch.get("token_type_ids", torch.zeros_like(batch["input_ids"])))
                yield rows, batch, offsets, sentence.numpy(), word

    def scores(self, candidates: Sequence[str], references: Sequence[str] | None = None) -> np.ndarray:
        """Each candidate's sentence score alone (the sentence head's output)."""
        scores = np.zeros(len(candidates), dtype=float)
        for rows, _, _, sentence, _ in self._forward(candidates, references):
            scores[rows] = sentence
        return scores

    def predict(self, candidates: Sequence[str], references: Sequence[str] | None = None
                ) -> tuple[np.ndarray, list[list[WordError]]]:
        """Each candidate's sentence score (standardised human judgement, higher is better) and its
        words' error probabilities (words: runs of non-space characters)."""
        torch = _torch()
        scores = np.zeros(len(candidates), dtype=float)
        words: list[list[WordError]] = [[] for _ in candidates]
        for rows, batch, offsets, sentence, word in self._forward(candidates, references):
            probabilities = torch.sigmoid(word).numpy()
            for position, row in enumerate(rows):
                scores[row] = float(sentence[position])
                sequence = batch.sequence_ids(position)
                pieces = [(int(a), int(b), float(p)) for (a, b), p, s in
                          zip(offsets[position].tolist(), probabilities[position], sequence) if s == 0 and b > a]
                words[row] = _words(candidates[row], pieces)
        return scores, words


def _words(text: str, pieces: list[tuple[int, int, float]]) -> list[WordError]:
    """Word pieces joined into white-space separated words; a word's probability is its most
    suspicious piece's."""
    found: list[WordError] = []
    position = 0
    for word in text.split():
        start = text.index(word, position)
        end = position = start + len(word)
        inside = [p for a, b, p in pieces if a >= start and b <= end]
        if inside:
            found.append(WordError(start, end, max(inside)))
    return found


@functools.cache
def learned_estimator(batch_size: int = DEFAULT_BATCH_SIZE) -> LearnedEstimator:
    return LearnedEstimator(batch_size=batch_size)


class LinkVerifier:
    """The packaged link verifier (``mtqa/data/link_verifier/``, written by ``python -m
    training.link_verifier``): the estimator's architecture trained to tell whether a candidate
    sentence or clause renders a reference sentence or clause, wholly or in part."""

    def __init__(self, batch_size: int = DEFAULT_BATCH_SIZE) -> None:
        self.estimator = LearnedEstimator(PACKAGED["link-verifier"].locate(), batch_size)

    def __call__(self, candidates: Sequence[str], references: Sequence[str]) -> np.ndarray:
        """The probability that each candidate renders its reference (the sentence head's logistic)."""
        return 1.0 / (1.0 + np.exp(-self.estimator.scores(candidates, references)))


@functools.cache
def link_verifier(batch_size: int = DEFAULT_BATCH_SIZE) -> LinkVerifier:
    return LinkVerifier(batch_size)
