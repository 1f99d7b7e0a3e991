"""The pipeline, in one direction:
load -> segment -> mark non-content -> align -> score -> find errors -> aggregate.

``assess`` runs the stages and returns an :class:`~mtqa.pipeline.result.Assessment`; rendering is the
caller's choice (:mod:`mtqa.render`, the API, the CLI, a notebook).
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from mtqa.backends.encoder import sentence_encoder
from mtqa.backends.estimator import link_verifier
from mtqa.backends.result_cache import caching
from mtqa.backends.workers import distributed
from mtqa.checks import enabled_checks
from mtqa.core.exceptions import InputError
from mtqa.core.progress import track
from mtqa.core.records import Alignment, Document, MarkedDocument
from mtqa.core.timing import StageTimes
from mtqa.metrics import REFERENCE_METRICS, Metric
from mtqa.metrics.unexplained import UnexplainedBits
from mtqa.pipeline.options import AssessOptions
from mtqa.pipeline.result import Assessment
from mtqa.pipeline.signature import run_signature
from mtqa.stages.aggregate import tables as aggregate
from mtqa.stages.aggregate.quality import add_quality, packaged_model
from mtqa.stages.aggregate.reference_quality import reference_warnings
from mtqa.stages.aggregate.statistics import add_document_intervals, document_statistics
from mtqa.stages.aggregate.units import unit_table
from mtqa.stages.align import align_comparable, align_parallel
from mtqa.stages.find_errors.spans import find_errors
from mtqa.stages.load import (
    UnitDocument,
    check_line_aligned,
    check_unique_ids,
    is_vendor_file,
    line_up,
    load_document,
    load_units,
)
from mtqa.stages.noncontent import mark_non_content
from mtqa.stages.score.fluency import fluency_checks, fluency_scorer, score_documents
from mtqa.stages.score.reference import build_units, score_units
from mtqa.stages.segment import segment, segment_lines

DocumentInput = str | Path | Document


def _as_document(item: DocumentInput, role: str, doc_id: str | None = None) -> Document:
    if isinstance(item, Document):
        return replace(item, role=role, doc_id=doc_id or item.doc_id)
    if isinstance(item, (str, Path)):
        return load_document(item, role, doc_id)  # type: ignore[arg-type]
    raise InputError(None, f"expected a file path or a Document, got {type(item).__name__}")


def _as_documents(
    items: DocumentInput | Iterable[DocumentInput] | Mapping[str, DocumentInput], role: str,
    load: dict | None = None, found_references: list[Document] | None = None,
) -> list[Document]:
    """Documents from paths or Documents; a vendor file (XLIFF, TMX, PO, a table) gives one document
    per candidate column, and a reference it holds itself is added to ``found_references``."""
    load = load or {}

    def one(item, doc_id=None) -> list[Document]:
        if is_vendor_file(item):
            documents, reference = load_units(item, role, doc_id, **load)  # type: ignore[arg-type]
            if reference is not None and found_references is not None:
                found_references.append(reference)
            return documents
        return [_as_document(item, role, doc_id)]

    if isinstance(items, Mapping):
        return [d for doc_id, item in items.items() for d in one(item, doc_id)]
    if isinstance(items, (str, Path, Document)):
        return one(items)
    return [d for item in items for d in one(item)]


def _mark(document: Document, options: AssessOptions, others: Sequence[str] = ()) -> MarkedDocument:
    """Segment and mark one document; ``others``: the texts of the documents it is read beside (a
    candidate's references), whose words a headline of another story lacks."""
    if options.parallel:
        return MarkedDocument(document, segment_lines(document), {})
    sentences = segment(document)
    encoder = sentence_encoder(options.models.embedding_model)
    marks = mark_non_content(document, sentences, encode=encoder.encode, config=options.non_content, others=others)
    return MarkedDocument(document, sentences, marks)


def _align(
    candidate: MarkedDocument, references: list[MarkedDocument], options: AssessOptions
) -> Alignment:
    if not references:  # quality estimation: every content sentence is unaligned
        return Alignment(candidate.document.doc_id, ())
    if options.parallel:
        primary = references[0]
        return align_parallel(candidate.document.doc_id, candidate.sentences, primary.sentences, primary.document.doc_id)
    encoder = sentence_encoder(options.models.embedding_model)
    return align_comparable(
        candidate.document.doc_id,
        candidate.content,
        [(r.document.doc_id, r.content) for r in references],
        encoder.encode,
        options.align,
        link_verifier(options.models.batch_size) if options.align.verifier_weight else None,
    )


def _metrics(options: AssessOptions, progress: bool) -> list[Metric]:
    built = (REFERENCE_METRICS[name].for_run(options.models, progress) for name in options.score.metrics)
    return [metric for metric in built if metric is not None]


def assess(
    reference: DocumentInput | Iterable[DocumentInput] | None,
    candidates: DocumentInput | Iterable[DocumentInput] | Mapping[str, DocumentInput],
    *,
    options: AssessOptions | None = None,
    progress: bool = False,
    columns: Mapping[str, list[str]] | None = None,
    reference_from: str | None = None,
    client=None,
    **overrides,
) -> Assessment:
    """Assess candidate translations against one reference (or several: the first is primary).

    ``reference`` and ``candidates`` are file paths or :class:`~mtqa.core.records.Document` objects; a mapping
    gives candidates explicit ids. ``reference=None`` is quality estimation: no alignment and no
    reference metrics; fluency, the errors found without a reference and the reference-free quality.
    Keyword overrides are settings by their flat names (:meth:`AssessOptions.build`).

    Vendor files (XLIFF, TMX, PO; CSV, TSV, JSONL tables with a ``columns`` mapping; or
    :class:`~mtqa.stages.load.UnitDocument` objects) are line-aligned, one unit a line, matched by unit
    id; ``reference_from`` takes the reference from the first candidate file itself (an XLIFF
    ``alt-trans``, a TMX variant), as a table's reference column does.

    ``client``, a ``distributed.Client``, runs the language model's passes on the Dask cluster's
    workers (:mod:`mtqa.backends.workers`); the tables are the same as a local run's.
    """
    options = AssessOptions.build(options, **overrides)
    with contextlib.ExitStack() as stack:
        if not options.models.cache:
            stack.enter_context(caching(False))
        stack.enter_context(distributed(client))
        return _assess(reference, candidates, options, progress, columns, reference_from)


def _assess(
    reference: DocumentInput | Iterable[DocumentInput] | None,
    candidates: DocumentInput | Iterable[DocumentInput] | Mapping[str, DocumentInput],
    options: AssessOptions,
    progress: bool,
    columns: Mapping[str, list[str]] | None,
    reference_from: str | None,
) -> Assessment:
    times = StageTimes()
    with times.stage("load"):
        load = {"columns": dict(columns) if columns else None, "reference_from": reference_from}
        references = _as_documents(reference, "reference", {"columns": load["columns"]}) if reference is not None else []
        if reference is not None and not references:
            raise InputError(None, "no reference documents (reference=None assesses without one)")
        held: list[Document] = []  # references the candidate files hold themselves
        candidate_docs = _as_documents(candidates, "candidate", load, held)
        if not candidate_docs:
            raise InputError(None, "no candidate documents")
        if reference_from is not None and not held:
            raise InputError(None, "reference_from: no candidate is an XLIFF or TMX file to take the reference from")
        if not references and held and reference_from is not None:
            references = held[:1]
        if any(isinstance(d, UnitDocument) for d in references + candidate_docs):
            options = replace(options, parallel=True)  # one unit a line
            references, candidate_docs = line_up(references, candidate_docs)
        # run.json records what ran
        options = replace(options, score=replace(options.score, fluency_context=options.reads_in_context))
        if not references:  # quality estimation: no reference metric runs (run.json records what ran)
            options = replace(options, score=replace(options.score, metrics=()))
        check_unique_ids(references + candidate_docs)
        if options.models.fluency_model is not None:
            fluency_scorer(options.models.fluency_model)  # load it now: a bad model fails before the slow stages
        if options.parallel and references:
            for candidate in candidate_docs:
                check_line_aligned(references[0], candidate)

    with times.stage("segment and mark"):
        marked_refs = [_mark(d, options) for d in references]
        reference_texts = [d.text for d in references]
        marked_cands = [_mark(d, options, reference_texts) for d in candidate_docs]

    with times.stage("align"):
        alignments = {
            m.document.doc_id: _align(m, marked_refs, options)
            for m in track(marked_cands, "aligning", enabled=progress)
        }

    with times.stage("score: metrics"):
        reference_sentences = {m.document.doc_id: m.by_id for m in marked_refs}
        units = [
            unit
            for m in marked_cands
            for unit in build_units(alignments[m.document.doc_id], m.by_id, reference_sentences)
        ]
        metrics = _metrics(options, progress)
        scores = score_units(units, metrics)

    with times.stage("score: fluency"):
        fluency = score_documents(
            marked_refs + marked_cands, options.models.fluency_model, fluency_checks(options.errors.checks),
            in_context=options.score.fluency_context, progress=progress,
        )

    errors = aggregate.empty_errors()
    if options.errors.enabled:
        with times.stage("find errors"):
            encoder = sentence_encoder(options.models.embedding_model)
            references_by_id = {m.document.doc_id: m for m in marked_refs}
            after_reference = UnexplainedBits.for_run(options.models, progress)  # the metric's pairs, remembered
            spans = find_errors(marked_cands, units, references_by_id, encoder, enabled_checks(options.errors.checks),
                                surprisals=fluency.by_sentence(), parallel=options.parallel,
                                words_after_reference=after_reference.words if after_reference else None)
            errors = aggregate.error_table(spans)
    with times.stage("aggregate"):
        primary = references[0].doc_id if references else ""
        sentences = add_quality(
            aggregate.sentence_table(
                marked_cands, scores, primary, errors if options.errors.enabled else None, fluency.scores
            )
        )
        units = unit_table(marked_cands, sentences)
        roles = {m.document.doc_id: m.document.role for m in marked_refs + marked_cands}
        statistics = document_statistics(roles, sentences, scores, fluency.scores)
        documents = aggregate.document_table(marked_refs, marked_cands, sentences, errors, statistics)
        documents = add_document_intervals(
            documents, statistics, options.aggregate.bootstrap_resamples, options.aggregate.seed
        )
        reference_rows = aggregate.reference_table(marked_refs, marked_cands, alignments, fluency.scores)
        models = {"embedding": options.models.embedding_model}
        if options.align.verifier_weight and not options.parallel and references:
            models["link-verifier"] = "link-verifier"
        if options.errors.enabled:
            models["linguistic-annotation"] = "spacy-en"
        if fluency.signature:
            models["fluency"] = options.models.fluency_model
        signature = run_signature(options, references + candidate_docs, metrics, models)
        signature["quality_weights"] = packaged_model().describe()
        warnings = reference_warnings(marked_refs, marked_cands, fluency.scores, compare_spelling=options.errors.enabled)
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
        units=units,
        times=times,
    )
