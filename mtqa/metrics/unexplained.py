"""Unexplained bits: how much a causal language model must still be told to write the candidate once
it has read the reference (Prism's idea, Thompson & Post 2020, with a monolingual LM in the place of
a paraphraser); and explained bits: how much reading the reference saved it.

The reference and a short bridge are the context; the candidate's tokens are scored after it, both
read as the fluency stage reads text (typographic quotes straight: a convention, not an error). Words
the reference accounts for cost little (a model copies and paraphrases what it has just read);
mistranslated, added or garbled words cost much. The score is the total over the candidate's tokens,
so it also grows with the candidate's length, the way the number of errors people find does; lower
is better. It needs a causal LM (the fluency stage's model); the n-gram tier cannot read a context.

Explained bits are the candidate's bits read alone minus its unexplained bits: the information the
candidate shares with the reference (their pointwise mutual information, in bits); higher is better.
A faithful rendering of specific content (names, figures, rare words) costs much alone and little
after the reference; a garbled or invented word costs much either way, and generic filler costs little
either way. Beside unexplained bits, they tell a translation that is costly because it carries the
reference's content from one that is costly because it is wrong.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from mtqa.backends.language_models import (
    DEFAULT_LANGUAGE_MODEL,
    TokenSurprisal,
    language_model,
    readable,
    word_bits,
)
from mtqa.backends.options import ModelOptions
from mtqa.metrics.base import MeanMetric, check_pairs

# The candidate starts on a line of its own, so that its tokens are those the fluency stage scores.
# Among four bridges tried on TED zh→en MQM (docs/quality-score.md), the wording mattered little.
BRIDGE = "Reference translation: {reference}\nAnother translation:\n"


def total_bits(tokens: Sequence[Sequence[TokenSurprisal]]) -> np.ndarray:
    """Each text's surprisal summed over its tokens, one row per text (the metrics' statistics)."""
    return np.array([[sum(t.surprisal for t in sentence)] for sentence in tokens], dtype=float)


class UnexplainedBits(MeanMetric):
    name = "unexplained_bits"
    higher_is_better = False

    def __init__(self, model: str = DEFAULT_LANGUAGE_MODEL, progress: bool = False) -> None:
        self.model = model
        self.progress = progress

    @classmethod
    def for_run(cls, models: ModelOptions, progress: bool = False) -> UnexplainedBits | None:
        """The run's fluency model, if it is a causal LM: with the n-gram tier or none the quality score uses
        a variant fitted without this metric."""
        if not models.causal_fluency_model:
            return None
        return cls(models.fluency_model, progress)

    def _tokens(self, hypotheses: Sequence[str], references: Sequence[str]) -> list[list[TokenSurprisal]]:
        check_pairs(hypotheses, references)
        contexts = [BRIDGE.format(reference=readable(reference)) for reference in references]
        return language_model(self.model).surprisals(
            [readable(h) for h in hypotheses], contexts=contexts, progress=self.progress, label="after the reference"
        )

    def statistics(self, hypotheses: Sequence[str], references: Sequence[str]) -> np.ndarray:
        if not hypotheses:
            return np.zeros((0, 1))
        return total_bits(self._tokens(hypotheses, references))

    def words(self, hypotheses: Sequence[str], references: Sequence[str]) -> list[list[tuple[int, int, float]]]:
        """(start, end, bits) of each word of each hypothesis after its reference: where the bits go
        (stage 6's evidence). The language model remembers the pairs the statistics scored."""
        return [word_bits(h, tokens) for h, tokens in zip(hypotheses, self._tokens(hypotheses, references))]

    def signature(self) -> str:
        bridge = BRIDGE.format(reference="{reference}").replace("\n", "\\n")
        return f"unexplained-bits|{language_model(self.model).signature()}|bridge:{bridge}"


class ExplainedBits(MeanMetric):
    name = "explained_bits"

    def __init__(self, unexplained: UnexplainedBits | None = None) -> None:
        self.unexplained = unexplained or UnexplainedBits()

    @classmethod
    def for_run(cls, models: ModelOptions, progress: bool = False) -> ExplainedBits | None:
        unexplained = UnexplainedBits.for_run(models, progress)
        return None if unexplained is None else cls(unexplained)

    def statistics(self, hypotheses: Sequence[str], references: Sequence[str]) -> np.ndarray:
        after = self.unexplained.statistics(hypotheses, references)  # the pairs the LM remembers
        if not hypotheses:
            return after
        # Read as the fluency stage reads a sentence alone: on line-aligned input it reuses this pass.
        alone = language_model(self.unexplained.model).surprisals(
            [readable(h) for h in hypotheses], progress=self.unexplained.progress, label="alone"
        )
        return total_bits(alone) - after

    def signature(self) -> str:
        return "explained-bits|" + self.unexplained.signature().removeprefix("unexplained-bits|")
