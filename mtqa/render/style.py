"""What the HTML report, the notebook display and the plots share: candidate labels and colours, the
error taxonomy's order and colours, and which score ranks sentences.

Colours are the Okabe–Ito palette (distinguishable with the common colour-vision deficiencies);
plots add a marker shape per candidate so that colour is never the only cue.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from mtqa.core.taxonomy import CATEGORIES
from mtqa.pipeline.result import Assessment

# Okabe–Ito, reordered so that the first candidates get the colours that read best on white.
CANDIDATE_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442")
CANDIDATE_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


# Highlights are coloured by category family (the part before the slash); the exact category is
# named in each span's tooltip and detail, and severity sets the underline.
FAMILY_COLOURS = {
    "accuracy": "#D55E00",
    "fluency": "#0072B2",
    "style": "#CC79A7",
    "terminology": "#009E73",
    "other": "#6B6B6B",
}


def family(category: str) -> str:
    head = str(category).split("/", 1)[0]
    return head if head in FAMILY_COLOURS else "other"


def category_order(categories) -> list[str]:
    """Categories in taxonomy order, unknown ones (a plug-in's own) after, alphabetically."""
    present = {str(c) for c in categories if isinstance(c, str) and c}
    known = [c for c in CATEGORIES if c in present]
    return known + sorted(present - set(known))


def candidate_colour(index: int) -> str:
    return CANDIDATE_COLOURS[index % len(CANDIDATE_COLOURS)]


def candidate_marker(index: int) -> str:
    return CANDIDATE_MARKERS[index % len(CANDIDATE_MARKERS)]


def candidate_label(result: Assessment, doc_id: str) -> str:
    """``doc_id`` with its system name and origin language, when the inputs gave them."""
    row = result.documents.set_index("doc_id").loc[doc_id]
    extras = [str(v) for v in (row.get("system"), row.get("origin")) if present(v)]
    return f"{doc_id} ({', '.join(extras)})" if extras else doc_id


@dataclass(frozen=True)
class SentenceScore:
    """The score that ranks sentences: quality, or semantic similarity while quality is not computed."""

    column: str
    label: str
    scale: float  # the score's maximum: 100 for quality, 1 for a cosine

    @property
    def is_quality(self) -> bool:
        return self.column == "quality"


def sentence_score(sentences: pd.DataFrame) -> SentenceScore:
    if "quality" in sentences and sentences["quality"].notna().any():
        return SentenceScore("quality", "sentence quality (0–100)", 100.0)
    return SentenceScore("semantic", "semantic similarity to the reference (cosine; quality not computed)", 1.0)


def present(value) -> bool:
    """A value a table can show: not None, NA, NaN or empty."""
    if value is None or value is pd.NA:
        return False
    if isinstance(value, float) and math.isnan(value):
        return False
    return str(value) != ""
