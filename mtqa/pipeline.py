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
from .align import AlignParameters, Alignment, align_comparable, align_parallel
from .checks import enabled_checks
from .exceptions import InputError
from .intervals import add_document_intervals
from .find_errors import find_errors
from .fluency import fluency_checks, fluency_scorer, score_documents
from .reference_quality import reference_warnings
from .lm import is_causal
from .load import Document, check_line_aligned, check_unique_ids, load_document
from .metrics import REFERENCE_METRICS, Metric
from .metrics.unexplained import UnexplainedBits
from .models import sentence_encoder
from .noncontent import MarkedDocument, NonContentConfig, mark_non_content
from .progress import track
from .quality import add_quality, packaged_model
from .result import Assessment
from .score import build_units, score_units
from .segment import segment, segment_lines
from .signature import run_signature


@dataclass(frozen=True)
class AssessOptions:
    parallel: bool = False  # line-aligned inputs: no segmentation, no alignment
    embedding_model: str = "minilm"  # packaged name, local directory or hub id
    align_threshold: float = AlignParameters.skip_cost  # skip cost: the score a link must beat
    max_merge: int = AlignParameters.max_merge  # consecutive sentences a link may join on one side
    batch_size: int = 32
    # unexplained_bits and explained_bits need a causal LM: with fluency_model "ngram" or "none" they
    # are left out
    metrics: tuple[str, ...] = ("chrf", "bleu", "ter", "semantic", "unexplained_bits", "explained_bits")
    non_content_detectors: tuple[str, ...] | None = None  # None: all registered detectors
    bootstrap_resamples: int = 1000  # for the confidence intervals in documents.csv
    seed: int = 12345  # of every resampling: same seed, same intervals
    find_errors: bool = True  # stage 6: error spans, n_errors and mqm_penalty
    # QA checks to run: names, or a mapping that switches checks on and off from the default set
    # (a manifest's [checks] table); None: the default set. Stored as the names that run.
    checks: tuple[str, ...] | Mapping[str, bool] | None = None
    non_content: NonContentConfig = NonContentConfig()  # detector thresholds and lexical cues
    fluency_model: str = "smollm2"  # "smollm2", "ngram", a causal LM's directory or hub id, or "none"
    # A causal LM reads each content sentence after the content sentence before it in its document.
    # None: it does so for documents, not for line-aligned inputs (``parallel``), whose lines may come
    # from many documents (a WMT test set) with no boundary marked; the n-gram tier reads sentences alone.
    fluency_context: bool | None = None

    def __post_init__(self) -> None:
        if self.checks is not None:  # enabled_checks refuses unknown names
            object.__setattr__(self, "checks", tuple(c.name for c in enabled_checks(self.checks)))
        unknown = set(self.metrics) - set(REFERENCE_METRICS)
        if unknown:
            raise InputError(None, f"unknown metric(s): {', '.join(sorted(unknown))}")
        if not 0.0 <= self.align_threshold <= 1.0:
            raise InputError(None, f"align_threshold must be within [0, 1], got {self.align_threshold}")
        if self.max_merge < 1:
            raise InputError(None, f"max_merge must be at least 1, got {self.max_merge}")
        if self.batch_size < 1:
            raise InputError(None, f"batch_size must be at least 1, got {self.batch_size}")
        if self.bootstrap_resamples < 1:
            raise InputError(None, f"bootstrap_resamples must be at least 1, got {self.bootstrap_resamples}")
        if self.fluency_context and not self.causal_fluency_model:
            raise InputError(None, f"fluency_context needs a causal language model, not {self.fluency_model!r} "
                                   "(the n-gram tier reads sentences alone)")

    @property
    def causal_fluency_model(self) -> bool:
        """Whether the fluency model is a causal LM, one that can read a context (not "ngram", not "none")."""
        return self.fluency_model != "none" and is_causal(self.fluency_model)

    @property
    def reads_in_context(self) -> bool:
        """Whether the fluency stage reads each sentence after the one before it (``fluency_context``
        resolved)."""
        if self.fluency_context is not None:
            return self.fluency_context
        return self.causal_fluency_model and not self.parallel


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
    encoder = sentence_encoder(options.embedding_model, options.batch_size)
    marks = mark_non_content(document, sentences, detectors, encoder.encode, options.non_content)
    return MarkedDocument(document, sentences, marks)


def _align(
    candidate: MarkedDocument, references: list[MarkedDocument], options: AssessOptions
) -> Alignment:
    if not references:  # quality estimation: every content sentence is unaligned
        return Alignment(candidate.document.doc_id, ())
    if options.parallel:
        primary = references[0]
        return align_parallel(candidate.document.doc_id, candidate.sentences, primary.sentences, primary.document.doc_id)
    encoder = sentence_encoder(options.embedding_model, options.batch_size)
    return align_comparable(
        candidate.document.doc_id,
        candidate.content,
        [(r.document.doc_id, r.content) for r in references],
        encoder.encode,
        AlignParameters(max_merge=options.max_merge, skip_cost=options.align_threshold),
    )


def _metrics(options: AssessOptions, progress: bool) -> list[Metric]:
    built = (REFERENCE_METRICS[name].for_run(options, progress) for name in options.metrics)
    return [metric for metric in built if metric is not None]


def assess(
    reference: DocumentInput | Iterable[DocumentInput] | None,
    candidates: DocumentInput | Iterable[DocumentInput] | Mapping[str, DocumentInput],
    *,
    options: AssessOptions | None = None,
    progress: bool = False,
    **overrides,
) -> Assessment:
    """Assess candidate translations against one reference (or several: the first is primary).

    ``reference`` and ``candidates`` are file paths or :class:`~mtqa.load.Document` objects; a mapping
    gives candidates explicit ids. ``reference=None`` is quality estimation: no alignment and no
    reference metrics; fluency, the errors found without a reference and the reference-free quality.
    Keyword overrides set fields of :class:`AssessOptions`.
    """
    options = replace(options or AssessOptions(), **overrides)
    options = replace(options, fluency_context=options.reads_in_context)  # run.json records what ran
    references = _as_documents(reference, "reference") if reference is not None else []
    if reference is not None and not references:
        raise InputError(None, "no reference documents (reference=None assesses without one)")
    if not references:  # quality estimation: no reference metric runs (run.json records what ran)
        options = replace(options, metrics=())
    candidate_docs = _as_documents(candidates, "candidate")
    if not candidate_docs:
        raise InputError(None, "no candidate documents")
    check_unique_ids(references + candidate_docs)
    if options.fluency_model != "none":
        fluency_scorer(options.fluency_model)  # load it now: a bad model fails before the slow stages
    if options.parallel and references:
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
    metrics = _metrics(options, progress)
    scores = score_units(units, metrics)

    fluency = score_documents(
        marked_refs + marked_cands, options.fluency_model, fluency_checks(options.checks),
        in_context=options.fluency_context, progress=progress,
    )

    errors = aggregate.empty_errors()
    if options.find_errors:
        encoder = sentence_encoder(options.embedding_model, options.batch_size)
        references_by_id = {m.document.doc_id: m for m in marked_refs}
        after_reference = UnexplainedBits.for_run(options, progress)  # the metric's pairs, remembered
        spans = find_errors(marked_cands, units, references_by_id, encoder, enabled_checks(options.checks),
                            surprisals=fluency.by_sentence(), parallel=options.parallel,
                            words_after_reference=after_reference.words if after_reference else None)
        errors = aggregate.error_table(spans)
    primary = references[0].doc_id if references else ""
    sentences = add_quality(
        aggregate.sentence_table(
            marked_cands, scores, primary, errors if options.find_errors else None, fluency.scores
        )
    )
    documents = aggregate.document_table(marked_refs, marked_cands, sentences, errors, scores, fluency.scores)
    documents = add_document_intervals(
        documents, sentences, scores, fluency.scores, options.bootstrap_resamples, options.seed
    )
    reference_rows = aggregate.reference_table(marked_refs, marked_cands, alignments, fluency.scores)
    models = {"embedding": options.embedding_model}
    if options.find_errors:
        models["linguistic-annotation"] = "spacy-en"
    if fluency.signature:
        models["fluency"] = options.fluency_model
    signature = run_signature(options, references + candidate_docs, metrics, models)
    signature["quality_weights"] = packaged_model().describe()
    warnings = reference_warnings(marked_refs, marked_cands, fluency.scores, compare_spelling=options.find_errors)
    signature["warnings"] = warnings
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
        warnings=warnings,
    )
