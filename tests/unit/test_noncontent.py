"""Marking non-content, as a specification: each detector on the furniture it is meant for, the
story left alone, and the similarity-based detector with a fake encoder."""

from __future__ import annotations

import pytest

from mtqa.core.exceptions import InputError
from mtqa.core.records import Document
from mtqa.stages.noncontent import DETECTORS, NonContentConfig, mark_non_content
from mtqa.stages.segment import segment

from .fakes import FakeEncoder

STORY = "The finance minister resigned on Monday after a long dispute over the national budget."


def marks(text: str, **kwargs) -> dict[str, str]:
    """Reasons by sentence text."""
    document = Document("page", "candidate", text)
    sentences = segment(document)
    by_id = {s.sent_id: s.text for s in sentences}
    return {by_id[i]: reason for i, reason in mark_non_content(document, sentences, **kwargs).items()}


@pytest.mark.parametrize("line, reason", [
    ("World", "short label line (1 word(s), no sentence punctuation)"),
    ("Page 2 of 5", "short label line (4 word(s), no sentence punctuation)"),
    ("Updated on 9 January 2020", "short line with a number and no sentence punctuation (date or counter)"),
    (", , , ,", "no words (punctuation or symbols only)"),
    ("Connecting to %s", "unfilled template placeholder '%s'"),
    ("Hello {{ name }} and welcome back to the site.", "unfilled template placeholder '{{'"),
    ("See more: the budget in pictures", "teaser line (opens with 'See more:')"),
    ("Leave a reply", "page widget ('Leave a reply')"),
    ("Share this article with your friends.", "page widget ('Share this')"),
    ("Sign up for our daily briefing.", "page widget ('Sign up')"),
    ("SUBSCRIBE TO OUR NEWSLETTER NOW", "page widget ('SUBSCRIBE')"),
    ("Related stories", "related-story heading ('Related')"),
    ("EXCLUSIVE INTERVIEW WITH THE MINISTER TONIGHT.", "line in capitals (banner, credit or promotion)"),
])
def test_a_line_of_page_furniture_is_marked_with_its_reason(line, reason):
    assert marks(f"{STORY}\n{line}\n") == {line: reason}


def test_a_teaser_after_a_bullet_is_marked_without_its_bullet():
    assert marks(f"{STORY}\n• Read also: Storms hit the coast. Three dead.\n") == {
        "Read also: Storms hit the coast.": "teaser line (opens with 'Read also:')",
        "Three dead.": "teaser line (opens with 'Read also:')",
    }


def test_story_sentences_are_content():
    text = f"{STORY}\nThe prime minister accepted the resignation on Monday evening.\n"
    assert marks(text) == {}


def test_a_short_fragment_trailing_a_sentence_is_a_counter():
    assert marks(f"{STORY} Finished 2\n") == {"Finished 2": "short fragment trailing the line (counter or tag)"}


def test_a_repeated_sentence_is_marked_and_its_first_occurrence_stays_content():
    found = marks(f"{STORY}\nParliament met.\n{STORY.replace('The', 'the').replace('.', '!')}\n")
    assert list(found.values()) == ["repeats sentence 0"]


def test_widget_cues_are_ignored_on_a_long_line_of_story():
    long_line = ("Subscribers to the national newsletter, who number more than two million people across "
                 "the country, were told about the budget on Monday.")
    assert marks(f"{STORY}\n{long_line}\n") == {}


def test_a_short_acronym_in_capitals_is_not_a_banner():
    assert marks(f"{STORY}\nUS\n") == {"US": "short label line (1 word(s), no sentence punctuation)"}
    assert marks(f"{STORY}\nUS\n", enabled=["capitals"]) == {}


def test_the_first_reason_in_registry_order_wins():
    # "Leave a reply" is a widget and also a short label; the widget detector comes first.
    assert list(DETECTORS).index("widget") < list(DETECTORS).index("label")
    assert marks(f"{STORY}\nLeave a reply\n") == {"Leave a reply": "page widget ('Leave a reply')"}


def test_only_the_enabled_detectors_run():
    text = f"{STORY}\nWorld\nConnecting to %s\n"
    assert set(marks(text, enabled=["template"])) == {"Connecting to %s"}
    assert marks(text, enabled=[]) == {}
    assert set(marks(text, config=NonContentConfig(detectors=("label",)))) == {"World", "Connecting to %s"}
    assert set(marks(text, enabled=["template"], config=NonContentConfig(detectors=("label",)))) == {"Connecting to %s"}


def test_an_unknown_detector_is_an_input_error():
    document = Document("page", "candidate", STORY)
    with pytest.raises(InputError, match="unknown non-content detector\\(s\\): nonsense"):
        mark_non_content(document, segment(document), enabled=["label", "nonsense"])


def test_thresholds_come_from_the_configuration():
    text = f"{STORY}\nSix words on this line here\n"
    assert marks(text) == {}
    assert marks(text, config=NonContentConfig(label_max_words=6)) == {
        "Six words on this line here": "short label line (6 word(s), no sentence punctuation)",
    }


def test_custom_widget_cues_replace_the_defaults():
    config = NonContentConfig(widget_cues=(r"\bbuy now\b",))
    assert marks(f"{STORY}\nBuy now and save money today!\nLeave a reply\n", config=config, enabled=["widget"]) == {
        "Buy now and save money today!": "page widget ('Buy now')",
    }


PAGE = """The finance minister resigned on Monday after a long dispute over the national budget.
The budget dispute between the finance minister and parliament had lasted for months.
Parliament rejected the national budget twice, and the finance minister said he would resign.
The prime minister accepted the resignation of the finance minister on Monday evening.
Related stories
Football club wins the cup final after a penalty shootout
Celebrity chef opens a vegan restaurant downtown
A new finance minister will present the national budget to parliament next week.
"""


def test_without_an_encoder_the_lines_under_a_related_heading_stay_content():
    assert marks(PAGE) == {"Related stories": "related-story heading ('Related')"}


def test_with_an_encoder_the_off_topic_lines_under_a_related_heading_are_teasers():
    found = marks(PAGE, encode=FakeEncoder())
    assert set(found) == {
        "Related stories",
        "Football club wins the cup final after a penalty shootout",
        "Celebrity chef opens a vegan restaurant downtown",
    }
    assert found["Celebrity chef opens a vegan restaurant downtown"].startswith(
        "related-story teaser under 'Related stories' (similarity 0."
    )


def test_the_related_block_ends_at_the_first_line_back_on_topic():
    found = marks(PAGE, encode=FakeEncoder())
    assert "A new finance minister will present the national budget to parliament next week." not in found


def test_a_strict_off_topic_threshold_spares_the_teasers():
    assert len(marks(PAGE, encode=FakeEncoder(), config=NonContentConfig(off_topic=0.0))) == 1


def test_the_encoder_is_called_once_for_all_sentences_of_the_page():
    encoder = FakeEncoder()
    document = Document("page", "candidate", PAGE)
    sentences = segment(document)
    mark_non_content(document, sentences, encode=encoder)
    assert encoder.calls == [[s.text for s in sentences]]


# --- headlines of other stories -------------------------------------------------------------------

STORY_PAGE = f"""Finance Minister Resigns Over Budget Dispute
{STORY}
Battle for Tikrit: U.S. joins forces with Iraqi army to fight ISIS
Parliament rejected the national budget twice, and the finance minister said he would resign.
"""


def test_a_headline_of_another_story_is_marked_with_the_words_nowhere_else():
    assert marks(STORY_PAGE) == {
        "Battle for Tikrit: U.S. joins forces with Iraqi army to fight ISIS":
            "headline of another story (its words 'battle', 'tikrit', 'joins' appear nowhere else)",
    }


def test_the_story_s_own_headline_in_title_case_stays_content():
    found = marks(STORY_PAGE, enabled=["other-story"])
    assert "Finance Minister Resigns Over Budget Dispute" not in found


def test_a_title_case_teaser_is_marked_and_needs_no_encoder():
    encoder = FakeEncoder()
    found = marks(f"{STORY}\nCelebrity Chef Opens Vegan Restaurant Downtown\n", enabled=["other-story"], encode=encoder)
    assert found == {
        "Celebrity Chef Opens Vegan Restaurant Downtown":
            "headline of another story (its words 'celebrity', 'chef', 'opens' appear nowhere else)",
    }
    assert encoder.calls == []


def test_a_headline_whose_words_the_other_documents_hold_is_content():
    line = "Battle for Tikrit: U.S. joins forces with Iraqi army to fight ISIS"
    reference = "The battle for Tikrit began when the U.S. joined Iraqi forces against ISIS."
    assert marks(f"{STORY}\n{line}\n", enabled=["other-story"], others=[reference]) == {}
    assert set(marks(f"{STORY}\n{line}\n", enabled=["other-story"])) == {line}


def test_half_of_its_content_words_elsewhere_keep_a_headline_content():
    # one word ('killiing', a typo) appears nowhere else, but most of the line's words do
    text = f"{STORY}\nFinance Minister Resigns After Budget Killiing\n"
    assert marks(text, enabled=["other-story"]) == {}


@pytest.mark.parametrize("line", [
    "Football club wins the cup final after a penalty shootout",  # neither title case nor a headline colon
    "Celebrity Chef Opens Vegan Restaurant Downtown.",  # sentence punctuation
    "Celebrity Chef Opens Vegan Restaurant Downtown and Also Makes Seventeen Brand New Desserts For Everyone There",
])
def test_lines_not_shaped_like_a_headline_are_left_alone(line):
    assert marks(f"{STORY}\n{line}\n", enabled=["other-story"]) == {}


def test_a_headline_inside_a_paragraph_is_not_a_stand_alone_line():
    assert marks(f"{STORY} Celebrity Chef Opens Vegan Restaurant Downtown\n", enabled=["other-story"]) == {}


def test_teasers_under_a_related_heading_keep_the_related_block_reason():
    page = PAGE.replace("Celebrity chef opens a vegan restaurant downtown", "Celebrity Chef Opens Vegan Restaurant Downtown")
    found = marks(page, encode=FakeEncoder())
    assert list(DETECTORS).index("related-block") < list(DETECTORS).index("other-story")
    assert found["Celebrity Chef Opens Vegan Restaurant Downtown"].startswith("related-story teaser under")
    assert marks(page)["Celebrity Chef Opens Vegan Restaurant Downtown"].startswith("headline of another story")


def test_the_pipeline_marks_a_candidate_beside_its_references(monkeypatch):
    from types import SimpleNamespace

    from mtqa.pipeline import run
    from mtqa.pipeline.options import AssessOptions

    monkeypatch.setattr(run, "sentence_encoder", lambda *args: SimpleNamespace(encode=FakeEncoder()))
    line = "Battle for Tikrit: U.S. joins forces with Iraqi army to fight ISIS"
    candidate = Document("cand", "candidate", f"{STORY}\n{line}\n")
    reference = "The battle for Tikrit began when the U.S. joined Iraqi forces against ISIS."
    options = AssessOptions.build(None)
    alone = run._mark(candidate, options)
    assert [alone.by_id[i].text for i in alone.non_content] == [line]
    assert run._mark(candidate, options, [reference]).non_content == {}
