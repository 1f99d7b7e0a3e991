"""Stage 6 on the seeds: error spans against the hand annotation of seed 000, merged evidence,
explanations that quote the reference, exact offsets, MQM penalties, and units of several sentences."""

import csv
import json
import math
from dataclasses import dataclass, replace

import pandas as pd
import pytest
from conftest import DATA, FRENCH, NYT, REFERENCE, RUSSIAN, sentence_containing

import mtqa
from mtqa.backends.encoder import sentence_encoder
from mtqa.checks.evidence import Evidence
from mtqa.core.records import MarkedDocument
from mtqa.core.taxonomy import PENALTY, mqm_score
from mtqa.metrics.unexplained import UnexplainedBits
from mtqa.stages.aggregate.tables import ERROR_COLUMNS
from mtqa.stages.find_errors.language_model import (
    language_model_evidence,
    unexplained_evidence,
)
from mtqa.stages.find_errors.spans import (
    ErrorFinder,
    build_segments,
    find_errors,
    segment_for,
)
from mtqa.stages.load import document_from_text, load_document
from mtqa.stages.noncontent import mark_non_content
from mtqa.stages.score.fluency import fluency_scorer
from mtqa.stages.score.reference import Unit
from mtqa.stages.segment import segment

GOLD = list(csv.DictReader((DATA / "gold" / "seed-000-errors.tsv").open(encoding="utf-8"), delimiter="\t"))


def errors_of(result, doc_id):
    return result.errors[result.errors.doc_id == doc_id]


def error_covering(result, doc_id, fragment):
    """The one error of ``doc_id`` whose span overlaps the (unique) ``fragment`` of the document."""
    start = result.document_text(doc_id).index(fragment)
    end = start + len(fragment)
    errors = errors_of(result, doc_id)
    hits = errors[(errors.doc_start < end) & (errors.doc_end > start)]
    assert len(hits) >= 1, f"no error on {fragment!r}"
    return hits


def test_nine_in_ten_gold_spans_of_seed_000_are_found(seeds_result):
    text = FRENCH.read_text(encoding="utf-8")
    errors = errors_of(seeds_result, FRENCH.stem)
    found = set()
    for row in GOLD:
        start = text.index(row["span"])
        if ((errors.doc_start < start + len(row["span"])) & (errors.doc_end > start)).any():
            found.add(row["span"])
    assert len(found) >= 0.9 * len(GOLD), sorted({r["span"] for r in GOLD} - found)
    assert "refused to how one this information" in found
    assert "a hit american" in found


def test_evidence_on_the_same_words_merges_into_one_error(seeds_result):
    hit = error_covering(seeds_result, FRENCH.stem, "hit american")
    assert len(hit) == 1
    error = hit.iloc[0]
    detectors = set(error.detector.split(";"))
    assert {"reference", "check:demonym-order", "check:demonym-casing"} <= detectors
    assert error.category == "accuracy/mistranslation"  # the reference evidence names it
    assert "American" in error.suggestion
    assert "the demonym 'american' follows the noun 'hit'" in error.explanation
    general = error_covering(seeds_result, FRENCH.stem, "general iranian").iloc[0]
    assert general.category == "fluency/word-order"
    assert general.suggestion.endswith("Iranian general")


def test_a_mistranslation_quotes_the_reference(seeds_result):
    error = error_covering(seeds_result, FRENCH.stem, "refused to how one").iloc[0]
    assert error.category == "accuracy/mistranslation"
    assert error.severity in {"major", "critical"}
    assert error.explanation.startswith("the reference says: '")
    assert "said it had no" in error.explanation


def test_casing_alone_is_a_minor_spelling_error_with_its_fix(seeds_result):
    error = error_covering(seeds_result, FRENCH.stem, "president Donald").iloc[0]
    assert (error.text, error.category, error.severity, error.suggestion) == \
        ("president", "fluency/spelling", "minor", "President")
    assert error_covering(seeds_result, FRENCH.stem, "u. s.").iloc[0].suggestion == "U.S."


def test_offsets_are_exact_and_trimmed(seeds_result):
    errors = seeds_result.errors
    assert list(errors.columns) == ERROR_COLUMNS
    assert len(errors) > 50
    sentences = seeds_result.sentences.set_index(["doc_id", "sent_id"])
    for row in errors.itertuples():
        sentence = sentences.loc[(row.doc_id, row.sent_id)]
        assert sentence.text[row.start:row.end] == row.text
        assert seeds_result.document_text(row.doc_id)[row.doc_start:row.doc_end] == row.text
        assert row.doc_start == sentence.start + row.start
        assert row.text == row.text.strip() and row.text
        assert sentence.status != "boilerplate"
    assert set(errors.severity) <= set(PENALTY)


def test_sentence_penalties_and_document_scores_add_up(seeds_result):
    sentences, errors = seeds_result.sentences, seeds_result.errors
    content = sentences[sentences.status != "boilerplate"]
    penalty = errors.severity.map(PENALTY).groupby([errors.doc_id, errors.sent_id]).sum()
    for row in content.itertuples():
        mine = errors[(errors.doc_id == row.doc_id) & (errors.sent_id == row.sent_id)]
        assert row.n_errors == len(mine)
        assert row.mqm_penalty == penalty.get((row.doc_id, row.sent_id), 0)
    for document in seeds_result.documents[seeds_result.documents.role == "candidate"].itertuples():
        mine = errors[errors.doc_id == document.doc_id]
        assert document.n_errors == len(mine)
        assert document.n_minor + document.n_major + document.n_critical == len(mine)
        expected = -100 * mine.severity.map(PENALTY).sum() / document.n_words
        assert document.mqm_score == pytest.approx(expected, abs=1e-4)
    assert mqm_score(10, 200) == -5.0  # one major error and five minor ones per 100 words


def test_unaligned_sentences_get_the_reference_free_checks(seeds_result):
    row = sentence_containing(seeds_result.sentences, FRENCH.stem, "The u. s. State department")
    assert row.status == "unaligned"
    mine = errors_of(seeds_result, FRENCH.stem)
    mine = mine[mine.sent_id == row.sent_id]
    assert "u. s." in set(mine.text)
    assert not (mine.detector.str.contains("reference")).any()


def test_the_same_kinds_of_errors_are_found_in_the_other_seeds(seeds_result):
    said = error_covering(seeds_result, RUSSIAN.stem, "said they said").iloc[0]
    assert "check:repeated-verb" in said.detector and "said they said" in said.text
    assert (errors_of(seeds_result, RUSSIAN.stem).text == "..").sum() >= 5
    pompeo = error_covering(seeds_result, NYT.stem, "Pompeo He").iloc[0]
    assert "check:doubled-subject" in pompeo.detector and pompeo.suggestion is not None


def test_a_unit_of_several_sentences_reports_each_error_in_its_own_sentence():
    """An n:m link (two candidate sentences against one reference sentence) is compared as one unit;
    its errors are reported in the sentence they belong to, with offsets into that sentence."""
    reference_doc = load_document(REFERENCE, "reference")
    candidate_doc = load_document(FRENCH, "candidate")
    reference = MarkedDocument(reference_doc, segment(reference_doc), {})
    sentences = segment(candidate_doc)
    candidate = MarkedDocument(candidate_doc, sentences, mark_non_content(candidate_doc, sentences))
    first = next(s for s in sentences if s.text.startswith("The iraqi Parliament"))
    second = sentences[first.sent_id + 1]
    target = next(s for s in reference.sentences if s.text.startswith("The same day of the suspension"))
    unit = Unit(candidate_doc.doc_id, (first.sent_id, second.sent_id), reference_doc.doc_id, (target.sent_id,),
                f"{first.text} {second.text}", target.text, 0.7)
    spans = find_errors([candidate], [unit], {reference_doc.doc_id: reference}, sentence_encoder())
    in_unit = [s for s in spans if s.sent_id in (first.sent_id, second.sent_id)]
    assert {s.sent_id for s in in_unit} == {first.sent_id, second.sent_id}
    for span in in_unit:
        sentence = first if span.sent_id == first.sent_id else second
        assert sentence.text[span.start:span.end] == span.text
        assert candidate_doc.text[span.doc_start:span.doc_end] == span.text
    assert any(s.text == "5000" and s.suggestion == "5,000" for s in in_unit)  # the number sits in the second


@dataclass(frozen=True)
class WordSurprisal:
    start: int
    end: int
    text: str
    surprisal: float


def test_language_model_evidence_plugs_in_as_one_more_source():
    """A source reading word surprisals (as the fluency stage provides them) merges with the others.
    Here the surprisals are a unigram model's, -log2 of each word's frequency, from wordfreq."""
    from wordfreq import word_frequency

    text = "Asked by AFP, the Pentagon has refused to how one this information."
    segment_ = segment_for(text, "Asked by AFP, the Pentagon refused to comment on this information.")
    surprisals = tuple(
        WordSurprisal(w.start, w.end, w.text, -math.log2(max(word_frequency(w.text, "en"), 1e-9)))
        for w in segment_.analysis.words
    )
    segment_ = replace(segment_, surprisals=surprisals)

    def surprisal_peak(segment):
        peak = max(segment.surprisals, key=lambda s: s.surprisal)
        return [Evidence(peak.start, peak.end, "fluency/grammar", "language-model", f"{peak.surprisal:.1f} bits")]

    spans = ErrorFinder(sentence_encoder(), sources={"language-model": surprisal_peak}).find([segment_])
    from_model = [s for s in spans if "language-model" in s.detector]
    assert len(from_model) == 1
    assert from_model[0].text in text and "bits" in from_model[0].explanation


def test_errors_do_not_depend_on_the_batch_size_or_on_which_texts_are_encoded_together(monkeypatch):
    one = mtqa.assess(REFERENCE, [FRENCH], batch_size=32)
    encoder = sentence_encoder()
    monkeypatch.setattr(encoder, "_cache", {})
    monkeypatch.setattr(encoder, "_token_cache", {})
    other = mtqa.assess(REFERENCE, [FRENCH], batch_size=3)
    pd.testing.assert_frame_equal(one.errors, other.errors)
    pd.testing.assert_frame_equal(one.sentences, other.sentences)


def test_switching_checks_off_removes_their_errors():
    result = mtqa.assess(REFERENCE, [FRENCH], checks=("quote-placement",))
    detectors = {d for cell in result.errors.detector for d in cell.split(";")}
    assert detectors <= {"reference", "check:quote-placement", "language-model"}
    assert "check:quote-placement" in detectors
    none = mtqa.assess(REFERENCE, [FRENCH], find_errors=False)
    assert none.errors.empty and none.sentences.n_errors.isna().all()


def test_build_segments_covers_every_content_sentence_once(seeds_result):
    marked = seeds_result.marked[FRENCH.stem]
    units = [u for u in seeds_result.unit_scores.units if u.doc_id == FRENCH.stem]
    reference = seeds_result.marked[REFERENCE.stem]
    segments = build_segments([marked], units, {REFERENCE.stem: reference}, sentence_encoder())
    covered = [p.sentence.sent_id for s in segments for p in s.parts]
    assert sorted(covered) == [s.sent_id for s in marked.content]
    assert all((s.reference is None) == (s.alignment is None) for s in segments)


def language_model_segment(text, reference=None):
    """A sentence as a segment carrying SmolLM2's word surprisals, as the pipeline gives them."""
    (words,) = fluency_scorer("smollm2").words([text])
    return replace(segment_for(text, reference), surprisals=words)


@pytest.mark.parametrize("sentence, broken", [
    ("Asked by AFP, the Pentagon has refused to how one this information.", "how one"),
    ("Read also: Tragedy in the air: not of mortal remains repatriated for the time being",
     "not of mortal remains"),
])
def test_the_language_model_flags_a_run_of_broken_english(sentence, broken):
    evidence = language_model_evidence(language_model_segment(sentence))
    start = sentence.index(broken)
    hits = [e for e in evidence if e.start < start + len(broken) and e.end > start]
    assert len(hits) == 1
    assert hits[0].category == "fluency/grammar" and hits[0].detector == "language-model"
    assert "bits" in hits[0].explanation


def test_the_language_model_keeps_quiet_on_native_english(seeds_result):
    """002 is a native English article: at most one language-model claim per 100 of its words."""
    content = [s.text for s in seeds_result.marked[REFERENCE.stem].content]
    n_words = sum(len(text.split()) for text in content)
    claims = [e for text in content for e in language_model_evidence(language_model_segment(text))]
    assert n_words > 200
    assert len(claims) <= n_words / 100


def test_a_plain_correct_sentence_draws_no_language_model_claim():
    sentence = "The Pentagon said it had no information to provide concerning a resumption of operations."
    assert language_model_evidence(language_model_segment(sentence)) == []


def test_language_model_evidence_merges_with_the_reference_comparison():
    text = "Asked by AFP, the Pentagon has refused to how one this information."
    # the seed reference's counterpart (002): the evidence of both sources covers "how one"
    reference = "The Pentagon said it had no information to provide concerning a resumption when contacted by AFP."
    segment_ = language_model_segment(text, reference)
    spans = ErrorFinder(sentence_encoder()).find([segment_])
    merged = [s for s in spans if "language-model" in s.detector.split(";")]
    assert len(merged) == 1
    assert "reference" in merged[0].detector.split(";")
    assert merged[0].category == "accuracy/mistranslation"
    assert "how one" in merged[0].text


def test_the_pipeline_passes_word_surprisals_to_stage_6(seeds_result):
    errors = errors_of(seeds_result, FRENCH.stem)
    from_model = errors[errors.detector.str.contains("language-model")]
    assert from_model.text.str.contains("how one").any()


def test_a_translation_with_no_words_omits_its_whole_reference():
    """DEMETR's sanity check replaces a translation by a full stop: nothing is left to anchor an
    omission at, so the full stop itself carries it, and repairing it restores all the meaning."""
    item = json.loads((DATA / "demetr" / "perturbations.jsonl").open(encoding="utf-8").readline())
    spans = ErrorFinder(sentence_encoder()).find([segment_for(".", item["ref"])])
    assert [(s.text, s.category, s.severity) for s in spans] == [(".", "accuracy/omission", "critical")]
    assert item["ref"] in spans[0].explanation


def test_a_modifier_left_out_at_the_edge_of_the_sentence_is_an_omission():
    """DEMETR (critical_id21_adj_adv_removed): "General" opens the reference, so no matched word
    precedes it, but it hangs on "Secretary", which the candidate renders: an omission at
    "secretary". The intact translation draws none."""
    reference = "General Secretary of the Center Party Mihhail Korb spoke about this in an interview with ERR."
    damaged = "Mikhail Korb, secretary of the Center Party, spoke about this in an interview with ERR."
    intact = "Mikhail Korb, general secretary of the Center Party, spoke about this in an interview with ERR."
    finder = ErrorFinder(sentence_encoder())
    spans = finder.find([segment_for(damaged, reference)])
    assert [(s.text, s.category) for s in spans] == [("secretary", "accuracy/omission")]
    assert "'General' before 'Secretary'" in spans[0].explanation
    assert finder.find([segment_for(intact, reference)]) == []


def test_a_dropped_adverb_of_frequency_or_a_dropped_negation_is_an_omission():
    """DEMETR (critical_id21_adj_adv_removed, critical_id8_negation): "often", "also" and "not" are
    in spaCy's stop list, yet leaving them out changes what the sentence says. The intact
    translations draw no such omission."""
    reference = ("Workers must often get their superiors' approval for any decisions they make and are "
                 "expected to obey their superiors' instructions without question.")
    intact = ("Workers often have to obtain approval from their superiors for any decision they make and are "
              "expected to obey their superiors' instructions without question.")
    finder = ErrorFinder(sentence_encoder())
    damaged = finder.find([segment_for(intact.replace("often ", ""), reference)])
    assert [(s.text, s.category) for s in damaged] == [("Workers", "accuracy/omission")]
    assert "'often'" in damaged[0].explanation
    assert finder.find([segment_for(intact, reference)]) == []

    reference = ("Many of the traditions surrounding these holidays have been adopted also by non-believers in "
                 "Christian countries and non-Christians around the world.")
    intact = ("Many traditions related to these holidays have also been adopted by non-believers in Christian "
              "countries and by non-Christians around the world.")
    spans = finder.find([segment_for(intact.replace("also ", ""), reference)])
    assert [(s.text, s.category) for s in spans] == [("adopted", "accuracy/omission")]
    assert finder.find([segment_for(intact, reference)]) == []  # the adverb's place is not word order

    reference = "It would be in vain to claim that acts of justice are not divided among these three groups."
    damaged = "It would be vain to claim that the acts of justice are distributed among these three groups."
    assert any("'not divided'" in s.explanation for s in finder.find([segment_for(damaged, reference)]))


def ted_line(name, line):
    """Line ``line`` (1-based) of a WMT21 TED zh→en file in tests/data/ted_zhen."""
    return (DATA / "ted_zhen" / f"{name}.txt").read_text(encoding="utf-8").splitlines()[line - 1]


def segment_after_reference(text, reference, parallel=True):
    """A sentence as a segment carrying SmolLM2's per-word bits after its reference and, with a
    parallel reference, the reference's after the sentence, as the pipeline gives them (the
    unexplained-bits metric's words)."""
    metric = UnexplainedBits()
    (words,) = metric.words([text], [reference])
    (unrendered,) = metric.words([reference], [text]) if parallel else (None,)
    return replace(segment_for(text, reference, parallel=parallel), unexplained=tuple(words),
                   unrendered=tuple(unrendered) if parallel else None)


def test_a_paraphrase_the_language_model_predicts_from_the_reference_is_no_error():
    """TED line 62: "at the speed of light" for "at light speed" reverses the reference's order, but
    after reading the reference the language model needs under 4 bits for each of its words: a
    paraphrase, not a word-order error (the MQM raters mark nothing here). "travel through" for
    "spread in" costs more and keeps its mistranslation claim."""
    text, reference = ted_line("DIDI-NLP", 62), ted_line("reference", 62)
    finder = ErrorFinder(sentence_encoder())
    without = [s.text for s in finder.find([segment_for(text, reference, parallel=True)])]
    with_bits = [s.text for s in finder.find([segment_after_reference(text, reference)])]
    assert "speed of light" in without and "travel through" in without
    assert "speed of light" not in with_bits and "travel through" in with_bits


def test_a_word_the_reference_leaves_unexplained_is_a_mistranslation():
    """TED line 407: the MQM raters mark "summarized from others" (for "with summaries by others") as
    a mistranslation; the language model, having read the reference, still needs over 8 bits for
    "summarized", a word the reference does not have."""
    text, reference = ted_line("DIDI-NLP", 407), ted_line("reference", 407)
    evidence = unexplained_evidence(segment_after_reference(text, reference))
    assert [(text[e.start:e.end], e.category, e.detector) for e in evidence] == [
        ("summarized", "accuracy/mistranslation", "language-model-after-reference")]
    assert "bits" in evidence[0].explanation
    spans = ErrorFinder(sentence_encoder()).find([segment_after_reference(text, reference)])
    assert any("summarized" in s.text and "language-model-after-reference" in s.detector for s in spans)


def test_a_comparable_reference_explains_too_little_to_claim_unexplained_words():
    """Seed 000 against its counterpart in the native article 002: the two tell the story in their
    own words, so the words the model cannot predict are no evidence of an error."""
    text = "Asked by AFP, the Pentagon has refused to how one this information."
    reference = "The Pentagon said it had no information to provide concerning a resumption when contacted by AFP."
    assert unexplained_evidence(segment_after_reference(text, reference, parallel=False)) == []
    assert unexplained_evidence(segment_after_reference(text, reference, parallel=True)) != []


def test_content_a_parallel_reference_ends_with_and_the_candidate_lacks_is_an_omission():
    """DEMETR (Russian half, pp_removed): the perturbed translation drops "with a small crowd of
    spectators". Nothing in the reference's syntax ties "in front of a small audience" to a matched
    word, but after reading the candidate the language model still needs 15 bits for it."""
    reference = "According to RIA Novosti, the military parade took place in front of a small audience."
    damaged = "According to RIA Novosti, the military parade was held."
    intact = "According to RIA Novosti, the military parade was held with a small crowd of spectators."
    finder = ErrorFinder(sentence_encoder())
    (omission,) = finder.find([segment_after_reference(damaged, reference)])
    assert (omission.text, omission.category, omission.detector) == (
        "held", "accuracy/omission", "language-model-after-candidate")
    assert "'small audience' near its end" in omission.explanation and "bits" in omission.explanation
    assert not any(s.category == "accuracy/omission" for s in finder.find([segment_after_reference(intact, reference)]))
    # Without the language model's reading, or against a comparable reference, no omission is claimed.
    for damaged_segment in (segment_for(damaged, reference, parallel=True),
                            segment_after_reference(damaged, reference, parallel=False)):
        assert not any(s.category == "accuracy/omission" for s in finder.find([damaged_segment]))


def test_the_pipeline_gives_stage_6_the_words_after_the_reference(ted_result):
    detectors = {d for cell in ted_result.errors.detector for d in cell.split(";")}
    assert "language-model-after-reference" in detectors
    # The n-gram tier reads no reference: the same lines draw no such claim.
    lines = [ted_line(name, line) for name in ("reference", "DIDI-NLP") for line in range(400, 420)]
    reference, candidate = ("\n".join(lines[i:i + 20]) + "\n" for i in (0, 20))
    with_ngram = mtqa.assess(document_from_text(reference, "reference", "reference"),
                             [document_from_text(candidate, "candidate", "DIDI-NLP")],
                             parallel=True, fluency_model="ngram")
    assert not with_ngram.errors.empty
    assert not with_ngram.errors.detector.str.contains("after-reference").any()


def test_a_span_does_not_cut_a_hyphenated_word_in_two(seeds_result):
    """spaCy makes the hyphen of "10-day" a token of its own; the span runs through it."""
    for doc_id, word in ((NYT.stem, "10-day"), (RUSSIAN.stem, "self-proclaimed")):
        hits = error_covering(seeds_result, doc_id, word)
        assert len(hits) == 1 and word in hits.iloc[0].text
