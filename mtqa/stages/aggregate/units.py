"""The units table (``units.csv``): one row per unit of every candidate read from a vendor file
(XLIFF, TMX, PO, a table), scored or not, with its state and its sentence's scores."""

from __future__ import annotations

import pandas as pd

from mtqa.core.records import MarkedDocument
from mtqa.stages.load import UnitDocument

UNIT_COLUMNS = [
    "file", "unit_id", "state", "doc_id", "sent_id", "quality", "n_errors", "mqm_penalty", "file_state",
    "source", "target",
]


def unit_table(candidates: list[MarkedDocument], sentences: pd.DataFrame) -> pd.DataFrame:
    """One row per unit of each candidate unit document, in the file's order; ``sent_id`` (the
    unit's line) and the scores are empty for a unit that was not scored (untranslated, locked, empty)."""
    scored = sentences.set_index(["doc_id", "sent_id"]) if len(sentences) else None
    rows = []
    for marked in candidates:
        document = marked.document
        if not isinstance(document, UnitDocument):
            continue
        for line, unit in enumerate(document.units):
            row = {"file": document.path or "", "unit_id": unit.unit_id, "state": unit.state,
                   "doc_id": document.doc_id, "sent_id": None, "quality": None, "n_errors": None,
                   "mqm_penalty": None, "file_state": unit.file_state, "source": unit.source, "target": unit.target}
            if unit.state == "translated" and scored is not None and (document.doc_id, line) in scored.index:
                found = scored.loc[(document.doc_id, line)]
                row.update(sent_id=line, quality=found["quality"], n_errors=found["n_errors"],
                           mqm_penalty=found["mqm_penalty"])
            rows.append(row)
    table = pd.DataFrame(rows, columns=UNIT_COLUMNS)
    table["sent_id"] = table["sent_id"].astype("Int64")
    table["n_errors"] = pd.to_numeric(table["n_errors"]).astype("Int64")
    for column in ("quality", "mqm_penalty"):
        table[column] = pd.to_numeric(table[column]).astype("float64")
    return table


def empty_units() -> pd.DataFrame:
    return unit_table([], pd.DataFrame())


__all__ = ["UNIT_COLUMNS", "empty_units", "unit_table"]
