"""What the error finders share: the segment they look at, and the evidence they return.

A *segment* is what stage 6 examines at once: the candidate sentences of one alignment unit (one or
several sentences, joined as the unit's hypothesis) with the unit's reference text, or a single
unaligned candidate sentence with no reference. Every evidence source (reference comparison, the QA
checks, a language model) is a function ``Segment -> list[Evidence]``; offsets are into
``Segment.text`` and are mapped back to sentences and documents by :mod:`mtqa.stages.find_errors.spans`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Callable, Protocol, Sequence

from mtqa.backends.linguistic import Analysis, WordAlignment
from mtqa.core.records import Sentence
from mtqa.core.taxonomy import CATEGORIES


class WordScore(Protocol):
    """A word's language-model surprisal (``mtqa.stages.score.fluency.WordSurprisal`` has this shape)."""

    start: int
    end: int
    text: str
    surprisal: float
    excess: float  # surprisal beyond what the word's rarity explains (0 for a name or a number)


@dataclass(frozen=True)
class Evidence:
    """One detector's claim that ``text[start:end]`` of a segment is wrong.

    ``repair`` is the text that would undo the error as far as the detector knows (the reference's
    words for a mistranslation, the span plus the missing words for an omission, "" for an addition);
    the error's severity is measured by how far the repair moves the segment towards its reference.
    ``severity`` is the detector's default, used when no reference allows a measurement; ``minimum``
    is a floor for errors that sentence embeddings barely see (a wrong number).
    """

    start: int
    end: int
    category: str
    detector: str
    explanation: str
    suggestion: str | None = None
    repair: str | None = None
    severity: str = "minor"
    minimum: str | None = None

    def __post_init__(self) -> None:
        if self.category not in CATEGORIES:
            raise ValueError(f"unknown error category {self.category!r}")
        if not 0 <= self.start < self.end:
            raise ValueError(f"empty or negative span [{self.start}, {self.end})")

    def shifted(self, offset: int) -> "Evidence":
        return Evidence(
            self.start + offset, self.end + offset, self.category, self.detector, self.explanation,
            self.suggestion, self.repair, self.severity, self.minimum,
        )


@dataclass(frozen=True)
class SentencePart:
    """A candidate sentence inside a segment: ``text[offset:offset + len(sentence.text)]``."""

    sentence: Sentence
    offset: int

    @property
    def end(self) -> int:
        return self.offset + len(self.sentence.text)


_ACRONYM = re.compile(r"\b(?:[A-Z]\.){2,}|\b[A-Z]{2,6}\b")
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:[’'][a-z]+)?\b")
_LOWER = re.compile(r"\b[a-z]+\b")
_WORD = re.compile(r"[^\W\d_]+")
# A title or other short abbreviation ("Gen.", "Mr.", "Jan."): the capitalised word after it is in mid-sentence.
_ABBREVIATION = re.compile(r"\b[A-Z][a-z]{0,2}\.\s$")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n\"“‘«(]\s*|[–—•]\s+)$")


def acronym_key(text: str) -> str:
    return text.replace(".", "").upper()


def acronyms_in(text: str) -> set[str]:
    """Acronyms written in capitals ("U.S.", "AFP"), not words of a line set in capitals."""
    found = set()
    for match in _ACRONYM.finditer(text):
        before = text[: match.start()].split()[-1:]
        after = text[match.end():].split()[:1]
        shouting = any(w.isupper() and sum(c.isalpha() for c in w) >= 2 for w in before + after)
        if "." in match.group(0) or not shouting:
            found.add(acronym_key(match.group(0)))
    return found


@dataclass
class DocumentContext:
    """What the checks may know about the documents around a segment: the candidate's own text, the
    reference documents' texts (casing habits, acronyms in use), and whether the reference translates
    the same source line by line (``--parallel``) rather than telling the same story its own way."""

    candidate_text: str
    reference_texts: Sequence[str] = ()
    parallel: bool = False

    @cached_property
    def reference_acronyms(self) -> frozenset[str]:
        return frozenset(a for text in self.reference_texts for a in acronyms_in(text))

    @cached_property
    def candidate_acronyms(self) -> frozenset[str]:
        return frozenset(acronyms_in(self.candidate_text))

    @cached_property
    def reference_name_forms(self) -> dict[str, str]:
        """Words that the reference documents capitalise in mid-sentence and never write in lower case,
        lower-cased, each with the form they write: names ("iraqi": "Iraqi", "york": "York", "qassem" after
        "Gen."), not common words that merely open a sentence or a title."""
        capitalised: dict[str, str] = {}
        lower = set()
        for text in self.reference_texts:
            for match in _CAPITALISED.finditer(text):
                before = text[max(0, match.start() - 6): match.start()]
                if not _SENTENCE_START.search(before[-3:]) or _ABBREVIATION.search(before):
                    capitalised.setdefault(match.group(0).lower(), match.group(0))
            lower.update(m.group(0) for m in _LOWER.finditer(text))
        return {key: form for key, form in capitalised.items() if key not in lower}

    @cached_property
    def reference_names(self) -> frozenset[str]:
        return frozenset(self.reference_name_forms)

    @cached_property
    def reference_words(self) -> frozenset[str]:
        """Every word of the reference documents, lower-cased."""
        return frozenset(m.group(0).lower() for text in self.reference_texts for m in _WORD.finditer(text))


@dataclass(frozen=True)
class Segment:
    doc_id: str
    text: str
    parts: tuple[SentencePart, ...]
    analysis: Analysis
    context: DocumentContext
    reference: str | None = None
    reference_analysis: Analysis | None = None
    alignment: WordAlignment | None = None
    surprisals: tuple[WordScore, ...] | None = None  # offsets into ``text``
    # (start, end, bits) per word of ``text``: what the language model still needs for it after reading
    # the reference (``mtqa.metrics.unexplained``); None without a reference or a causal LM
    unexplained: tuple[tuple[int, int, float], ...] | None = None
    # The other direction, per word of ``reference``: what the model still needs for it after reading
    # the candidate; with a parallel reference only (else None)
    unrendered: tuple[tuple[int, int, float], ...] | None = None

    @classmethod
    def of_sentence(
        cls, text: str, analysis: Analysis, context: DocumentContext, doc_id: str = "text", **fields
    ) -> Segment:
        """A segment of one free-standing sentence, outside a document's alignment units: offsets
        into ``text`` are also document offsets. ``fields``: a reference, its analysis and alignment."""
        sentence = Sentence(doc_id, 0, 0, len(text), text, 0, True, True)
        return cls(doc_id=doc_id, text=text, parts=(SentencePart(sentence, 0),), analysis=analysis, context=context,
                   **fields)

    def sentence_starts(self) -> set[int]:
        return {part.offset for part in self.parts}


EvidenceSource = Callable[[Segment], list[Evidence]]


def is_word(text: str) -> bool:
    """A word rather than a punctuation mark: it holds a letter or a digit."""
    return any(c.isalnum() for c in text)
