"""Helpers for the report tests: error spans placed on real seed sentences with ``str.find``, so that
highlighting can be tested before (and independently of) the error-detection stage."""

from __future__ import annotations

import dataclasses

import pandas as pd

from mtqa.stages.aggregate.tables import ERROR_COLUMNS

# (fragment, category, severity, explanation, suggestion) on sentences of the French-origin seed 000;
# the categories are those of the project's hand annotation of that seed.
FRENCH_SPANS = [
    ("refused to how one this information", "accuracy/mistranslation", "major",
     "the reference says: 'said it had no information to provide'", "refused to comment on this information"),
    ("a hit american", "accuracy/mistranslation", "major", "the reference says: 'a U.S. drone strike'", "an American strike"),
    ("american", "fluency/spelling", "minor", "demonyms are capitalised in English", "American"),
    ("the general iranian", "fluency/word-order", "major", "the adjective follows the noun", "the Iranian general"),
    ("The iraqi Parliament", "fluency/spelling", "minor", "demonyms are capitalised in English", "The Iraqi Parliament"),
]


def error_row(sentence, fragment: str, category: str, severity: str, explanation: str, suggestion: str,
              detector: str = "test", occurrence: int = 0) -> dict:
    start = -1
    for _ in range(occurrence + 1):
        start = sentence.text.find(fragment, start + 1)
    assert start >= 0, f"{fragment!r} not in {sentence.text!r}"
    end = start + len(fragment)
    return {
        "doc_id": sentence.doc_id, "sent_id": int(sentence.sent_id), "start": start, "end": end,
        "doc_start": int(sentence.start) + start, "doc_end": int(sentence.start) + end, "text": fragment,
        "category": category, "severity": severity, "detector": detector, "explanation": explanation,
        "suggestion": suggestion,
    }


def with_spans(result, doc_id: str, spans) -> object:
    """A copy of ``result`` whose errors table holds ``spans`` found with ``str.find`` in ``doc_id``."""
    table = result.sentences[result.sentences.doc_id == doc_id]
    rows = []
    for fragment, *rest in spans:
        matches = table[table.text.str.contains(fragment, regex=False)]
        assert len(matches), f"{fragment!r} not found in {doc_id}"
        rows.append(error_row(matches.iloc[0], fragment, *rest))
    return dataclasses.replace(result, errors=pd.DataFrame(rows, columns=ERROR_COLUMNS))
