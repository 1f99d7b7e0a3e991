"""The MQM-style error taxonomy: categories, severities, their penalties and the MQM score."""

from __future__ import annotations

SEVERITIES = ("minor", "major", "critical")


PENALTY = {"minor": 1, "major": 5, "critical": 25}


CATEGORIES = (
    "accuracy/mistranslation", "accuracy/omission", "accuracy/addition", "accuracy/untranslated",
    "fluency/grammar", "fluency/word-order", "fluency/spelling", "fluency/punctuation",
    "style/awkward", "terminology/wrong-term", "other/boilerplate",
)


def mqm_score(penalty: float, n_words: int) -> float:
    """The document's MQM score: minus its error penalty per 100 words of content (0 is flawless,
    -5 is one major error per 100 words), the sign convention of the WMT MQM annotations."""
    return -100.0 * penalty / n_words if n_words else float("nan")
