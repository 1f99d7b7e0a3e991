"""The HTML report and the notebook displays, rendered from an Assessment with Jinja2.

Document text is untrusted. Autoescaping is on for every template value; the one place that builds
markup in Python, :func:`highlight`, escapes each piece of sentence text itself. The report also
carries a Content-Security-Policy that allows no network request and runs only its own script (by
hash), so even a mistake in escaping could neither fetch nor execute anything.

What the report shows is decided by what the result holds: a score column, confidence interval,
warning or comparison table that a stage did not produce is simply absent (or "–"), never invented.
"""

from __future__ import annotations

import base64
import hashlib
import math
from dataclasses import dataclass
from importlib import resources
from typing import Any

import jinja2
import pandas as pd
from markupsafe import Markup, escape

from mtqa.analyses.compare import CompareResult
from mtqa.core.taxonomy import PENALTY, SEVERITIES
from mtqa.pipeline.result import Assessment
from mtqa.render import plots
from mtqa.render.style import (
    FAMILY_COLOURS,
    candidate_colour,
    candidate_label,
    category_order,
    family,
    present,
    sentence_score,
)

_environment = jinja2.Environment(
    loader=jinja2.PackageLoader("mtqa", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True)
class Score:
    column: str
    label: str
    digits: int
    meaning: str  # the header's tooltip
    better: str = ""  # "higher" or "lower": the summary marks the best candidate; "" marks none
    needs_reference: bool = False  # left out of the summary of a run without a reference


# Document-level scores of the summary, in display order; a column the result lacks is left out.
SUMMARY_SCORES = (
    Score("quality", "Quality", 1, "mean sentence quality, 0–100, higher is better", "higher"),
    Score("mqm_score", "MQM", 1, "MQM-style score: minus the error penalties (minor 1, major 5, critical 25) per 100 words; 0 is flawless, higher is better", "higher"),
    Score("fidelity", "Fidelity", 3, "fidelity to the reference, higher is better", "higher", True),
    Score("semantic", "Semantic", 3, "mean cosine similarity of aligned sentences to their reference, higher is better", "higher", True),
    Score("fluency", "Fluency", 1, "mean reference-free fluency, 0–100, higher is better", "higher"),
    Score("chrf", "chrF", 1, "corpus chrF over aligned units, higher is better", "higher", True),
    Score("bleu", "BLEU", 1, "corpus BLEU over aligned units, higher is better", "higher", True),
    Score("ter", "TER", 1, "corpus TER over aligned units, lower is better", "lower", True),
)
# Sentence-level scores shown under each sentence's headline score.
SENTENCE_SCORES = (
    Score("mqm_penalty", "MQM penalty", 0, "sum of error penalties"),
    Score("fidelity", "fidelity", 3, ""),
    Score("fluency", "fluency", 1, ""),
    Score("semantic", "semantic", 3, ""),
    Score("chrf", "chrF", 1, ""),
    Score("bleu", "BLEU", 1, ""),
    Score("ter", "TER", 1, ""),
    Score("align_score", "alignment", 3, ""),
)
STATUS_LABELS = {"aligned": "aligned", "partial": "partial", "unaligned": "addition", "omitted": "omission"}


def number(value: Any, digits: int = 1) -> str:
    """A score for display; anything missing (None, NA, NaN, a column not computed) is "–"."""
    if not present(value):
        return "–"
    try:
        number_value = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(number_value):
        return "–"
    return f"{number_value:.{digits}f}".replace("-", "\u2212")  # a true minus sign, not a hyphen


_environment.filters["number"] = number


# --- highlighting ---------------------------------------------------------------------------------


def _span_title(error: dict) -> str:
    lines = [f"{error['category']} · {error['severity']} · found by {error['detector']}"]
    if error["explanation"]:
        lines.append(error["explanation"])
    if error["suggestion"]:
        lines.append(f"suggestion: {error['suggestion']}")
    return "\n".join(lines)


_SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}


def _strongest(errors: list[dict]) -> dict:
    """The error whose colour a stretch of overlapping spans takes: most severe, then narrowest."""
    return max(errors, key=lambda e: (_SEVERITY_RANK.get(e["severity"], -1), -(e["end"] - e["start"])))


def _mark(piece: str, covering: list[dict], insertion: bool = False) -> Markup:
    top = _strongest(covering)
    classes = ["span", f"fam-{family(top['category'])}", f"sev-{top['severity']}"]
    if len(covering) > 1:
        classes.append("overlap")
    if insertion:
        classes.append("insertion")
    return Markup(
        '<mark class="{classes}" data-err="{ids}" title="{title}" tabindex="0">{piece}</mark>'
    ).format(
        classes=" ".join(classes),
        ids=" ".join(e["id"] for e in covering),
        title="\n\n".join(_span_title(e) for e in covering),
        piece=piece,
    )


def highlight(text: str, errors: list[dict]) -> Markup:
    """``text`` as HTML with each error span marked; every piece of text is escaped on its own.

    ``errors`` are dicts with ``id, start, end, category, severity, detector, explanation, suggestion``
    and offsets into ``text`` (end exclusive). Overlapping spans are cut at every boundary, so each
    stretch of text is one ``<mark>`` listing all the errors that cover it (no nesting); a zero-width
    span (an omission anchored between words) is an insertion caret. Spans outside the text are
    ignored here (the error list still shows them).
    """
    spans = [e for e in errors if 0 <= e["start"] <= e["end"] <= len(text)]
    cuts = sorted({0, len(text), *(e["start"] for e in spans), *(e["end"] for e in spans)})
    out: list[Markup] = []
    for left, right in zip(cuts, cuts[1:] + [None]):
        for e in spans:
            if e["start"] == e["end"] == left:
                out.append(_mark("\u2038", [e], insertion=True))
        if right is None:
            break
        piece = text[left:right]
        covering = [e for e in spans if e["start"] <= left and right <= e["end"] and e["start"] < e["end"]]
        out.append(_mark(piece, covering) if covering else escape(piece))
    return Markup("").join(out)


# --- the view: plain dicts and strings for the templates ------------------------------------------


def _text(value: Any) -> str:
    return str(value) if present(value) else ""


def _error_items(errors: pd.DataFrame, prefix: str) -> dict[int, list[dict]]:
    """Errors of one document, grouped by sentence, in offset order."""
    grouped: dict[int, list[dict]] = {}
    ordered = errors.sort_values(["sent_id", "start", "end"], kind="stable")
    for number_in_doc, row in enumerate(ordered.to_dict("records")):
        category = _text(row.get("category")) or "other"
        severity = _text(row.get("severity")) or "minor"
        grouped.setdefault(int(row["sent_id"]), []).append(
            {
                "id": f"{prefix}-e{number_in_doc}",
                "start": int(row["start"]) if present(row.get("start")) else -1,
                "end": int(row["end"]) if present(row.get("end")) else -1,
                "text": _text(row.get("text")),
                "category": category,
                "family": family(category),
                "severity": severity,
                "detector": _text(row.get("detector")) or "–",
                "explanation": _text(row.get("explanation")),
                "suggestion": _text(row.get("suggestion")),
            }
        )
    return grouped


def _ref_label(ref_ids: Any) -> str:
    ids = _text(ref_ids).split(";") if present(ref_ids) else []
    return ("reference " + ", ".join(f"#{i}" for i in ids)) if ids else ""


def _linked(ref_ids: Any, reference_doc: str, primary: str) -> list[int]:
    """Reference sentence ids of ``reference_doc`` in a ``ref_ids`` cell ("3;4", or "doc:3" for a
    secondary reference)."""
    linked = []
    for item in _text(ref_ids).split(";") if present(ref_ids) else []:
        doc, _, number_text = item.rpartition(":")
        if (doc or primary) == reference_doc and number_text.isdigit():
            linked.append(int(number_text))
    return linked


def _coverage_note(record: dict) -> str:
    """What a partial link covers, for its row: the share of each side's words (empty for other rows)."""
    if record.get("status") != "partial":
        return ""
    shares = [
        f"{round(100 * float(record[column]))} % of {side}"
        for column, side in (("coverage", "this sentence"), ("ref_coverage", "the reference sentence"))
        if present(record.get(column))
    ]
    return ("partial link: covers " + " and ".join(shares)) if shares else "partial link"


def _score_cell(value: Any, scale: float, digits: int) -> dict:
    if not present(value):
        return {"text": "–", "value": "", "width": 0}
    fraction = min(max(float(value) / scale, 0.0), 1.0)
    return {"text": number(value, digits), "value": f"{float(value):.6f}", "width": round(100 * fraction)}



def _sentence_rows(result: Assessment, doc_id: str, prefix: str) -> list[dict]:
    """A candidate's content sentences in document order, with the primary reference's omitted
    sentences placed before the first sentence aligned to a later reference sentence."""
    sentences = result.sentences[(result.sentences.doc_id == doc_id) & (result.sentences.status != "boilerplate")]
    errors = _error_items(result.errors[result.errors.doc_id == doc_id], prefix)
    score = sentence_score(result.sentences)
    digits = 1 if score.is_quality else 3
    primary = result.primary_reference
    omitted = result.reference[
        (result.reference.candidate == doc_id) & (result.reference.doc_id == primary) & (result.reference.status == "omitted")
    ].sort_values("sent_id")
    pending = omitted.to_dict("records")

    def omission(row: dict) -> dict:
        return {
            "kind": "omission",
            "status": "omitted",
            "sent_id": int(row["sent_id"]),
            "reference": row["text"],
            "ref_label": f"reference #{row['sent_id']}",
            "coverage": "",
            "score": _score_cell(None, score.scale, digits),
            "details": [],
            "errors": [],
            "tokens": "",
        }

    rows = []
    for record in sentences.to_dict("records"):
        linked = _linked(record["ref_ids"], primary, primary)
        while pending and linked and pending[0]["sent_id"] < min(linked):
            rows.append(omission(pending.pop(0)))
        mine = errors.get(int(record["sent_id"]), [])
        rows.append(
            {
                "kind": "sentence",
                "status": record["status"],
                "sent_id": int(record["sent_id"]),
                "text": highlight(record["text"], mine),
                "reference": _text(record["ref_text"]),
                "ref_label": _ref_label(record["ref_ids"]),
                "coverage": _coverage_note(record),
                "score": _score_cell(record.get(score.column), score.scale, digits),
                "details": [
                    (s.label, number(record[s.column], s.digits))
                    for s in SENTENCE_SCORES
                    if s.column != score.column and present(record.get(s.column))
                ],
                "errors": mine,
                "tokens": " ".join(f"{e['category']}|{e['severity']}" for e in mine),
            }
        )
    rows.extend(omission(row) for row in pending)
    for order, row in enumerate(rows):
        row["order"] = order
        row["status_label"] = STATUS_LABELS.get(row["status"], row["status"])
    return rows


def _best(documents: pd.DataFrame, candidates: list[str], score: Score) -> str | None:
    """The candidate with the best value of ``score``, when at least two candidates have one."""
    values = documents.set_index("doc_id").loc[candidates, score.column].dropna()
    if not score.better or len(values) < 2 or values.nunique() < 2:
        return None
    return str(values.idxmax() if score.better == "higher" else values.idxmin())


def _summary(result: Assessment) -> dict:
    documents = result.documents
    scores = [s for s in SUMMARY_SCORES if s.column in documents and not (result.reference_free and s.needs_reference)]
    best = {s.column: _best(documents, result.candidates, s) for s in scores}
    errors_known = bool(len(result.errors)) or ("n_errors" in documents and documents["n_errors"].notna().any())
    rows = []
    for index, doc_id in enumerate(result.candidates):
        record = documents[documents.doc_id == doc_id].iloc[0].to_dict()
        omissions = int(
            ((result.reference.candidate == doc_id) & (result.reference.status == "omitted")
             & (result.reference.doc_id == result.primary_reference)).sum()
        )
        mine = result.errors[result.errors.doc_id == doc_id]
        rows.append(
            {
                "index": index,
                "doc_id": doc_id,
                "label": candidate_label(result, doc_id),
                "colour": candidate_colour(index),
                "description": result.marked[doc_id].document.description if doc_id in result.marked else "",
                "scores": [
                    {
                        "text": number(record.get(s.column), s.digits),
                        "low": number(record.get(f"{s.column}_ci_low"), s.digits),
                        "high": number(record.get(f"{s.column}_ci_high"), s.digits),
                        "has_ci": present(record.get(f"{s.column}_ci_low")) and present(record.get(f"{s.column}_ci_high")),
                        "best": best[s.column] == doc_id,
                    }
                    for s in scores
                ],
                "content": _count(record.get("n_content")),
                "aligned": _count(record.get("n_aligned")),
                "partial": _count(record.get("n_partial")),
                "additions": _count(record.get("n_unaligned")),
                "omissions": omissions,
                "non_content": _count(record.get("n_boilerplate")),
                "severity": {
                    level: (int((mine["severity"] == level).sum()) if errors_known else "–") for level in SEVERITIES
                },
                "errors": len(mine) if errors_known else "–",
            }
        )
    return {"scores": scores, "rows": rows, "errors_known": errors_known}


def _count(value: Any) -> str:
    return str(int(value)) if present(value) else "–"


def _error_matrix(result: Assessment) -> dict:
    """Counts of error spans: one row per category, then per severity, one column per candidate."""
    errors = result.errors
    categories = category_order(errors["category"]) if len(errors) else []
    rows = []
    for kind, column, values in (("category", "category", categories), ("severity", "severity", SEVERITIES)):
        for value in values:
            counts = [int(((errors.doc_id == c) & (errors[column] == value)).sum()) for c in result.candidates]
            rows.append({"kind": kind, "name": value, "family": family(value) if kind == "category" else "",
                         "counts": counts, "total": sum(counts)})
    return {"categories": categories, "rows": rows, "total": [int((errors.doc_id == c).sum()) for c in result.candidates]}


def _audit(result: Assessment) -> list[dict]:
    audit = []
    for doc_id in result.references + result.candidates:
        marked = result.marked.get(doc_id)
        if marked is None:
            continue
        by_id = marked.by_id
        audit.append(
            {
                "doc_id": doc_id,
                "role": marked.document.role,
                "lines": [
                    {"sent_id": sent_id, "text": by_id[sent_id].text, "reason": reason}
                    for sent_id, reason in marked.non_content.items()
                ],
            }
        )
    return audit


def _frame(frame: pd.DataFrame) -> dict:
    """Any DataFrame as header and formatted cells (for sections other stages add, e.g. a comparison)."""

    def cell(value: Any) -> str:
        if not present(value):
            return "–"
        if isinstance(value, float):
            magnitude = abs(value)
            return f"{value:.1f}" if magnitude >= 100 else f"{value:.2f}" if magnitude >= 1 else f"{value:.3g}"
        return str(value)

    return {
        "columns": [str(c) for c in frame.columns],
        "rows": [[cell(v) for v in row] for row in frame.itertuples(index=False, name=None)],
    }


def _signature(signature: dict) -> dict:
    """The run signature as a headline (scalars) and one table per structured entry."""
    headline, tables = [], []
    for key, value in signature.items():
        if isinstance(value, dict) and value:
            rows = [
                [str(k), ", ".join(f"{a}={b}" for a, b in v.items()) if isinstance(v, dict) else str(v)]
                for k, v in value.items()
            ]
            tables.append({"title": key, "columns": ["name", "value"], "rows": rows})
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            columns = list(dict.fromkeys(k for v in value for k in v))
            tables.append({"title": key, "columns": columns, "rows": [[_text(v.get(c)) for c in columns] for v in value]})
        else:
            headline.append((key, _text(value) if not isinstance(value, (dict, list)) else "–"))
    return {"headline": headline, "tables": tables}


@dataclass(frozen=True)
class Plot:
    title: str
    caption: str
    svg: Markup | None
    missing: str  # why there is no plot, when svg is None


def _plots(result: Assessment) -> list[Plot]:
    score = sentence_score(result.sentences)
    reasons = plots.missing(result)
    specs = (
        ("quality", "Sentence scores per candidate",
         f"Each dot is a sentence; the box spans the middle half of them, the bar marks the median. Axis: {score.label}."),
        ("errors", "Errors by category", "Error spans per MQM category, one bar per candidate."),
        ("fidelity_fluency", "Fidelity and fluency",
         "Each dot is a sentence: further right is closer to the reference, higher up is more fluent."),
    )
    return [
        Plot(title, caption, None, reasons[name]) if name in reasons
        else Plot(title, caption, Markup(plots.to_svg(plots.PLOTS[name](result))), "")
        for name, title, caption in specs
    ]


def _asset(name: str) -> str:
    return (resources.files("mtqa") / "templates" / name).read_text(encoding="utf-8")


def _csp(script: str) -> str:
    """No network, no plugins, no forms; only the report's own script runs (pinned by its hash)."""
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return (
        "default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
        f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
    )


def _candidate_section(result: Assessment, index: int, doc_id: str) -> dict:
    prefix = f"c{index}"
    rows = _sentence_rows(result, doc_id, prefix)
    record = result.documents[result.documents.doc_id == doc_id].iloc[0]
    return {
        "index": index,
        "anchor": prefix,
        "doc_id": doc_id,
        "label": candidate_label(result, doc_id),
        "colour": candidate_colour(index),
        "description": result.marked[doc_id].document.description if doc_id in result.marked else "",
        "rows": rows,
        "n_errors": sum(len(r["errors"]) for r in rows),
        "non_content": _count(record.get("n_boilerplate")),
    }


def _legend(result: Assessment) -> list[dict]:
    present_categories = category_order(result.errors["category"]) if len(result.errors) else []
    legend = []
    for name, colour in FAMILY_COLOURS.items():
        members = [c for c in present_categories if family(c) == name]
        legend.append({"family": name, "colour": colour, "categories": members})
    return legend


def report_context(result: Assessment, comparison: CompareResult | pd.DataFrame | None = None) -> dict:
    """``comparison``: a comparison of the candidates, or any table to show in its place."""
    score = sentence_score(result.sentences)
    if isinstance(comparison, CompareResult):
        comparison = comparison.ranking
    script = _asset("report.js")
    return {
        "references": result.references,
        "reference_free": result.reference_free,
        "warnings": [str(w) for w in (getattr(result, "warnings", None) or [])],
        "summary": _summary(result),
        "matrix": _error_matrix(result),
        "plots": _plots(result),
        "sections": [_candidate_section(result, i, c) for i, c in enumerate(result.candidates)],
        "legend": _legend(result),
        "severities": SEVERITIES,
        "weights": PENALTY,
        "score_label": score.label,
        "score_name": score.column,
        "audit": _audit(result),
        "comparison": _frame(comparison) if isinstance(comparison, pd.DataFrame) and not comparison.empty else None,
        "signature": _signature(result.signature),
        "css": Markup(_asset("report.css")),
        "script": Markup(script),
        "csp": _csp(script),
    }


def render_html(result: Assessment, comparison: CompareResult | pd.DataFrame | None = None) -> str:
    """The self-contained report: one file, no external resource, works offline."""
    return _environment.get_template("report.html.j2").render(**report_context(result, comparison))


def render_summary(result: Assessment) -> str:
    """The compact notebook summary (``Assessment._repr_html_``)."""
    return _environment.get_template("summary.html.j2").render(
        summary=_summary(result),
        references=result.references,
        reference_free=result.reference_free,
        warnings=[str(w) for w in (getattr(result, "warnings", None) or [])],
        css=Markup(_asset("report.css")),
    )


def render_document(result: Assessment, doc_id: str) -> str:
    """One candidate's sentences beside their references, spans highlighted (``Assessment.show``)."""
    section = _candidate_section(result, result.candidates.index(doc_id), doc_id)
    score = sentence_score(result.sentences)
    return _environment.get_template("document.html.j2").render(
        section=section,
        legend=_legend(result),
        reference_free=result.reference_free,
        score_label=score.label,
        score_name=score.column,
        css=Markup(_asset("report.css")),
    )
