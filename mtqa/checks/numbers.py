"""Numbers and dates that disagree with the reference: a different value is an accuracy error ("5" for
"50", "Monday" for "Wednesday"), the same number written another way is a matter of style ("5000" or
"5 thousand" for "5,000")."""

from __future__ import annotations

from dataclasses import dataclass

from mtqa.backends.linguistic import Analysis, number_value
from mtqa.checks.evidence import Segment
from mtqa.checks.registry import Finding, check

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
    value: float | str  # a number, or a day or month by its full name ("Wednesday", "January")
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


_DAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
_MONTHS = "January February March April May June July August September October November December".split()
_CALENDAR = {name.lower(): name for name in _DAYS + _MONTHS} | {
    name[:3].lower(): name for name in _DAYS + _MONTHS if name not in ("May",)
} | {"sept": "September", "tues": "Tuesday", "thur": "Thursday", "thurs": "Thursday"}
# Names that are also common words ("may", "march", "sun", "sat", "wed"): a date only inside a date entity.
_AMBIGUOUS = {"may", "march", "sun", "sat", "wed", "mar", "jan", "jun"}


def calendar_words(analysis: Analysis) -> list[Quantity]:
    """Days of the week and months, full or abbreviated ("Jan. 9", "Sept."), valued by their full name."""
    found = []
    for word in analysis.words:
        key = word.text.rstrip(".").lower()
        name = _CALENDAR.get(key)
        if name is None or not word.text[:1].isupper():
            continue
        if key in _AMBIGUOUS and analysis.doc[word.token].ent_type_ != "DATE":
            continue
        found.append(Quantity(word.start, word.end, word.text, name, word.index, False))
    return found


def _pairs(segment: Segment, extract=quantities):
    """Each candidate quantity with the reference's quantity of the same value (``True``) or, failing
    that, the one of its kind it stands in place of (``False``); quantities with neither are skipped."""
    candidate = extract(segment.analysis)
    reference = extract(segment.reference_analysis)
    cand_values = {q.value for q in candidate}
    similarity = segment.alignment.similarity
    for quantity in candidate:
        same = [r for r in reference if r.value == quantity.value]
        # A day stands for a day, a month for a month.
        spare = [r for r in reference if r.value not in cand_values and _kind(r.value) == _kind(quantity.value)]
        if same:
            yield quantity, same[0], True
        elif spare:
            best = max(spare, key=lambda r: similarity[quantity.word, r.word])
            if len(spare) == 1 or similarity[quantity.word, best.word] >= 0.5:
                yield quantity, best, False


def _kind(value: float | str) -> str:
    if isinstance(value, str):
        return "day" if value in _DAYS else "month"
    return "number"


@check("number-mismatch", "accuracy/mistranslation", "major", needs_reference=True, minimum="major")
def number_mismatch(segment: Segment):
    """A number whose value differs from the reference's number in the same place ("5" for "50")."""
    for quantity, reference, same in _pairs(segment):
        if not same:
            yield Finding(quantity.start, quantity.end,
                          f"the number {quantity.text} disagrees with the reference's {reference.text}",
                          reference.text)


@check("date-mismatch", "accuracy/mistranslation", "major", needs_reference=True, minimum="major")
def date_mismatch(segment: Segment):
    """A day of the week or a month other than the reference's in the same place ("Monday" for "Wednesday")."""
    for word, reference, same in _pairs(segment, calendar_words):
        if not same:
            yield Finding(word.start, word.end, f"'{word.text}' disagrees with the reference's '{reference.text}'",
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
