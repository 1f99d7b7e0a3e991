"""Acronyms left in the source language ("islamic State (EI)") or unknown to the reader ("fight the AR")."""

from __future__ import annotations

import re

from mtqa.checks.evidence import Segment, acronym_key
from mtqa.checks.registry import Finding, check
from mtqa.checks.text import zipf

_BRACKETED = re.compile(r"\(\s*((?:[A-Z]\.?){2,6})\s*\)")
_ACRONYM_WORD = re.compile(r"(?<![\w.-])(?:[A-Z]\.){2,}|(?<![\w.-])[A-Z]{2,6}(?![\w-])")
_NAME_WORD = re.compile(r"[\w’'-]+")
_ROMAN = re.compile(r"^[IVXLC]+$")
# Below this Zipf frequency, a lower-cased acronym is not an everyday English word-form either
# ("ei" 3.2, "ar" 4.1); known acronyms such as "usa" (4.8) or "isis" (4.3) are above it.
KNOWN_ACRONYM_ZIPF = 4.2


def _initials(words: list[str]) -> str:
    return "".join(w[0] for w in words if w[:1].isalpha()).upper()


def _expansion_before(text: str, end: int, length: int) -> list[str]:
    """The last ``length`` words before ``end``, short lower-case function words ("of", "the") skipped."""
    chosen: list[str] = []
    for match in reversed(list(_NAME_WORD.finditer(text[:end]))):
        if len(chosen) == length:
            break
        word = match.group(0)
        if not (word.islower() and len(word) <= 3):
            chosen.append(word)
    return chosen[::-1]


@check("acronym-expansion", "accuracy/untranslated", "minor")
def acronym_expansion(segment: Segment):
    """An acronym in brackets whose letters do not match the English name before it ("Islamic State (EI)"),
    unless the reference documents use it too."""
    for match in _BRACKETED.finditer(segment.text):
        acronym = acronym_key(match.group(1))
        words = _expansion_before(segment.text, match.start(), len(acronym))
        initials = _initials(words)
        if len(words) < len(acronym) or initials == acronym:
            continue
        if acronym not in segment.context.reference_acronyms:
            yield Finding(
                match.start(1), match.end(1),
                f"'{acronym}' does not match the initials of '{' '.join(words)}' ({initials}): "
                "an acronym of the source language's words",
                initials,
            )


@check("unknown-acronym", "accuracy/untranslated", "minor", needs_reference=True)
def unknown_acronym(segment: Segment):
    """An acronym that no reference document uses, that the candidate never introduces, and that is not
    an everyday English word-form ("fight the AR")."""
    context = segment.context
    introduced = {acronym_key(m.group(1)) for m in _BRACKETED.finditer(context.candidate_text)}
    for match in _ACRONYM_WORD.finditer(segment.text):
        acronym = acronym_key(match.group(0))
        if acronym in context.reference_acronyms or acronym in introduced or _ROMAN.match(acronym):
            continue
        if zipf(acronym.lower()) >= KNOWN_ACRONYM_ZIPF:
            continue
        yield Finding(
            match.start(), match.end(),
            f"the acronym '{match.group(0)}' appears in no reference document and is never introduced",
        )
