"""Non-content detection on the five seeds and on synthetic pages: every piece of furniture is marked
with a reason, no content line is, and the detectors are general and configurable."""

import pytest
from conftest import ARABIC, FRENCH, NYT, REFERENCE, RUSSIAN

from benchmarks.synthetic import gold_furniture, ted_pairs
from mtqa.backends.encoder import sentence_encoder
from mtqa.core.exceptions import InputError
from mtqa.stages.load import document_from_text, load_document
from mtqa.stages.noncontent import (
    DETECTORS,
    WIDGET_CUES,
    NonContentConfig,
    mark_non_content,
)
from mtqa.stages.segment import segment

# Every furniture line of the seeds, by a fragment of its text. Each fragment names one sentence,
# except where a count says how many identical lines carry it.
FURNITURE = {
    FRENCH: {
        "Read also: Tragedy in the air": "teaser line",
        "Read also: Iran: many of the protesters": "teaser line",
    },
    ARABIC: {
        "Finished 2": "trailing the line",
        "Leave a Reply": "widget",
        "Fill in your details below": "widget",
        "You are commenting using your account.": "widget",
        ("Log\u00a0Out\u00a0/\u00a0 Change\u00a0)", 4): "widget",  # no-break spaces, as printed
        "Google photo": "label",
        "You are commenting using your Google account.": "widget",
        "Twitter picture": "label",
        "You are commenting using your Twitter account.": "widget",
        "Facebook photo": "label",
        "You are commenting using your Facebook account.": "widget",
        "Connecting to %s": "template placeholder",
    },
    REFERENCE: {
        "World": "label",
        "AFP-JIJI": "capitals",
        "RELATED STORIES": "related-story heading",
        "GET THE BEST OF THE JAPAN TIMES": "widget",
        "JOIN THE CONVERSATION": "widget",
        "LATEST WORLD STORIES": "related-story heading",
        "Supporters of the Equal Rights Amendment": "teaser under 'LATEST WORLD STORIES'",
        "Virginia moves to make Equal Rights Amendment real": "teaser under 'LATEST WORLD STORIES'",
        "Virginia on Wednesday moved to the brink": "teaser under 'LATEST WORLD STORIES'",
        ("Image Not Available", 2): "widget",
        "Florida plans biggest purchase of Everglades land": "teaser under 'LATEST WORLD STORIES'",
        "Florida has reached a deal with a private real estate firm": "teaser under 'LATEST WORLD STORIES'",
        "Immune-cell 'schools' to fight tumors": "teaser under 'LATEST WORLD STORIES'",
        "Lurking deep inside some tumors": "teaser under 'LATEST WORLD STORIES'",
        ", , , , ,": "no words",
    },
    NYT: {
        "Leave a Reply": "widget",
        "Your email address will not be published.": "widget",
        "Required fields are marked *": "widget",
    },
    RUSSIAN: {
        ("US and Iraqi military resumed fighting IS in Iraq", 4): "repeats sentence 0",
        "Similar articles": "related-story heading",
        "Battle for Tikrit: U.S. joins forces": "headline of another story",
    },
}


@pytest.fixture(scope="module")
def marked():
    encoder = sentence_encoder()
    pages = {}
    for path in FURNITURE:
        document = load_document(path, "candidate")
        sentences = segment(document)
        pages[path] = (sentences, mark_non_content(document, sentences, encode=encoder.encode))
    return pages


def _expected(path, sentences):
    """sent_id -> expected reason fragment, for the furniture sentences of a seed."""
    expected = {}
    for key, reason in FURNITURE[path].items():
        fragment, count = key if isinstance(key, tuple) else (key, 1)
        matching = [s.sent_id for s in sentences if fragment in s.text and s.sent_id not in expected]
        if fragment == "US and Iraqi military resumed fighting IS in Iraq":
            matching = matching[1:]  # the headline's first printing is content
        assert len(matching) == count, f"{fragment!r}: {len(matching)} sentences in {path.name}"
        expected.update(dict.fromkeys(matching, reason))
    return expected


@pytest.mark.parametrize("path", list(FURNITURE), ids=lambda p: p.stem)
def test_furniture_is_marked_with_its_reason_and_content_is_not(marked, path):
    sentences, marks = marked[path]
    expected = _expected(path, sentences)
    for sent_id, reason in expected.items():
        assert sent_id in marks, f"not marked: {sentences[sent_id].text!r}"
        assert reason in marks[sent_id], (sentences[sent_id].text, marks[sent_id])
    wrongly_marked = {sentences[i].text: marks[i] for i in set(marks) - set(expected)}
    assert wrongly_marked == {}


def test_a_repeated_headline_keeps_its_first_printing_as_content(marked):
    sentences, marks = marked[RUSSIAN]
    headline = [s.sent_id for s in sentences if s.text == "US and Iraqi military resumed fighting IS in Iraq"]
    assert len(headline) == 5
    assert headline[0] not in marks
    assert all(marks[i] == "repeats sentence 0" for i in headline[1:])


def test_a_related_heading_followed_by_the_story_does_not_swallow_it(marked):
    """The Japan Times prints "RELATED STORIES" where the widget was; the story goes on below it."""
    sentences, marks = marked[REFERENCE]
    after = next(s for s in sentences if s.text.startswith("The Pentagon said it had no information"))
    assert sentences[after.sent_id - 1].text == "RELATED STORIES"
    assert after.sent_id not in marks
    assert "“They won’t say so publicly." in [s.text for s in sentences if s.sent_id not in marks]


def test_detectors_can_be_chosen_and_tuned():
    document = load_document(ARABIC, "candidate")
    sentences = segment(document)
    by_text = {s.text: s.sent_id for s in sentences}
    without_labels = mark_non_content(document, sentences, [name for name in DETECTORS if name != "label"])
    assert by_text["Google photo"] not in without_labels
    assert by_text["Leave a Reply"] in without_labels
    shorter_labels = mark_non_content(document, sentences, config=NonContentConfig(label_max_words=1))
    assert by_text["Google photo"] not in shorter_labels
    russian = load_document(RUSSIAN, "candidate")
    russian_sentences = segment(russian)
    tikrit = next(s.sent_id for s in russian_sentences if s.text.startswith("Battle for Tikrit"))
    assert "headline of another story" in mark_non_content(russian, russian_sentences)[tikrit]
    assert tikrit not in mark_non_content(russian, russian_sentences, [name for name in DETECTORS if name != "other-story"])
    site_cue = NonContentConfig(widget_cues=WIDGET_CUES + (r"^battle for \w+:",))
    assert "battle for" in mark_non_content(russian, russian_sentences, config=site_cue)[tikrit].lower()


def test_without_an_encoder_the_similarity_detector_marks_nothing_and_the_others_work():
    document = load_document(REFERENCE, "reference")
    sentences = segment(document)
    marks = mark_non_content(document, sentences)
    assert not any("teaser under" in reason for reason in marks.values())
    assert any(reason.startswith("related-story heading") for reason in marks.values())


def test_an_unknown_detector_is_an_input_error():
    document = document_from_text("Some text.", "candidate", "x")
    with pytest.raises(InputError, match="unknown non-content detector"):
        mark_non_content(document, segment(document), ["no-such-detector"])


def test_furniture_of_other_sites_is_caught_on_synthetic_pages():
    """Synthetic pages carry furniture the seeds never show (bylines, share buttons, page counters,
    related-article blocks of real sentences from other talks); the detectors are general enough."""
    encoder = sentence_encoder()
    found = marked_total = gold_total = 0
    for pair in ted_pairs(seed=5, limit=3):
        for side, synthetic in (("candidate", pair.candidate), ("reference", pair.reference)):
            document = document_from_text(synthetic.text, side, f"{pair.name}-{side}")
            sentences = segment(document)
            gold = gold_furniture(synthetic, sentences)
            marks = set(mark_non_content(document, sentences, encode=encoder.encode))
            found += len(marks & gold)
            marked_total += len(marks)
            gold_total += len(gold)
    assert gold_total >= 20
    assert found / marked_total >= 0.95  # precision
    assert found / gold_total >= 0.9  # recall


def test_the_reference_is_marked_too(seeds_result):
    rows = seeds_result.reference[seeds_result.reference.candidate == FRENCH.stem].set_index("text")
    assert rows.loc["AFP-JIJI", "status"] == "boilerplate"
    assert rows.loc["LATEST WORLD STORIES", "status"] == "boilerplate"
    assert (rows.loc["Image Not Available", "status"] == "boilerplate").all()
    assert rows.loc["U.S. and Iraq resume joint military ops after Soleimani killiing", "status"] == "covered"
