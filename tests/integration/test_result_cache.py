"""The on-disk result cache with the real models: a re-run of unchanged input reads every model
output back (no forward pass, no parse) and gives the same tables byte for byte; ``--no-cache`` writes
nothing; ``--verbose`` prints the time per stage."""

from __future__ import annotations

from collections import OrderedDict

import pytest
from conftest import DATA

import mtqa
from mtqa.backends.encoder import sentence_encoder
from mtqa.backends.language_models import CausalLM, language_model
from mtqa.backends.linguistic import analyser
from mtqa.backends.result_cache import FILE_NAME, caching
from mtqa.cli.main import main

TED = DATA / "ted_zhen"


@pytest.fixture
def ted_lines(tmp_path):
    """The first 24 lines of the TED reference and of DIDI-NLP's translation."""
    paths = []
    for name in ("reference", "DIDI-NLP"):
        lines = (TED / f"{name}.txt").read_text(encoding="utf-8").splitlines()[:24]
        path = tmp_path / f"{name}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def forget_in_memory(monkeypatch, smollm2: bool = True) -> None:
    """Empty the models' per-process memories, so that only the on-disk cache can answer."""
    if smollm2:
        monkeypatch.setattr(language_model("smollm2"), "_memo", OrderedDict())
    encoder = sentence_encoder()
    monkeypatch.setattr(encoder, "_cache", {})
    monkeypatch.setattr(encoder, "_token_cache", {})
    monkeypatch.setattr(analyser(), "_cache", {})


def tables(result) -> list[str]:
    return [t.to_csv(index=False) for t in (result.sentences, result.errors, result.documents, result.words)]


def test_a_warm_rerun_reads_every_model_output_back_and_gives_the_same_tables(ted_lines, tmp_path, monkeypatch):
    reference, candidate = ted_lines
    cache = tmp_path / "cache"
    forget_in_memory(monkeypatch)
    with caching(True, cache):
        cold = mtqa.assess(reference, [candidate], parallel=True)
    assert (cache / FILE_NAME).is_file()

    forget_in_memory(monkeypatch)

    def no_model_call(*args, **kwargs):
        raise AssertionError("a model ran on a warm re-run")

    monkeypatch.setattr(CausalLM, "_score", no_model_call)
    monkeypatch.setattr(sentence_encoder().model, "encode", no_model_call)
    monkeypatch.setattr(analyser().nlp, "pipe", no_model_call)
    with caching(True, cache):
        warm = mtqa.assess(reference, [candidate], parallel=True)
    assert tables(warm) == tables(cold)
    assert len(cold.errors) > 0 and cold.sentences.quality.notna().all()


def test_no_cache_writes_nothing_and_verbose_prints_the_stage_times(ted_lines, tmp_path, monkeypatch, capsys):
    reference, candidate = ted_lines
    monkeypatch.setenv("MTQA_CACHE_DIR", str(tmp_path / "cache"))  # the n-gram tier keeps no model copy here
    monkeypatch.delenv("MTQA_NO_CACHE")
    arguments = ["assess", "--parallel", "--reference", str(reference), "--candidate", str(candidate),
                 "--fluency-model", "ngram", "--quiet"]
    assert main([*arguments, "--out", str(tmp_path / "uncached"), "--no-cache", "--verbose"]) == 0
    assert not (tmp_path / "cache" / FILE_NAME).exists()
    stages = [line.split()[0] for line in capsys.readouterr().err.splitlines()]
    assert stages[:3] == ["load", "segment", "align"] and stages[-1] == "total"
    forget_in_memory(monkeypatch, smollm2=False)
    assert main([*arguments, "--out", str(tmp_path / "cached")]) == 0
    assert (tmp_path / "cache" / FILE_NAME).is_file()
    for name in ("sentences.csv", "errors.csv", "documents.csv"):
        assert (tmp_path / "cached" / name).read_bytes() == (tmp_path / "uncached" / name).read_bytes()


def test_a_dask_cluster_of_two_workers_gives_the_same_tables_as_a_local_run(ted_lines, monkeypatch):
    """The language model's passes run on the workers (each loads SmolLM2 once); nothing of them runs
    in this process, and every table is the same byte for byte."""
    distributed = pytest.importorskip("distributed")
    reference, candidate = ted_lines
    forget_in_memory(monkeypatch)
    local = mtqa.assess(reference, [candidate], parallel=True)

    forget_in_memory(monkeypatch)
    local_passes = []
    monkeypatch.setattr(CausalLM, "_score", lambda *args, **kwargs: local_passes.append(1))
    monkeypatch.setattr(CausalLM, "DISTRIBUTED_CHUNK", 4)  # six chunks a pass: both workers get some
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            spread = mtqa.assess(reference, [candidate], parallel=True, client=client)
            workers_used = client.run(lambda: __import__("mtqa.backends.language_models").backends.language_models
                                      .language_model.cache_info().currsize)
    assert local_passes == []
    assert sorted(workers_used.values()) == [1, 1]  # each worker loaded the model once
    assert tables(spread) == tables(local)
