"""Words that are not English: misspellings unknown to any English word list, and words in another
script left untranslated."""

from __future__ import annotations

import functools
import re
import unicodedata

from mtqa.checks.evidence import Segment
from mtqa.checks.registry import Finding, check
from mtqa.checks.text import is_lower_word, zipf

_VOCABULARY_SIZE = 50_000  # the commonest English words offered as corrections
RARE_ZIPF = 2.0  # below this Zipf frequency a word may be a misspelling ("finacial" 1.4) ...
MISSPELLING_GAP = 3.0  # ... when a spelling this much commoner is one edit away ("financial" 4.9)


@functools.cache
def _vocabulary() -> frozenset[str]:
    from wordfreq import top_n_list

    return frozenset(w for w in top_n_list("en", _VOCABULARY_SIZE) if w.isalpha())


def _one_edit(word: str) -> set[str]:
    """Every string one deletion, transposition, substitution or insertion away from ``word``."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return (
        {a + b[1:] for a, b in splits if b}
        | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
        | {a + c + b[1:] for a, b in splits if b for c in letters}
        | {a + c + b for a, b in splits for c in letters}
    ) - {word}


@functools.lru_cache(maxsize=20_000)
def _correction(word: str) -> str | None:
    """The commonest English word one edit away, if any."""
    candidates = _one_edit(word) & _vocabulary()
    return max(sorted(candidates), key=zipf) if candidates else None


@check("unknown-word", "fluency/spelling", "minor")
def unknown_word(segment: Segment):
    """A lower-case word that no English word list knows ("killiing"), or a rare one next to a far
    commoner spelling ("finacial")."""
    for word in segment.analysis.words:
        if not is_lower_word(word.text) or len(word.text) < 3:
            continue
        frequency = zipf(word.text)
        if frequency >= RARE_ZIPF:
            continue
        correction = _correction(word.text)
        if frequency > 0 and (correction is None or zipf(correction) - frequency < MISSPELLING_GAP):
            continue
        why = f"did you mean '{correction}'?" if correction else "not found in any English word list"
        yield Finding(word.start, word.end, f"'{word.text}' is not an English word ({why})", correction)


def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    return name.split(" ")[0] if name else ""


_LETTERS = re.compile(r"[^\W\d_]+")


@check("foreign-script", "accuracy/untranslated", "major")
def foreign_script(segment: Segment):
    """Words in a non-Latin script left in an English translation (Cyrillic, Chinese, Arabic...)."""
    for match in _LETTERS.finditer(segment.text):
        scripts = {_script(c) for c in match.group(0)}
        if scripts - {"LATIN"}:
            script = sorted(scripts - {"LATIN"})[0].title()
            yield Finding(match.start(), match.end(), f"'{match.group(0)}' is in {script} script: left untranslated")
