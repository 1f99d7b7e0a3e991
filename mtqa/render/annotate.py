"""Annotated vendor files (``--annotate DIR``): each candidate file written back in its own format with
mtqa's findings where a CAT tool shows them; everything else in the file as it was, byte for byte.

- XLIFF 1.2 and 2.x: each error span in the target becomes an ITS 2.0 Localization Quality Issue on
  a ``<mrk>`` (XLIFF 1.2 ``mtype="x-its"``, XLIFF 2 ``type="its:any"`` with an ``id``), with
  ``its:locQualityIssueType`` (:data:`ITS_ISSUE_TYPES`), ``its:locQualityIssueSeverity``
  (:data:`ITS_SEVERITY`) and ``its:locQualityIssueComment``; the unit's quality is
  ``its:locQualityRatingScore`` on the ``<trans-unit>`` or ``<unit>`` (for a unit of several segments,
  on a ``<mrk>`` around each segment's target); the root element declares the ITS namespace and
  ``its:version="2.0"``.
- TMX: ``<prop type="x-mtqa-quality">``, ``<prop type="x-mtqa-errors">`` and one ``<note>`` per error,
  in the ``<tu>`` before its first ``<tuv>``.
- PO: translator comments ``# mtqa: ...`` at the top of the entry.
- CSV/TSV: columns ``mtqa_state``, ``mtqa_quality``, ``mtqa_errors`` appended (suffixed ``:COLUMN``
  for a table of several candidate columns); JSONL: an ``"mtqa"`` member in each record.

Markup goes between characters of the plain text, never inside a tag; a span that begins or ends
inside an inline element grows to take the whole element, and spans that overlap without nesting are
each widened to their union (XLIFF 1.2 cannot express overlapping ``<mrk>``), so the result is
well-formed and reads back with the same plain text.
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from mtqa.pipeline.result import Assessment
from mtqa.render.files import write_bytes_atomically
from mtqa.stages.load import UnitDocument
from mtqa.stages.load.units import Unit

ITS_NAMESPACE = "http://www.w3.org/2005/11/its"
# mtqa's MQM categories (the part after the family) -> ITS 2.0 locQualityIssueType
ITS_ISSUE_TYPES = {
    "mistranslation": "mistranslation", "omission": "omission", "addition": "addition",
    "untranslated": "untranslated", "grammar": "grammar", "word-order": "grammar", "spelling": "misspelling",
    "punctuation": "typographical", "awkward": "style", "wrong-term": "terminology", "boilerplate": "other",
}
ITS_FAMILY_TYPES = {"style": "style", "terminology": "terminology", "fluency": "grammar", "accuracy": "mistranslation"}
ITS_SEVERITY = {"minor": 25, "major": 60, "critical": 100}  # locQualityIssueSeverity, 0-100


def its_issue_type(category: str) -> str:
    family, _, name = category.partition("/")
    return ITS_ISSUE_TYPES.get(name) or ITS_FAMILY_TYPES.get(family, "other")


@dataclass(frozen=True)
class Finding:
    start: int  # offsets into the unit's plain target text
    end: int
    text: str
    category: str
    severity: str
    explanation: str
    suggestion: str

    @property
    def comment(self) -> str:
        comment = f"mtqa {self.category}: {self.explanation}".strip().rstrip(":")
        if self.suggestion:
            comment += f" (suggestion: {self.suggestion})"
        return " ".join(comment.split())

    def summary(self) -> str:
        return " ".join(f"{self.severity} {self.category} at {self.start}-{self.end} {self.text!r}: "
                        f"{self.explanation}".split())


@dataclass(frozen=True)
class UnitResult:
    quality: float | None
    n_errors: int
    penalty: float | None
    findings: tuple[Finding, ...]

    @property
    def quality_text(self) -> str | None:
        return None if self.quality is None else f"{self.quality:.1f}"

    def headline(self) -> str:
        parts = [f"quality {self.quality_text}"] if self.quality_text else []
        parts.append(f"{self.n_errors} error{'s' if self.n_errors != 1 else ''}")
        if self.penalty:
            parts.append(f"MQM penalty {self.penalty:g}")
        return ", ".join(parts)


def _number(value) -> float | None:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


def unit_results(result: Assessment, document: UnitDocument) -> dict[int, UnitResult]:
    """Line (unit index) -> the unit's quality and findings, offsets into its plain target text."""
    starts = document.line_starts()
    sentences = result.sentences[result.sentences.doc_id == document.doc_id]
    errors = result.errors[result.errors.doc_id == document.doc_id]
    findings: dict[int, list[Finding]] = {}
    for error in errors.itertuples(index=False):
        line = int(error.sent_id)
        offset = starts[line]
        findings.setdefault(line, []).append(Finding(
            int(error.doc_start) - offset, int(error.doc_end) - offset, str(error.text), str(error.category),
            str(error.severity), "" if _blank(error.explanation) else str(error.explanation),
            "" if _blank(error.suggestion) else str(error.suggestion)))
    results = {}
    for row in sentences.itertuples(index=False):
        line = int(row.sent_id)
        found = tuple(sorted(findings.get(line, []), key=lambda f: (f.start, -f.end)))
        n_errors = _number(row.n_errors)
        results[line] = UnitResult(_number(row.quality), int(n_errors) if n_errors is not None else len(found),
                                   _number(row.mqm_penalty), found)
    return results


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value) == ""


# --- XML ----------------------------------------------------------------------------------------------

def _attributes(pairs: list[tuple[str, str]]) -> str:
    return "".join(f" {name}={quoteattr(value)}" for name, value in pairs)


def _issue_attributes(finding: Finding) -> list[tuple[str, str]]:
    return [("its:locQualityIssueType", its_issue_type(finding.category)),
            ("its:locQualityIssueSeverity", str(ITS_SEVERITY.get(finding.severity, 50))),
            ("its:locQualityIssueComment", finding.comment)]


def _nested(ranges: list[list[int]]) -> None:
    """Widen ranges that overlap without nesting to their union, until every pair nests or is apart."""
    changed = True
    while changed:
        changed = False
        for a in ranges:
            for b in ranges:
                if a is b:
                    continue
                overlap = a[0] < b[1] and b[0] < a[1]
                nests = (a[0] <= b[0] and b[1] <= a[1]) or (b[0] <= a[0] and a[1] <= b[1])
                if overlap and not nests:
                    low, high = min(a[0], b[0]), max(a[1], b[1])
                    a[0] = b[0] = low
                    a[1] = b[1] = high
                    changed = True


def _xml(document: UnitDocument, results: dict[int, UnitResult]) -> bytes:
    source = document.source_file
    assert source is not None and source.scan is not None
    found = source.scan
    xliff2 = source.format == "xliff-2"
    greater, slash = found.encode(">"), found.encode("/>")
    inserts: list[tuple[int, int, int, bytes]] = []  # (byte position, rank, order, bytes)

    def before_close(element) -> int:
        return element.open_end - len(slash if element.empty else greater)

    def attribute(element, name: str, value: str) -> None:
        if element.attribute(name, ITS_NAMESPACE) is None:
            inserts.append((before_close(element), 1, 0, found.encode(_attributes([(f"its:{name}", value)]))))

    root = found.elements[0]
    opening = found.data[root.start:root.open_end].decode(found.encoding, errors="replace")
    declarations = []
    if "xmlns:its=" not in opening:
        declarations.append(("xmlns:its", ITS_NAMESPACE))
    if root.attribute("version", ITS_NAMESPACE) is None:
        declarations.append(("its:version", "2.0"))
    touched = False
    order = 0
    for line, unit in enumerate(document.units):
        result = results.get(line)
        if result is None or unit.state != "translated" or unit.markup is None:
            continue
        touched = True
        markup = unit.markup
        marks: list[tuple[list[int], list[tuple[str, str]]]] = []
        for finding in result.findings:
            start, end = markup.well_formed(*markup.byte_range(finding.start, finding.end))
            marks.append(([start, end], _issue_attributes(finding)))
        quality = result.quality_text
        if quality is not None:
            if xliff2 and unit.anchor < 0:  # one of several segments: a <mrk> around its target
                start, end = markup.content
                marks.insert(0, ([start, end], [("its:locQualityRatingScore", quality)]))
            elif xliff2:
                attribute(found.elements[found.elements[unit.element].parent], "locQualityRatingScore", quality)
            else:
                attribute(found.elements[unit.element], "locQualityRatingScore", quality)
        _nested([m[0] for m in marks])
        marks.sort(key=lambda m: (m[0][0], -m[0][1]))
        for number, ((start, end), pairs) in enumerate(marks, 1):
            order += 1
            head = ([("id", f"mtqa-{number}"), ("type", "its:any")] if xliff2 else [("mtype", "x-its")]) + pairs
            tag_open, tag_close = found.encode(f"<mrk{_attributes(head)}>"), found.encode("</mrk>")
            if start == end:
                inserts.append((start, 3, order, tag_open + tag_close))
            else:
                inserts.append((start, 4, order, tag_open))
                inserts.append((end, 2, -order, tag_close))
    if touched and declarations:
        inserts.append((before_close(root), 0, 0, found.encode(_attributes(declarations))))
    return _splice(found.data, inserts)


def _splice(data: bytes, inserts: list[tuple[int, int, int, bytes]]) -> bytes:
    out, position = [], 0
    for at, _, _, piece in sorted(inserts, key=lambda i: (i[0], i[1], i[2])):
        out.append(data[position:at])
        out.append(piece)
        position = at
    out.append(data[position:])
    return b"".join(out)


def _tmx(document: UnitDocument, results: dict[int, UnitResult]) -> bytes:
    source = document.source_file
    assert source is not None and source.scan is not None
    found = source.scan
    inserts = []
    for line, unit in enumerate(document.units):
        result = results.get(line)
        if result is None or unit.state != "translated" or unit.anchor < 0:
            continue
        before = found.data[:unit.anchor].decode(found.encoding, errors="replace")
        gap = before[before.rfind(">") + 1:]
        indent = gap if not gap.strip() else ""
        pieces = []
        if result.quality_text is not None:
            pieces.append(f'<prop type="x-mtqa-quality">{result.quality_text}</prop>')
        pieces.append(f'<prop type="x-mtqa-errors">{result.n_errors}</prop>')
        pieces.extend(f"<note>{escape('mtqa: ' + f.summary())}</note>" for f in result.findings)
        inserts.append((unit.anchor, 0, line, found.encode("".join(p + indent for p in pieces))))
    return _splice(found.data, inserts)


# --- PO and tables ------------------------------------------------------------------------------------

def _encode(text: str, document: UnitDocument) -> bytes:
    source = document.source_file
    assert source is not None
    return source.bom + text.encode(source.encoding, errors="replace")


def _po(document: UnitDocument, results: dict[int, UnitResult]) -> bytes:
    source = document.source_file
    assert source is not None
    newline = source.extra.get("newline", "\n")
    comments: dict[int, list[str]] = {}
    for line, unit in enumerate(document.units):
        result = results.get(line)
        if result is None or unit.state != "translated" or unit.anchor < 0:
            continue
        form = f"msgstr[{unit.form}]: " if unit.form is not None else ""
        lines = comments.setdefault(unit.anchor, [])
        lines.append(f"# mtqa: {form}{result.headline()}")
        lines.extend(f"# mtqa: {form}{finding.summary()}" for finding in result.findings)
    text, out, position = source.text, [], 0
    for at in sorted(comments):
        out.append(text[position:at])
        out.append("".join(" ".join(c.split()) + newline for c in comments[at]))
        position = at
    out.append(text[position:])
    return _encode("".join(out), document)


def _table_values(unit: Unit, result: UnitResult | None) -> dict:
    if result is None:
        return {"state": unit.state, "quality": None, "n_errors": None, "errors": []}
    return {"state": unit.state, "quality": None if result.quality is None else round(result.quality, 1),
            "n_errors": result.n_errors,
            "errors": [{"start": f.start, "end": f.end, "text": f.text, "category": f.category,
                        "severity": f.severity, "explanation": f.explanation, "suggestion": f.suggestion}
                       for f in result.findings]}


def _table(documents: list[UnitDocument], results: dict[str, dict[int, UnitResult]]) -> bytes:
    source = documents[0].source_file
    assert source is not None
    several = len(documents) > 1
    rows: dict[int, dict[str, dict]] = {}
    for document in documents:
        for line, unit in enumerate(document.units):
            rows.setdefault(unit.element, {})[document.column] = _table_values(unit, results[document.doc_id].get(line))
    newline = source.extra.get("newline", "\n")
    if source.format == "jsonl":
        numbers = source.extra["records"]
        by_line = {number: index for index, number in enumerate(numbers)}
        out = []
        for number, text in enumerate(source.text.splitlines(), 1):
            if number in by_line:
                record = json.loads(text)
                values = rows.get(by_line[number], {})
                record["mtqa"] = values if several else next(iter(values.values()), {})
                text = json.dumps(record, ensure_ascii=False)
            out.append(text + newline)
        return _encode("".join(out), documents[0])
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=source.extra["delimiter"], lineterminator=newline)
    suffixes = [f":{d.column}" if several else "" for d in documents]
    writer.writerow(list(source.extra["header"]) + [f"mtqa_{name}{suffix}" for suffix in suffixes
                                                     for name in ("state", "quality", "errors")])
    for index, fields in enumerate(source.extra["records"]):
        added = []
        for document in documents:
            values = rows.get(index, {}).get(document.column, {})
            errors = "; ".join(Finding(**e).summary() for e in values.get("errors", []))
            quality = values.get("quality")
            added += [values.get("state", ""), "" if quality is None else f"{quality:.1f}", errors]
        writer.writerow(list(fields) + added)
    return _encode(buffer.getvalue(), documents[0])


def render_annotated(result: Assessment) -> dict[str, bytes]:
    """File name -> the annotated file, for every candidate read from a vendor file (a DataFrame's
    candidates have no file and are left out)."""
    groups: dict[str, list[UnitDocument]] = {}
    for doc_id in result.candidates:
        document = result.marked[doc_id].document
        if isinstance(document, UnitDocument) and document.source_file is not None and document.source_file.path:
            groups.setdefault(document.source_file.path, []).append(document)
    rendered: dict[str, bytes] = {}
    for path, documents in groups.items():
        results = {d.doc_id: unit_results(result, d) for d in documents}
        kind = documents[0].source_file.format  # type: ignore[union-attr]
        if kind in ("xliff-1.2", "xliff-2"):
            content = _xml(documents[0], results[documents[0].doc_id])
        elif kind == "tmx":
            content = _tmx(documents[0], results[documents[0].doc_id])
        elif kind == "po":
            content = _po(documents[0], results[documents[0].doc_id])
        else:
            content = _table(documents, results)
        name = Path(path).name
        if name in rendered:
            name = f"{Path(path).stem}.{documents[0].doc_id}{Path(path).suffix}"
        rendered[name] = content
    return rendered


def write_annotated(result: Assessment, out: Path) -> list[Path]:
    """Render every annotated file, then write each atomically into ``out``."""
    rendered = render_annotated(result)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in rendered.items():
        write_bytes_atomically(out / name, content)
        written.append(out / name)
    return written


__all__ = ["ITS_ISSUE_TYPES", "ITS_NAMESPACE", "ITS_SEVERITY", "its_issue_type", "render_annotated",
           "unit_results", "write_annotated"]
