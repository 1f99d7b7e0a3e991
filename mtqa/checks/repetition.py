"""Repetitions: a word typed twice, a verb repeated around a pronoun, a subject said twice."""

from __future__ import annotations

import re

from mtqa.checks.evidence import Segment
from mtqa.checks.registry import Finding, check
from mtqa.checks.text import starts_sentence, token_range

_SUBJECT_PRONOUNS = {"he", "she", "it", "they", "we"}
_REPEATED = re.compile(r"(?<![\w-])(\w+(?:[-’']\w+)*)\s+(\1)(?![\w-])", re.IGNORECASE)


@check("repeated-word", "fluency/grammar", "minor")
def repeated_word(segment: Segment):
    """The same word twice in a row ("the the", "ex-husband ex-husband"), unless two function words
    play different parts ("that that", "had had")."""
    doc = segment.analysis.doc
    for match in _REPEATED.finditer(segment.text):
        first = doc.char_span(match.start(1), match.end(1), alignment_mode="expand")
        second = doc.char_span(match.start(2), match.end(2), alignment_mode="expand")
        if len(first) == 1 and len(second) == 1 and first[0].is_stop and first[0].pos_ != second[0].pos_:
            continue
        yield Finding(match.start(), match.end(), f"'{match.group(1)}' is repeated", match.group(1))


@check("repeated-verb", "fluency/grammar", "minor")
def repeated_verb(segment: Segment):
    """A verb repeated across one or two function words ("said they said")."""
    doc = segment.analysis.doc
    for token in doc:
        if token.pos_ != "VERB":
            continue
        for gap in (1, 2):
            other = token.i + gap + 1
            if other >= len(doc) or doc[other].pos_ != "VERB" or doc[other].lemma_ != token.lemma_:
                continue
            between = doc[token.i + 1: other]
            if all(t.pos_ in {"PRON", "DET", "PART"} for t in between):
                start, end = token_range(token, doc[other])
                yield Finding(start, end, f"the verb '{token.text}' is repeated", token.text)


@check("doubled-subject", "fluency/grammar", "minor")
def doubled_subject(segment: Segment):
    """A subject pronoun right after the name it stands for, capitalised in mid-sentence ("Pompeo He refused")."""
    doc = segment.analysis.doc
    for token in doc:
        if token.i == 0 or token.lower_ not in _SUBJECT_PRONOUNS or not token.text[0].isupper():
            continue
        previous = doc[token.i - 1]
        if starts_sentence(segment, token) or previous.pos_ not in {"PROPN", "NOUN"}:
            continue
        start, end = token_range(previous, token)
        yield Finding(start, end, f"the pronoun '{token.text}' repeats the subject '{previous.text}'", previous.text)
