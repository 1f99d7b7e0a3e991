"""Stage 1, load: read documents (plain text, line-aligned files, manifests) and vendor files
(XLIFF 1.2 and 2.x, TMX, PO; CSV, TSV, JSONL tables and DataFrames) into documents.

- :mod:`.documents`: plain-text documents and manifests; a document's text is the file's decoded
  content, unchanged, so every offset mtqa reports points into it.
- :mod:`.bilingual`: XLIFF, TMX and PO through Translate Toolkit, one unit a line.
- :mod:`.tables`: tables with a column mapping, one row a line.
- :mod:`.markup`: inline markup removed with an offset map back into the file's bytes.
"""

from pathlib import Path

from mtqa.core.exceptions import InputError
from mtqa.core.records import Document, Role
from mtqa.stages.load import bilingual, tables
from mtqa.stages.load.bilingual import read_bilingual
from mtqa.stages.load.documents import (
    check_line_aligned,
    check_unique_ids,
    document_from_text,
    load_document,
    load_manifest,
    read_text,
)
from mtqa.stages.load.tables import frame_documents, parse_columns, read_table
from mtqa.stages.load.units import SourceFile, Unit, UnitDocument, line_up

VENDOR_EXTENSIONS = {**bilingual.EXTENSIONS, **tables.EXTENSIONS}


def is_vendor_file(path: str | Path) -> bool:
    """Whether mtqa reads the file as units (XLIFF, TMX, PO, CSV, TSV, JSONL), by its extension."""
    return isinstance(path, (str, Path)) and Path(path).suffix.lower() in VENDOR_EXTENSIONS


def load_units(
    path: str | Path, role: Role = "candidate", doc_id: str | None = None, *,
    columns: dict[str, list[str]] | None = None, reference_from: str | None = None, **meta: str,
) -> tuple[list[Document], Document | None]:
    """A vendor file's candidate documents (one per candidate column of a table; one otherwise; the
    file's reference, with ``role="reference"``) and the reference the file itself holds, if asked
    for (``reference_from``, or a table's reference column)."""
    path = Path(path)
    if path.suffix.lower() in tables.EXTENSIONS:
        if reference_from is not None:
            raise InputError(path, "--reference-from is for XLIFF and TMX; a table's reference is a "
                                          "column (--columns reference=NAME)")
        candidates, reference = read_table(path, role, doc_id, columns)
        if role == "reference":
            return [reference], None  # type: ignore[list-item]
        return list(candidates), reference
    if columns:
        raise InputError(path, "--columns is for CSV, TSV and JSONL tables")
    document, reference = read_bilingual(path, role, doc_id, reference_from=reference_from, **meta)
    return [document], reference


__all__ = [
    "SourceFile", "Unit", "UnitDocument", "VENDOR_EXTENSIONS", "frame_documents", "is_vendor_file", "line_up",
    "load_units", "parse_columns", "read_bilingual", "read_table",
    "check_line_aligned", "check_unique_ids", "document_from_text", "load_document", "load_manifest", "read_text",
]
