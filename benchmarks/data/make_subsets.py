"""Copy the benchmark subsets from the project's shared human-judged data into benchmarks/data/.

Run once by hand (the copies are committed): ``python benchmarks/data/make_subsets.py SHARED_DATA_DIR``.
Nothing at test or benchmark time reads the shared folder.
"""

from __future__ import annotations

import csv
import json
import shutil
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
DEMETR_PER_TYPE = 50  # items per perturbation type and language: severities keep >= 700 items each


def _write_jsonl(table: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for record in table.to_dict(orient="records"):
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def ted(shared: Path) -> None:
    # All 1,058 segments, verbatim (error spans included, for the error-span benchmark).
    (HERE / "mqm_zhen_ted21").mkdir(exist_ok=True)
    shutil.copyfile(shared / "mqm_zhen_ted21" / "segments.jsonl", HERE / "mqm_zhen_ted21" / "segments.jsonl")


def mlqe(shared: Path) -> None:
    table = pd.read_json(shared / "qe_ruen_mlqepe" / "ruen_test20.jsonl", lines=True)
    keep = ["idx", "segid", "doc_id", "source", "mt", "mt_tok", "pe_tok", "da_scores", "da_mean",
            "da_z_mean", "hter", "mt_word_tags"]
    _write_jsonl(table[keep], HERE / "qe_ruen_mlqepe" / "ruen_test20.jsonl")


def demetr(shared: Path) -> None:
    table = pd.read_json(shared / "contrastive_demetr" / "demetr_fr_ru.jsonl", lines=True)
    # Perturbations that could not be applied are not contrastive pairs; the "reference as translation"
    # baseline expects the opposite ranking and says nothing about a metric's sensitivity.
    table = table[table.pert_check & (table.pert_name != "base_id35_reference")]
    table = table.sort_values("id").groupby(["lang", "pert_name"], sort=True).head(DEMETR_PER_TYPE)
    keep = ["id", "lang", "data_source", "pert_name", "pert_id", "severity", "pert_desc", "src", "ref", "mt", "pert"]
    _write_jsonl(table.sort_values("id")[keep], HERE / "contrastive_demetr" / "demetr_fr_ru.jsonl")


def diabla(shared: Path) -> None:
    table = pd.read_csv(shared / "judg_fren_diabla" / "fr2en_judgements.tsv", sep="\t",
                        quoting=csv.QUOTE_NONE, keep_default_na=False, na_values=[""])
    table = table[table.judgment.notna()]
    keep = ["dialogue", "utt_id", "model", "source_fr", "mt_en", "reference_en", "judgment", "problems"]
    _write_jsonl(table[keep].fillna({"problems": ""}), HERE / "judg_fren_diabla" / "fr2en_judgements.jsonl")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make_subsets.py SHARED_DATA_DIR")
    source = Path(sys.argv[1])
    for make in (ted, mlqe, demetr, diabla):
        make(source)
