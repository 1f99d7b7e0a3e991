"""The HTML report, rendered from an Assessment with Jinja2. Autoescaping is on for every value:
document text is untrusted."""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING

import jinja2

if TYPE_CHECKING:
    from ..result import Assessment

_environment = jinja2.Environment(
    loader=jinja2.PackageLoader("mtqa", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def _number(value, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    try:
        return f"{float(value):.{digits}f}"
    except (TypeError, ValueError):
        return str(value)


_environment.filters["number"] = _number


def render_html(result: "Assessment") -> str:
    template = _environment.get_template("report.html.j2")
    documents = result.documents.to_dict("records")
    candidates = [
        {
            "info": row,
            "sentences": result.sentences[result.sentences.doc_id == row["doc_id"]].to_dict("records"),
        }
        for row in documents
        if row["role"] == "candidate"
    ]
    return template.render(
        documents=documents,
        candidates=candidates,
        signature=json.dumps(result.signature, indent=2, ensure_ascii=False),
    )
