"""Language-model evidence for stage 6: runs of words far more surprising than they should be, and
words that the reference leaves unexplained.

The fluency stage (:mod:`mtqa.stages.score.fluency`) gives every word its *excess*: its surprisal under the
language model minus what its rarity, position and capitalisation explain, and zero for a name or a
number. One surprising word is common in good English (a rare term, a headline's ellipsis); bad
English shows as a *run* of them: "has refused to how one this information" costs 12.9, 13.3 and
9.6 bits more than expected in a row. A run is flagged as fluency/grammar; where the reference
comparison covers the same words the merge names it a mistranslation.

With a parallel reference the model also reads the reference first (``mtqa.metrics.unexplained``):
a word it still cannot predict after that is one the reference does not account for. "The Pentagon
has refused to how one this information" after "the Pentagon refused to comment on this information"
needs 13 bits for "how" and 10 for "one"; a faithful paraphrase's words need a few bits each.

Thresholds were chosen on development data (French DEMETR pairs whose damage is grammatical: word
swap, part-of-speech shift, function word, removed verb/subject/noun, case, removed conjunction; 30
of each, ``benchmarks/calibrate_lm_evidence.py``): 0.16 runs per 100 words of the intact
translations, a run the intact translation lacks in 23 % of the damaged ones. The seeds played no part.
"""

from __future__ import annotations

from typing import Sequence

from mtqa.backends.language_models import word_spans
from mtqa.checks.evidence import Evidence, Segment, WordScore, is_word

# A word belongs to a run from this much excess (bits); one ordinary word inside a run may fall
# below it ("not of mortal remains repatriated": "mortal" is expected once "not of" has derailed).
HIGH_BITS = 4.0
GAP_WORDS = 1
# A run is evidence when it holds at least this many high words and its excess sums to this much.
MIN_HIGH_WORDS = 2
RUN_BITS = 20.0
DETECTOR = "language-model"
# A word that needs this many bits after the reference is unexplained by it. Chosen on every other
# line of WMT21 TED zh→en MQM (6, 8, 10 and 12 bits tried, with the reference comparison's
# paraphrase veto at 0, 4, 6, 8 and 10 bits: mtqa.stages.find_errors.reference); docs/error-spans.md.
UNEXPLAINED_BITS = 8.0
UNEXPLAINED = "language-model-after-reference"


def surprising_runs(words: Sequence[WordScore]) -> list[list[WordScore]]:
    """Maximal runs of high-excess words (a punctuation mark ends a run), each ending on a high word."""
    runs: list[list[WordScore]] = []
    current: list[WordScore] = []
    gap = 0
    for word in words:
        if is_word(word.text) and word.excess >= HIGH_BITS:
            current.append(word)
            gap = 0
        elif current and is_word(word.text) and gap < GAP_WORDS:
            current.append(word)
            gap += 1
        else:
            if current:
                runs.append(current)
            current, gap = [], 0
    if current:
        runs.append(current)
    trimmed = []
    for run in runs:
        while run[-1].excess < HIGH_BITS:
            run = run[:-1]
        trimmed.append(run)
    return trimmed


def run_is_evidence(run: Sequence[WordScore]) -> bool:
    high = sum(1 for w in run if w.excess >= HIGH_BITS)
    return high >= MIN_HIGH_WORDS and sum(max(w.excess, 0.0) for w in run) >= RUN_BITS


def language_model_evidence(segment: Segment) -> list[Evidence]:
    """Evidence source ``Segment -> list[Evidence]``: one fluency/grammar claim per surprising run
    within a sentence of the segment (nothing when the fluency stage did not score the segment)."""
    if not segment.surprisals:
        return []
    evidence = []
    for part in segment.parts:
        words = [w for w in segment.surprisals if part.offset <= w.start and w.end <= part.end]
        for run in surprising_runs(words):
            if not run_is_evidence(run):
                continue
            bits = sum(max(w.excess, 0.0) for w in run)
            evidence.append(Evidence(
                run[0].start, run[-1].end, "fluency/grammar", DETECTOR,
                f"the language model finds these {len(run)} words {bits:.0f} bits more surprising than expected",
            ))
    return evidence


def _word_runs(segment: Segment, threshold: float) -> list[list[tuple[int, int, float]]]:
    """Consecutive words of the segment that cost at least ``threshold`` bits after the reference; a
    punctuation mark or a cheaper word ends a run."""
    runs: list[list[tuple[int, int, float]]] = []
    current: list[tuple[int, int, float]] = []
    for start, end, bits in segment.unexplained or ():
        if is_word(segment.text[start:end]) and bits >= threshold:
            current.append((start, end, bits))
        elif current:
            runs.append(current)
            current = []
    return runs + [current] if current else runs


def unexplained_evidence(segment: Segment) -> list[Evidence]:
    """Evidence source: runs of words the language model cannot predict even after reading a parallel
    reference. Words the reference lacks make it a mistranslation; words it has, put where the
    reference does not lead the model to expect them, a grammar error. A comparable reference tells
    the story its own way, so most of its candidates' words are unexplained: nothing is claimed."""
    if segment.unexplained is None or segment.reference is None or not segment.context.parallel:
        return []
    reference_words = {segment.reference[a:b].lower() for a, b in word_spans(segment.reference)}
    evidence = []
    for run in _word_runs(segment, UNEXPLAINED_BITS):
        start, end = run[0][0], run[-1][1]
        absent = any(segment.text[a:b].lower() not in reference_words for a, b, _ in run)
        bits = sum(b for _, _, b in run)
        evidence.append(Evidence(
            start, end, "accuracy/mistranslation" if absent else "fluency/grammar", UNEXPLAINED,
            f"after reading the reference, the language model still needs {bits:.0f} bits for "
            f"'{segment.text[start:end]}'",
        ))
    return evidence
