"""The result object: every table of the output contract, plus what produced them.

All renderings (CSV/JSON files, HTML, terminal, Jupyter) are made from this one object; the API's
:class:`mtqa.api.AssessmentReport` adds them to it as methods.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from mtqa.core.records import MarkedDocument
from mtqa.core.timing import StageTimes
from mtqa.stages.aggregate.units import empty_units
from mtqa.stages.score.fluency import empty_words
from mtqa.stages.score.reference import UnitScores

if TYPE_CHECKING:
    pass


@dataclass
class Assessment:
    sentences: pd.DataFrame
    errors: pd.DataFrame
    documents: pd.DataFrame
    reference: pd.DataFrame
    signature: dict
    marked: dict[str, MarkedDocument] = field(repr=False)  # doc_id -> segmented, marked document
    unit_scores: UnitScores = field(repr=False)
    # Word surprisal of every scored sentence, candidates and references (mtqa.stages.score.fluency.WORD_COLUMNS).
    words: pd.DataFrame = field(default_factory=lambda: empty_words(), repr=False)
    # Cautions about the inputs, e.g. a reference that looks worse than the candidates (also in run.json).
    warnings: list[str] = field(default_factory=list)
    # One row per unit of each candidate read from a vendor file (units.csv); empty for plain text.
    units: pd.DataFrame = field(default_factory=lambda: empty_units(), repr=False)
    # Wall time per stage (``--verbose``; not part of the output contract, which does not depend on it).
    times: StageTimes = field(default_factory=StageTimes, repr=False, compare=False)

    @property
    def candidates(self) -> list[str]:
        return self.documents.loc[self.documents.role == "candidate", "doc_id"].tolist()

    @property
    def references(self) -> list[str]:
        return self.documents.loc[self.documents.role == "reference", "doc_id"].tolist()

    @property
    def primary_reference(self) -> str | None:
        """The reference the candidates were aligned to first; None in quality estimation (no reference)."""
        references = self.references
        return references[0] if references else None

    @property
    def reference_free(self) -> bool:
        """Quality estimation: the candidates were assessed without a reference."""
        return self.primary_reference is None

    def document_text(self, doc_id: str) -> str:
        return self.marked[doc_id].document.text
