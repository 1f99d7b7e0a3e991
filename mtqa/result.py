"""The result object: every table of the output contract, plus what produced them.

All renderings (CSV/JSON files, HTML, terminal, Jupyter) are made from this one object.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .fluency import empty_words
from .noncontent import MarkedDocument
from .score import UnitScores

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class HTMLFragment:
    """Rendered HTML that a notebook displays (``_repr_html_``) and a script can write to a file."""

    html: str

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


@dataclass
class Assessment:
    sentences: pd.DataFrame
    errors: pd.DataFrame
    documents: pd.DataFrame
    reference: pd.DataFrame
    signature: dict
    marked: dict[str, MarkedDocument] = field(repr=False)  # doc_id -> segmented, marked document
    unit_scores: UnitScores = field(repr=False)
    comparison: Any = field(default=None, repr=False)  # a compare.CompareResult when systems were compared
    # Word surprisal of every scored sentence, candidates and references (mtqa.fluency.WORD_COLUMNS).
    words: pd.DataFrame = field(default_factory=lambda: empty_words(), repr=False)
    # Cautions about the inputs, e.g. a reference that looks worse than the candidates (also in run.json).
    warnings: list[str] = field(default_factory=list)

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

    def save(self, out: str | Path) -> Path:
        """Write the output contract's files into ``out`` (atomically, file by file)."""
        from .render.files import write_outputs

        return write_outputs(self, Path(out))

    # --- notebook display -------------------------------------------------------------------------

    def _repr_html_(self) -> str:
        from .render.html import render_summary

        return render_summary(self)

    def show(self, doc_id: str) -> HTMLFragment:
        """One candidate's sentences beside their reference sentences, error spans highlighted."""
        from .exceptions import InputError
        from .render.html import render_document

        if doc_id not in self.candidates:
            raise InputError(doc_id, f"not a candidate of this assessment (candidates: {', '.join(self.candidates)})")
        return HTMLFragment(render_document(self, doc_id))

    def plot_quality(self) -> "Figure":
        """Sentence-score distribution per candidate (quality; semantic similarity until quality exists)."""
        from .render.plots import quality_distribution

        return quality_distribution(self)

    def plot_errors(self) -> "Figure":
        """Error spans per MQM category, one bar per candidate."""
        from .render.plots import errors_by_category

        return errors_by_category(self)

    def plot_fidelity_fluency(self) -> "Figure":
        """Fidelity against fluency, one dot per sentence, one colour and marker per candidate."""
        from .render.plots import fidelity_fluency

        return fidelity_fluency(self)
