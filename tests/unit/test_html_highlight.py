"""The HTML report's sentence highlighting, as a specification: exact characters marked, flat marks
for overlapping spans, insertion carets, and every piece of hostile text escaped."""

from __future__ import annotations

import html
import re

from markupsafe import Markup

from mtqa.render.html import highlight, number


def error(start, end, id="e0", category="fluency/grammar", severity="minor", detector="test",
          explanation="", suggestion="") -> dict:
    return {"id": id, "start": start, "end": end, "category": category, "severity": severity, "detector": detector,
            "explanation": explanation, "suggestion": suggestion}


MARK = re.compile(r'<mark class="([^"]*)" data-err="([^"]*)" title="([^"]*)" tabindex="0">(.*?)</mark>', re.S)


def marks(markup: str) -> list[tuple[str, str, str]]:
    """(classes, error ids, marked text) of each mark."""
    return [(m.group(1), m.group(2), html.unescape(m.group(4))) for m in MARK.finditer(markup)]


def visible(markup: str) -> str:
    """The text a reader sees: tags removed, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def test_text_without_errors_is_only_escaped():
    assert highlight("A & B <ok>", []) == "A &amp; B &lt;ok&gt;"
    assert isinstance(highlight("x", []), Markup)


def test_a_span_marks_exactly_its_characters_with_family_and_severity_classes():
    text = "The Pentagon has refused to how one this information."
    out = highlight(text, [error(17, 31, "d-e1", "accuracy/mistranslation", "major")])
    assert marks(out) == [("span fam-accuracy sev-major", "d-e1", "refused to how")]
    assert visible(out) == text


def test_overlapping_spans_are_cut_into_flat_marks_listing_every_error():
    text = "a hit american said"
    out = highlight(text, [error(2, 14, "outer", "fluency/word-order", "major"), error(6, 14, "inner", "fluency/spelling")])
    assert "<mark" not in re.sub(r"<mark[^>]*>[^<]*</mark>", "", out)  # no mark inside another
    assert marks(out) == [
        ("span fam-fluency sev-major", "outer", "hit "),
        ("span fam-fluency sev-major overlap", "outer inner", "american"),
    ]
    assert visible(out) == text


def test_the_most_severe_then_narrowest_error_colours_an_overlap():
    out = highlight("abcdef", [error(0, 6, "wide", "accuracy/addition", "critical"), error(2, 4, "narrow", "style/awkward", "minor")])
    assert marks(out)[1] == ("span fam-accuracy sev-critical overlap", "wide narrow", "cd")


def test_adjacent_spans_stay_two_marks():
    out = highlight("the general iranian", [error(0, 11, "a"), error(11, 19, "b")])
    assert [(ids, piece) for _, ids, piece in marks(out)] == [("a", "the general"), ("b", " iranian")]


def test_a_zero_width_span_is_an_insertion_caret():
    out = highlight("They refused.", [error(4, 4, "gap", "accuracy/omission")])
    assert marks(out) == [("span fam-accuracy sev-minor insertion", "gap", "\u2038")]
    assert visible(out) == "They\u2038 refused."


def test_spans_outside_the_text_are_ignored():
    out = highlight("short", [error(3, 99), error(-1, 2), error(4, 2)])
    assert out == "short"


def test_hostile_text_inside_and_outside_spans_is_escaped():
    text = '<script>alert("x")</script> & <b>bold</b> \'q\''
    out = highlight(text, [error(8, 18, "e<1>", explanation='<img src=x onerror="alert(1)">', suggestion="&amp;")])
    assert "<script>" not in out and "<b>" not in out and "<img" not in out
    assert '"x"' not in out and "'q'" not in out
    assert visible(out) == text
    (classes, ids, piece) = marks(out)[0]
    assert piece == 'alert("x")' and html.unescape(ids) == "e<1>"
    title = html.unescape(MARK.search(out).group(3))
    assert title == 'fluency/grammar · minor · found by test\n<img src=x onerror="alert(1)">\nsuggestion: &amp;'


def test_scores_display_with_a_true_minus_sign_and_a_dash_when_missing():
    assert number(-2.5, 1) == "\u22122.5"
    assert number(3.14159, 3) == "3.142"
    assert number(None) == number(float("nan")) == "–"
