"""Renderings of a gate result: JUnit XML (one test case per check), JSON, and a Markdown summary fit
for a pull-request comment. Document text in Markdown is escaped: it can neither inject HTML nor
break the layout."""

from __future__ import annotations

import dataclasses
import html
import json
import re
import xml.etree.ElementTree as ET

from mtqa.analyses.gate import GateResult, check_values
from mtqa.core.values import plain
from mtqa.render.comparison import comparison_dict, records

_STATUS = {"passed": "✅ passed", "failed": "❌ failed", "skipped": "➖ skipped"}


def junit_xml(result: "GateResult") -> str:
    counts = {status: sum(c.status == status for c in result.checks) for status in ("failed", "skipped")}
    attributes = {"tests": str(len(result.checks)), "failures": str(counts["failed"]), "errors": "0",
                  "skipped": str(counts["skipped"])}
    suites = ET.Element("testsuites", {"name": "mtqa gate", **attributes})
    suite = ET.SubElement(suites, "testsuite", {"name": f"mtqa gate: {result.candidate} vs {result.baseline}", **attributes})
    properties = ET.SubElement(suite, "properties")
    for name, value in (("baseline", result.baseline), ("candidate", result.candidate),
                        ("data_sha256", result.comparison.data_hash), ("verdict", result.verdict),
                        *((f"config.{k}", json.dumps(v)) for k, v in dataclasses.asdict(result.config).items())):
        ET.SubElement(properties, "property", {"name": name, "value": str(value)})
    for check in result.checks:
        case = ET.SubElement(suite, "testcase", {"classname": "mtqa.gate", "name": check.name})
        if check.status == "failed":
            failure = ET.SubElement(case, "failure", {"type": "regression", "message": check.message})
            failure.text = check.message
        elif check.status == "skipped":
            ET.SubElement(case, "skipped", {"message": check.message})
        else:
            ET.SubElement(case, "system-out").text = check.message
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def gate_dict(result: "GateResult") -> dict:
    regressed = result.regressed.drop(columns=["errors"], errors="ignore")
    segments = records(regressed)
    for row, errors in zip(segments, result.regressed.get("errors", [])):
        row["errors"] = [{k: plain(v) for k, v in error.items()} for error in errors]
    return {
        "verdict": result.verdict,
        "exit_code": result.exit_code,
        "baseline": result.baseline,
        "candidate": result.candidate,
        "config": dataclasses.asdict(result.config),
        "checks": [{"name": c.name, "status": c.status, "score": c.score, "message": c.message,
                    "values": check_values(c)} for c in result.checks],
        "segment_score": result.segment_score,
        "regressed_segments": segments,
        "comparison": comparison_dict(result.comparison),
    }


def gate_json(result: "GateResult") -> str:
    return json.dumps(gate_dict(result), indent=2, ensure_ascii=False) + "\n"


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def escape_markdown(text: str) -> str:
    """Literal text in Markdown: HTML-escaped, Markdown punctuation backslash-escaped, on one line."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(re.sub(r"\s+", " ", str(text)), quote=False))


def _highlighted(text: str, errors: list[dict]) -> str:
    """The sentence with each error span in bold (spans are offsets into this sentence's text)."""
    pieces, position = [], 0
    for error in sorted(errors, key=lambda e: (e["start"], e["end"])):
        start, end = int(error["start"]), int(error["end"])
        if start < position:  # overlapping spans: the first one is already bold
            continue
        pieces += [escape_markdown(text[position:start]), f"**{escape_markdown(text[start:end])}**"]
        position = end
    pieces.append(escape_markdown(text[position:]))
    return "".join(piece for piece in pieces if piece).strip()


def _candidate_text(result: "GateResult", sent_ids: list[int], errors: list[dict]) -> str:
    sentences = result.comparison.assessment.sentences
    mine = sentences[sentences.doc_id == result.candidate].set_index("sent_id")
    return " ".join(
        _highlighted(mine.loc[i, "text"], [e for e in errors if e["sent_id"] == i]) for i in sent_ids
    )


def _number(value) -> str:
    return "–" if value is None or value != value else f"{value:.2f}"


def gate_markdown(result: "GateResult") -> str:
    icon = "✅ pass" if result.passed else "❌ regression"
    lines = [
        f"## mtqa gate: {icon}",
        "",
        f"Candidate **{escape_markdown(result.candidate)}** against baseline **{escape_markdown(result.baseline)}** "
        f"({result.config.resamples} resamples, seed {result.config.seed}, alpha {result.config.alpha}; a drop is "
        "significant when both paired tests agree after Holm correction).",
        "",
        "| check | result | detail |",
        "|---|---|---|",
    ]
    lines += [f"| {escape_markdown(c.name)} | {_STATUS[c.status]} | {escape_markdown(c.message)} |" for c in result.checks]
    if result.comparison.notes:
        lines += ["", *(f"- note: {escape_markdown(n)}" for n in result.comparison.notes)]
    if len(result.regressed):
        score = result.segment_score
        lines += ["", f"### Segments that regressed most (by {score})", ""]
        for number, row in enumerate(result.regressed.itertuples(), 1):
            lines += [
                f"{number}. **{score} {_number(getattr(row, f'{score}_a'))} → {_number(getattr(row, f'{score}_b'))}** "
                f"(reference sentence {escape_markdown(row.reference_ids)})",
                f"   - reference: {escape_markdown(row.reference)}",
                f"   - baseline: {escape_markdown(row.text_a)}",
                f"   - candidate: {_candidate_text(result, row.sent_ids_b, row.errors)}",
            ]
            for error in row.errors:
                detail = f"{error['category']}, {error['severity']}"
                if plain(error.get("explanation")):
                    detail += f": {error['explanation']}"
                if plain(error.get("suggestion")):
                    detail += f" (suggestion: {error['suggestion']})"
                lines.append(f"     - “{escape_markdown(error['text'])}” — {escape_markdown(detail)}")
    return "\n".join(lines) + "\n"


__all__ = ["junit_xml", "gate_dict", "gate_json", "gate_markdown", "escape_markdown"]
