"""Numbers that disagree with the reference: a different value is an accuracy error ("5" for "50"),
the same value written another way is a matter of style ("5000" or "5 thousand" for "5,000")."""

from __future__ import annotations

from dataclasses import dataclass

from ..evidence import Segment
from ..tokens import Analysis, number_value
from .registry import Finding, check

_UNITS = {
    w: i for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen".split()
    )
}
_TENS = {w: 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), 2)}
_SCALES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int
    text: str
    value: float
    word: int  # index of its first word in the analysis (for the word alignment)
    digits: bool  # written with digits only


def _word_value(text: str) -> float | None:
    text = text.lower()
    if text in _UNITS:
        return float(_UNITS[text])
    if text in _TENS:
        return float(_TENS[text])
    parts = text.split("-")
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _UNITS:
        return float(_TENS[parts[0]] + _UNITS[parts[1]])
    return None


def quantities(analysis: Analysis) -> list[Quantity]:
    """Numbers in digits or words, with a following scale word folded in ("5 thousand" = 5000)."""
    found = []
    words = analysis.words
    index = 0
    while index < len(words):
        word = words[index]
        value = number_value(word.text)
        digits = value is not None
        if value is None and word.pos == "NUM":
            value = _word_value(word.text)
        if value is None:
            index += 1
            continue
        last = index
        while last + 1 < len(words) and words[last + 1].text.lower() in _SCALES:
            last += 1
            value *= _SCALES[words[last].text.lower()]
            digits = False
        start, end = word.start, words[last].end
        found.append(Quantity(start, end, analysis.text[start:end], value, index, digits and last == index))
        index = last + 1
    return found


def _pairs(segment: Segment):
    """Candidate quantities with the reference quantity they stand for, or None when they have none."""
    candidate = quantities(segment.analysis)
    reference = quantities(segment.reference_analysis)
    ref_values = {q.value for q in reference}
    cand_values = {q.value for q in candidate}
    spare = [r for r in reference if r.value not in cand_values]
    similarity = segment.alignment.similarity
    for quantity in candidate:
        same = [r for r in reference if r.value == quantity.value]
        if same:
            yield quantity, same[0], True
        elif spare:
            best = max(spare, key=lambda r: similarity[quantity.word, r.word])
            if len(spare) == 1 or similarity[quantity.word, best.word] >= 0.5:
                yield quantity, best, False


@check("number-mismatch", "accuracy/mistranslation", "major", needs_reference=True, minimum="major")
def number_mismatch(segment: Segment):
    """A number whose value differs from the reference's number in the same place ("5" for "50")."""
    for quantity, reference, same in _pairs(segment):
        if not same:
            yield Finding(quantity.start, quantity.end,
                          f"the number {quantity.text} disagrees with the reference's {reference.text}",
                          reference.text)


@check("number-format", "style/awkward", "minor", needs_reference=True)
def number_format(segment: Segment):
    """The reference's number written another way ("5000" or "5 thousand" for "5,000")."""
    for quantity, reference, same in _pairs(segment):
        if not same or quantity.text == reference.text:
            continue
        grouped = "," in reference.text and quantity.digits and "," not in quantity.text
        if grouped or (reference.digits and not quantity.digits and quantity.value >= 1000):
            yield Finding(quantity.start, quantity.end,
                          f"the reference writes {quantity.text} as {reference.text}", reference.text)
