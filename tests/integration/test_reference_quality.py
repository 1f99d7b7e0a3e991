"""The reference-quality warning: a reference that looks worse than its candidates is named, with
the reasons; a clean parallel reference gets no warning."""

from __future__ import annotations

import json

from mtqa.stages.aggregate.reference_quality import reference_warnings


def test_seed_reference_with_furniture_and_a_typo_is_flagged(seeds_result, tmp_path):
    # 002 (The Japan Times) carries the page's furniture and the headline typo "killiing".
    assert len(seeds_result.warnings) == 1
    warning = seeds_result.warnings[0]
    assert "'002_7337f87eccdfb504'" in warning
    assert "page furniture" in warning
    assert "'killiing'" in warning
    seeds_result.save(tmp_path)
    assert json.loads((tmp_path / "run.json").read_text())["warnings"] == seeds_result.warnings
    report = (tmp_path / "report.html").read_text()
    assert "may be worse than the candidates: much page furniture" in report and "killiing" in report


def test_clean_parallel_reference_raises_no_warning(ted_result):
    assert ted_result.warnings == []


def test_each_sign_is_compared_with_the_candidates(seeds_result):
    marked = seeds_result.marked
    reference = marked["002_7337f87eccdfb504"]
    french = marked["000_cc02e8cbdcfd7727"]
    # Judged against itself, the reference is no worse than its candidate: no reason fires.
    assert reference_warnings([reference], [reference], {}) == []
    # A candidate that reads far better makes the reference's fluency a reason of its own.
    fluency = {("002_7337f87eccdfb504", s.sent_id): 40.0 for s in reference.content}
    fluency |= {("000_cc02e8cbdcfd7727", s.sent_id): 80.0 for s in french.content}
    warnings = reference_warnings([reference], [french], fluency, compare_spelling=False)
    assert len(warnings) == 1 and "lower fluency (40/100, candidates' median 80)" in warnings[0]
