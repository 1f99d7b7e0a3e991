"""Stage 3, mark non-content: page furniture and boilerplate are marked with a reason, never dropped.

Each detector is a small function over a document's sentences that returns {sent_id: reason}. The
first reason found for a sentence wins; the report's audit section lists them all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from .load import Document
from .segment import Sentence

@dataclass(frozen=True)
class MarkedDocument:
    """A segmented document with its non-content sentences marked: the input of alignment."""

    document: Document
    sentences: list[Sentence]
    non_content: dict[int, str]  # sent_id -> reason

    @property
    def content(self) -> list[Sentence]:
        return [s for s in self.sentences if s.sent_id not in self.non_content]

    @property
    def by_id(self) -> dict[int, Sentence]:
        return {s.sent_id: s for s in self.sentences}


Detector = Callable[[Document, list[Sentence]], dict[int, str]]
DETECTORS: dict[str, Detector] = {}


def detector(name: str) -> Callable[[Detector], Detector]:
    def register(function: Detector) -> Detector:
        DETECTORS[name] = function
        return function

    return register


@detector("no-words")
def no_words(document: Document, sentences: list[Sentence]) -> dict[int, str]:
    """Lines with no word of two or more letters (", , , , ,")."""
    return {
        s.sent_id: "no words (punctuation or symbols only)"
        for s in sentences
        if not re.search(r"[^\W\d_]{2,}", s.text)
    }


@detector("repeated")
def repeated(document: Document, sentences: list[Sentence]) -> dict[int, str]:
    """A sentence repeated verbatim: the first occurrence is content, the repeats are not."""
    first: dict[str, int] = {}
    marks = {}
    for s in sentences:
        key = " ".join(s.text.lower().split())
        if key in first:
            marks[s.sent_id] = f"repeats sentence {first[key]}"
        else:
            first[key] = s.sent_id
    return marks


def mark_non_content(
    document: Document, sentences: list[Sentence], enabled: list[str] | None = None
) -> dict[int, str]:
    marks: dict[int, str] = {}
    for name, function in DETECTORS.items():
        if enabled is not None and name not in enabled:
            continue
        for sent_id, reason in function(document, sentences).items():
            marks.setdefault(sent_id, reason)
    return dict(sorted(marks.items()))
