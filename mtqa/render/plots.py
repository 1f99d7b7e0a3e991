"""Plots of an Assessment, as matplotlib Figures (for notebooks) and as inline SVG (for the report).

Figures are built without pyplot, so no global backend is chosen or changed: a notebook keeps its own,
and the report renders through matplotlib's SVG canvas. The SVG is deterministic (fixed hash salt, no
date, no generator metadata), so the same run gives the same report byte for byte.
"""

from __future__ import annotations

import io
import re

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from mtqa.pipeline.result import Assessment
from mtqa.render.style import (
    candidate_colour,
    candidate_label,
    candidate_marker,
    category_order,
    sentence_score,
)

_RC = {
    "svg.hashsalt": "mtqa",
    "svg.fonttype": "none",  # text stays text: selectable, searchable, crisp at any zoom
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#dddddd",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
}
_WIDTH = 7.5  # inches


def _figure(height: float) -> Figure:
    with matplotlib.rc_context(_RC):
        return Figure(figsize=(_WIDTH, height), layout="constrained")


def _plain(text: str) -> str:
    """Text for matplotlib as it is: a "$" would otherwise start mathtext (and can fail to parse), and a
    legend leaves out labels that start with "_"."""
    text = str(text).replace("$", r"\$")
    return " " + text if text.startswith("_") else text


def _label(result: Assessment, doc_id: str) -> str:
    return _plain(candidate_label(result, doc_id))


def _note(figure: Figure, message: str) -> Figure:
    axes = figure.subplots()
    axes.set_axis_off()
    axes.text(0.5, 0.5, message, ha="center", va="center", color="#555555", transform=axes.transAxes)
    return figure


def quality_distribution(result: Assessment) -> Figure:
    """Sentence scores per candidate: a box (quartiles) over every scored sentence, shown as dots."""
    score = sentence_score(result.sentences)
    candidates = result.candidates
    with matplotlib.rc_context(_RC):
        figure = _figure(1.0 + 0.55 * max(len(candidates), 1))
        values = [
            result.sentences.loc[result.sentences.doc_id == c, score.column].dropna().to_numpy(float)
            for c in candidates
        ]
        if not any(len(v) for v in values):
            return _note(figure, MISSING["quality"])
        axes = figure.subplots()
        positions = np.arange(len(candidates))[::-1]  # first candidate on top
        jitter = np.random.default_rng(0)  # fixed: the plot is part of a deterministic report
        for index, (position, points) in enumerate(zip(positions, values)):
            if not len(points):
                continue
            crowded = len(points) > 80  # many sentences: smaller, fainter dots so the box stays readable
            axes.scatter(
                points, position + jitter.uniform(-0.2, 0.2, len(points)), s=8 if crowded else 24,
                alpha=0.35 if crowded else 0.8, color=candidate_colour(index), marker=candidate_marker(index),
                linewidths=0, zorder=3,
            )
            axes.boxplot(
                points, positions=[position], orientation="horizontal", widths=0.55, showfliers=False,
                medianprops={"color": "#222222", "linewidth": 1.8}, boxprops={"color": "#333333"},
                whiskerprops={"color": "#333333"}, capprops={"color": "#333333"}, zorder=4,
            )
        axes.set_yticks(positions, [f"{_label(result, c)}\n{len(v)} sentences" for c, v in zip(candidates, values)])
        axes.set_xlim(0, score.scale)
        axes.set_xlabel(score.label)
        axes.grid(axis="y", visible=False)
        return figure


def errors_by_category(result: Assessment) -> Figure:
    """Error spans per category, one bar per candidate within each category."""
    errors = result.errors
    candidates = result.candidates
    categories = category_order(errors["category"]) if len(errors) else []
    with matplotlib.rc_context(_RC):
        figure = _figure(1.4 + 0.2 * ((len(candidates) + 1) // 2) + len(categories) * (0.25 + 0.1 * len(candidates)))
        if not categories:
            return _note(figure, MISSING["errors"])
        counts = (
            errors.groupby(["category", "doc_id"]).size().unstack(fill_value=0)
            .reindex(index=categories, columns=candidates, fill_value=0)
        )
        axes = figure.subplots()
        height = 0.8 / len(candidates)
        base = np.arange(len(categories))[::-1].astype(float)
        for index, candidate in enumerate(candidates):
            offsets = base + 0.4 - height * (index + 0.5)
            axes.barh(
                offsets, counts[candidate].to_numpy(), height=height * 0.92, color=candidate_colour(index),
                label=_label(result, candidate), hatch=_hatch(index), edgecolor="white",
            )
        axes.set_yticks(base, [_plain(c) for c in categories])
        axes.set_xlabel("error spans (count)")
        axes.xaxis.get_major_locator().set_params(integer=True)
        axes.grid(axis="y", visible=False)
        figure.legend(loc="outside lower center", ncols=2, frameon=False, fontsize=8)
        return figure


def _hatch(index: int) -> str:
    """Past the palette's eight colours, a hatch tells candidates apart."""
    return "" if index < 8 else "//"


def _fidelity_column(sentences) -> str:
    return "fidelity" if "fidelity" in sentences and sentences["fidelity"].notna().any() else "semantic"


def fidelity_fluency(result: Assessment) -> Figure:
    """One dot per aligned sentence: fidelity to the reference against fluency."""
    sentences = result.sentences
    fidelity = _fidelity_column(sentences)
    fidelity_label = (
        "fidelity to the reference" if fidelity == "fidelity"
        else "semantic similarity to the reference (cosine; stands in for fidelity)"
    )
    with matplotlib.rc_context(_RC):
        scored = sentences.dropna(subset=[fidelity, "fluency"])
        n_candidates = len(result.candidates)
        figure = _figure(4.4 + 0.2 * ((n_candidates + 1) // 2))
        if scored.empty:
            return _note(figure, MISSING["fidelity_fluency"])
        axes = figure.subplots()
        for index, candidate in enumerate(result.candidates):
            mine = scored[scored.doc_id == candidate]
            if mine.empty:
                continue
            axes.scatter(
                mine[fidelity], mine["fluency"], s=28, alpha=0.8, color=candidate_colour(index),
                marker=candidate_marker(index), linewidths=0, label=_label(result, candidate),
            )
        axes.set_xlabel(fidelity_label)
        axes.set_ylabel("fluency (0–100, reference-free)")
        figure.legend(loc="outside lower center", ncols=2, frameon=False, fontsize=8)
        return figure


MISSING = {
    "quality": "No sentence has a score in this run.",
    "errors": "No error spans in this run.",
    "fidelity_fluency": "No sentence has both a fidelity and a fluency score in this run.",
}


def missing(result: Assessment) -> dict[str, str]:
    """Why a plot would be empty, by plot name (the report says so instead of drawing blank axes)."""
    sentences = result.sentences
    reasons = {}
    if sentences[sentence_score(sentences).column].isna().all():
        reasons["quality"] = MISSING["quality"]
    if result.errors.empty:
        reasons["errors"] = MISSING["errors"]
    if sentences.dropna(subset=[_fidelity_column(sentences), "fluency"]).empty:
        reasons["fidelity_fluency"] = MISSING["fidelity_fluency"]
    return reasons


_SVG_START = re.compile(r"^.*?(?=<svg\b)", re.S)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
_SIZE = re.compile(r'\s(width|height)="[^"]*pt"')


def to_svg(figure: Figure) -> str:
    """The figure as an ``<svg>`` element to inline in HTML: no XML prologue, no metadata, no fixed size
    (the page's CSS sizes it; the viewBox keeps the proportions)."""
    buffer = io.StringIO()
    with matplotlib.rc_context(_RC):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = _SVG_START.sub("", buffer.getvalue(), count=1)
    svg = _METADATA.sub("", svg, count=1)
    return _SIZE.sub("", svg, count=2)


PLOTS = {
    "quality": quality_distribution,
    "errors": errors_by_category,
    "fidelity_fluency": fidelity_fluency,
}

__all__ = ["quality_distribution", "errors_by_category", "fidelity_fluency", "missing", "to_svg", "PLOTS"]
