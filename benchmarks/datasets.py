"""The human-judged data sets of ``benchmarks/data/``, read into one shape: line-aligned segments with
one human score each, ready for mtqa's ``--parallel`` mode.

``quick`` selects a small, fixed subsample (the first segments in the data's own order) for smoke tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

DATA = Path(__file__).resolve().parent / "data"
QUICK_SEGMENTS = {"ted": 60, "mlqe": 150, "diabla": 200}
QUICK_DEMETR_PER_TYPE = 3
DIABLA_ORDINAL = {"poor": 0, "medium": 1, "perfect": 2}


@dataclass(frozen=True)
class JudgedSegments:
    """``table`` has one row per judged translation: ``system, line, hypothesis, reference, human,
    group`` (the document or dialogue, for grouped cross-validation) and the data set's own columns.
    Line ``line`` of system ``system`` translates ``references[line]``."""

    name: str
    title: str
    table: pd.DataFrame
    references: list[str]
    human: str  # what the ``human`` column is
    reference: str  # what the ``reference`` column is
    source: str  # the file it was read from, relative to the repository

    @property
    def systems(self) -> dict[str, list[str]]:
        return {
            system: rows.sort_values("line").hypothesis.tolist()
            for system, rows in self.table.groupby("system", sort=False)
        }


TED_FILE = "mqm_zhen_ted21/segments.jsonl"
MLQE_FILE = "qe_ruen_mlqepe/ruen_test20.jsonl"
DIABLA_FILE = "judg_fren_diabla/fr2en_judgements.jsonl"
DEMETR_FILE = "contrastive_demetr/demetr_fr_ru.jsonl"


def _read(relative: str) -> pd.DataFrame:
    return pd.read_json(DATA / relative, lines=True, dtype=False)


def _source(relative: str) -> str:
    return f"benchmarks/data/{relative}"


def _single_system(table: pd.DataFrame, hypothesis: str, reference: str) -> tuple[pd.DataFrame, list[str]]:
    table = table.reset_index(drop=True).assign(
        system="mt", line=lambda t: t.index, hypothesis=table[hypothesis].tolist(), reference=table[reference].tolist()
    )
    return table, table.reference.tolist()


def ted(quick: bool = False) -> JudgedSegments:
    table = _read(TED_FILE).sort_values(["doc", "seg_id", "system"], kind="stable")
    segments = table.drop_duplicates("seg_id")[["seg_id", "reference"]].reset_index(drop=True)
    if quick:
        segments = segments.head(QUICK_SEGMENTS["ted"])
        table = table[table.seg_id.isin(segments.seg_id)]
    line = {seg: i for i, seg in enumerate(segments.seg_id)}
    if table.groupby("seg_id").reference.nunique().max() != 1:
        raise ValueError("TED MQM: the systems of one segment have different references")
    table = table.assign(line=table.seg_id.map(line), human=table.mqm_score.astype(float), group=table.doc)
    return JudgedSegments(
        name="ted_zhen_mqm",
        title="TED talks zh→en, WMT21 MQM",
        table=table.reset_index(drop=True),
        references=segments.reference.tolist(),
        human="`mqm_score` (minus the sum of error weights: major 5, minor 1, minor punctuation 0.1; 0 = perfect)",
        reference="refB, an independent human translation",
        source=_source(TED_FILE),
    )


def mlqe(quick: bool = False) -> JudgedSegments:
    table = _read(MLQE_FILE)
    if quick:
        table = table.head(QUICK_SEGMENTS["mlqe"])
    table, references = _single_system(table, "mt", "pe_tok")
    table = table.assign(human=table.da_z_mean.astype(float), group=table.doc_id)
    return JudgedSegments(
        name="mlqe_ruen_da",
        title="MLQE-PE ru→en, direct assessment",
        table=table,
        references=references,
        human="`da_z_mean` (three raters' z-normalised 0-100 direct assessments, averaged)",
        reference="the tokenised human post-edit of this very MT (a pseudo-reference, not an independent one)",
        source=_source(MLQE_FILE),
    )


def diabla(quick: bool = False) -> JudgedSegments:
    table = _read(DIABLA_FILE)
    if quick:
        table = table.head(QUICK_SEGMENTS["diabla"])
    table, references = _single_system(table, "mt_en", "reference_en")
    table = table.assign(human=table.judgment.map(DIABLA_ORDINAL).astype(float), group=table.dialogue)
    return JudgedSegments(
        name="diabla_fren_judgements",
        title="DiaBLa fr→en dialogue, participants' judgements",
        table=table,
        references=references,
        human="`judgment` as an ordinal (poor 0, medium 1, perfect 2)",
        reference="an independent human translation",
        source=_source(DIABLA_FILE),
    )


def demetr(quick: bool = False) -> pd.DataFrame:
    """DEMETR contrastive items: ``ref``, the intact ``mt`` and its perturbed copy ``pert``."""
    table = _read(DEMETR_FILE)
    if quick:
        table = table.groupby(["lang", "pert_name"], sort=False).head(QUICK_DEMETR_PER_TYPE)
    return table.reset_index(drop=True)


JUDGED = {"ted_zhen_mqm": ted, "mlqe_ruen_da": mlqe, "diabla_fren_judgements": diabla}
