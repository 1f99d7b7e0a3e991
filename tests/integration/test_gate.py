"""The regression gate as CI runs it: exit status, JUnit XML checked by a parser, JSON, Markdown, config."""

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from conftest import ROOT, TED

from mtqa.analyses.gate import (
    DEFAULT_MAX_DROP,
    GateConfig,
    gate_assessment,
    load_config,
)
from mtqa.cli.main import main
from mtqa.render.gate import escape_markdown, gate_markdown, junit_xml

REFERENCE, DIDI, ONLINE = TED / "reference.txt", TED / "DIDI-NLP.txt", TED / "Online-W.txt"

# What a JUnit consumer (Jenkins, GitLab, GitHub test reporters) accepts: the common schema's elements
# and attributes (after the Jenkins/Ant junit-10 XSD), checked without an XSD processor.
JUNIT_ELEMENTS = {
    "testsuites": ({"name", "tests", "failures", "errors", "skipped", "time", "disabled"}, {"testsuite"}),
    "testsuite": ({"name", "tests", "failures", "errors", "skipped", "time", "timestamp", "hostname", "id",
                   "package", "disabled", "file"}, {"properties", "testcase", "system-out", "system-err"}),
    "properties": (set(), {"property"}),
    "property": ({"name", "value"}, set()),
    "testcase": ({"name", "classname", "time", "assertions", "status", "file", "line"},
                 {"skipped", "error", "failure", "system-out", "system-err"}),
    "failure": ({"message", "type"}, set()),
    "skipped": ({"message"}, set()),
    "system-out": (set(), set()),
}


def validate_junit(text: str) -> ET.Element:
    root = ET.fromstring(text)
    assert root.tag == "testsuites"
    for element in root.iter():
        attributes, children = JUNIT_ELEMENTS[element.tag]
        assert set(element.attrib) <= attributes, (element.tag, element.attrib)
        assert {child.tag for child in element} <= children, element.tag
    for suite in [root, *root.iter("testsuite")]:
        cases = list(root.iter("testcase"))
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == sum(case.find("failure") is not None for case in cases)
        assert int(suite.get("skipped")) == sum(case.find("skipped") is not None for case in cases)
        assert int(suite.get("errors")) == 0
    for case in root.iter("testcase"):
        assert case.get("name") and case.get("classname")
        assert len([c for c in case if c.tag in ("failure", "skipped")]) <= 1
        for failure in case.iter("failure"):
            assert failure.get("message") and failure.get("type") == "regression"
    return root


@pytest.fixture(scope="module")
def regression(tmp_path_factory):
    """DIDI-NLP as baseline, Online-W as candidate, through the command line, all outputs written."""
    out = tmp_path_factory.mktemp("gate")
    paths = {name: out / f"gate.{name}" for name in ("xml", "json", "md")}
    status = main(["gate", "--parallel", "--quiet", "--reference", str(REFERENCE), "--baseline", str(DIDI),
                   "--candidate", str(ONLINE), "--junit", str(paths["xml"]), "--json", str(paths["json"]),
                   "--markdown", str(paths["md"]), "--record", str(out / "history.duckdb")])
    return status, {name: path.read_text(encoding="utf-8") for name, path in paths.items()}, out


def test_online_w_against_didi_nlp_is_a_regression(regression):
    status, outputs, _ = regression
    assert status == 1
    data = json.loads(outputs["json"])
    assert data["verdict"] == "regression" and data["exit_code"] == 1
    failed = {c["score"]: c for c in data["checks"] if c["status"] == "failed"}
    # With the scores available today, chrF, BLEU and TER fail; quality/fluency/MQM join when filled.
    assert {"chrf", "bleu", "ter"} <= set(failed)
    for check in failed.values():
        values = check["values"]
        assert values["significant"] and values["drop"] > values["allowed_drop"]
        assert values["p_bootstrap_holm"] < 0.05 and values["p_randomization_holm"] < 0.05
    assert failed["chrf"]["values"]["human_agreement"] == "≥90 %"
    quality = next(c for c in data["checks"] if c["score"] == "quality")
    if quality["status"] != "skipped":  # once sentence quality exists, it must see what people saw
        assert quality["status"] == "failed"
    skipped = [c for c in data["checks"] if c["status"] == "skipped"]
    assert all("not" in c["message"] for c in skipped)


def test_junit_file_has_one_test_case_per_check_and_a_failure_per_failed_check(regression):
    _, outputs, _ = regression
    root = validate_junit(outputs["xml"])
    checks = json.loads(outputs["json"])["checks"]
    cases = {case.get("name"): case for case in root.iter("testcase")}
    assert list(cases) == [c["name"] for c in checks]
    for check in checks:
        case = cases[check["name"]]
        assert (case.find("failure") is not None) == (check["status"] == "failed")
        assert (case.find("skipped") is not None) == (check["status"] == "skipped")
    assert "chrf dropped by 4.29" in cases["no significant drop in chrf"].find("failure").get("message")


def test_markdown_summary_names_the_failures_and_the_worst_segments(regression):
    _, outputs, _ = regression
    markdown = outputs["md"]
    assert markdown.startswith("## mtqa gate: ❌ regression")
    assert "| no significant drop in chrf | ❌ failed |" in markdown
    assert "### Segments that regressed most" in markdown
    # the first listed segment is the one whose score fell most; its texts are quoted
    assert "   - reference: " in markdown and "   - candidate: " in markdown
    data = json.loads(outputs["json"])
    drops = [segment["drop"] for segment in data["regressed_segments"]]
    assert drops == sorted(drops, reverse=True) and len(drops) == 10 and drops[-1] > 0


def test_a_system_against_itself_passes_with_p_values_of_one(tmp_path):
    junit, report = tmp_path / "self.xml", tmp_path / "self.json"
    status = main(["gate", "--parallel", "--quiet", "--reference", str(REFERENCE), "--baseline", str(DIDI),
                   "--candidate", str(DIDI), "--junit", str(junit), "--json", str(report)])
    assert status == 0
    data = json.loads(report.read_text())
    assert data["verdict"] == "pass"
    tested = [c for c in data["checks"] if c["status"] != "skipped"]
    assert {c["score"] for c in tested} >= {"chrf", "bleu", "ter", "semantic"}
    for check in tested:
        assert check["status"] == "passed"
        values = check["values"]
        assert values["delta"] == 0
        assert values["p_bootstrap"] == values["p_randomization"] == 1.0
    root = validate_junit(junit.read_text())
    assert root.get("failures") == "0"


def test_same_seed_same_verdict_and_p_values(ted_result):
    config = GateConfig(resamples=300, seed=99)
    first = gate_assessment(ted_result, "DIDI-NLP", "Online-W", config)
    again = gate_assessment(ted_result, "DIDI-NLP", "Online-W", config)
    assert [c.values for c in first.checks] == [c.values for c in again.checks]
    assert junit_xml(first) == junit_xml(again)


def test_thresholds_come_from_the_config(ted_result, tmp_path):
    config_file = tmp_path / "mtqa.toml"
    config_file.write_text('[gate]\nresamples = 300\nmin_quality = 50\n\n[gate.max_drop]\nchrf = 5.0\nbleu = false\nter = 7\n')
    config = load_config(config_file)
    assert config.resamples == 300 and config.min_quality == 50.0
    assert config.max_drop["chrf"] == 5.0 and "bleu" not in config.max_drop
    assert config.max_drop["quality"] == DEFAULT_MAX_DROP["quality"]
    result = gate_assessment(ted_result, "DIDI-NLP", "Online-W", config)
    by_score = {c.score: c for c in result.checks if c.name.startswith("no significant drop")}
    # Δ chrF −4.29 and Δ TER +6.64 are significant but within the allowed drops: the gate passes them
    assert by_score["chrf"].status == "passed" and by_score["ter"].status == "passed"
    assert "bleu" not in by_score
    quality = next(c for c in result.checks if c.name == "minimum quality")
    assert quality.status == ("skipped" if ted_result.documents.quality.isna().all() else quality.status)


@pytest.mark.parametrize(
    "content, message",
    [
        ("[gate]\nalpah = 0.1\n", "[gate] unknown key(s): alpah"),
        ("[gate]\nalpha = 1.5\n", "[gate] alpha must be within (0, 1)"),
        ("[gate]\nresamples = 'many'\n", "[gate] resamples must be an integer"),
        ("[gate.max_drop]\nchfr = 1\n", "[gate.max_drop] unknown score 'chfr'"),
        ("[gate\n", "invalid TOML"),
    ],
)
def test_bad_config_is_an_input_error(tmp_path, capsys, content, message):
    config_file = tmp_path / "mtqa.toml"
    config_file.write_text(content)
    status = main(["gate", "--parallel", "--reference", str(REFERENCE), "--baseline", str(DIDI),
                   "--candidate", str(ONLINE), "--config", str(config_file), "--junit", str(tmp_path / "j.xml")])
    error = capsys.readouterr().err
    assert status == 2 and error.count("\n") == 1 and message in error and "mtqa.toml" in error
    assert not (tmp_path / "j.xml").exists()


def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path):
    short = tmp_path / "short.txt"
    short.write_text("Only one line.\n")
    run = subprocess.run(
        [sys.executable, "-m", "mtqa", "gate", "--parallel", "--reference", str(REFERENCE), "--baseline", str(DIDI),
         "--candidate", str(short), "--junit", str(tmp_path / "j.xml"), "--markdown", str(tmp_path / "m.md")],
        capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
    assert "short.txt: has 1 lines but the reference" in run.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["short.txt"]


def test_missing_required_option_is_a_usage_error(capsys):
    assert main(["gate", "--reference", str(REFERENCE), "--candidate", str(ONLINE)]) == 2
    assert "the following arguments are required: --baseline" in capsys.readouterr().err


def test_markdown_escapes_document_text():
    hostile = "<script>alert(1)</script> | **bold** [link](http://x)"
    escaped = escape_markdown(hostile)
    assert "<script>" not in escaped and "&lt;script&gt;" in escaped
    assert "\\|" in escaped and "\\*\\*bold\\*\\*" in escaped and "\\[link\\]" in escaped


def test_markdown_of_a_passing_gate(ted_result):
    result = gate_assessment(ted_result, "Online-W", "DIDI-NLP", GateConfig(resamples=300))
    markdown = gate_markdown(result)
    assert result.passed and markdown.startswith("## mtqa gate: ✅ pass")
    assert "❌" not in markdown
    chrf = next(c for c in result.checks if c.score == "chrf")
    assert chrf.values["delta"] > 0 and chrf.values["baseline"] < chrf.values["candidate"]
    assert chrf.values["delta_ci_low"] > 0 and "chrf improved by 4.29" in chrf.message


def with_annotated_error(assessment):
    """The TED assessment plus one hand-annotated error in Online-W line 332, which renders the
    reference's "This is a NAND gate." as "It's with and without gates." (a critical mistranslation)."""
    import dataclasses

    import pandas as pd

    from mtqa.stages.aggregate.tables import ERROR_COLUMNS

    sentences = assessment.sentences.copy()
    line = sentences[(sentences.doc_id == "Online-W") & (sentences.sent_id == 332)].iloc[0]
    span = "with and without gates"
    start = line.text.index(span)
    errors = pd.DataFrame([{
        "doc_id": "Online-W", "sent_id": 332, "start": start, "end": start + len(span),
        "doc_start": line.start + start, "doc_end": line.start + start + len(span), "text": span,
        "category": "accuracy/mistranslation", "severity": "critical", "detector": "hand annotation",
        "explanation": "the reference says 'a NAND gate'", "suggestion": "a NAND gate",
    }], columns=ERROR_COLUMNS)
    sentences["n_errors"] = pd.array([0] * len(sentences), dtype="Int64")
    sentences["mqm_penalty"] = 0.0
    annotated = (sentences.doc_id == "Online-W") & (sentences.sent_id == 332)
    sentences.loc[annotated, "n_errors"] = 1
    sentences.loc[annotated, "mqm_penalty"] = 25.0
    documents = assessment.documents.copy()
    for column in ("n_errors", "n_minor", "n_major", "n_critical"):
        documents[column] = pd.array([pd.NA, 0, 0], dtype="Int64")
    documents.loc[documents.doc_id == "Online-W", ["n_errors", "n_critical"]] = 1
    return dataclasses.replace(assessment, sentences=sentences, errors=errors, documents=documents)


def test_error_spans_are_listed_and_new_critical_errors_fail_the_gate(ted_result):
    strict = GateConfig(resamples=300, max_new_critical_errors=0)
    result = gate_assessment(with_annotated_error(ted_result), "DIDI-NLP", "Online-W", strict)
    critical = next(c for c in result.checks if c.name == "no new critical errors")
    assert critical.status == "failed" and "1 critical errors against the baseline's 0" in critical.message
    assert {"mqm_penalty", "n_critical"} <= set(result.comparison.scores)  # filled scores are compared
    markdown = gate_markdown(result)
    assert "candidate: It's **with and without gates**." in markdown
    assert "“with and without gates” — accuracy/mistranslation, critical: the reference says 'a NAND gate'" in markdown
    root = validate_junit(junit_xml(result))
    failed = [case.get("name") for case in root.iter("testcase") if case.find("failure") is not None]
    assert "no new critical errors" in failed
