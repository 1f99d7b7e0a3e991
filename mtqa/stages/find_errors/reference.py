"""Evidence from the reference (aligned segments): the candidate compared with its reference word by
word, through :func:`mtqa.backends.linguistic.align_words`.

- candidate words with no good counterpart are a mistranslation when the reference has unmatched
  content at the same place (quoted in the explanation), an addition otherwise;
- reference content with no counterpart is an omission, anchored at the candidate word next to where
  it belongs; at either end of the reference, only when the reference's syntax ties it to a matched
  word or, with a parallel reference, when the language model still needs many bits for it after
  reading the candidate;
- two strongly matched candidate words a few words apart whose counterparts come in the opposite order
  are a word-order error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

import numpy as np

from mtqa.backends.linguistic import Analysis, Word, WordAlignment, number_value
from mtqa.checks.evidence import Evidence, Segment, is_word
from mtqa.checks.text import is_prefix

if TYPE_CHECKING:
    from spacy.tokens import Token

MATCH = 0.7  # below this best similarity a word has no good counterpart (errors 0.4-0.5, paraphrases 0.75+)
ANCHOR = 0.8  # from this similarity a word pins down where its counterpart is
WEAK = 0.45  # a poor counterpart that still shows which reference words a wrong word stands for
ORDER_DISTANCE = 3  # crossing counterparts at most this many words apart on both sides
AMBIGUOUS = 0.02  # another counterpart this close to the best makes a match ambiguous
_CORE_ARGUMENTS = {"nsubj", "nsubjpass", "csubj", "dobj", "obj", "attr", "agent", "dative"}
DETECTOR = "reference"
# Unmatched or reordered candidate words that the language model predicts after reading the
# reference, each for fewer bits than this, are a paraphrase, not an error: their claim is dropped.
# On WMT21 TED zh→en MQM such claims are right no more often than a word picked at random (11 % of
# their characters against 12 %); chosen with the unexplained-word threshold (mtqa.stages.find_errors.language_model).
EXPLAINED_BITS = 4.0
# The other direction: unmatched reference words at either end of a parallel reference that still cost
# the language model this many bits in all after it has read the candidate are content the candidate
# left out ("in front of a small audience" after "the military parade was held"), not a longer way of
# saying the same. Chosen on French DEMETR (benchmarks/calibrate_lm_evidence.py): 10.6 % of copies
# with a phrase dropped get such an omission, 0.6 % of the intact translations.
UNRENDERED_BITS = 10.0
UNRENDERED = "language-model-after-candidate"


@dataclass(frozen=True)
class _Run:
    first: int  # word indices, inclusive
    last: int


def _inner_hyphen(token: Token) -> bool:
    """The hyphen inside a word ("self-proclaimed"), which spaCy makes a token of its own."""
    return token.i > 0 and is_prefix(token.doc[token.i - 1]) and not token.whitespace_


def _runs(unmatched: np.ndarray, analysis: Analysis) -> list[_Run]:
    """Runs of unmatched words, bridging one matched function word ("refused [to] how one") and the
    hyphen inside a word, but not punctuation, and holding at least one content word."""
    words, doc = analysis.words, analysis.doc
    runs: list[list[int]] = []
    for index, flag in enumerate(unmatched):
        if not flag:
            continue
        if runs:
            last = runs[-1][-1]
            gap = index - last
            punctuated = any(t.is_punct and not _inner_hyphen(t) for t in doc[words[last].token + 1: words[index].token])
            if not punctuated and (gap == 1 or (gap == 2 and not words[index - 1].content)):
                runs[-1].append(index)
                continue
        runs.append([index])
    return [_Run(r[0], r[-1]) for r in runs if any(words[i].content for i in r)]


def _quote(text: str, words: tuple[Word, ...], first: int, last: int) -> str:
    return text[words[first].start: words[last].end]


def _anchor(alignment: WordAlignment, indices: range) -> int | None:
    """The reference index of the first strongly matched content word among ``indices``."""
    for i in indices:
        if alignment.candidate_score[i] >= ANCHOR and alignment.candidate.words[i].content:
            return int(alignment.candidate_best[i])
    return None


def _expand(unmatched_ref: np.ndarray, index: int) -> tuple[int, int]:
    first = last = index
    while first > 0 and unmatched_ref[first - 1]:
        first -= 1
    while last + 1 < len(unmatched_ref) and unmatched_ref[last + 1]:
        last += 1
    return first, last


def _counterpart(alignment: WordAlignment, run: _Run, unmatched_ref: np.ndarray) -> tuple[int, int] | None:
    """The reference words a wrong candidate run stands for, as an inclusive index range, if any: the
    stretch between the reference counterparts of the strongly matched words on either side of the
    run (widened by a few words when it holds no unmatched content, as languages order clauses
    differently), else the unmatched reference words the run's words resemble most."""
    ref_words = alignment.reference.words
    n_ref = len(ref_words)
    left = _anchor(alignment, range(run.first - 1, -1, -1))
    right = _anchor(alignment, range(run.last + 1, len(alignment.candidate.words)))
    reach = run.last - run.first + 4
    if left is None and right is None:
        return None
    low = left + 1 if left is not None else right - reach
    high = right - 1 if right is not None else left + reach
    for widen in (0, ORDER_DISTANCE):
        a, b = max(low - widen, 0), min(high + widen, n_ref - 1)
        if 0 <= b - a < 2 * reach and any(unmatched_ref[j] and ref_words[j].content for j in range(a, b + 1)):
            # The stretch from its first to its last unmatched word ("said it had no"); a widened
            # stretch keeps only its unmatched content words.
            keep = [j for j in range(a, b + 1) if unmatched_ref[j] and (ref_words[j].content or not widen)]
            return min(keep), max(keep)
    weak = []
    for i in range(run.first, run.last + 1):
        j = int(alignment.candidate_best[i])
        # A number's counterpart is the number checks' business.
        if alignment.candidate_score[i] >= WEAK and unmatched_ref[j] and ref_words[j].content \
                and number_value(ref_words[j].text) is None:
            weak.append(j)
    if not weak:
        return None
    return min(_expand(unmatched_ref, j)[0] for j in weak), max(_expand(unmatched_ref, j)[1] for j in weak)


def _clause_level(a: Token, b: Token) -> bool:
    """One word is a core argument (subject, object) of the other: their order is the clause's
    choice, not a word-order error inside a phrase."""
    return (a.head == b and a.dep_ in _CORE_ARGUMENTS) or (b.head == a and b.dep_ in _CORE_ARGUMENTS)


def _word_order(segment: Segment, alignment: WordAlignment) -> list[Evidence]:
    words, doc = alignment.candidate.words, segment.analysis.doc
    similarity = alignment.similarity
    # Strong, unambiguous matches only: a word the reference uses twice ("military operations" and
    # "military officials") gives no order to compare. An adverb may stand in several places ("have
    # also been adopted", "have been adopted also"): its place is style, not word order.
    strong = [
        i for i, w in enumerate(words)
        if alignment.candidate_score[i] >= ANCHOR and w.content and w.pos != "ADV"
        and int((similarity[i] >= alignment.candidate_score[i] - AMBIGUOUS).sum()) == 1
    ]
    found = []
    for position, i in enumerate(strong):
        for k in strong[position + 1:]:
            if k - i > ORDER_DISTANCE:
                break
            ji, jk = int(alignment.candidate_best[i]), int(alignment.candidate_best[k])
            if not (ji > jk and ji - jk <= ORDER_DISTANCE):
                continue
            between = doc[words[i].token + 1: words[k].token]
            if any(t.pos_ in {"CCONJ", "PUNCT"} for t in between):
                continue  # "Iraqi and US", "X, Y": coordination may come in any order
            if _clause_level(doc[words[i].token], doc[words[k].token]):
                continue  # a verb and its subject or object: active/passive, relative clauses
            start, end = words[i].start, words[k].end
            if _explained(segment, start, end):
                continue  # "the speed of light" for "light speed": an order the reference leads to
            ref_text = _quote(alignment.reference.text, alignment.reference.words, jk, ji)
            # The reference's words are a fix only when they are a reordering of the span's words.
            span_keys = sorted(w.key for w in words[i: k + 1])
            fix = ref_text if span_keys == sorted(w.key for w in alignment.reference.words[jk: ji + 1]) else None
            found.append(Evidence(
                start, end, "fluency/word-order", DETECTOR,
                f"the reference orders these words as '{ref_text}'",
                suggestion=fix, repair=fix,
            ))
    return found


def _phrase(segment: Segment, start: int, end: int) -> tuple[int, int]:
    """[start, end) widened to the base noun phrases it touches."""
    low, high = start, end
    for chunk in segment.analysis.doc.noun_chunks:
        a, b = chunk.start_char, chunk.end_char
        if a < end and start < b:
            low, high = min(low, a), max(high, b)
    return low, high


def _bits_within(words: tuple[tuple[int, int, float], ...] | None, text: str, start: int, end: int) -> list[float]:
    """The bits of each word (not punctuation) of ``words`` (offsets into ``text``) inside [start, end)."""
    return [bits for a, b, bits in words or () if a < end and start < b and is_word(text[a:b])]


def _explained(segment: Segment, start: int, end: int) -> bool:
    """Every word of [start, end) costs the language model fewer than EXPLAINED_BITS after reading the
    reference (False when the run has no such measurement)."""
    inside = _bits_within(segment.unexplained, segment.text, start, end)
    return bool(inside) and max(inside) < EXPLAINED_BITS


def reference_evidence(segment: Segment) -> list[Evidence]:
    """The segment compared with its reference word by word (nothing for a segment without one)."""
    alignment = segment.alignment
    if alignment is None or not alignment.reference.words:
        return []
    if not alignment.candidate.words:
        return _nothing_rendered(segment, alignment)
    cand_words, ref_words = alignment.candidate.words, alignment.reference.words
    unmatched_cand = alignment.candidate_score < MATCH
    unmatched_ref = alignment.reference_score < MATCH
    consumed = np.zeros(len(ref_words), dtype=bool)
    evidence = []
    text = segment.text
    for run in _runs(unmatched_cand, alignment.candidate):
        start, end = cand_words[run.first].start, cand_words[run.last].end
        span = text[start:end]
        counterpart = _counterpart(alignment, run, unmatched_ref)
        if _explained(segment, start, end):
            if counterpart is not None:  # the paraphrase renders its counterpart: no omission either
                consumed[counterpart[0]: counterpart[1] + 1] = True
            continue
        if counterpart is None:
            evidence.append(Evidence(start, end, "accuracy/addition", DETECTOR,
                                     f"'{span}' has no counterpart in the reference", repair=""))
            continue
        # A mistranslation spans the phrase the wrong words belong to ("a hit american"); an addition
        # is just the added words.
        low, high = _phrase(segment, start, end)
        first, last = counterpart
        consumed[first: last + 1] = True
        quote = _quote(alignment.reference.text, ref_words, first, last)
        evidence.append(Evidence(low, high, "accuracy/mistranslation", DETECTOR,
                                 f"the reference says: '{quote}'", repair=text[low:start] + quote + text[end:high]))
    evidence.extend(_omissions(segment, alignment, unmatched_ref & ~consumed))
    evidence.extend(_word_order(segment, alignment))
    return evidence


def _nothing_rendered(segment: Segment, alignment: WordAlignment) -> list[Evidence]:
    """A candidate with no words at all ("." where a sentence belongs) omits all of its reference:
    one omission over what is there."""
    text = segment.text
    start, end = len(text) - len(text.lstrip()), len(text.rstrip())
    if start >= end or not any(w.content for w in alignment.reference.words):
        return []
    return [Evidence(
        start, end, "accuracy/omission", DETECTOR,
        f"nothing here renders the reference: '{alignment.reference.text.strip()}'",
        repair=alignment.reference.text.strip(),
    )]


def _omissions(segment: Segment, alignment: WordAlignment, missing: np.ndarray) -> list[Evidence]:
    """Unmatched reference content that the candidate left out of a stretch it otherwise renders: a
    run between two strongly matched content words, or a run at either end of the reference that
    hangs, in the reference's syntax, on a strongly matched word ("General" of "General Secretary",
    a closing "in the sky over Vladivostok"). Other unmatched content at the ends is more often a
    longer reference sentence than an omission, unless the language model, having read the
    candidate, still needs UNRENDERED_BITS for it (parallel references only)."""
    ref_words, cand_words = alignment.reference.words, alignment.candidate.words

    def anchored(j: int) -> bool:
        return alignment.reference_score[j] >= ANCHOR and ref_words[j].content

    def anchor(indices: range) -> int | None:
        return next((j for j in indices if anchored(j)), None)

    found = []
    for run in _runs(missing, alignment.reference):
        before = anchor(range(run.first - 1, -1, -1))
        after = anchor(range(run.last + 1, len(ref_words)))
        quote = _quote(alignment.reference.text, ref_words, run.first, run.last)
        # The reference word the omission is reported beside.
        at = before if before is not None and after is not None else _governor(alignment, run, anchored)
        if at is not None:
            word = cand_words[int(alignment.reference_best[at])]
            text = segment.text[word.start: word.end]
            side, repair = ("after", f"{text} {quote}") if at < run.first else ("before", f"{quote} {text}")
            found.append(Evidence(
                word.start, word.end, "accuracy/omission", DETECTOR,
                f"the reference says '{quote}' {side} '{ref_words[at].text}', which has no counterpart here",
                repair=repair,
            ))
            continue
        # What the language model still needs for the run after reading the candidate.
        bits = sum(_bits_within(segment.unrendered, segment.reference, ref_words[run.first].start, ref_words[run.last].end))
        if bits < UNRENDERED_BITS:
            continue
        # Nothing pins the run down: it is reported at the candidate's last word when no strongly
        # matched reference content follows it, else at its first.
        closing = after is None
        word = cand_words[-1] if closing else cand_words[0]
        text = segment.text[word.start: word.end]
        side, repair = ("end", f"{text} {quote}") if closing else ("start", f"{quote} {text}")
        found.append(Evidence(
            word.start, word.end, "accuracy/omission", UNRENDERED,
            f"the reference has '{quote}' near its {side}, which has no counterpart here; after reading "
            f"this translation, the language model still needs {bits:.0f} bits for it",
            repair=repair,
        ))
    return found


def _governor(alignment: WordAlignment, run: _Run, anchored: Callable[[int], bool]) -> int | None:
    """The anchored reference word outside ``run`` that the run's head attaches to, if any."""
    ref_words, doc = alignment.reference.words, alignment.reference.doc
    inside = {ref_words[j].token for j in range(run.first, run.last + 1)}
    by_token = {w.token: w.index for w in ref_words}
    for j in range(run.first, run.last + 1):
        head = doc[ref_words[j].token].head
        while head.i in inside and head.head.i != head.i:
            head = head.head
        k = by_token.get(head.i)
        if head.i not in inside and k is not None and anchored(k):
            return k
    return None
