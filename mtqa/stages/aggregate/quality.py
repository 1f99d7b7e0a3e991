"""The sentence quality score (0-100, higher is better): a small, monotone combination of mtqa's own
sentence scores, with weights read from a versioned JSON file inside the package.

Each variant is a logistic model on standardised, clipped features with non-negative weights:

    quality = 100 * sigmoid(intercept + sum_i weight_i * direction_i * (clip(x_i, low_i, high_i) - center_i) / scale_i)

so improving any feature in its good direction never lowers the score. Variants are tried in the
file's order and a sentence gets the first whose features it all has: the reference variant (fidelity,
fluency, errors) for sentences with a reference counterpart (aligned or partial: a partial link's
scores are its covered parts'), the same without fluency when no language model ran, the
reference-free one otherwise. A feature is a sentence-table column or one of the few ``DERIVED`` from
them (the reference counterpart's length).
Boilerplate gets no quality. How the weights were fitted is recorded in the file itself
(``benchmarks/fit_quality.py`` writes it).
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from mtqa.core.exceptions import InputError
from mtqa.core.values import SCORE_DECIMALS, word_count

SCORED_STATUSES = ("aligned", "partial", "unaligned")  # content sentences: every one but boilerplate
PACKAGED_WEIGHTS = "data/quality_weights.json"  # inside the mtqa package, written by benchmarks/fit_quality.py


def _log_words(texts: pd.Series) -> np.ndarray:
    return np.log1p(texts.map(lambda text: word_count(text) if isinstance(text, str) else np.nan).to_numpy(float))


# Features computed from sentence-table columns, by name. At equal evidence per word, a longer passage
# gives people more to fault (length alone correlates 0.29 with TED's MQM scores); the reference
# counterpart's length measures that without rewarding a candidate for dropping words.
DERIVED = {"log_ref_words": ("ref_text", _log_words)}


def feature_values(table: pd.DataFrame, column: str) -> np.ndarray | None:
    """A feature's value for each row (NaN where it is empty), or None when the table lacks it."""
    source, derive = DERIVED.get(column, (column, None))
    if source not in table:
        return None
    if derive is not None:
        return derive(table[source])
    return pd.to_numeric(table[source], errors="coerce").to_numpy(dtype=float)


@dataclass(frozen=True)
class Feature:
    column: str  # a column of the sentence table, or a DERIVED feature's name
    direction: int  # +1: higher is better; -1: lower is better
    low: float  # clip bounds, in the column's own units
    high: float
    center: float
    scale: float
    weight: float  # >= 0

    def standardised(self, values: np.ndarray) -> np.ndarray:
        return self.direction * (np.clip(values, self.low, self.high) - self.center) / self.scale

    def to_dict(self) -> dict:
        return {
            "column": self.column, "direction": self.direction, "low": self.low, "high": self.high,
            "center": self.center, "scale": self.scale, "weight": self.weight,
        }


@dataclass(frozen=True)
class Variant:
    name: str
    needs_reference: bool
    intercept: float
    features: tuple[Feature, ...]

    @property
    def columns(self) -> list[str]:
        return [f.column for f in self.features]

    def linear(self, table: pd.DataFrame) -> np.ndarray:
        """The logit of each row; NaN where a feature is missing (absent column or empty value)."""
        total = np.full(len(table), self.intercept, dtype=float)
        for feature in self.features:
            values = feature_values(table, feature.column)
            if values is None:
                return np.full(len(table), np.nan)
            total += feature.weight * feature.standardised(values)
        return total

    def score(self, table: pd.DataFrame) -> np.ndarray:
        return 100.0 / (1.0 + np.exp(-self.linear(table)))

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "needs_reference": self.needs_reference,
            "intercept": self.intercept,
            "features": [f.to_dict() for f in self.features],
        }


@dataclass(frozen=True)
class QualityModel:
    version: str
    variants: tuple[Variant, ...]  # in order of preference
    sha256: str = ""  # of the weights file it was read from
    path: str = ""

    def variant(self, name: str) -> Variant | None:
        return next((v for v in self.variants if v.name == name), None)

    def score(self, table: pd.DataFrame) -> np.ndarray:
        """Quality of each row of a sentence table (NaN for boilerplate and rows no variant covers)."""
        quality = np.full(len(table), np.nan)
        for variant in self.variants:
            missing = np.isnan(quality)
            quality[missing] = variant.score(table)[missing]
        if "status" in table:
            quality[~table["status"].isin(SCORED_STATUSES).to_numpy()] = np.nan
        return quality

    def describe(self) -> dict:
        """What run.json records about the weights."""
        return {
            "version": self.version,
            "sha256": self.sha256,
            "variants": {v.name: v.columns for v in self.variants},
        }

    @classmethod
    def from_dict(cls, spec: dict, source: str = "", sha256: str = "") -> "QualityModel":
        try:
            variants = tuple(
                Variant(
                    name=str(v["name"]),
                    needs_reference=bool(v["needs_reference"]),
                    intercept=float(v["intercept"]),
                    features=tuple(
                        Feature(
                            column=str(f["column"]), direction=int(f["direction"]), low=float(f["low"]),
                            high=float(f["high"]), center=float(f["center"]), scale=float(f["scale"]),
                            weight=float(f["weight"]),
                        )
                        for f in v["features"]
                    ),
                )
                for v in spec["variants"]
            )
            version = str(spec["version"])
        except (KeyError, TypeError, ValueError) as error:
            raise InputError(source or None, f"not a quality weights file ({error!r})") from None
        for variant in variants:
            for feature in variant.features:
                if feature.weight < 0 or feature.direction not in (-1, 1) or feature.scale <= 0 or feature.low > feature.high:
                    raise InputError(
                        source or None,
                        f"variant {variant.name!r}, feature {feature.column!r}: weights must be >= 0, "
                        "direction +1 or -1, scale > 0 and low <= high (the score must stay monotone)",
                    )
        return cls(version=version, variants=variants, sha256=sha256, path=source)

    @classmethod
    def load(cls, path: str | Path | None = None) -> "QualityModel":
        """The packaged weights, or a weights file of the same format."""
        if path is None:
            raw = resources.files("mtqa").joinpath(PACKAGED_WEIGHTS).read_bytes()
            source = f"mtqa/{PACKAGED_WEIGHTS}"
        else:
            try:
                raw = Path(path).read_bytes()
            except OSError as error:
                raise InputError(path, f"cannot be read ({error.strerror})") from None
            source = str(path)
        try:
            spec = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise InputError(source, f"invalid JSON ({error})") from None
        return cls.from_dict(spec, source, hashlib.sha256(raw).hexdigest())


@functools.cache
def packaged_model() -> QualityModel:
    return QualityModel.load()


def packaged_weights() -> dict:
    """The packaged weights file whole: the variants, and the record of the data they were fitted on
    and of their cross-validated figures (a fresh copy on each call)."""
    return json.loads(resources.files("mtqa").joinpath(PACKAGED_WEIGHTS).read_bytes())


def add_quality(sentences: pd.DataFrame, model: QualityModel | None = None) -> pd.DataFrame:
    """The sentence table with its ``quality`` column filled (rounded like every other score)."""
    model = model or packaged_model()
    table = sentences.copy()
    table["quality"] = np.round(model.score(table), SCORE_DECIMALS)
    return table
