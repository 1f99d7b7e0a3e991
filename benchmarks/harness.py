"""The benchmark harness: finds the benchmark modules, runs them, renders one Markdown report.

A benchmark is any module ``benchmarks/<name>.py`` that defines

    def run(quick: bool) -> list[Section]

and may set ``ORDER`` (an int, default 100; lower comes first in the report, ties by module name).
``quick`` asks for a small subsample that runs in seconds (smoke tests); the full run uses all of
the module's data in ``benchmarks/data/``. A Section holds a title, an optional table (a DataFrame,
rendered as Markdown), notes (Markdown paragraphs) and timings; the harness adds the wall time of
each module and gathers every timing into one table at the end.
"""

from __future__ import annotations

import importlib
import math
import os
import pkgutil
import platform
import time
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import ModuleType

import pandas as pd

PACKAGE = "benchmarks"
DEFAULT_ORDER = 100


@dataclass(frozen=True)
class Timing:
    step: str
    seconds: float
    sentences: int = 0  # how many sentences the step processed (0: not a per-sentence step)

    @property
    def rate(self) -> float:
        return self.sentences / self.seconds if self.sentences and self.seconds > 0 else math.nan


@dataclass
class Section:
    title: str
    table: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    timings: list[Timing] = field(default_factory=list)
    level: int = 2  # Markdown heading level: 2 for a data set, 3 for a part of one


@dataclass
class Outcome:
    name: str
    sections: list[Section]
    seconds: float
    error: str = ""


def discover() -> list[ModuleType]:
    """Every module of the benchmarks package that defines ``run``, in report order."""
    package = importlib.import_module(PACKAGE)
    modules = []
    for info in pkgutil.iter_modules(package.__path__):
        if info.ispkg or info.name.startswith("_") or info.name in ("run", "harness"):
            continue
        module = importlib.import_module(f"{PACKAGE}.{info.name}")
        if callable(getattr(module, "run", None)):
            modules.append(module)
    return sorted(modules, key=lambda m: (getattr(m, "ORDER", DEFAULT_ORDER), short_name(m)))


def short_name(module: ModuleType) -> str:
    return module.__name__.rsplit(".", 1)[-1]


def run_benchmarks(modules: list[ModuleType], quick: bool) -> list[Outcome]:
    outcomes = []
    for module in modules:
        started = time.perf_counter()
        try:
            sections, error = list(module.run(quick)), ""
        except Exception:  # a failing benchmark is reported, and the others still run
            sections, error = [], traceback.format_exc()
        outcomes.append(Outcome(short_name(module), sections, time.perf_counter() - started, error))
    return outcomes


def format_value(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "–"
    if isinstance(value, float):  # correlations and accuracies keep 3 decimals, larger numbers fewer
        return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}" if abs(value) < 1000 else f"{value:.0f}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def markdown_table(table: pd.DataFrame) -> str:
    header = "| " + " | ".join(str(c) for c in table.columns) + " |"
    rule = "|" + "|".join("--:" if pd.api.types.is_numeric_dtype(table[c]) else "---" for c in table.columns) + "|"
    rows = ["| " + " | ".join(format_value(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join([header, rule, *rows])


def timing_table(outcomes: list[Outcome]) -> pd.DataFrame:
    rows = []
    for outcome in outcomes:
        for section in outcome.sections:
            for timing in section.timings:
                rows.append([outcome.name, timing.step, timing.seconds, timing.sentences or math.nan, timing.rate])
        rows.append([outcome.name, "whole benchmark (wall time)", outcome.seconds, math.nan, math.nan])
    table = pd.DataFrame(rows, columns=["benchmark", "step", "seconds", "sentences", "sentences/s"])
    table["sentences"] = table["sentences"].astype("Int64")
    for column in ("seconds", "sentences/s"):
        table[column] = table[column].map(lambda v: "–" if math.isnan(v) else f"{v:.1f}")
    return table


def render(outcomes: list[Outcome], quick: bool, seconds: float) -> str:
    from mtqa.core.version import __version__

    mode = "quick (subsampled smoke test)" if quick else "full"
    lines = [
        "# mtqa benchmarks",
        "",
        f"mtqa {__version__}, {mode} run of {len(outcomes)} benchmark(s) in {seconds:.0f} s on "
        f"{os.cpu_count()} CPU core(s), Python {platform.python_version()}, "
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC. Made by `make bench{' QUICK=1' if quick else ''}` "
        f"(`python -m benchmarks.run{' --quick' if quick else ''}`). Load average when done: "
        f"{os.getloadavg()[0]:.1f} (timings slow down when other processes share the cores).",
        "",
    ]
    for outcome in outcomes:
        if outcome.error:
            lines += [f"## {outcome.name}: FAILED", "", "```", outcome.error.rstrip(), "```", ""]
        for section in outcome.sections:
            lines += ["#" * section.level + " " + section.title, ""]
            if section.table is not None:
                lines += [markdown_table(section.table), ""]
            for note in section.notes:
                lines += [note, ""]
    lines += ["## Timings", "", markdown_table(timing_table(outcomes)), ""]
    return "\n".join(lines)


def write_report(text: str, out: Path) -> None:
    from mtqa.render.files import write_atomically

    out.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(out, text)
