"""Grammatical forms that disagree with a parallel reference: the same word in another tense, number,
aspect, verb form or person ("says" where the reference has "said", "experiment" for "experiments").

Only against a reference that translates the same source line by line (``--parallel``): a reference
written independently tells the story its own way ("has resumed" for "resumed" is no error there).
"""

from __future__ import annotations

from mtqa.backends.linguistic import LEMMA
from mtqa.checks.evidence import Segment
from mtqa.checks.registry import Finding, check
from mtqa.checks.text import capitalise

# spaCy's morphological features compared, with readable names for their values.
_FEATURES = {
    "Tense": {"Past": "past", "Pres": "present"},
    "Number": {"Sing": "singular", "Plur": "plural"},
    "Aspect": {"Prog": "progressive", "Perf": "perfect"},
    "VerbForm": {"Fin": "finite", "Inf": "infinitive", "Ger": "gerund", "Part": "participle"},
    "Person": {"1": "first person", "2": "second person", "3": "third person"},
}
_INFLECTED = {"VERB", "AUX", "NOUN"}


def _describe(morph, features: list[str]) -> str:
    values = [_FEATURES[f].get(value[0], value[0]) for f in features if (value := morph.get(f))]
    return ", ".join(values) or "no " + "/".join(f.lower() for f in features)


def _cased_like(text: str, model: str) -> str:
    """``text`` with the initial case of ``model`` (a sentence-initial word in one of the two texts)."""
    if model[:1].isupper():
        return capitalise(text)
    return text.lower() if text[1:].islower() else text


@check("word-form", "accuracy/mistranslation", "minor", needs_parallel=True)
def word_form(segment: Segment):
    """A word in another tense, number, aspect, verb form or person than its counterpart in a parallel
    reference ("says" for "said")."""
    alignment = segment.alignment
    candidate_doc, reference_doc = segment.analysis.doc, segment.reference_analysis.doc
    reference_words = alignment.reference.words
    reference_keys = {w.key for w in reference_words}
    for i, word in enumerate(alignment.candidate.words):
        j = int(alignment.candidate_best[i])
        # The same lemma, matched both ways, in a form the reference never uses.
        if word.pos not in _INFLECTED or word.key in reference_keys or j < 0 \
                or alignment.surface[i, j] != LEMMA or int(alignment.reference_best[j]) != i:
            continue
        counterpart = reference_words[j]
        mine, theirs = candidate_doc[word.token].morph, reference_doc[counterpart.token].morph
        differing = [f for f in _FEATURES if mine.get(f) != theirs.get(f)]
        if not differing:
            continue
        yield Finding(
            word.start, word.end,
            f"the reference has '{counterpart.text}' ({_describe(theirs, differing)}) "
            f"for '{word.text}' ({_describe(mine, differing)})",
            _cased_like(counterpart.text, word.text),
        )
