"""The result object: every table of the output contract, plus what produced them.

All renderings (CSV/JSON files, HTML, terminal, Jupyter) are made from this one object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .fluency import empty_words
from .noncontent import MarkedDocument
from .score import UnitScores


@dataclass
class Assessment:
    sentences: pd.DataFrame
    errors: pd.DataFrame
    documents: pd.DataFrame
    reference: pd.DataFrame
    signature: dict
    marked: dict[str, MarkedDocument] = field(repr=False)  # doc_id -> segmented, marked document
    unit_scores: UnitScores = field(repr=False)
    # Word surprisal of every scored sentence, candidates and references (mtqa.fluency.WORD_COLUMNS).
    words: pd.DataFrame = field(default_factory=lambda: empty_words(), repr=False)

    @property
    def candidates(self) -> list[str]:
        return self.documents.loc[self.documents.role == "candidate", "doc_id"].tolist()

    @property
    def references(self) -> list[str]:
        return self.documents.loc[self.documents.role == "reference", "doc_id"].tolist()

    def document_text(self, doc_id: str) -> str:
        return self.marked[doc_id].document.text

    def save(self, out: str | Path) -> Path:
        """Write the output contract's files into ``out`` (atomically, file by file)."""
        from .render.files import write_outputs

        return write_outputs(self, Path(out))
