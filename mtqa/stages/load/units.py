"""Units of vendor files (XLIFF, TMX, PO, tables) and the line-aligned documents made of them.

A file's translatable units become the lines of one :class:`UnitDocument`, in the file's order: line
i is unit i's plain target text (markup removed, line breaks inside the unit turned into spaces, so
that one unit stays one line and every offset into the line is an offset into the unit's text). A
unit that is untranslated, locked or empty gives an empty line: the pipeline's line-aligned mode skips
it, so it is reported (``units.csv``), never scored as empty. The units, their ids, states and markup
maps travel with the document to the annotated output.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from mtqa.core.exceptions import InputError
from mtqa.core.records import Document, Role
from mtqa.stages.load.markup import MarkupMap, XMLScan

STATES = ("translated", "untranslated", "locked", "empty")
# Characters str.splitlines() breaks at: one unit must stay one line.
_LINE_BREAKS = dict.fromkeys(map(ord, "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"), " ")
_SHOWN = 5  # ids named in an error message


@dataclass(frozen=True)
class Unit:
    unit_id: str
    source: str  # plain text
    target: str  # plain text, what a person sees ("" when there is none)
    state: str  # one of STATES
    file_state: str = ""  # the state as the file says it (XLIFF state, "fuzzy", "approved", ...)
    markup: MarkupMap | None = field(default=None, repr=False)  # the target's map into the file's bytes
    element: int = -1  # the unit's element in the file's scan (XML formats); the row (tables)
    anchor: int = -1  # format-specific: where annotations of the unit go
    form: int | None = None  # PO plural form

    @property
    def line(self) -> str:
        return self.target.translate(_LINE_BREAKS) if self.state == "translated" else ""


@dataclass(frozen=True, eq=False)
class SourceFile:
    """The file a unit document came from, as read: what the annotated output writes back."""

    path: str
    format: str  # xliff-1.2, xliff-2, tmx, po, csv, tsv, jsonl, dataframe
    data: bytes = b""
    encoding: str = "utf-8"
    bom: bytes = b""
    scan: XMLScan | None = None
    text: str = ""  # decoded text (PO, tables)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class UnitDocument(Document):
    """A line-aligned document made of a file's units (see the module's docstring)."""

    units: tuple[Unit, ...] = field(default=(), repr=False)
    source_file: SourceFile | None = field(default=None, repr=False, compare=False)
    column: str = ""  # the table column the targets came from; the variant a reference came from

    def line_starts(self) -> list[int]:
        """Offset of each unit's line in the document text."""
        starts, position = [], 0
        for unit in self.units:
            starts.append(position)
            position += len(unit.line) + 1
        return starts

    @property
    def n_translated(self) -> int:
        return sum(unit.state == "translated" for unit in self.units)


def unit_document(
    path: str | Path, role: Role, doc_id: str, units: list[Unit] | tuple[Unit, ...], source_file: SourceFile | None,
    *, column: str = "", require_translated: bool = True, **meta: str,
) -> UnitDocument:
    """The document of a file's units; refuses duplicated ids and a file with nothing to assess."""
    seen: set[str] = set()
    duplicated = []
    for unit in units:
        if unit.unit_id in seen:
            duplicated.append(unit.unit_id)
        seen.add(unit.unit_id)
    if duplicated:
        raise InputError(path, f"duplicated unit id(s) {_names(duplicated)}")
    if not units:
        raise InputError(path, "holds no translatable units")
    text = "".join(unit.line + "\n" for unit in units)
    document = UnitDocument(doc_id=doc_id, role=role, text=text, path=str(path), units=tuple(units),
                            source_file=source_file, column=column, **meta)
    if require_translated and not document.n_translated:
        counts = {state: sum(u.state == state for u in units) for state in STATES[1:]}
        found = ", ".join(f"{n} {state}" for state, n in counts.items() if n)
        raise InputError(path, f"has no translated unit to assess ({found})")
    return document


def _names(ids: list[str]) -> str:
    shown = ", ".join(repr(i) for i in ids[:_SHOWN])
    return shown + (f" (and {len(ids) - _SHOWN} more)" if len(ids) > _SHOWN else "")


def reorder(document: UnitDocument, order: list[str], against: str) -> UnitDocument:
    """``document``'s units in the order of the ids ``order`` (another file's); a clear error naming
    the first ids that one file has and the other lacks."""
    by_id = {unit.unit_id: unit for unit in document.units}
    missing = [i for i in order if i not in by_id]
    wanted = set(order)
    extra = [unit.unit_id for unit in document.units if unit.unit_id not in wanted]
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"lacks unit id(s) {_names(missing)} of {against}")
        if extra:
            parts.append(f"has unit id(s) {_names(extra)} that {against} lacks")
        raise InputError(document.path or document.doc_id, "; ".join(parts) + " (units are matched by id)")
    if [u.unit_id for u in document.units] == order:
        return document
    units = tuple(by_id[i] for i in order)
    return replace(document, units=units, text="".join(unit.line + "\n" for unit in units))


def line_up(references: list[Document], candidates: list[Document]) -> tuple[list[Document], list[Document]]:
    """Put every unit document in one order of units (the first candidate's that is a unit document,
    else the primary reference's), so that line i of each is the same unit; refuse a reference that
    has no text for a unit a candidate translated."""
    documents = references + candidates
    canonical = next((d for d in candidates + references if isinstance(d, UnitDocument)), None)
    if canonical is None:
        return references, candidates
    order = [unit.unit_id for unit in canonical.units]
    label = canonical.path or canonical.doc_id
    lined = [reorder(d, order, label) if isinstance(d, UnitDocument) and d is not canonical else d
             for d in documents]
    references, candidates = lined[:len(references)], lined[len(references):]
    if references and isinstance(references[0], UnitDocument):
        primary = references[0]
        for candidate in candidates:
            if not isinstance(candidate, UnitDocument):
                continue
            lacking = [c.unit_id for c, r in zip(candidate.units, primary.units)
                       if c.state == "translated" and r.state != "translated"]
            if lacking:
                where = f"{primary.path} ({primary.column})" if primary.column else primary.path
                raise InputError(where or primary.doc_id,
                                 f"has no reference text for unit(s) {_names(lacking)} that "
                                 f"{candidate.path or candidate.doc_id} translates")
    return references, candidates


__all__ = ["STATES", "SourceFile", "Unit", "UnitDocument", "line_up", "reorder", "unit_document"]
