"""Stage 1, load: read documents (plain text, or line-aligned files) and manifests.

A document's text is the file's decoded content, unchanged (a UTF-8 byte-order mark aside): every
character offset mtqa reports points into this text.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from mtqa.core.exceptions import InputError
from mtqa.core.records import Document, Manifest, Role


def read_file(path: Path, expected: str = "a file") -> bytes:
    """A file's bytes, refusing what is missing, a directory or unreadable (one line naming the file)."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, f"is a directory, expected {expected}") from None
    except OSError as error:
        raise InputError(path, f"cannot be read ({error.strerror})") from None


def read_text(path: str | Path) -> str:
    """Read a UTF-8 text file, refusing what is missing, empty, binary or not UTF-8."""
    path = Path(path)
    raw = read_file(path, "a text file")
    if b"\x00" in raw:
        raise InputError(path, "binary file (contains NUL bytes), expected UTF-8 text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            path, f"not valid UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start})"
        ) from None
    if not text.strip():
        raise InputError(path, "file is empty")
    return text


def load_document(
    path: str | Path,
    role: Role,
    doc_id: str | None = None,
    *,
    origin: str = "",
    system: str = "",
    description: str = "",
) -> Document:
    path = Path(path)
    return Document(
        doc_id=doc_id or path.stem,
        role=role,
        text=read_text(path),
        path=str(path),
        origin=origin,
        system=system,
        description=description,
    )


def document_from_text(text: str, role: Role, doc_id: str, **meta: str) -> Document:
    """A document given as a string (API use); validated like a file."""
    if not isinstance(text, str):
        raise InputError(doc_id, f"expected text, got {type(text).__name__}")
    if not text.strip():
        raise InputError(doc_id, "document is empty")
    return Document(doc_id=doc_id, role=role, text=text, **meta)


_MANIFEST_KEYS = {"path", "id", "role", "origin", "system", "description"}


def load_manifest(path: str | Path, reference: bool = True) -> Manifest:
    """Read a TOML manifest: ``[[documents]]`` tables with path, role and optional id/origin/system.
    ``reference=False`` reads one for quality estimation: it must have no reference document."""
    path = Path(path)
    try:
        spec = tomllib.loads(read_text(path))
    except tomllib.TOMLDecodeError as error:
        raise InputError(path, f"invalid TOML ({error})") from None
    entries = spec.get("documents")
    if not isinstance(entries, list) or not entries:
        raise InputError(path, "no [[documents]] tables")
    references, candidates = [], []
    for number, entry in enumerate(entries, 1):
        unknown = set(entry) - _MANIFEST_KEYS
        if unknown:
            raise InputError(path, f"document {number}: unknown key(s) {', '.join(sorted(unknown))}")
        if "path" not in entry:
            raise InputError(path, f"document {number}: missing 'path'")
        role = entry.get("role", "candidate")
        if role not in ("reference", "candidate"):
            raise InputError(path, f"document {number}: role must be 'reference' or 'candidate', not {role!r}")
        document = load_document(
            path.parent / entry["path"],
            role,
            entry.get("id"),
            origin=str(entry.get("origin", "")),
            system=str(entry.get("system", "")),
            description=str(entry.get("description", "")),
        )
        (references if role == "reference" else candidates).append(document)
    if reference and not references:
        raise InputError(path, "no document has role = \"reference\"")
    if not reference and references:
        raise InputError(path, "has a document with role = \"reference\", which --no-reference would ignore")
    if not candidates:
        raise InputError(path, "no candidate documents")
    checks = spec.get("checks", {})
    if not isinstance(checks, dict) or not all(isinstance(v, bool) for v in checks.values()):
        raise InputError(path, "[checks] must be a table of check names set to true or false")
    return Manifest(references=references, candidates=candidates, path=str(path), checks=checks)


def check_unique_ids(documents: list[Document]) -> None:
    seen: dict[str, Document] = {}
    for document in documents:
        if document.doc_id in seen:
            raise InputError(
                document.path or document.doc_id,
                f"document id {document.doc_id!r} is used twice (also by {seen[document.doc_id].path})",
            )
        seen[document.doc_id] = document


def check_line_aligned(reference: Document, candidate: Document) -> None:
    """--parallel inputs: line i of the candidate translates line i of the reference."""
    n_ref, n_cand = len(reference.text.splitlines()), len(candidate.text.splitlines())
    if n_ref != n_cand:
        raise InputError(
            candidate.path or candidate.doc_id,
            f"has {n_cand} lines but the reference {reference.path or reference.doc_id} has {n_ref} "
            "(--parallel needs line-aligned files)",
        )
