"""Words that are not English: misspellings unknown to any English word list, and words in another
script left untranslated."""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata

from ..evidence import Segment
from .registry import Finding, check
from .text import is_lower_word, zipf

_VOCABULARY_SIZE = 50_000  # the commonest English words offered as corrections


@functools.cache
def _vocabulary() -> tuple[str, ...]:
    from wordfreq import top_n_list

    return tuple(w for w in top_n_list("en", _VOCABULARY_SIZE) if w.isalpha())


@functools.lru_cache(maxsize=20_000)
def _correction(word: str) -> str | None:
    matches = difflib.get_close_matches(word, _vocabulary(), n=1, cutoff=0.85)
    return matches[0] if matches else None


@check("unknown-word", "fluency/spelling", "minor")
def unknown_word(segment: Segment):
    """A lower-case word that no English word list knows ("killiing")."""
    for word in segment.analysis.words:
        if not is_lower_word(word.text) or len(word.text) < 3 or zipf(word.text) > 0:
            continue
        correction = _correction(word.text)
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
