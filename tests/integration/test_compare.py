"""Comparing systems on real data: TED zh→en line by line (DIDI-NLP is better than Online-W by human
MQM, −1.65 vs −2.93) and the four seed candidates as comparable documents."""

import json

import numpy as np
import pandas as pd
import pytest
from conftest import TED

from mtqa.analyses.compare import (
    CLUSTER_COLUMNS,
    PAIR_COLUMNS,
    SCORE_SPECS,
    SYSTEM_COLUMNS,
    compare_assessment,
    pair_segments,
)
from mtqa.render.comparison import comparison_dict, comparison_json, comparison_text
from mtqa.render.html import render_html
from mtqa.stages.aggregate.statistics import CI_SCORES, ci_columns
from mtqa.stages.aggregate.tables import DOCUMENT_COLUMNS


@pytest.fixture(scope="module")
def ted(ted_result):
    return compare_assessment(ted_result, n_resamples=1000, seed=12345)


@pytest.fixture(scope="module")
def seeds(seeds_result):
    return compare_assessment(seeds_result, n_resamples=1000, seed=12345)


def row(table, **where):
    selected = table
    for column, value in where.items():
        selected = selected[selected[column] == value]
    assert len(selected) == 1, where
    return selected.iloc[0]


def test_ted_lexical_scores_rank_didi_above_online_w_significantly(ted):
    assert list(ted.systems.columns) == SYSTEM_COLUMNS and list(ted.pairs.columns) == PAIR_COLUMNS
    for score in ("chrf", "bleu", "ter"):
        pair = row(ted.pairs, score=score)
        assert (pair.system_a, pair.system_b, pair.n_pairs) == ("DIDI-NLP", "Online-W", 529)
        assert pair.significant and pair.better == "DIDI-NLP"
        assert pair.p_bootstrap_holm < 0.01 and pair.p_randomization_holm < 0.01
        assert pair.delta_ci_low <= pair.delta <= pair.delta_ci_high
        clusters = ted.clusters[ted.clusters.score == score]
        assert clusters.system.tolist() == ["DIDI-NLP", "Online-W"] and clusters.cluster.tolist() == [1, 2]
    assert row(ted.pairs, score="chrf").human_agreement == "≥90 %"  # Δ chrF −4.29
    assert row(ted.pairs, score="bleu").human_agreement == "≥85 %"  # BLEU never reaches 90 %
    assert pd.isna(row(ted.pairs, score="ter").human_agreement)


def test_system_scores_carry_intervals_and_match_documents_csv(ted, ted_result):
    documents = ted_result.documents.set_index("doc_id")
    for system in ("DIDI-NLP", "Online-W"):
        for score in ("chrf", "bleu", "ter", "semantic"):
            line = row(ted.systems, system=system, score=score)
            assert line.ci_low < line.value < line.ci_high and line.n_segments == 529
            assert line.value == pytest.approx(documents.loc[system, score], abs=1e-4)
            assert line.ci_low == pytest.approx(documents.loc[system, f"{score}_ci_low"], abs=1e-4)


def test_empty_scores_are_skipped_with_a_note_and_filled_ones_are_compared(ted, ted_result):
    for score in ("quality", "fluency", "mqm_penalty", "n_minor", "n_major", "n_critical"):
        column = "n_errors" if score.startswith("n_") else score  # counts exist once the error stage ran
        filled = ted_result.sentences[column].notna().any()
        assert (score in ted.scores) == bool(filled)
        assert any(note.startswith(f"{score}: no values yet") for note in ted.notes) == (not filled)


def test_documents_csv_has_bootstrap_intervals_after_the_contract_columns(ted_result, tmp_path):
    ted_result.save(tmp_path)
    documents = pd.read_csv(tmp_path / "documents.csv")
    assert list(documents.columns) == DOCUMENT_COLUMNS + ci_columns()
    assert ci_columns()[:2] == ["chrf_ci_low", "chrf_ci_high"] and len(ci_columns()) == 2 * len(CI_SCORES)
    for record in documents.to_dict("records"):
        for score in CI_SCORES:
            low, high, value = record[f"{score}_ci_low"], record[f"{score}_ci_high"], record[score]
            if pd.isna(value):  # the reference row, and scores not computed yet
                assert pd.isna(low) and pd.isna(high)
            else:
                assert low <= value <= high and high - low > 0


def test_comparable_documents_pair_on_shared_reference_sentences(seeds, seeds_result):
    systems = seeds_result.candidates
    assert len(systems) == 4
    for score in seeds.scores:
        pairs = seeds.pairs[seeds.pairs.score == score]
        assert len(pairs) == 6  # every pair of the four
        for pair in pairs.itertuples():
            units = {
                s: seeds_result.unit_scores.rows_of(s) for s in (pair.system_a, pair.system_b)
            }
            covered = [
                {(u.reference_doc, i) for r in units[s] for u in [seeds_result.unit_scores.units[r]] for i in u.reference_ids}
                for s in (pair.system_a, pair.system_b)
            ]
            # never more pairs than reference sentences both systems cover
            assert 0 < pair.n_pairs <= len(covered[0] & covered[1])


def test_four_seed_candidates_are_ranked_in_clusters(seeds):
    assert list(seeds.clusters.columns) == CLUSTER_COLUMNS
    for score in seeds.scores:
        ranking = seeds.clusters[seeds.clusters.score == score]
        assert ranking["rank"].tolist() == [1, 2, 3, 4]
        assert sorted(ranking.system) == sorted(seeds.assessment.candidates)
        values = ranking.value.to_numpy()
        best_first = -values if SCORE_SPECS[score].higher_is_better else values
        assert (np.diff(best_first) >= 0).all()
        assert ranking.cluster.iloc[0] == 1 and (np.diff(ranking.cluster) >= 0).all()
        # within a cluster, no member is significantly different from the cluster's best
        for cluster, members in ranking.groupby("cluster"):
            head = members.system.iloc[0]
            for other in members.system.iloc[1:]:
                pair = seeds.pairs[(seeds.pairs.score == score) & seeds.pairs.system_a.isin([head, other])
                                   & seeds.pairs.system_b.isin([head, other])]
                assert not pair.significant.iloc[0]


def test_renderings_carry_the_same_numbers(ted):
    data = json.loads(comparison_json(ted))
    assert data == json.loads(json.dumps(comparison_dict(ted)))
    assert data["parameters"]["resamples"] == 1000 and data["parameters"]["seed"] == 12345
    assert len(data["data_sha256"]) == 64
    chrf = next(p for p in data["pairs"] if p["score"] == "chrf")
    assert chrf["delta"] == pytest.approx(row(ted.pairs, score="chrf").delta)
    assert chrf["significant"] is True
    text = comparison_text(ted)
    assert "== chrf (higher is better)" in text and "== ter (lower is better)" in text
    assert "≥90 %" in text and "DIDI-NLP" in text


def test_segment_pairs_line_up_line_by_line(ted):
    segments = pair_segments(ted, "DIDI-NLP", "Online-W")
    assert len(segments) == 529
    first = segments.iloc[0]
    assert first.reference == (TED / "reference.txt").read_text(encoding="utf-8").splitlines()[0]
    assert first.sent_ids_a == [0] and first.sent_ids_b == [0]
    assert {"chrf_a", "chrf_b", "semantic_a", "semantic_b"} <= set(segments.columns)


def test_a_comparison_is_returned_and_leaves_the_assessment_as_it_was(ted, ted_result):
    """compare_assessment returns its result; the report shows it when it is handed over."""
    assert ted.assessment is ted_result and not hasattr(ted_result, "comparison")
    page = render_html(ted_result, ted)
    ranking = page[page.index('id="comparison"'):page.index('id="audit"')]
    assert "DIDI-NLP" in ranking and "Online-W" in ranking


def test_compare_command_prints_writes_json_and_records(tmp_path, capsys):
    from conftest import SEEDS

    from mtqa.analyses.history import trend
    from mtqa.cli.main import main

    report, database = tmp_path / "compare.json", tmp_path / "runs.duckdb"
    status = main(["compare", "--manifest", str(SEEDS / "manifest.toml"), "--resamples", "200", "--seed", "3",
                   "--json", str(report), "--record", str(database), "--quiet"])
    assert status == 0 and capsys.readouterr().out == ""
    data = json.loads(report.read_text())
    assert data["parameters"]["resamples"] == 200 and len({p["system_a"] for p in data["pairs"]}) == 3
    assert {c["system"] for c in data["clusters"]} == {"000_cc02e8cbdcfd7727", "001_183f575d9282628d",
                                                        "003_04f21086b02ac016", "004_fdc9254782756410"}
    recorded = trend(database, scores=["chrf"])
    assert len(recorded) == 4 and set(recorded.verdict) == {"compared"}


@pytest.mark.parametrize(
    "arguments, message",
    [(["--candidate", "x.txt"], "give at least two candidates"),
     (["--candidate", "a.txt", "--candidate", "b.txt", "--alpha", "2"], "alpha must be within (0, 1), got 2.0")],
)
def test_compare_command_usage_errors(arguments, message, capsys):
    from conftest import REFERENCE

    from mtqa.cli.main import main

    assert main(["compare", "--reference", str(REFERENCE), *arguments]) == 2
    error = capsys.readouterr().err
    assert message in error and error.count("\n") == 1
