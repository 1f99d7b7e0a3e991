"""Small helpers the checks share: spans of spaCy tokens, sentence starts, word shapes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from wordfreq import zipf_frequency

from mtqa.checks.evidence import Segment

if TYPE_CHECKING:
    from spacy.tokens import Token

OPENING_MARKS = set("\"“‘«([{:;–—-•")
# spaCy's entity labels of names: people, nationalities, places, bodies, events, works, laws, languages.
NAME_ENTITIES = {"NORP", "GPE", "PERSON", "ORG", "LOC", "FAC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART", "LANGUAGE"}


def token_range(first: "Token", last: "Token") -> tuple[int, int]:
    return first.idx, last.idx + len(last.text)


def starts_sentence(segment: Segment, token: "Token") -> bool:
    """The token opens a sentence (or a quotation, a parenthesis, a list item, a clause after a colon)."""
    if token.idx in segment.sentence_starts() or token.i == 0:
        return True
    previous = token.doc[token.i - 1]
    return previous.text in {".", "!", "?", "..", "…"} or previous.text[-1] in OPENING_MARKS


def is_prefix(token: "Token") -> bool:
    """The word is a prefix joined by a hyphen ("pan" in "pan-European")."""
    return not token.whitespace_ and token.i + 1 < len(token.doc) and token.doc[token.i + 1].text == "-"


def is_lower_word(text: str) -> bool:
    return text.isalpha() and text.islower()


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def zipf(word: str) -> float:
    return zipf_frequency(word, "en")


def is_count_noun(word: str) -> bool:
    """The word is commonly used as a countable noun: its plural is frequent in English ("generals",
    "hits", "groups"), unlike adjectives ("youngs") or participles ("targeteds")."""
    word = word.lower()
    if not word.isalpha() or word.endswith("s"):
        return False
    return zipf(word + "s") >= COUNT_NOUN_PLURAL_ZIPF


COUNT_NOUN_PLURAL_ZIPF = 3.5


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance: the fewest insertions, deletions and substitutions that turn a into b."""
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]
