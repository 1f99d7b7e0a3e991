"""Names that disagree with the reference: a name the reference documents spell otherwise ("Qasem"
where they write "Qassem"), and another name in the place of a parallel reference sentence's own
("Pope Daley" for "Pope Francis")."""

from __future__ import annotations

from mtqa.backends.linguistic import Analysis, Word
from mtqa.checks.evidence import Segment
from mtqa.checks.registry import Finding, check
from mtqa.checks.text import NAME_ENTITIES, edit_distance, zipf

# Below this Zipf frequency a name is one that translators transliterate each their own way ("Qasem"
# 1.6, "Suleimani" 1.1); a commoner name ("Iran" 4.6, "Austria") is not a variant of a similar one.
VARIANT_ZIPF = 3.0


def name_words(analysis: Analysis) -> list[Word]:
    """Capitalised words inside a named entity, acronyms aside (their own checks read them)."""
    doc = analysis.doc
    return [
        w for w in analysis.words
        if w.text.isalpha() and w.text[0].isupper() and not w.text.isupper() and len(w.text) >= 3
        and doc[w.token].ent_type_ in NAME_ENTITIES
    ]


def spelling_of(name: str, forms: dict[str, str]) -> str | None:
    """The reference form (of ``forms``, lower-cased key: form) that ``name`` spells otherwise: one
    letter away, two for names longer than five letters; the nearest, then the commonest."""
    key = name.lower()
    allowed = 1 if len(key) <= 5 else 2
    near = [
        (edit_distance(key, other), -zipf(other), other)
        for other in forms
        if other != key and abs(len(other) - len(key)) <= allowed
    ]
    near = [n for n in near if n[0] <= allowed]
    return forms[min(near)[2]] if near else None


@check("name-spelling", "terminology/wrong-term", "minor")
def name_spelling(segment: Segment):
    """A rare name that the reference documents spell otherwise ("Qasem" for "Qassem", "Suleimani" for
    "Soleimani"). Reads the reference documents, so it also runs on sentences with no counterpart."""
    context = segment.context
    forms = context.reference_name_forms
    for word in name_words(segment.analysis):
        if word.text.lower() in context.reference_words or zipf(word.text) >= VARIANT_ZIPF:
            continue
        form = spelling_of(word.text, forms)
        if form is not None:
            yield Finding(word.start, word.end, f"the reference documents spell this name '{form}'", form)


def _runs(words: list[Word]) -> list[list[Word]]:
    """Consecutive words (by position in the sentence) grouped: the words of one name."""
    runs: list[list[Word]] = []
    for word in words:
        if runs and word.index == runs[-1][-1].index + 1:
            runs[-1].append(word)
        else:
            runs.append([word])
    return runs


def _same_slot(segment: Segment, candidate: list[Word], reference: list[Word]) -> bool:
    """The two names stand between the same words: the word before (or after) one is aligned with the
    word before (or after) the other and matches it in form or lemma, or both open (or close) their
    sentences."""
    alignment = segment.alignment
    n_candidate, n_reference = len(segment.analysis.words), len(segment.reference_analysis.words)
    for c, r in ((candidate[0].index - 1, reference[0].index - 1), (candidate[-1].index + 1, reference[-1].index + 1)):
        inside_c, inside_r = 0 <= c < n_candidate, 0 <= r < n_reference
        if not inside_c and not inside_r:
            return True
        if inside_c and inside_r and alignment.surface[c, r] > 0 and alignment.candidate_best[c] == r:
            return True
    return False


@check("name-mismatch", "accuracy/mistranslation", "major", needs_parallel=True, minimum="major")
def name_mismatch(segment: Segment):
    """A name that the reference sentence lacks, standing where the reference has a name the candidate
    lacks ("Pope Daley welcomed" for "Pope Francis welcomed"): a different person, place or body.
    Against a parallel reference only: an independently written story names things its own way."""
    candidate, reference = segment.analysis, segment.reference_analysis
    reference_keys = {w.key for w in reference.words}
    candidate_keys = {w.key for w in candidate.words}
    spare = [w for w in name_words(reference) if w.key not in candidate_keys]
    if not spare:
        return
    forms = {w.text.lower(): w.text for w in spare}
    absent = [w for w in name_words(candidate) if w.key not in reference_keys and spelling_of(w.text, forms) is None]
    counterparts = _runs(spare)
    for run in _runs(absent):
        for counterpart in counterparts:
            if _same_slot(segment, run, counterpart):
                start, end = run[0].start, run[-1].end
                said = reference.text[counterpart[0].start:counterpart[-1].end]
                yield Finding(start, end, f"'{candidate.text[start:end]}' stands where the reference names '{said}'",
                              said)
                break
