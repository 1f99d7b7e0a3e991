"""The Python API: :func:`assess`, :func:`compare` and :func:`gate`, whose results render themselves
(files, HTML, plots, a notebook's display) through :mod:`mtqa.render`.

The pipeline and the analyses compute; this module only joins their results to their renderings, so
that no lower layer needs to know how a result is shown.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mtqa.analyses.compare import CompareResult, compare
from mtqa.analyses.gate import GateResult, gate
from mtqa.core.exceptions import InputError
from mtqa.core.records import Document
from mtqa.pipeline import run
from mtqa.pipeline.options import AssessOptions
from mtqa.pipeline.result import Assessment
from mtqa.render import plots
from mtqa.render.annotate import render_annotated, write_annotated
from mtqa.render.files import write_outputs
from mtqa.render.html import render_document, render_summary
from mtqa.stages.load import document_from_text, frame_documents, load_document

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
class AssessmentReport(Assessment):
    """An :class:`~mtqa.pipeline.result.Assessment` with its renderings as methods."""

    @classmethod
    def of(cls, assessment: Assessment) -> AssessmentReport:
        return cls(**{f.name: getattr(assessment, f.name) for f in dataclasses.fields(Assessment)})

    def save(self, out: str | Path, comparison: CompareResult | None = None, annotate: str | Path | None = None) -> Path:
        """Write the output contract's files into ``out`` (atomically, file by file); with a
        ``comparison`` the report also ranks the systems; with ``annotate``, the vendor files annotated
        (:meth:`annotate`) into that folder. Nothing is written if the annotated files cannot be made."""
        if annotate is not None:
            self._annotatable(annotate)
        written = write_outputs(self, Path(out), comparison)
        if annotate is not None:
            self.annotate(annotate)
        return written

    def _annotatable(self, out: str | Path) -> dict[str, bytes]:
        rendered = render_annotated(self)
        if not rendered:
            raise InputError(out, "nothing to annotate: no candidate was read from an XLIFF, TMX, PO, CSV, TSV "
                                  "or JSONL file")
        return rendered

    def annotate(self, out: str | Path) -> list[Path]:
        """Write each candidate vendor file back in its own format with the errors and quality attached
        (ITS 2.0 in XLIFF, notes in TMX, comments in PO, columns in tables); see :mod:`mtqa.render.annotate`."""
        self._annotatable(out)
        return write_annotated(self, Path(out))

    def _repr_html_(self) -> str:
        return render_summary(self)

    def show(self, doc_id: str) -> HTMLFragment:
        """One candidate's sentences beside their reference sentences, error spans highlighted."""
        if doc_id not in self.candidates:
            raise InputError(doc_id, f"not a candidate of this assessment (candidates: {', '.join(self.candidates)})")
        return HTMLFragment(render_document(self, doc_id))

    def plot_quality(self) -> Figure:
        """Sentence-score distribution per candidate (quality; semantic similarity until quality exists)."""
        return plots.quality_distribution(self)

    def plot_errors(self) -> Figure:
        """Error spans per MQM category, one bar per candidate."""
        return plots.errors_by_category(self)

    def plot_fidelity_fluency(self) -> Figure:
        """Fidelity against fluency, one dot per sentence, one colour and marker per candidate."""
        return plots.fidelity_fluency(self)


def assess(reference, candidates, *, options: AssessOptions | None = None, progress: bool = False,
           client=None, **overrides) -> AssessmentReport:
    """Assess candidate translations against one reference (or several: the first is primary); see
    :func:`mtqa.pipeline.run.assess` (``client``: a ``distributed.Client`` whose workers run the
    language model's passes)."""
    return AssessmentReport.of(
        run.assess(reference, candidates, options=options, progress=progress, client=client, **overrides)
    )


def assess_frame(frame, candidate: str | list[str], reference: str | None = None, source: str | None = None,
                 *, id: str | None = None, options: AssessOptions | None = None, progress: bool = False,
                 **overrides) -> AssessmentReport:
    """Assess a pandas DataFrame with one row per segment: ``candidate`` names one candidate column or
    a list of them (each a candidate document, named by its column), ``reference`` the reference
    column (None: quality estimation), ``source`` and ``id`` the source text and unit id columns
    (without ``id``, rows are numbered from 1). Line-aligned: row i of each candidate against row i of
    the reference; an empty cell is reported as an empty unit (``result.units``), not scored. The same
    result object as :func:`assess`."""
    candidates, reference_document = frame_documents(frame, candidate, reference, source, id)
    return assess(reference_document, candidates, options=options, progress=progress, **overrides)


__all__ = [
    "Assessment", "AssessmentReport", "AssessOptions", "CompareResult", "Document", "GateResult", "HTMLFragment",
    "InputError", "assess", "assess_frame", "compare", "document_from_text", "gate", "load_document",
]
