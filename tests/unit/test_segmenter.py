"""The segmenter, as a specification: where a sentence ends, what it keeps, and its exact offsets."""

from __future__ import annotations

import pytest

from mtqa.core.records import Document
from mtqa.stages.segment import segment, segment_lines


def sentences(text: str):
    return segment(Document("doc", "candidate", text))


def texts(text: str) -> list[str]:
    return [s.text for s in sentences(text)]


def test_a_period_before_a_capital_ends_a_sentence():
    assert texts("The talks failed. Nobody was surprised.") == ["The talks failed.", "Nobody was surprised."]


def test_a_dotted_acronym_in_mid_sentence_does_not_end_it():
    assert texts("The U.S. military left Iraq. The army stayed.") == [
        "The U.S. military left Iraq.", "The army stayed.",
    ]


def test_a_dotted_acronym_ends_a_sentence_before_a_word_that_starts_one():
    assert texts("Troops left the U.S. The army stayed.") == ["Troops left the U.S.", "The army stayed."]


def test_a_dotted_acronym_before_a_name_does_not_end_the_sentence():
    assert texts("Two U.S. Army officials spoke.") == ["Two U.S. Army officials spoke."]


@pytest.mark.parametrize("title", ["Gen.", "Mr.", "Dr.", "Sen.", "Prof.", "St."])
def test_a_title_before_a_name_does_not_end_the_sentence(title):
    text = f"It was {title} Qassem who spoke. Then he left."
    assert texts(text) == [f"It was {title} Qassem who spoke.", "Then he left."]


def test_a_month_abbreviation_before_a_day_does_not_end_the_sentence():
    assert texts("He came on Jan. 9, as planned. She did not.") == ["He came on Jan. 9, as planned.", "She did not."]


def test_a_single_initial_does_not_end_the_sentence():
    assert texts("Donald J. Trump spoke. Reporters listened.") == ["Donald J. Trump spoke.", "Reporters listened."]


def test_spaced_lower_case_initials_stay_inside_the_sentence():
    assert texts("The u. s. State department said no.") == ["The u. s. State department said no."]


def test_a_lower_case_word_after_a_period_continues_the_sentence():
    assert texts("He met the gen. of the army at noon.") == ["He met the gen. of the army at noon."]


def test_a_double_period_ends_a_sentence_and_is_kept():
    assert texts("It was announced on Wednesday.. One official said more.") == [
        "It was announced on Wednesday..", "One official said more.",
    ]


def test_question_exclamation_and_ellipsis_end_sentences_before_a_capital():
    assert texts("Wait... What? Yes! Fine.") == ["Wait...", "What?", "Yes!", "Fine."]


def test_an_ellipsis_before_a_lower_case_word_does_not_split():
    assert texts("Baghdad / … two officials confirmed it.") == ["Baghdad / … two officials confirmed it."]


def test_a_closing_curly_quote_stays_with_the_sentence_it_closes():
    assert texts("“They won’t say so publicly.” But they do.") == ["“They won’t say so publicly.”", "But they do."]


def test_an_opening_curly_quote_starts_the_next_sentence():
    assert texts("He left. “Nobody knew,” she said.") == ["He left.", "“Nobody knew,” she said."]


def test_a_closing_bracket_stays_with_its_sentence():
    assert texts("It rained (all day.) Then it stopped.") == ["It rained (all day.)", "Then it stopped."]


def test_a_sentence_without_final_punctuation_is_still_a_sentence():
    assert texts("Breaking news\nThe vote was held.") == ["Breaking news", "The vote was held."]


@pytest.mark.parametrize("bullet", ["•", "-", "*", "–", "▪"])
def test_a_list_bullet_is_kept_out_of_the_sentence_and_recorded(bullet):
    text = f"{bullet} Read also: the vote. More follows.\nPlain line."
    found = sentences(text)
    assert [s.text for s in found] == ["Read also: the vote.", "More follows.", "Plain line."]
    assert [s.bullet for s in found] == [bullet, "", ""]
    assert text[found[0].start - 2] == bullet


def test_a_dash_joined_to_a_word_is_not_a_bullet():
    (only,) = sentences("-5 degrees tonight.")
    assert only.text == "-5 degrees tonight." and only.bullet == ""


def test_each_line_is_a_paragraph_with_its_first_and_last_sentence_marked():
    found = sentences("One. Two. Three.\n\nFour.\n")
    assert [(s.text, s.paragraph, s.line_start, s.line_end) for s in found] == [
        ("One.", 0, True, False), ("Two.", 0, False, False), ("Three.", 0, False, True), ("Four.", 1, True, True),
    ]


def test_a_hard_wrapped_line_joins_the_next_one():
    assert texts("The minister said that the talks\nwould resume on Monday.") == [
        "The minister said that the talks\nwould resume on Monday.",
    ]


@pytest.mark.parametrize("first", ["Breaking NEWS", "It rained all day.", "Fact check:"])
def test_a_line_ending_in_a_capital_or_a_mark_is_not_joined_to_the_next(first):
    assert texts(f"{first}\nthe vote was held.") == [first, "the vote was held."]


def test_a_blank_line_stops_a_wrapped_line_from_joining():
    assert texts("the talks\n\nwould resume") == ["the talks", "would resume"]


def test_offsets_point_into_the_document_text_even_with_odd_white_space():
    text = "\ufeff  \u00a0First one.\u2009 Second one.\r\n\t• Third one.  \n"
    found = sentences(text)
    assert [s.text for s in found] == ["First one.", "Second one.", "Third one."]
    for index, s in enumerate(found):
        assert s.sent_id == index
        assert text[s.start:s.end] == s.text
        assert s.doc_id == "doc"


def test_a_blank_document_has_no_sentence():
    assert sentences("\n \n\t\n") == []


@pytest.mark.parametrize("blank", ["\u2003", "\u2028", "\x1c"])
def test_a_last_line_of_unusual_white_space_gives_no_sentence(blank):
    assert texts(f"Hello.\n{blank}") == ["Hello."]


def test_line_mode_gives_one_segment_per_line_numbered_by_line():
    text = "First line. Still first.\n\n  Third line, indented.  \r\nFourth"
    found = segment_lines(Document("lines", "candidate", text))
    assert [(s.sent_id, s.paragraph, s.text) for s in found] == [
        (0, 0, "First line. Still first."), (2, 2, "Third line, indented."), (3, 3, "Fourth"),
    ]
    assert all(text[s.start:s.end] == s.text and s.line_start and s.line_end for s in found)


def test_line_mode_keeps_a_bullet_inside_the_segment():
    (only,) = segment_lines(Document("lines", "candidate", "• one item\n"))
    assert only.text == "• one item" and only.bullet == ""
