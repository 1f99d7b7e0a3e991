"""Stage 7, aggregate: the tidy tables of the output contract, from the stages' dataclasses.

Columns that a stage has not computed stay empty (NaN), never filled with a made-up value.
"""

from __future__ import annotations

from typing import Iterable, Mapping

import pandas as pd

from mtqa.core.records import Alignment, MarkedDocument
from mtqa.core.taxonomy import PENALTY, SEVERITIES, mqm_score
from mtqa.core.values import SCORE_DECIMALS, word_count
from mtqa.metrics.resampling import ScoreStats
from mtqa.stages.aggregate.statistics import UNIT_METRICS
from mtqa.stages.score.reference import UnitScores, coverage

SENTENCE_COLUMNS = [
    "doc_id", "sent_id", "start", "end", "text", "status", "ref_ids", "ref_text", "align_score",
    "chrf", "bleu", "ter", "semantic", "fluency", "quality", "mqm_penalty", "n_errors", "coverage", "ref_coverage",
]
ERROR_COLUMNS = [
    "doc_id", "sent_id", "start", "end", "doc_start", "doc_end", "text", "category", "severity",
    "detector", "explanation", "suggestion",
]
REFERENCE_COLUMNS = ["doc_id", "candidate", "sent_id", "start", "end", "text", "status", "fluency", "coverage"]
DOCUMENT_COLUMNS = [
    "doc_id", "role", "origin", "system", "n_sentences", "n_content", "n_aligned", "n_unaligned",
    "n_boilerplate", "n_words", "n_errors", "n_minor", "n_major", "n_critical",
    "chrf", "bleu", "ter", "semantic", "fluency", "quality", "mqm_score", "n_partial",
]
# Metrics beyond the contract's: their sentence columns follow the contract columns, when they ran.
EXTRA_UNIT_METRICS = ("unexplained_bits", "explained_bits", "learned")



def _ref_ids(reference_doc: str, ids: tuple[int, ...], primary: str) -> str:
    prefix = "" if reference_doc == primary else f"{reference_doc}:"
    return ";".join(f"{prefix}{i}" for i in ids)


def sentence_table(
    candidates: list[MarkedDocument],
    scores: UnitScores,
    primary: str,
    errors: pd.DataFrame | None = None,
    fluency: dict[tuple[str, int], float] | None = None,
) -> pd.DataFrame:
    """One row per candidate sentence. With ``errors`` (stage 6 ran), every content sentence gets its
    error count and MQM penalty (minor 1, major 5, critical 25); boilerplate stays empty. ``fluency``
    maps (doc_id, sent_id) of non-boilerplate sentences to their 0-100 fluency. A linked sentence is
    ``aligned`` (a whole link) or ``partial`` (a partial link: ``ref_text`` and the scores are those of
    the covered parts) with the share of its words (``coverage``) and of the reference sentence(s)'
    words (``ref_coverage``) that its link covers."""
    fluency = fluency or {}
    unit_of = {(u.doc_id, i): row for row, u in enumerate(scores.units) for i in u.candidate_ids}
    values = {name: scores.scores(name) for name in scores.metrics}
    rows = []
    for marked in candidates:
        doc_id = marked.document.doc_id
        for s in marked.sentences:
            row = {"doc_id": doc_id, "sent_id": s.sent_id, "start": s.start, "end": s.end, "text": s.text}
            row["fluency"] = fluency.get((doc_id, s.sent_id))
            unit = unit_of.get((doc_id, s.sent_id))
            if s.sent_id in marked.non_content:
                row["status"] = "boilerplate"
            elif unit is None:
                row["status"] = "unaligned"
            else:
                u = scores.units[unit]
                row.update(
                    status="partial" if u.partial else "aligned",
                    ref_ids=_ref_ids(u.reference_doc, u.reference_ids, primary),
                    ref_text=u.reference,
                    align_score=u.align_score,
                    coverage=u.coverage,
                    ref_coverage=u.ref_coverage,
                    **{name: values[name][unit] for name in values},
                )
            rows.append(row)
    extra = [name for name in EXTRA_UNIT_METRICS if name in values]
    table = pd.DataFrame(rows, columns=SENTENCE_COLUMNS + extra)
    if errors is not None:
        content = table.status != "boilerplate"
        keys = pd.MultiIndex.from_frame(table[["doc_id", "sent_id"]])
        grouped = errors.assign(penalty=errors.severity.map(PENALTY)).groupby(["doc_id", "sent_id"])
        table.loc[content, "n_errors"] = grouped.size().reindex(keys, fill_value=0).to_numpy()[content.to_numpy()]
        table.loc[content, "mqm_penalty"] = (
            grouped.penalty.sum().reindex(keys, fill_value=0).to_numpy()[content.to_numpy()]
        )
    table["n_errors"] = table["n_errors"].astype("Int64")
    return _round_scores(
        table, ("align_score", *UNIT_METRICS, *extra, "fluency", "quality", "mqm_penalty", "coverage", "ref_coverage")
    )


def reference_table(
    references: list[MarkedDocument], candidates: list[MarkedDocument], alignments: dict[str, Alignment],
    fluency: dict[tuple[str, int], float] | None = None,
) -> pd.DataFrame:
    """One row per reference sentence and candidate: covered (whole, by some link), partial (only
    parts of it, by partial links), omitted or boilerplate; the share of its words the candidate's
    links cover (``coverage``); and the sentence's own fluency (content sentences), so a flawed
    reference sentence can be seen."""
    fluency = fluency or {}
    rows = []
    for reference in references:
        ref_id = reference.document.doc_id
        for candidate in candidates:
            parts: dict[int, list[tuple[int, int] | None]] = {}  # sent_id -> the parts links cover (None: all)
            for link in alignments[candidate.document.doc_id].links:
                if link.reference_doc == ref_id:
                    for i in link.reference_ids:
                        parts.setdefault(i, []).append(link.reference_part)
            for s in reference.sentences:
                share = None
                if s.sent_id in reference.non_content:
                    status = "boilerplate"
                elif s.sent_id not in parts:
                    status, share = "omitted", 0.0
                else:
                    share = coverage(s.text, parts[s.sent_id])
                    status = "covered" if None in parts[s.sent_id] else "partial"
                rows.append(
                    {
                        "doc_id": ref_id,
                        "candidate": candidate.document.doc_id,
                        "sent_id": s.sent_id,
                        "start": s.start,
                        "end": s.end,
                        "text": s.text,
                        "status": status,
                        "fluency": fluency.get((ref_id, s.sent_id)),
                        "coverage": share,
                    }
                )
    return _round_scores(pd.DataFrame(rows, columns=REFERENCE_COLUMNS), ("fluency", "coverage"))


def _round_scores(table: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """The score columns as numbers rounded to SCORE_DECIMALS (empty cells stay empty)."""
    for column in columns:
        table[column] = pd.to_numeric(table[column]).round(SCORE_DECIMALS)
    return table


def _words(texts) -> int:
    return sum(word_count(t) for t in texts)


def document_table(
    references: list[MarkedDocument],
    candidates: list[MarkedDocument],
    sentences: pd.DataFrame,
    errors: pd.DataFrame,
    statistics: Mapping[str, Mapping[str, ScoreStats]],
) -> pd.DataFrame:
    """One row per document; its scores are the point estimates of its ``statistics``
    (:func:`mtqa.stages.aggregate.statistics.document_statistics`). Document fluency is the mean over
    content sentences, for references as for candidates."""
    rows = []
    for marked in references + candidates:
        document = marked.document
        mine = sentences[sentences.doc_id == document.doc_id]
        content = [s.text for s in marked.content]
        row = {
            "doc_id": document.doc_id,
            "role": document.role,
            "origin": document.origin,
            "system": document.system,
            "n_sentences": len(marked.sentences),
            "n_content": len(content),
            "n_boilerplate": len(marked.non_content),
            "n_words": _words(content),
            **{name: statistic.score() for name, statistic in statistics[document.doc_id].items()},
        }
        if document.role == "candidate":
            doc_errors = errors[errors.doc_id == document.doc_id]
            row.update(
                n_aligned=int((mine.status == "aligned").sum()),
                n_unaligned=int((mine.status == "unaligned").sum()),
                n_partial=int((mine.status == "partial").sum()),
            )
            if mine.n_errors.notna().any():
                row.update(
                    n_errors=len(doc_errors),
                    **{f"n_{level}": int((doc_errors.severity == level).sum()) for level in SEVERITIES},
                )
        rows.append(row)
    table = pd.DataFrame(rows, columns=DOCUMENT_COLUMNS)
    for column in ("n_aligned", "n_unaligned", "n_errors", "n_minor", "n_major", "n_critical", "n_partial"):
        table[column] = table[column].astype("Int64")
    return _round_scores(table, (*UNIT_METRICS, "fluency", "quality", "mqm_score"))


def error_table(errors) -> pd.DataFrame:
    """The error spans (:class:`mtqa.stages.find_errors.spans.ErrorSpan`) as the errors table of the contract."""
    table = pd.DataFrame([{c: getattr(e, c) for c in ERROR_COLUMNS} for e in errors], columns=ERROR_COLUMNS)
    for column in ("sent_id", "start", "end", "doc_start", "doc_end"):
        table[column] = table[column].astype("int64")
    return table



def empty_errors() -> pd.DataFrame:
    return pd.DataFrame(columns=ERROR_COLUMNS)


__all__ = [
    "SENTENCE_COLUMNS", "ERROR_COLUMNS", "REFERENCE_COLUMNS", "DOCUMENT_COLUMNS",
    "sentence_table", "reference_table", "document_table", "error_table", "empty_errors", "mqm_score",
]
