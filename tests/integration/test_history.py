"""Run history in a real DuckDB file: recorded compare and gate runs, printed and plotted per vendor."""

from datetime import datetime

import duckdb
import pytest

from mtqa.analyses.compare import compare_assessment
from mtqa.analyses.gate import GateConfig, gate_assessment
from mtqa.analyses.history import plot_trend, record, trend, trend_table
from mtqa.cli.main import main


@pytest.fixture(scope="module")
def database(ted_result, tmp_path_factory):
    """Three runs: a comparison, then two gates a week apart, as a buyer's CI would record them."""
    path = tmp_path_factory.mktemp("history") / "mtqa-history.duckdb"
    comparison = compare_assessment(ted_result, n_resamples=200, seed=1)
    record(path, comparison, recorded_at=datetime(2024, 3, 1, 9, 0))
    gate = gate_assessment(ted_result, "DIDI-NLP", "Online-W", GateConfig(resamples=200))
    record(path, gate.comparison, gate, recorded_at=datetime(2024, 3, 8, 9, 0))
    record(path, gate.comparison, gate, recorded_at=datetime(2024, 3, 15, 9, 0))
    return path, comparison, gate


def test_runs_are_stored_with_vendor_time_data_hash_scores_and_verdict(database):
    path, comparison, gate = database
    with duckdb.connect(str(path), read_only=True) as connection:
        runs = connection.execute("SELECT command, verdict, data_sha256, recorded_at FROM runs ORDER BY recorded_at").fetchall()
        assert [(r[0], r[1]) for r in runs] == [("compare", "compared"), ("gate", "regression"), ("gate", "regression")]
        assert {r[2] for r in runs} == {comparison.data_hash} and len(comparison.data_hash) == 64
        verdicts = connection.execute(
            "SELECT DISTINCT s.system, s.verdict FROM system_scores s JOIN runs USING (run_id) WHERE command = 'gate' ORDER BY 1"
        ).fetchall()
        assert verdicts == [("DIDI-NLP", "baseline"), ("Online-W", "regression")]
        chrf = connection.execute(
            "SELECT value, ci_low, ci_high FROM system_scores WHERE system = 'Online-W' AND score = 'chrf'"
        ).fetchall()
        assert len(chrf) == 3 and all(low < value < high for value, low, high in chrf)
        checks = connection.execute("SELECT check_name, status FROM checks WHERE status = 'failed' ORDER BY check_name").fetchall()
        assert ("no significant drop in chrf", "failed") in checks and len(checks) == 2 * len(gate.failed)
        pairs = connection.execute("SELECT count(*) FROM comparisons WHERE significant AND score = 'bleu'").fetchone()
        assert pairs == (3,)


def test_trend_per_vendor_oldest_first(database):
    path, comparison, _ = database
    history = trend(path, systems=["Online-W"], scores=["chrf", "ter"])
    assert set(history.vendor) == {"Online-W"} and set(history.score) == {"chrf", "ter"}
    assert history.recorded_at.is_monotonic_increasing and len(history) == 6
    expected = comparison.systems.set_index(["system", "score"]).value[("Online-W", "chrf")]
    assert history[history.score == "chrf"].value.iloc[0] == pytest.approx(expected)
    table = trend_table(history)
    assert "2024-03-01 09:00:00" in table and "regression" in table and "chrf" in table


@pytest.mark.parametrize("suffix, magic", [(".png", b"\x89PNG\r\n\x1a\n"), (".svg", b"<?xml")])
def test_plot_is_written_as_png_or_svg(database, tmp_path, suffix, magic):
    path, _, _ = database
    out = plot_trend(trend(path), tmp_path / f"trend{suffix}")
    assert out.read_bytes().startswith(magic) and out.stat().st_size > 5000


def test_history_command_prints_and_plots(database, tmp_path, capsys):
    path, _, _ = database
    plot = tmp_path / "trend.png"
    assert main(["history", "--db", str(path), "--system", "DIDI-NLP", "--score", "bleu", "--plot", str(plot)]) == 0
    out = capsys.readouterr().out
    assert "DIDI-NLP" in out and "Online-W" not in out and "bleu" in out
    assert plot.exists()


def test_history_command_refuses_a_missing_database_or_a_bad_plot_name(database, tmp_path, capsys):
    assert main(["history", "--db", str(tmp_path / "none.duckdb")]) == 2
    assert "none.duckdb: no such history database" in capsys.readouterr().err
    path, _, _ = database
    assert main(["history", "--db", str(path), "--plot", str(tmp_path / "trend.pdf")]) == 2
    assert "trend.pdf: plot must be a .png or .svg file" in capsys.readouterr().err
    assert not (tmp_path / "none.duckdb").exists()


def test_gate_record_option_writes_the_default_file_in_the_working_directory(regression_cwd):
    status, directory = regression_cwd
    assert status == 1
    history = trend(directory / "mtqa-history.duckdb")
    assert set(history.vendor) == {"DIDI-NLP", "Online-W"}


@pytest.fixture
def regression_cwd(tmp_path, monkeypatch):
    from conftest import TED

    monkeypatch.chdir(tmp_path)
    status = main(["gate", "--parallel", "--quiet", "--reference", str(TED / "reference.txt"),
                   "--baseline", str(TED / "DIDI-NLP.txt"), "--candidate", str(TED / "Online-W.txt"), "--record"])
    return status, tmp_path
