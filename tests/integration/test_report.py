"""The HTML report, the notebook displays and the plots, rendered from a real assessment of the seeds
(no browser here: see test_report_browser.py for what a reader's browser does with the file)."""

import dataclasses
import html as html_lib
import re

import pandas as pd
import pytest
from conftest import FRENCH, REFERENCE, RUSSIAN, sentence_containing
from matplotlib.figure import Figure
from report_helpers import FRENCH_SPANS, error_row, with_spans

import mtqa
from mtqa.render import plots
from mtqa.render.html import highlight, number, render_html

PENTAGON = "refused to how one this information"


def span_dict(row: dict, index: int) -> dict:
    return {**row, "id": f"e{index}"}


def marks(markup: str) -> list[tuple[str, str]]:
    """(error ids, marked text) of every <mark> in highlighted HTML, text unescaped."""
    return [(ids, html_lib.unescape(text)) for ids, text in re.findall(r'<mark [^>]*data-err="([^"]*)"[^>]*>(.*?)</mark>', markup)]


# --- highlighting ----------------------------------------------------------------------------------


def test_a_span_highlights_exactly_its_characters(seeds_result):
    sentence = sentence_containing(seeds_result.sentences, FRENCH.stem, PENTAGON)
    error = span_dict(error_row(sentence, PENTAGON, "accuracy/mistranslation", "major", "why", "refused to comment"), 0)
    markup = str(highlight(sentence.text, [error]))
    assert marks(markup) == [("e0", PENTAGON)]
    assert html_lib.unescape(re.sub(r"<[^>]+>", "", markup)) == sentence.text  # nothing lost, nothing added
    assert 'class="span fam-accuracy sev-major"' in markup
    title = html_lib.unescape(re.search(r'title="([^"]*)"', markup).group(1))
    assert title == "accuracy/mistranslation · major · found by test\nwhy\nsuggestion: refused to comment"


def test_overlapping_spans_are_cut_into_flat_marks_listing_every_error(seeds_result):
    sentence = sentence_containing(seeds_result.sentences, FRENCH.stem, "a hit american")
    outer = span_dict(error_row(sentence, "a hit american", "accuracy/mistranslation", "major", "", ""), 0)
    inner = span_dict(error_row(sentence, "american", "fluency/spelling", "minor", "", "American"), 1)
    markup = str(highlight(sentence.text, [outer, inner]))
    assert marks(markup) == [("e0", "a hit "), ("e0 e1", "american")]
    assert "<mark" not in re.sub(r"<mark.*?</mark>", "", markup, flags=re.S)  # no nesting: marks never contain marks
    overlap = re.search(r'<mark class="([^"]*)" data-err="e0 e1"', markup).group(1)
    assert "overlap" in overlap and "sev-major" in overlap  # the stronger error sets the look


def test_adjacent_spans_stay_two_marks(seeds_result):
    sentence = sentence_containing(seeds_result.sentences, FRENCH.stem, "the general iranian")
    first = span_dict(error_row(sentence, "the general", "fluency/word-order", "major", "", ""), 0)
    second = span_dict(error_row(sentence, " iranian", "fluency/spelling", "minor", "", "Iranian"), 1)
    assert marks(str(highlight(sentence.text, [first, second]))) == [("e0", "the general"), ("e1", " iranian")]


def test_a_zero_width_span_is_an_insertion_caret_and_out_of_range_spans_are_ignored(seeds_result):
    sentence = sentence_containing(seeds_result.sentences, FRENCH.stem, PENTAGON)
    at = sentence.text.find("this information")
    omission = {"id": "e0", "start": at, "end": at, "category": "accuracy/omission", "severity": "minor",
                "detector": "test", "explanation": "'comment on' is missing", "suggestion": ""}
    beyond = {**omission, "id": "e1", "start": len(sentence.text) + 3, "end": len(sentence.text) + 9}
    markup = str(highlight(sentence.text, [omission, beyond]))
    assert marks(markup) == [("e0", "\u2038")]
    assert "insertion" in markup
    assert html_lib.unescape(re.sub(r"<mark.*?</mark>", "", markup, flags=re.S)) == sentence.text


def test_highlighting_escapes_every_piece_of_hostile_text():
    text = 'Officials <script>alert("x")</script> said <img src=x onerror=alert(1)> & "more"'
    start = text.find("<script>")
    error = {"id": "e0", "start": start + 3, "end": text.find("said"), "category": "x<b>", "severity": "major",
             "detector": '"><script>', "explanation": "<i>bold</i>", "suggestion": "' onmouseover='alert(2)"}
    markup = str(highlight(text, [error]))
    assert "<script" not in markup and "<img" not in markup and "<i>" not in markup and "<b>" not in markup
    assert "onmouseover='" not in markup
    assert html_lib.unescape(re.sub(r"<[^>]+>", "", markup)) == text


# --- the report ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeds_html(seeds_result):
    return render_html(seeds_result)


def test_every_content_sentence_and_omission_appears_beside_its_reference(seeds_result, seeds_html):
    text = html_lib.unescape(re.sub(r"<[^>]+>", "", seeds_html))  # highlighted spans split the text into marks
    content = seeds_result.sentences[seeds_result.sentences.status != "boilerplate"]
    for sentence in content.text:
        assert sentence in text
    rows = re.findall(r'<tr class="row status-(\w+)"', seeds_html)
    omitted = seeds_result.reference[seeds_result.reference.status == "omitted"]
    assert rows.count("omitted") == len(omitted)
    assert rows.count("unaligned") == (content.status == "unaligned").sum()
    assert rows.count("aligned") == (content.status == "aligned").sum()


def test_omissions_sit_before_the_first_sentence_aligned_to_a_later_reference_sentence(seeds_result, seeds_html):
    french = seeds_html[seeds_html.index('id="c0"'):seeds_html.index('id="c1"')]
    first_aligned = sentence_containing(seeds_result.sentences, FRENCH.stem, "will resume their military operations")
    first_ref = int(first_aligned.ref_ids.split(";")[0])
    before = french[: french.index('<td class="id">0</td>')]  # 000's first sentence
    omitted = seeds_result.reference[
        (seeds_result.reference.candidate == FRENCH.stem) & (seeds_result.reference.status == "omitted")
    ]
    for row in omitted[omitted.sent_id < first_ref].itertuples():
        assert f"reference #{row.sent_id}<" in before


def test_non_content_lines_are_listed_with_their_reasons(seeds_result, seeds_html):
    audit = html_lib.unescape(seeds_html[seeds_html.index('id="audit"'):seeds_html.index('id="signature"')])
    for doc_id, marked in seeds_result.marked.items():
        for sent_id, reason in marked.non_content.items():
            assert f"{sent_id}</td><td>{marked.by_id[sent_id].text}</td><td class=\"reason\">{reason}" in audit


def test_footer_carries_the_run_signature(seeds_result, seeds_html):
    footer = seeds_html[seeds_html.index('<footer'):]
    for item in seeds_result.signature["inputs"]:
        assert item["sha256"] in footer
    assert "sacrebleu" in footer and "2.6.0" in footer and "align_threshold" in footer


def test_scores_not_computed_show_a_dash_and_plots_say_why(seeds_result):
    blank = ["quality", "fluency", "mqm_penalty", "n_errors"]
    sentences = seeds_result.sentences.copy()
    sentences[blank] = float("nan")
    documents = seeds_result.documents.copy()
    documents[[c for c in documents.columns if c.startswith(("quality", "fluency", "mqm_score", "n_errors"))]] = float("nan")
    result = dataclasses.replace(
        seeds_result, sentences=sentences, documents=documents, errors=seeds_result.errors.iloc[0:0]
    )
    page = render_html(result)
    summary = page[page.index('id="summary"'):page.index('id="plots"')]
    assert ">Quality</th>" in summary and '<span class="value">–</span>' in summary
    assert "Error detection has not run" in summary
    plots_section = page[page.index('id="plots"'):page.index('id="documents"')]
    assert plots_section.count("<svg") == 1  # the score distribution only: no errors, no fluency
    assert plots.MISSING["errors"] in plots_section and plots.MISSING["fidelity_fluency"] in plots_section
    assert "quality not computed" in plots_section


def test_confidence_intervals_warnings_and_a_comparison_appear_when_present(seeds_result):
    documents = seeds_result.documents.copy()
    documents["chrf_ci_low"], documents["chrf_ci_high"] = documents.chrf - 2.5, documents.chrf + 2.5
    result = dataclasses.replace(seeds_result, documents=documents)
    result.warnings = ["the reference has a typo in its headline (\"killiing\") <b>"]
    comparison = pd.DataFrame({"system": [FRENCH.stem, RUSSIAN.stem], "cluster": [1, 2], "p": [0.0012, float("nan")]})
    page = render_html(result, comparison)
    french = documents.set_index("doc_id").loc[FRENCH.stem]
    assert f'{french.chrf:.1f}</span><span class="ci" title="95 % confidence interval">[{french.chrf - 2.5:.1f}, {french.chrf + 2.5:.1f}]' in page
    assert 'role="alert"' in page and "&lt;b&gt;" in page
    comparison = page[page.index('id="comparison"'):page.index('id="audit"')]
    assert "<td>0.0012</td>" in comparison and "<td>–</td>" in comparison


def test_the_report_requests_nothing_and_runs_only_its_own_script(seeds_html):
    assert re.findall(r"<script\b", seeds_html) == ["<script"]
    assert not re.search(r'[\s:](src|href|action|srcset|poster)="(?!#)', seeds_html)  # only in-page links
    assert "@import" not in seeds_html and not re.search(r"url\((?!#)", seeds_html)
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', seeds_html).group(1)
    csp = html_lib.unescape(csp)
    assert "default-src 'none'" in csp
    import base64
    import hashlib

    script = re.search(r"<script>(.*?)</script>", seeds_html, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp


def test_the_report_is_deterministic(seeds_result, seeds_html):
    assert render_html(seeds_result) == seeds_html
    assert "<dc:date>" not in seeds_html and "Created with Matplotlib" not in seeds_html


def test_spans_are_highlighted_in_the_report_with_their_details(seeds_result):
    page = render_html(with_spans(seeds_result, FRENCH.stem, FRENCH_SPANS))
    french = page[page.index('id="c0"'):page.index('id="c1"')]
    assert marks(french) == [  # document order; "american" lies inside "a hit american"
        ("c0-e0", "the general iranian"), ("c0-e1", "a hit "), ("c0-e1 c0-e2", "american"),
        ("c0-e3", PENTAGON), ("c0-e4", "The iraqi Parliament"),
    ]
    assert marks(page[page.index('id="c1"'):]) == []
    assert "the reference says: &#39;said it had no information to provide&#39;" in french
    assert "suggestion: <q>refused to comment on this information</q>" in french
    assert '<option value="fluency/word-order">' in page
    matrix = page[page.index('class="matrix"'):page.index('id="plots"')]
    assert html_lib.unescape(matrix).count("accuracy/mistranslation") == 1


# --- notebook display and plots --------------------------------------------------------------------


def test_repr_html_is_a_compact_summary(seeds_result):
    summary = seeds_result._repr_html_()
    assert summary.count('<tr>') == 1 + len(seeds_result.candidates)
    for doc_id in seeds_result.candidates:
        assert doc_id in summary
    assert "<script" not in summary and "<svg" not in summary
    assert len(summary) < len(render_html(seeds_result)) / 5


def test_show_renders_one_document_with_highlighted_spans(seeds_result):
    result = with_spans(seeds_result, FRENCH.stem, FRENCH_SPANS)
    shown = result.show(FRENCH.stem)
    fragment = shown._repr_html_()
    assert any(text == PENTAGON for _, text in marks(fragment))
    assert RUSSIAN.stem not in fragment
    french_rows = result.sentences[(result.sentences.doc_id == FRENCH.stem) & (result.sentences.status != "boilerplate")]
    assert fragment.count('<tr class="row status-aligned"') == (french_rows.status == "aligned").sum()
    with pytest.raises(mtqa.InputError, match=REFERENCE.stem):
        result.show(REFERENCE.stem)  # the reference is not a candidate


def test_plots_are_figures_with_labelled_axes(seeds_result):
    result = with_spans(seeds_result, FRENCH.stem, FRENCH_SPANS)
    quality = result.plot_quality()
    assert isinstance(quality, Figure)
    axes = quality.axes[0]
    assert axes.get_xlabel() == "sentence quality (0–100)"
    assert len(axes.get_yticklabels()) == len(result.candidates)
    errors = result.plot_errors().axes[0]
    assert errors.get_xlabel() == "error spans (count)"
    assert [t.get_text() for t in errors.get_yticklabels()] == ["accuracy/mistranslation", "fluency/word-order", "fluency/spelling"]
    widths = sorted(round(p.get_width()) for p in errors.patches if p.get_width() > 0)
    assert widths == [1, 2, 2]  # mistranslation 2, spelling 2, word order 1, all in 000
    scatter = result.plot_fidelity_fluency()
    assert isinstance(scatter, Figure)
    if result.sentences.fluency.notna().any():
        assert "fluency" in scatter.axes[0].get_ylabel() and scatter.axes[0].get_xlabel()
    else:  # without fluency: a figure that says so, not an error
        assert "fluency" in scatter.axes[0].texts[0].get_text()


def test_the_score_plot_switches_to_quality_when_it_exists(seeds_result):
    sentences = seeds_result.sentences.copy()
    sentences["quality"] = sentences.semantic * 100
    axes = dataclasses.replace(seeds_result, sentences=sentences).plot_quality().axes[0]
    assert axes.get_xlabel() == "sentence quality (0–100)" and axes.get_xlim() == (0.0, 100.0)


def test_svg_is_deterministic_and_inline_ready(seeds_result):
    first, second = (plots.to_svg(seeds_result.plot_quality()) for _ in range(2))
    assert first == second
    assert first.startswith("<svg") and "<?xml" not in first and "<metadata>" not in first
    assert 'viewBox="' in first and not re.search(r'<svg[^>]*\swidth="', first)


def test_negative_scores_show_a_true_minus_sign():
    # MQM scores are negative: "[−42.9, −32.0]" reads as an interval, "-42.9–-32.0" does not.
    assert number(-42.866, 1) == "\u221242.9" and number(3.26, 1) == "3.3" and number(float("nan")) == "–"
