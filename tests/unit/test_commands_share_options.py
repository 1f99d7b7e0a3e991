"""`mtqa assess`, `mtqa compare` and `mtqa gate` read the same options and honour a manifest's
[checks] table the same way: each reaches the pipeline with the same settings (no model is loaded:
the pipeline's entry point is replaced by one that records what it was asked to run)."""

from __future__ import annotations

import pytest

import mtqa.analyses.compare
import mtqa.analyses.gate
import mtqa.pipeline.run
from mtqa.cli.main import main
from mtqa.pipeline.options import AssessOptions


class Recorded(Exception):
    """Raised by the recording stand-in so that no stage runs."""


@pytest.fixture
def recorded_options(monkeypatch):
    seen: list[AssessOptions] = []

    def record(reference, candidates, *, options=None, progress=False, client=None, **overrides):
        seen.append(AssessOptions.build(options, **overrides))
        raise Recorded

    for module in (mtqa.pipeline.run, mtqa.analyses.compare, mtqa.analyses.gate):
        monkeypatch.setattr(module, "assess", record)
    return seen


@pytest.fixture
def manifest(tmp_path):
    for name, text in {"ref.txt": "The army left the city on Monday.\n",
                       "a.txt": "The army left the town on Monday.\n",
                       "b.txt": "The army leaves the city Monday.\n"}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    path = tmp_path / "manifest.toml"
    path.write_text(
        '[[documents]]\npath = "ref.txt"\nrole = "reference"\n\n'
        '[[documents]]\npath = "a.txt"\nrole = "candidate"\n\n'
        '[[documents]]\npath = "b.txt"\nrole = "candidate"\n\n'
        '[checks]\nunknown-word = false\nrepeated-word = false\n',
        encoding="utf-8",
    )
    return tmp_path, path


def test_assess_compare_and_gate_run_the_same_checks_and_models_on_one_manifest(manifest, recorded_options):
    folder, path = manifest
    common = ["--manifest", str(path), "--fluency-model", "ngram", "--batch-size", "7", "--disable-check",
              "doubled-punctuation", "--quiet"]
    for command in (
        ["assess", *common, "--out", str(folder / "out")],
        ["compare", *common],
        ["gate", *common, "--baseline", str(folder / "a.txt"), "--candidate", str(folder / "b.txt")],
    ):
        with pytest.raises(Recorded):
            main(command)
    assessed, compared, gated = recorded_options
    assert compared.errors == assessed.errors == gated.errors
    assert compared.models == assessed.models == gated.models
    assert not {"unknown-word", "repeated-word", "doubled-punctuation"} & set(assessed.errors.checks)
    assert "demonym-casing" in assessed.errors.checks  # the rest of the default set still runs
    assert assessed.models.fluency_model == "ngram" and assessed.models.batch_size == 7


def test_fluency_model_none_on_the_command_line_means_no_fluency_model(manifest, recorded_options):
    folder, path = manifest
    with pytest.raises(Recorded):
        main(["assess", "--manifest", str(path), "--fluency-model", "none", "--out", str(folder / "out"), "--quiet"])
    assert recorded_options[0].models.fluency_model is None
