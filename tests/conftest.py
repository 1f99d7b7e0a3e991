"""Shared fixtures: the seed documents (copied into the project from the shared seeds) and one
assessment of them, computed once per test session with the real packaged models."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# Every test computes afresh (and leaves the user's result cache alone); the cache's own tests turn it
# on in a folder of their own.
os.environ.setdefault("MTQA_NO_CACHE", "1")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"
REFERENCE = SEEDS / "002_7337f87eccdfb504.txt"
FRENCH = SEEDS / "000_cc02e8cbdcfd7727.txt"
ARABIC = SEEDS / "001_183f575d9282628d.txt"
NYT = SEEDS / "003_04f21086b02ac016.txt"
RUSSIAN = SEEDS / "004_fdc9254782756410.txt"
CANDIDATES = [FRENCH, RUSSIAN, ARABIC, NYT]


@pytest.fixture(scope="session")
def seeds_result():
    import mtqa

    return mtqa.assess(REFERENCE, CANDIDATES)


@pytest.fixture(scope="session")
def qe_result():
    """Quality estimation: the French and Russian translations assessed with no reference."""
    import mtqa

    return mtqa.assess(None, [FRENCH, RUSSIAN])


@pytest.fixture
def forgetful_lm(monkeypatch):
    """SmolLM2 with its memory of scored texts switched off for one test: every call computes afresh,
    as batch-invariance tests need (a remembered result would be compared with itself)."""
    from collections import OrderedDict

    from mtqa.backends.language_models import language_model

    lm = language_model("smollm2")
    monkeypatch.setattr(lm, "_memo", OrderedDict())
    monkeypatch.setattr(lm, "MEMO_SIZE", 0)
    return lm


def sentence_containing(table, doc_id: str, fragment: str):
    rows = table[(table.doc_id == doc_id) & table.text.str.contains(fragment, regex=False)]
    assert len(rows) == 1, f"{fragment!r} found in {len(rows)} sentences of {doc_id}"
    return rows.iloc[0]


TED = DATA / "ted_zhen"  # WMT21 TED zh→en, line-aligned; human MQM: DIDI-NLP −1.65, Online-W −2.93


@pytest.fixture(scope="session")
def ted_result():
    """DIDI-NLP and Online-W assessed line by line against the TED reference."""
    import mtqa

    return mtqa.assess(TED / "reference.txt", [TED / "DIDI-NLP.txt", TED / "Online-W.txt"], parallel=True)


def ted_lines(name: str) -> list[str]:
    return (TED / f"{name}.txt").read_text(encoding="utf-8").splitlines()
