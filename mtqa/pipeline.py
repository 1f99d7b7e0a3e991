"""The pipeline, in one direction:
load -> segment -> mark non-content -> align -> score -> find errors -> aggregate -> render.

``assess`` runs the stages up to aggregation and returns an :class:`~mtqa.result.Assessment`;
rendering is the caller's choice (``Assessment.save``, the CLI, a notebook).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Mapping

from . import aggregate
from .align import Alignment, ReferenceSide, align_greedy, align_parallel
from .exceptions import InputError
from .fluency import fluency_scorer, score_documents
from .load import Document, check_line_aligned, check_unique_ids, load_document
from .metrics import REFERENCE_METRICS, SemanticSimilarity
from .models import sentence_encoder
from .noncontent import MarkedDocument, mark_non_content
from .progress import track
from .result import Assessment
from .score import build_units, score_units
from .segment import segment, segment_lines
from .signature import run_signature


@dataclass(frozen=True)
class AssessOptions:
    parallel: bool = False  # line-aligned inputs: no segmentation, no alignment
    embedding_model: str = "minilm"  # packaged name, local directory or hub id
    align_threshold: float = 0.5  # minimum cosine for a candidate sentence to link to a reference one
    batch_size: int = 32
    metrics: tuple[str, ...] = ("chrf", "bleu", "ter", "semantic")
    non_content_detectors: tuple[str, ...] | None = None  # None: all registered detectors
    fluency_model: str = "smollm2"  # "smollm2", "ngram", a causal LM's directory or hub id, or "none"

    def __post_init__(self) -> None:
        unknown = set(self.metrics) - set(REFERENCE_METRICS)
        if unknown:
            raise InputError(None, f"unknown metric(s): {', '.join(sorted(unknown))}")
        if not 0.0 <= self.align_threshold <= 1.0:
            raise InputError(None, f"align_threshold must be within [0, 1], got {self.align_threshold}")
        if self.batch_size < 1:
            raise InputError(None, f"batch_size must be at least 1, got {self.batch_size}")


DocumentInput = str | Path | Document


def _as_document(item: DocumentInput, role: str, doc_id: str | None = None) -> Document:
    if isinstance(item, Document):
        return replace(item, role=role, doc_id=doc_id or item.doc_id)
    if isinstance(item, (str, Path)):
        return load_document(item, role, doc_id)  # type: ignore[arg-type]
    raise InputError(None, f"expected a file path or a Document, got {type(item).__name__}")


def _as_documents(
    items: DocumentInput | Iterable[DocumentInput] | Mapping[str, DocumentInput], role: str
) -> list[Document]:
    if isinstance(items, Mapping):
        return [_as_document(item, role, doc_id) for doc_id, item in items.items()]
    if isinstance(items, (str, Path, Document)):
        return [_as_document(items, role)]
    return [_as_document(item, role) for item in items]


def _mark(document: Document, options: AssessOptions) -> MarkedDocument:
    if options.parallel:
        return MarkedDocument(document, segment_lines(document), {})
    sentences = segment(document)
    detectors = list(options.non_content_detectors) if options.non_content_detectors is not None else None
    return MarkedDocument(document, sentences, mark_non_content(document, sentences, detectors))


def _align(
    candidate: MarkedDocument, references: list[MarkedDocument], options: AssessOptions
) -> Alignment:
    if options.parallel:
        primary = references[0]
        return align_parallel(candidate.document.doc_id, candidate.sentences, primary.sentences, primary.document.doc_id)
    encoder = sentence_encoder(options.embedding_model, options.batch_size)
    sides = [
        ReferenceSide(r.document.doc_id, r.content, encoder.encode([s.text for s in r.content]))
        for r in references
    ]
    content = candidate.content
    return align_greedy(
        candidate.document.doc_id,
        content,
        encoder.encode([s.text for s in content]),
        sides,
        options.align_threshold,
    )


def _metrics(options: AssessOptions):
    metrics = []
    for name in options.metrics:
        cls = REFERENCE_METRICS[name]
        metrics.append(
            cls(options.embedding_model, options.batch_size) if cls is SemanticSimilarity else cls()
        )
    return metrics


def assess(
    reference: DocumentInput | Iterable[DocumentInput],
    candidates: DocumentInput | Iterable[DocumentInput] | Mapping[str, DocumentInput],
    *,
    options: AssessOptions | None = None,
    progress: bool = False,
    **overrides,
) -> Assessment:
    """Assess candidate translations against one reference (or several: the first is primary).

    ``reference`` and ``candidates`` are file paths or :class:`~mtqa.load.Document` objects; a mapping
    gives candidates explicit ids. Keyword overrides set fields of :class:`AssessOptions`.
    """
    options = replace(options or AssessOptions(), **overrides)
    references = _as_documents(reference, "reference")
    candidate_docs = _as_documents(candidates, "candidate")
    if not candidate_docs:
        raise InputError(None, "no candidate documents")
    check_unique_ids(references + candidate_docs)
    if options.fluency_model != "none":
        fluency_scorer(options.fluency_model)  # load it now: a bad model fails before the slow stages
    if options.parallel:
        for candidate in candidate_docs:
            check_line_aligned(references[0], candidate)

    marked_refs = [_mark(d, options) for d in references]
    marked_cands = [_mark(d, options) for d in candidate_docs]

    alignments = {
        m.document.doc_id: _align(m, marked_refs, options)
        for m in track(marked_cands, "aligning", enabled=progress)
    }

    reference_sentences = {m.document.doc_id: m.by_id for m in marked_refs}
    units = [
        unit
        for m in marked_cands
        for unit in build_units(alignments[m.document.doc_id], m.by_id, reference_sentences)
    ]
    metrics = _metrics(options)
    scores = score_units(units, metrics)

    fluency = score_documents(marked_refs + marked_cands, options.fluency_model, progress=progress)

    errors = aggregate.empty_errors()
    primary = references[0].doc_id
    sentences = aggregate.sentence_table(marked_cands, scores, primary, fluency.scores)
    documents = aggregate.document_table(marked_refs, marked_cands, sentences, errors, scores, fluency.scores)
    reference_rows = aggregate.reference_table(marked_refs, marked_cands, alignments)
    models = {"embedding": options.embedding_model}
    if fluency.signature:
        models["fluency"] = options.fluency_model
    signature = run_signature(options, references + candidate_docs, metrics, models)
    if fluency.signature:
        signature["metrics"]["fluency"] = fluency.signature
    return Assessment(
        sentences=sentences,
        errors=errors,
        documents=documents,
        reference=reference_rows,
        signature=signature,
        marked={m.document.doc_id: m for m in marked_refs + marked_cands},
        unit_scores=scores,
        words=fluency.words,
    )
