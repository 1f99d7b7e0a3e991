"""The report in a real headless browser (Debian's chromium driven by Playwright): it loads offline with
no error and no request, filters and sorts, shows span details, and runs no script from a document.
Screenshots go to test-artifacts/ for a person to look at."""

import os
from pathlib import Path

import pytest
from conftest import FRENCH, REFERENCE, ROOT, RUSSIAN
from report_helpers import FRENCH_SPANS, error_row, with_spans

import mtqa
from mtqa.render.html import render_html
from mtqa.render.style import sentence_score

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
NAMED_ERRORS = ("refused to how one this information", "a hit american")

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        raise RuntimeError(".ci/run must install Debian's chromium before the tests (apt-get install chromium)")
    pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


class Visit:
    """A page opened on a report file, recording every request, console message and page error."""

    def __init__(self, browser, path: Path, width: int = 1400):
        self.page = browser.new_page(viewport={"width": width, "height": 1000})
        self.requests, self.console, self.errors = [], [], []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("console", lambda message: self.console.append(f"{message.type}: {message.text}"))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.url = path.resolve().as_uri()
        self.page.goto(self.url)
        self.page.wait_for_load_state("load")

    def visible_rows(self, article: str = "article.document") -> list[str]:
        return self.page.eval_on_selector_all(
            f"{article} tr.row", "rows => rows.filter(r => !r.hidden).map(r => r.dataset.status)"
        )

    def select(self, control: str, value: str) -> None:
        self.page.select_option(f"#f-{control}", value)

    def screenshot(self, name: str, **options) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=str(path), **options)
        return path


def write(tmp_path: Path, result, name: str = "report.html") -> Path:
    path = tmp_path / name
    path.write_text(render_html(result), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def seeds_report(seeds_result, tmp_path_factory):
    return write(tmp_path_factory.mktemp("report"), seeds_result)


def test_the_seeds_report_loads_offline_without_errors_or_requests(browser, seeds_result, seeds_report):
    visit = Visit(browser, seeds_report)
    assert visit.requests == [visit.url]  # the file itself, nothing else
    assert visit.console == [] and visit.errors == []
    assert visit.page.title() == "mtqa quality report"
    rows = visit.visible_rows()
    omitted = (seeds_result.reference.status == "omitted").sum()
    assert len(rows) == (seeds_result.sentences.status != "boilerplate").sum() + omitted
    assert visit.page.inner_text("#f-count") == f"{len(rows)} of {len(rows)} rows shown"
    assert visit.page.locator("#plots svg").count() >= 1
    visit.screenshot("report-seeds.png")
    visit.page.close()


def test_a_report_without_a_reference_loads_and_filters_without_errors(browser, qe_result, tmp_path):
    """Quality estimation: no reference column and no status filter, and the other filters still work."""
    visit = Visit(browser, write(tmp_path, qe_result))
    assert visit.requests == [visit.url] and visit.console == [] and visit.errors == []
    assert visit.page.locator("#f-status").count() == 0
    assert visit.page.locator("table.sentences td.ref").count() == 0
    content = qe_result.sentences[qe_result.sentences.status != "boilerplate"]
    assert len(visit.visible_rows()) == len(content)
    visit.select("category", "fluency/word-order")
    errors = qe_result.errors[qe_result.errors.category == "fluency/word-order"]
    assert len(visit.visible_rows()) == errors[["doc_id", "sent_id"]].drop_duplicates().shape[0] > 0
    visit.screenshot("report-quality-estimation.png")
    visit.page.close()


def sideways_overflow(visit) -> dict:
    """How many pixels the page, and each wide table's box in the summary section, would scroll sideways."""
    return visit.page.evaluate(
        """() => ({page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
                   boxes: [...document.querySelectorAll('#summary .scroll-x')].map(b => b.scrollWidth - b.clientWidth)})"""
    )


def test_the_summary_of_four_candidates_fits_a_laptop_screen_whole(browser, seeds_report):
    """At 1280 px the summary (scores with intervals, sentence and severity counts) and the error matrix
    show whole, with no sideways scrolling anywhere."""
    visit = Visit(browser, seeds_report, width=1280)
    assert visit.page.locator("table.summary tbody tr").count() == 4
    assert sideways_overflow(visit) == {"page": 0, "boxes": [0, 0]}
    visit.screenshot("report-seeds-1280.png")
    visit.page.close()


def test_on_a_narrow_screen_wide_tables_scroll_inside_their_box_not_the_page(browser, seeds_report):
    visit = Visit(browser, seeds_report, width=1024)
    overflow = sideways_overflow(visit)
    assert overflow["page"] == 0
    assert overflow["boxes"][0] > 0  # the summary is wider than 1024 px and scrolls in its own box
    visit.page.close()


def test_the_named_seed_errors_appear_as_highlighted_spans(browser, seeds_result, seeds_report):
    if seeds_result.errors.empty:
        pytest.skip("needs error spans")
    visit = Visit(browser, seeds_report)
    for phrase in NAMED_ERRORS:
        # Share of the phrase's non-space characters that lie inside a highlighted span.
        covered = visit.page.evaluate(
            """phrase => {
                for (const cell of document.querySelectorAll("article.document td.cand .text")) {
                    let text = "", marked = [];
                    for (const node of cell.childNodes) {
                        const inMark = node.nodeType === 1 && node.matches("mark.span");
                        for (const ch of node.textContent) { text += ch; marked.push(inMark); }
                    }
                    const at = text.indexOf(phrase);
                    if (at < 0) continue;
                    let chars = 0, hit = 0;
                    for (let i = at; i < at + phrase.length; i++) {
                        if (text[i] !== " ") { chars += 1; if (marked[i]) hit += 1; }
                    }
                    return hit / chars;
                }
                return -1;
            }""",
            phrase,
        )
        assert covered >= 0.5, f"{phrase!r}: {covered:.0%} of it highlighted"
    mark = visit.page.locator("mark.span", has_text="refused").first
    assert "/" in mark.get_attribute("title")  # the tooltip names the category
    visit.screenshot("report-seeds-errors.png")
    visit.page.close()


def test_filters_hide_rows_and_sorting_puts_the_worst_first(browser, seeds_result, seeds_report):
    visit = Visit(browser, seeds_report)
    total = len(visit.visible_rows())
    visit.select("status", "omitted")
    rows = visit.visible_rows()
    assert set(rows) == {"omitted"} and len(rows) == (seeds_result.reference.status == "omitted").sum() < total
    assert visit.page.locator("tr.row.status-aligned").first.is_hidden()

    visit.select("status", "")
    visit.select("candidate", "c1")  # the Russian-origin version
    assert visit.page.locator("article#c0").is_hidden() and visit.page.locator("article#c1").is_visible()
    russian = seeds_result.sentences[(seeds_result.sentences.doc_id == RUSSIAN.stem)]
    assert len(visit.visible_rows()) == (russian.status != "boilerplate").sum() + (
        (seeds_result.reference.candidate == RUSSIAN.stem) & (seeds_result.reference.status == "omitted")).sum()

    visit.select("sort", "score")
    scores = visit.page.eval_on_selector_all("article#c1 tr.row", "rows => rows.map(r => r.dataset.score)")
    numbers = [float(s) for s in scores if s]
    assert numbers == sorted(numbers) and scores[: len(numbers)] == [s for s in scores if s]  # unscored last
    ranking = sentence_score(seeds_result.sentences).column  # quality, or semantic while quality is absent
    assert numbers[0] == pytest.approx(russian[ranking].min(), abs=1e-6)

    visit.page.click("#f-reset")
    assert len(visit.visible_rows()) == total
    assert visit.console == [] and visit.errors == []
    visit.page.close()


def test_span_details_open_from_the_text_and_category_filters_select_rows(browser, seeds_result, tmp_path):
    result = with_spans(seeds_result, FRENCH.stem, FRENCH_SPANS)
    visit = Visit(browser, write(tmp_path, result))
    mark = visit.page.locator("article#c0 mark.span", has_text="refused to how one this information")
    assert mark.get_attribute("title").startswith("accuracy/mistranslation · major · found by test")
    detail = visit.page.get_by_text("the reference says: 'said it had no information to provide'")
    assert detail.is_hidden()
    mark.click()
    assert detail.is_visible()

    visit.select("category", "fluency/word-order")
    assert visit.visible_rows() == ["aligned"]  # one sentence has a word-order error
    visit.select("severity", "minor")
    assert visit.visible_rows() == [] and visit.page.locator("article#c0 tr.empty").is_visible()
    visit.select("severity", "")
    visit.select("category", "*")
    assert len(visit.visible_rows()) == result.errors.sent_id.nunique()
    visit.select("category", "")
    visit.page.locator("article#c0").scroll_into_view_if_needed()
    visit.page.locator("article#c0 mark.span").first.click()
    visit.page.evaluate("document.querySelector('article#c0').scrollIntoView()")
    visit.screenshot("report-spans.png")
    assert visit.console == [] and visit.errors == [] and visit.requests == [visit.url]
    visit.page.close()


HOSTILE_TEXT = (
    "The Pentagon <script>window.__mtqaPwned = 1</script> refused to comment on this information.\n"
    '<img src=x onerror="window.__mtqaPwned = 2"> Two U.S. military officials said the Pentagon wanted to '
    "resume the operations.\n"
    "<svg onload=\"window.__mtqaPwned = 3\"></svg> Iraq's parliament voted to expel U.S. troops.\n"
)
HOSTILE_ID = "vendor<script>window.__mtqaPwned=4</script>"


def test_a_hostile_candidate_shows_as_text_and_runs_nothing(browser, tmp_path):
    candidate = mtqa.document_from_text(HOSTILE_TEXT, "candidate", HOSTILE_ID)
    result = mtqa.assess(REFERENCE, {HOSTILE_ID: candidate})
    sentence = result.sentences[result.sentences.text.str.contains("<script>", regex=False)].iloc[0]
    span = error_row(sentence, "<script>window", "other/boilerplate", "critical",
                     '<img src=y onerror="window.__mtqaPwned=5">', "</mark><script>window.__mtqaPwned=6</script>",
                     detector="<b>detector</b>")
    import dataclasses

    import pandas as pd

    result = dataclasses.replace(result, errors=pd.DataFrame([span]))
    result.warnings = ['<img src=z onerror="window.__mtqaPwned=7">']
    visit = Visit(browser, write(tmp_path, result))
    assert visit.page.evaluate("typeof window.__mtqaPwned") == "undefined"
    assert visit.requests == [visit.url]
    assert visit.console == [] and visit.errors == []
    assert visit.page.locator("img").count() == 0
    assert visit.page.locator("body script").count() == 1  # the report's own
    assert visit.page.locator("main svg[onload]").count() == 0
    body = visit.page.inner_text("article#c0")
    assert "<script>window.__mtqaPwned = 1</script>" in body and '<img src=x onerror="window.__mtqaPwned = 2">' in body
    assert HOSTILE_ID in visit.page.inner_text("table.summary")
    visit.page.locator("article#c0 mark.span").first.click()
    assert visit.page.evaluate("typeof window.__mtqaPwned") == "undefined"
    assert "</mark><script>window.__mtqaPwned=6</script>" in visit.page.inner_text("article#c0 details.errors")
    visit.page.close()
