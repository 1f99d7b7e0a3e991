"""Write the output contract's files. Each file is written to a temporary name in the same folder and
renamed into place, so a crash never leaves a half-written table; all content is rendered in memory
before the first file is touched."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from mtqa.analyses.compare import CompareResult
from mtqa.pipeline.result import Assessment
from mtqa.render.html import render_html

_UMASK = os.umask(0)
os.umask(_UMASK)


def render_outputs(result: Assessment, comparison: CompareResult | None = None) -> dict[str, str]:
    rendered = {
        "sentences.csv": result.sentences.to_csv(index=False),
        "errors.csv": result.errors.to_csv(index=False),
        "documents.csv": result.documents.to_csv(index=False),
        "reference.csv": result.reference.to_csv(index=False),
    }
    if len(result.units):  # candidates read from vendor files (XLIFF, TMX, PO, tables)
        rendered["units.csv"] = result.units.to_csv(index=False)
    rendered["run.json"] = json.dumps(result.signature, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
    rendered["report.html"] = render_html(result, comparison)
    return rendered


def write_atomically(path: Path, content: str) -> None:
    write_bytes_atomically(path, content.encode("utf-8"))


def write_bytes_atomically(path: Path, content: bytes) -> None:
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(temporary, 0o666 & ~_UMASK)  # mkstemp creates 0600; outputs are ordinary files
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_outputs(result: Assessment, out: Path, comparison: CompareResult | None = None) -> Path:
    rendered = render_outputs(result, comparison)
    out.mkdir(parents=True, exist_ok=True)
    for name, content in rendered.items():
        write_atomically(out / name, content)
    return out
