"""Tables: CSV, TSV and JSONL files, and pandas DataFrames, one row per segment.

A column mapping names the columns of each role (``id``, ``source``, ``candidate``, ``reference``);
a role it leaves out is looked for under its usual names (:data:`DEFAULT_COLUMNS`, case-insensitive).
Each candidate column becomes one candidate document (one row a line), the reference column the
reference document; without an id column, units are numbered by row (1 = the first data row).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterable, Mapping

from mtqa.core.exceptions import InputError
from mtqa.core.records import Role
from mtqa.stages.load.bilingual import read_bytes, sniff
from mtqa.stages.load.units import SourceFile, Unit, UnitDocument, unit_document

EXTENSIONS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
ROLES = ("id", "source", "candidate", "reference")
DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "unit_id", "segment_id", "seg_id", "key", "tuid"),
    "source": ("source", "src", "source_text"),
    "candidate": ("candidate", "target", "mt", "hypothesis", "hyp", "translation", "tgt"),
    "reference": ("reference", "ref", "post_edit", "pe"),
}


def parse_columns(spec: str | None) -> dict[str, list[str]]:
    """``"source=src,candidate=mt,candidate=mt2,reference=ref"`` -> {role: [columns]}."""
    mapping: dict[str, list[str]] = {}
    for part in (spec or "").split(","):
        if not part.strip():
            continue
        role, equals, column = part.partition("=")
        role, column = role.strip(), column.strip()
        if not equals or not column:
            raise InputError(None, f"--columns: {part.strip()!r} is not ROLE=COLUMN")
        if role not in ROLES:
            raise InputError(None, f"--columns: unknown role {role!r} (roles: {', '.join(ROLES)})")
        if role != "candidate" and role in mapping:
            raise InputError(None, f"--columns: {role} is given twice")
        mapping.setdefault(role, []).append(column)
    return mapping


def _pick(where: str | Path, header: list[str], mapping: Mapping[str, list[str]], role: str) -> list[str]:
    if role in mapping:
        missing = [c for c in mapping[role] if c not in header]
        if missing:
            raise InputError(where, f"has no column {missing[0]!r} (mapped to {role}; columns: {', '.join(header)})")
        return list(mapping[role])
    lowered = {name.lower(): name for name in header}
    for name in DEFAULT_COLUMNS[role]:
        if name in lowered:
            return [lowered[name]]
    return []


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def table_documents(
    where: str | Path, header: list[str], rows: list[Mapping[str, Any]], mapping: Mapping[str, list[str]],
    role: Role, stem: str, source_file: SourceFile | None, *, row_lines: list[int] | None = None,
) -> tuple[list[UnitDocument], UnitDocument | None]:
    """The documents of a table: one candidate document per candidate column (``role="reference"``:
    the reference column, else the candidate column, as the reference) and the reference document."""
    id_column = _pick(where, header, mapping, "id")
    source_column = _pick(where, header, mapping, "source")
    candidates = _pick(where, header, mapping, "candidate")
    reference = _pick(where, header, mapping, "reference")
    if role == "reference":
        candidates, reference = [], reference or candidates[:1]
        if not reference:
            raise InputError(where, f"no reference column: give --columns reference=NAME (columns: {', '.join(header)})")
    elif not candidates:
        raise InputError(where, f"no candidate column: give --columns candidate=NAME (columns: {', '.join(header)})")
    if not rows:
        raise InputError(where, "has no data rows")
    ids = []
    for number, row in enumerate(rows):
        unit_id = _text(row.get(id_column[0])).strip() if id_column else str(number + 1)
        if not unit_id:
            line = row_lines[number] if row_lines else number + 1
            raise InputError(where, f"line {line}: empty unit id in column {id_column[0]!r}")
        ids.append(unit_id)

    def document(column: str, doc_role: Role, doc_id: str) -> UnitDocument:
        units = []
        for number, (row, unit_id) in enumerate(zip(rows, ids)):
            target = _text(row.get(column))
            units.append(Unit(unit_id, _text(row.get(source_column[0])) if source_column else "", target,
                              "translated" if target.strip() else "empty", "", None, number))
        return unit_document(where, doc_role, doc_id, units, source_file, column=column)

    several = len(candidates) > 1
    documents = [document(c, "candidate", c if several else stem) for c in candidates]
    reference_document = document(reference[0], "reference", f"{stem}:{reference[0]}" if documents else stem) \
        if reference else None
    return documents, reference_document


def decode(path: Path, data: bytes) -> tuple[str, str, bytes]:
    """A table's text: UTF-8 (with or without a byte-order mark) or UTF-16 with one; anything else is
    refused naming the line of the first byte that is not UTF-8."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(name), name, bom
            except UnicodeDecodeError as error:
                raise InputError(path, f"not valid {name} after its byte-order mark ({error.reason})") from None
    if b"\x00" in data:
        raise InputError(path, "contains NUL bytes: UTF-16 without a byte-order mark? Save it as UTF-8")
    try:
        return data.decode("utf-8"), "utf-8", b""
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise InputError(path, f"line {line}: not valid UTF-8 (byte 0x{data[error.start]:02x}; cp1252 or "
                               "Latin-1?); save the file as UTF-8") from None


def _csv(path: Path, text: str, kind: str):
    if kind == "tsv":
        delimiter = "\t"
    else:
        try:
            delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError(path, "file is empty") from None
    header = [name.strip() for name in header]
    if len(set(header)) != len(header):
        twice = next(name for name in header if header.count(name) > 1)
        raise InputError(path, f"line 1: column {twice!r} appears twice")
    rows, lines, raw = [], [], []
    try:
        for fields in reader:
            if not any(field.strip() for field in fields):
                continue
            if len(fields) != len(header):
                raise InputError(path, f"line {reader.line_num}: {len(fields)} fields, the header has {len(header)}")
            rows.append(dict(zip(header, fields)))
            raw.append(fields)
            lines.append(reader.line_num)
    except csv.Error as error:
        raise InputError(path, f"line {reader.line_num}: {error}") from None
    return header, rows, lines, {"delimiter": delimiter, "records": raw}


def _jsonl(path: Path, text: str):
    header: list[str] = []
    rows, lines, raw = [], [], []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(path, f"line {number}: not JSON ({error.msg})") from None
        if not isinstance(record, dict):
            raise InputError(path, f"line {number}: expected a JSON object, got {type(record).__name__}")
        header.extend(key for key in record if key not in header)
        rows.append(record)
        raw.append(number)
        lines.append(number)
    return header, rows, lines, {"records": raw}


def read_table(
    path: str | Path, role: Role = "candidate", doc_id: str | None = None,
    columns: Mapping[str, list[str]] | None = None,
) -> tuple[list[UnitDocument], UnitDocument | None]:
    """Read a CSV, TSV or JSONL table (see the module's docstring)."""
    path = Path(path)
    kind = EXTENSIONS[path.suffix.lower()]
    data = read_bytes(path)
    found = sniff(data)
    if found != "text":
        names = {"xliff-1.2": "XLIFF 1.2", "xliff-2": "XLIFF 2", "tmx": "TMX", "po": "PO", "xml": "XML"}
        raise InputError(path, f"is {names[found]}, not {kind.upper()} as its extension {path.suffix} says")
    text, encoding, bom = decode(path, data)
    if kind == "jsonl":
        header, rows, lines, extra = _jsonl(path, text)
    else:
        header, rows, lines, extra = _csv(path, text, kind)
    extra["newline"] = "\r\n" if "\r\n" in text else "\n"
    extra["header"] = header
    source_file = SourceFile(str(path), kind, data, encoding, bom, None, text, extra)
    return table_documents(path, header, rows, dict(columns or {}), role, doc_id or path.stem, source_file,
                           row_lines=lines)


def frame_documents(
    frame, candidate: str | Iterable[str], reference: str | None = None, source: str | None = None,
    id: str | None = None,
) -> tuple[list[UnitDocument], UnitDocument | None]:
    """A pandas DataFrame, one row per segment: a candidate document per candidate column (named by
    the column), the reference column's document."""
    candidates = [candidate] if isinstance(candidate, str) else list(candidate)
    if not candidates:
        raise InputError("DataFrame", "no candidate column given")
    header = [str(c) for c in frame.columns]
    mapping: dict[str, list[str]] = {"candidate": candidates}
    for role, column in (("reference", reference), ("source", source), ("id", id)):
        if column is not None:
            mapping[role] = [column]
    if reference is None:
        mapping["reference"] = []
    if source is None:
        mapping["source"] = []
    if id is None:
        mapping["id"] = []
    frame = frame.rename(columns=str)
    rows = frame.to_dict(orient="records")
    documents, reference_document = table_documents(
        "DataFrame", header, rows, mapping, "candidate", "reference", None
    )
    # a DataFrame's documents are named by their columns, whatever their number
    documents = [d if d.doc_id == c else _renamed(d, c) for d, c in zip(documents, candidates)]
    if reference_document is not None:
        reference_document = _renamed(reference_document, str(reference))
    return documents, reference_document


def _renamed(document: UnitDocument, doc_id: str) -> UnitDocument:
    return replace(document, doc_id=doc_id)


__all__ = ["DEFAULT_COLUMNS", "EXTENSIONS", "ROLES", "decode", "frame_documents", "parse_columns", "read_table",
           "table_documents"]
