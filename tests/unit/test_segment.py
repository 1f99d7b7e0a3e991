"""Sentence segmentation on the seeds' tricky spots, with exact offsets."""

from conftest import ARABIC, FRENCH, NYT, REFERENCE, RUSSIAN, SEEDS

from mtqa.core.records import Document
from mtqa.stages.load import load_document
from mtqa.stages.segment import segment, segment_lines


def texts(path):
    return [s.text for s in segment(load_document(path, "candidate"))]


def test_offsets_point_into_the_document_for_every_seed():
    for path in sorted(SEEDS.glob("*.txt")):
        document = load_document(path, "candidate")
        sentences = segment(document)
        assert sentences, path
        for index, s in enumerate(sentences):
            assert s.sent_id == index
            assert document.text[s.start:s.end] == s.text
            assert s.text == s.text.strip() and s.text


def test_abbreviations_do_not_end_sentences():
    reference = texts(REFERENCE)
    assert "Washington began the pause on January 5 two days after the strike that killed Iranian Gen. Qassem Soleimani at the Baghdad airport." in reference
    assert any(t.startswith("Two U.S. military officials quoted by the paper") for t in reference)
    assert any(t.endswith("in Richmond on Jan. 9.") for t in reference)
    nyt = texts(NYT)
    assert any(t.startswith("Mr. Abdul Mahdi had asked Secretary of State Mike Pompeo") for t in nyt)
    assert any(t.startswith("Mr. Pompeo He refused") for t in nyt)


def test_spaced_initials_stay_in_the_sentence():
    assert any(t.startswith("The u. s. State department responded that") for t in texts(FRENCH))


def test_double_period_ends_a_sentence():
    russian = texts(RUSSIAN)
    assert "This was announced on Wednesday by representatives of the US administration.." in russian
    assert any(t.startswith("One of the interlocutors said") for t in russian)


def test_ellipsis_inside_a_dateline_does_not_split():
    assert any(t.startswith("Baghdad / … two American military officials confirmed") for t in texts(ARABIC))


def test_curly_quotes_close_the_sentence_they_belong_to():
    reference = texts(REFERENCE)
    assert "“They won’t say so publicly." in reference
    assert any(t.startswith("But privately they all welcome") and t.endswith("at Stanford University.") for t in reference)
    french = texts(FRENCH)
    assert any(t.startswith("Mike Pompeo has also ensured on Monday that ” all “the iraqi leadership") for t in french)


def test_bullets_are_kept_out_of_the_sentence():
    document = load_document(FRENCH, "candidate")
    teasers = [s for s in segment(document) if "Read also" in s.text]
    assert [s.text[:10] for s in teasers] == ["Read also:", "Read also:"]
    assert all(s.bullet == "•" for s in teasers)


def test_lines_are_paragraphs_and_headlines_are_sentences():
    french = texts(FRENCH)
    assert french[0] == "The United States will resume their military operations with Iraq"
    assert texts(ARABIC)[-1] == "Connecting to %s"


def test_hard_wrapped_lines_are_joined():
    document = Document("wrapped", "candidate", "The minister said that the talks\nwould resume on Monday. Nobody objected.\n")
    assert [s.text for s in segment(document)] == [
        "The minister said that the talks\nwould resume on Monday.",
        "Nobody objected.",
    ]


def test_line_mode_keeps_line_numbers_and_skips_blank_lines():
    document = Document("lines", "candidate", "First line.\n\n  Third line, indented.  \n")
    sentences = segment_lines(document)
    assert [(s.sent_id, s.text) for s in sentences] == [(0, "First line."), (2, "Third line, indented.")]
    assert all(document.text[s.start:s.end] == s.text for s in sentences)
