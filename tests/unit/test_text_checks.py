"""The QA checks that read text alone (no spaCy analysis), the check registry, and what the checks
learn from the documents around a segment."""

from __future__ import annotations

import pytest

from mtqa.checks import CHECKS, enabled_checks, run_checks
from mtqa.checks.evidence import (
    DocumentContext,
    Evidence,
    Segment,
    SentencePart,
    acronyms_in,
    is_word,
)
from mtqa.checks.registry import check
from mtqa.checks.text import edit_distance
from mtqa.core.exceptions import InputError
from mtqa.core.records import Sentence
from mtqa.core.taxonomy import CATEGORIES, SEVERITIES

ALIGNED = object()  # stands for a word alignment: the checks below only ask whether there is one


def segment(text: str, references=(), *, reference: str | None = None, document: str | None = None) -> Segment:
    context = DocumentContext(document if document is not None else text, tuple(references))
    return Segment.of_sentence(text, None, context, reference=reference,
                               alignment=ALIGNED if reference is not None else None)


def found(name: str, text: str, **kwargs) -> list[tuple[str, str | None]]:
    """(flagged text, suggestion) of each finding of one check."""
    seg = segment(text, **kwargs)
    return [(text[e.start:e.end], e.suggestion) for e in CHECKS[name].run(seg)]


@pytest.mark.parametrize("text, flagged", [
    ("The administration.. said no.", [("..", ".")]),
    ("First,, second.", [(",,", ",")]),
    ("He said:: yes.", [("::", ":")]),
    ("It ended,. Then more.", [(",.", None)]),
])
def test_doubled_punctuation_is_flagged_with_the_single_mark_as_suggestion(text, flagged):
    assert found("doubled-punctuation", text) == flagged


def test_an_ellipsis_is_not_doubled_punctuation():
    assert found("doubled-punctuation", "Wait... and see.") == []


@pytest.mark.parametrize("text, flagged", [
    ("Norwich , lost again.", [("Norwich ,", "Norwich,")]),
    ("His sister 's car.", [("sister 's", "sister's")]),
    ("They do n't know.", [("do n't", "don't")]),
    ("It ended (in May ) well.", [("May )", "May)")]),
])
def test_a_space_before_a_mark_that_closes_onto_a_word_is_flagged(text, flagged):
    assert found("space-before-punctuation", text) == flagged


def test_spaced_dashes_and_decimal_points_are_left_alone():
    assert found("space-before-punctuation", "It rose by .5 points – a record / or not.") == []


@pytest.mark.parametrize("text, flagged", [
    ("He said ” all “the leaders agreed.", ["”"]),
    ("They left Iraq” “.", ["“"]),
    ("He said “ nothing.", ["“"]),
    ("A word”inside.", ["”"]),
    ("A \" lonely mark.", ['"']),
])
def test_a_quotation_mark_facing_the_wrong_way_or_alone_is_flagged(text, flagged):
    assert [t for t, _ in found("quote-placement", text)] == flagged


def test_well_placed_quotation_marks_are_not_flagged():
    assert found("quote-placement", "He said “all the leaders” agreed, and \"nobody\" objected; it’s fine.") == []


@pytest.mark.parametrize("text, flagged", [
    ("The talks (in Geneva failed.", ["("]),
    ("The talks in Geneva) failed.", [")"]),
    ("A [note and (an aside).", ["["]),
])
def test_an_unbalanced_bracket_is_flagged(text, flagged):
    assert [t for t, _ in found("unbalanced-brackets", text)] == flagged


@pytest.mark.parametrize("text", ["Balanced (as here) [and here].", "1) The first item.", "Nice :) and ;-) too."])
def test_balanced_brackets_list_markers_and_emoticons_are_not_flagged(text):
    assert found("unbalanced-brackets", text) == []


def test_brackets_are_balanced_within_each_sentence_of_a_segment():
    first, second = "It rained (all day.", "Then it stopped)."
    text = f"{first} {second}"
    parts = (SentencePart(Sentence("d", 0, 0, len(first), first, 0, True, False), 0),
             SentencePart(Sentence("d", 1, len(first) + 1, len(text), second, 0, False, True), len(first) + 1))
    seg = Segment("d", text, parts, None, DocumentContext(text))
    flagged = [(text[e.start:e.end], e.start) for e in CHECKS["unbalanced-brackets"].run(seg)]
    assert flagged == [("(", text.index("(")), (")", text.index(")"))]


def test_a_sentence_starting_in_lower_case_is_flagged_with_the_capitalised_word():
    assert found("sentence-casing", "“diplomatic relations resumed.") == [("diplomatic", "Diplomatic")]
    assert found("sentence-casing", "Diplomatic relations resumed.") == []
    assert found("sentence-casing", "(laughter) and more.") == []


def test_words_in_another_script_are_flagged_as_untranslated():
    text = "The minister of Москва met 王先生 today."
    assert [t for t, _ in found("foreign-script", text)] == ["Москва", "王先生"]
    seg = segment(text)
    explanations = [e.explanation for e in CHECKS["foreign-script"].run(seg)]
    assert explanations[0] == "'Москва' is in Cyrillic script: left untranslated"
    assert found("foreign-script", "Café crème à Zürich.") == []


def test_an_acronym_of_source_language_words_is_flagged_with_the_english_initials():
    assert found("acronym-expansion", "The fight against the Islamic State (EI) goes on.") == [("EI", "IS")]
    assert found("acronym-expansion", "The Islamic State (IS) is weaker.") == []


def test_an_acronym_the_reference_documents_use_is_not_flagged():
    text = "The Islamic State (EI) goes on."
    assert found("acronym-expansion", text, references=["They call it EI in Paris."]) == []


def test_an_unknown_acronym_is_flagged_only_against_a_reference():
    text = "Troops fight the AR near the border."
    assert found("unknown-acronym", text) == []  # no reference: the check does not run
    assert found("unknown-acronym", text, reference="Troops fight the rebels.", references=["Troops fight."]) == [("AR", None)]
    assert found("unknown-acronym", text, reference="x", references=["The AR is a group."]) == []
    assert found("unknown-acronym", text, reference="x", document="The Armed Resistance (AR) rose. " + text) == []


def test_an_everyday_word_in_capitals_or_a_roman_numeral_is_not_an_unknown_acronym():
    assert found("unknown-acronym", "The USA and World War II.", reference="x", references=["Nothing."]) == []


def test_a_check_turns_its_findings_into_evidence_with_its_category_and_severity():
    (evidence,) = CHECKS["doubled-punctuation"].run(segment("Stop.. now."))
    assert evidence == Evidence(4, 6, "fluency/punctuation", "check:doubled-punctuation", "doubled punctuation '..'",
                                suggestion=".", repair=".", severity="minor", minimum=None)


def test_run_checks_collects_the_evidence_of_every_check_given():
    chosen = [CHECKS["doubled-punctuation"], CHECKS["foreign-script"]]
    evidence = run_checks(segment("Москва.. now."), chosen)
    assert sorted(e.detector for e in evidence) == ["check:doubled-punctuation", "check:foreign-script"]


def test_the_default_set_is_every_check_on_by_default():
    assert [c.name for c in enabled_checks()] == [c.name for c in CHECKS.values() if c.default]


def test_a_list_of_names_selects_exactly_those_checks_in_registry_order():
    assert [c.name for c in enabled_checks(["foreign-script", "doubled-punctuation"])] == [
        name for name in CHECKS if name in {"foreign-script", "doubled-punctuation"}
    ]


def test_a_mapping_switches_checks_on_and_off_from_the_defaults():
    default = {c.name for c in enabled_checks()}
    chosen = {c.name for c in enabled_checks({"doubled-punctuation": False})}
    assert chosen == default - {"doubled-punctuation"}


@pytest.mark.parametrize("selection, problem", [
    (["no-such-check"], "unknown check(s): no-such-check"),
    ({"no-such-check": True}, "unknown check(s): no-such-check"),
    ({"doubled-punctuation": "yes"}, "check doubled-punctuation: expected true or false, got 'yes'"),
])
def test_unknown_check_names_and_non_booleans_are_input_errors(selection, problem):
    with pytest.raises(InputError) as caught:
        enabled_checks(selection)
    assert str(caught.value).startswith(problem)


def test_every_registered_check_has_a_known_category_severity_and_a_description():
    for c in CHECKS.values():
        assert c.category in CATEGORIES and c.severity in SEVERITIES and c.description
        assert c.minimum is None or c.minimum in SEVERITIES
        assert not c.needs_parallel or c.needs_reference


def test_registering_a_check_with_an_unknown_category_or_severity_fails():
    with pytest.raises(ValueError, match="unknown category"):
        check("bad", "fluency/nonsense", "minor")
    with pytest.raises(ValueError, match="unknown severity"):
        check("bad", "fluency/grammar", "fatal")
    assert "bad" not in CHECKS


@pytest.mark.parametrize("start, end", [(3, 3), (5, 2), (-1, 2)])
def test_evidence_must_cover_at_least_one_character(start, end):
    with pytest.raises(ValueError, match="empty or negative span"):
        Evidence(start, end, "fluency/grammar", "test", "why")


def test_evidence_must_name_a_known_category():
    with pytest.raises(ValueError, match="unknown error category"):
        Evidence(0, 1, "fluency/nonsense", "test", "why")


def test_acronyms_are_found_unless_a_line_is_set_in_capitals():
    assert acronyms_in("The U.S. and the AFP said so.") == {"US", "AFP"}
    assert acronyms_in("BREAKING NEWS TODAY") == set()


def test_the_reference_documents_teach_which_words_are_names():
    context = DocumentContext("", ["The Iraqi leaders met. Later, Iraqi troops left.", "He met Gen. Qassem. The talks ended."])
    assert context.reference_name_forms["iraqi"] == "Iraqi"
    assert context.reference_name_forms["qassem"] == "Qassem"
    assert "the" not in context.reference_names and "later" not in context.reference_names
    assert "talks" in context.reference_words


@pytest.mark.parametrize("a, b, distance", [("", "", 0), ("qasem", "qassem", 1), ("kitten", "sitting", 3), ("abc", "", 3)])
def test_edit_distance_is_levenshtein(a, b, distance):
    assert edit_distance(a, b) == distance == edit_distance(b, a)


def test_a_word_holds_a_letter_or_a_digit():
    assert is_word("U.S.") and is_word("5") and not is_word("..") and not is_word("—")
