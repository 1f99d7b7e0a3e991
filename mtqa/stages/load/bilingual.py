"""Bilingual files through Translate Toolkit: XLIFF 1.2, XLIFF 2.0/2.1, TMX 1.4 and Gettext PO.

Translate Toolkit parses and validates the file and gives its units (ids, sources, targets, states,
``alt-trans``, languages); :mod:`.markup` maps each XML target's plain text to the file's bytes, and
PO entries are located line by line, so that the annotated output can write the file back with
everything else unchanged. A file is a candidate (its targets) with its sources; a reference comes
from a second file of the same units, matched by id, or from the file itself (``reference_from``: an
XLIFF 1.2 ``alt-trans``, ``alt-trans:ORIGIN``, or a TMX variant's language code).
"""

from __future__ import annotations

import codecs
import re
import xml.parsers.expat as expat
from pathlib import Path

from mtqa.core.exceptions import InputError
from mtqa.core.records import Role
from mtqa.stages.load.documents import read_file
from mtqa.stages.load.markup import XMLScan, plain_text, scan, xml_encoding
from mtqa.stages.load.units import SourceFile, Unit, UnitDocument, unit_document

EXTENSIONS = {
    ".xlf": "xliff", ".xliff": "xliff", ".sdlxliff": "xliff", ".mqxliff": "xliff", ".tmx": "tmx",
    ".po": "po", ".pot": "po",
}
_XML_LANG = "http://www.w3.org/XML/1998/namespace lang"
_UNTRANSLATED_STATES = {"new", "needs-translation"}  # XLIFF 1.2 states that say "not translated yet"


def sniff(data: bytes) -> str:
    """What a file's content looks like: xliff-1.2, xliff-2, tmx, xml (another vocabulary), po or text."""
    encoding, bom = xml_encoding(data)
    head = data[len(bom):len(bom) + 4096].decode(encoding, errors="replace").lstrip("\ufeff \t\r\n")
    if head.startswith("<"):
        root = re.search(r"<(?![?!])([\w:.-]+)([^>]*)>", re.sub(r"<!--.*?-->", "", head, flags=re.S))
        if root:
            name = root.group(1).rpartition(":")[2]
            if name == "xliff":
                version = re.search(r"""version\s*=\s*["']([\d.]+)""", root.group(2))
                namespace = re.search(r"urn:oasis:names:tc:xliff:document:([\d.]+)", root.group(2))
                found = (version.group(1) if version else "") or (namespace.group(1) if namespace else "1.2")
                return "xliff-2" if found.startswith("2") else "xliff-1.2"
            if name == "tmx":
                return "tmx"
        return "xml"
    if re.search(r'^\s*msgid\s+"', head, flags=re.M):
        return "po"
    return "text"


_NAMES = {"xliff": "XLIFF", "xliff-1.2": "XLIFF 1.2", "xliff-2": "XLIFF 2", "tmx": "TMX", "po": "PO",
          "xml": "XML of another kind", "text": "plain text"}


def read_bytes(path: Path) -> bytes:
    data = read_file(path)
    if not data.strip():
        raise InputError(path, "file is empty")
    return data


def _format(path: Path, data: bytes) -> str:
    expected = EXTENSIONS[path.suffix.lower()]
    found = sniff(data)
    if found.startswith(expected):
        return found
    raise InputError(path, f"is {_NAMES[found]}, not {_NAMES[expected]} as its extension {path.suffix} says")


def _xml_problem(path: Path, error: Exception) -> InputError:
    message = str(getattr(error, "msg", "") or error).strip()
    line = getattr(error, "lineno", None)
    if line is None and getattr(error, "position", None):
        line = error.position[0]  # type: ignore[attr-defined]
    message = re.sub(r",? line \d+, column \d+$", "", message)
    if "not proper UTF-8" in message or "encoding" in message.lower():
        return InputError(path, f"line {line}: wrong encoding ({message}); save the file as UTF-8 or declare "
                                "its encoding in the XML declaration")
    return InputError(path, f"malformed XML at line {line}: {message}" if line else f"malformed XML: {message}")


def _parse_store(path: Path, data: bytes, kind: str):
    from lxml import etree  # Translate Toolkit's parser
    from translate.storage import tmx, xliff, xliff2

    store_class = {"xliff-1.2": xliff.xlifffile, "xliff-2": xliff2.Xliff2File, "tmx": tmx.tmxfile}[kind]
    try:
        return store_class.parsestring(data)
    except etree.XMLSyntaxError as error:
        raise _xml_problem(path, error) from None
    except (ValueError, KeyError, AttributeError) as error:
        raise InputError(path, f"not a valid {_NAMES[kind]} file ({error})") from None


def _scan(path: Path, data: bytes) -> XMLScan:
    try:
        return scan(data)
    except (expat.ExpatError, LookupError) as error:
        raise _xml_problem(path, error) from None


def _units_of(path: Path, kind: str, elements: list, store_units: list, id_of) -> list:
    if len(elements) != len(store_units):  # not expected: Translate Toolkit and expat read the same file
        raise InputError(path, f"found {len(store_units)} units but {len(elements)} {kind} elements")
    for element, unit in zip(elements, store_units):
        if element.attribute("id") is not None and element.attribute("id") != id_of(unit):
            raise InputError(path, f"unit {id_of(unit)!r}: cannot locate it in the file")
    return list(zip(elements, store_units))


def _xliff1(path: Path, data: bytes, store, found: XMLScan, reference_from: str | None):
    origin = None
    if reference_from is not None:
        variant, _, origin = reference_from.partition(":")
        if variant != "alt-trans":
            raise InputError(path, f"--reference-from {reference_from!r}: XLIFF 1.2 holds a reference in "
                                   "alt-trans (give alt-trans or alt-trans:ORIGIN)")
    files = found.find("file")
    pairs = _units_of(path, "trans-unit", found.find("trans-unit"), store.units,
                      lambda u: u.xmlelement.get("id"))
    candidates, references = [], []
    for element, store_unit in pairs:
        unit_id = element.attribute("id") or ""
        if len(files) > 1:  # ids are unique within a <file>: qualify them by the file's name
            owner = element
            while owner.parent >= 0 and owner.name != "file":
                owner = found.elements[owner.parent]
            unit_id = f"{owner.attribute('original') or owner.index}/{unit_id}"
        source_el, target_el = found.child(element, "source"), found.child(element, "target")
        preserve = found.preserves_space(element, False)
        source = plain_text(found, source_el, preserve).text if source_el is not None else ""
        markup = plain_text(found, target_el, found.preserves_space(target_el, False)) if target_el is not None else None
        file_state = (target_el.attribute("state") if target_el is not None else None) or (
            "approved" if element.attribute("approved") == "yes" else "")
        if not store_unit.istranslatable():
            state = "locked"
        elif target_el is None or file_state in _UNTRANSLATED_STATES:
            state = "untranslated"
        elif not markup or not markup.text.strip():
            state = "empty"
        else:
            state = "translated"
        candidates.append(Unit(unit_id, source, markup.text if markup else "", state, file_state, markup,
                               element.index, element.open_end))
        if reference_from is not None:
            reference = ""
            for alternative in (found.elements[i] for i in element.children):
                if alternative.name != "alt-trans" or (origin and alternative.attribute("origin") != origin):
                    continue
                alt_target = found.child(alternative, "target")
                if alt_target is not None:
                    reference = plain_text(found, alt_target, found.preserves_space(alt_target, False)).text
                    break
            references.append(Unit(unit_id, source, reference, "translated" if reference.strip() else "empty"))
    return candidates, references


def _xliff2(path: Path, data: bytes, store, found: XMLScan, reference_from: str | None):
    if reference_from is not None:
        raise InputError(path, "--reference-from: XLIFF 2 holds no alternative translation mtqa reads "
                               "(give the reference as a second file)")
    pairs = _units_of(path, "segment", found.find("segment"), store.units, lambda u: u.xmlelement.get("id"))
    candidates = []
    for element, store_unit in pairs:
        source_el, target_el = found.child(element, "source"), found.child(element, "target")
        source = plain_text(found, source_el, found.preserves_space(source_el, False)).text if source_el is not None else ""
        markup = plain_text(found, target_el, found.preserves_space(target_el, False)) if target_el is not None else None
        file_state = element.attribute("state") or ""
        if not store_unit.istranslatable():
            state = "locked"
        elif target_el is None:
            state = "untranslated"
        elif not markup or not markup.text.strip():
            state = "untranslated" if file_state == "initial" else "empty"
        else:
            state = "translated"
        owner = found.elements[element.parent]  # the <unit>
        anchor = owner.open_end if len(found.descendants(owner, "segment")) == 1 else -1
        candidates.append(Unit(store_unit.getid(), source, markup.text if markup else "", state, file_state,
                               markup, element.index, anchor))
    return candidates, []


def _language(element) -> str:
    return (element.attribute("lang", "http://www.w3.org/XML/1998/namespace") or element.attribute("lang") or "")


def _tmx(path: Path, data: bytes, store, found: XMLScan, reference_from: str | None):
    header = found.find("header")
    source_language = (header[0].attribute("srclang") if header else "") or ""
    tus = found.find("tu")
    languages: list[str] = []
    for tu in tus:
        for tuv in found.descendants(tu, "tuv"):
            language = _language(tuv)
            if language.lower() not in {x.lower() for x in languages}:
                languages.append(language)
    if source_language.lower() in ("", "*all*"):
        source_language = languages[0] if languages else ""
    targets = [x for x in languages if x.lower() != source_language.lower()
               and (reference_from is None or x.lower() != reference_from.lower())]
    if reference_from is not None and reference_from.lower() not in {x.lower() for x in languages}:
        raise InputError(path, f"--reference-from {reference_from!r}: no <tuv> has that xml:lang "
                               f"(languages: {', '.join(languages)})")
    if len(targets) > 1 and reference_from is None:  # variants such as en-x-ref are not the translation
        targets = [x for x in targets if "-x-" not in x.lower()] or targets
    if len(targets) != 1:
        raise InputError(path, f"needs one target language besides the source {source_language!r}"
                               f"{' and the reference' if reference_from else ''}, found "
                               f"{', '.join(targets) or 'none'}")
    target_language = targets[0]
    _units_of(path, "tu", tus, store.units, lambda u: u.xmlelement.get("tuid"))

    def variant(tu, language):
        return next((t for t in found.descendants(tu, "tuv") if _language(t).lower() == language.lower()), None)

    candidates, references = [], []
    for number, tu in enumerate(tus, 1):
        unit_id = tu.attribute("tuid") or f"#{number}"

        def text_of(tuv):
            seg = found.child(tuv, "seg") if tuv is not None else None
            return plain_text(found, seg, found.preserves_space(seg, True)) if seg is not None else None

        source_map = text_of(variant(tu, source_language))
        markup = text_of(variant(tu, target_language))
        state = "untranslated" if markup is None else "empty" if not markup.text.strip() else "translated"
        first_tuv = found.descendants(tu, "tuv")
        anchor = first_tuv[0].start if first_tuv else tu.close_start
        candidates.append(Unit(unit_id, source_map.text if source_map else "", markup.text if markup else "",
                               state, "", markup, tu.index, anchor))
        if reference_from is not None:
            reference = text_of(variant(tu, reference_from))
            text = reference.text if reference else ""
            references.append(Unit(unit_id, candidates[-1].source, text, "translated" if text.strip() else "empty"))
    return candidates, references, target_language


# --- PO ---------------------------------------------------------------------------------------------

def _po_entries(text: str) -> list[int]:
    """Offset of each entry's first line (header and obsolete entries included), in file order: an
    entry opens after a blank line, or with a comment or keyword line that follows a msgstr."""
    starts, position, in_entry, after_msgstr = [], 0, False, False
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if not stripped:
            in_entry = after_msgstr = False
        else:
            bare = stripped[2:].lstrip() if stripped.startswith("#~") else stripped
            continuation = bare.startswith('"')
            keyword = bare.split(None, 1)[0] if bare else ""
            opening = not continuation and (stripped.startswith("#") or keyword in ("msgctxt", "msgid"))
            if not in_entry or (after_msgstr and opening):
                starts.append(position)
                in_entry, after_msgstr = True, False
            if keyword.startswith("msgstr"):
                after_msgstr = True
        position += len(line)
    return starts


def _po(path: Path, data: bytes, reference_from: str | None):
    from translate.storage import pypo

    if reference_from is not None:
        raise InputError(path, "--reference-from: a PO file holds one translation (give the reference as a "
                               "second PO file)")
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    try:
        store = pypo.pofile.parsestring(data)
    except UnicodeDecodeError as error:
        start = error.start
        try:  # Translate Toolkit decodes piece by piece: find the byte in the whole file
            data.decode(error.encoding)
        except UnicodeDecodeError as whole:
            start = whole.start
        line = data[:start].count(b"\n") + 1
        raise InputError(path, f"line {line}: not valid {error.encoding} (byte 0x{data[start]:02x}); "
                               "save the file in the charset its header declares") from None
    except (ValueError, LookupError) as error:
        raise InputError(path, f"not a valid PO file ({error})") from None
    encoding = store.encoding or "utf-8"
    if encoding.upper() == "CHARSET":
        encoding = "utf-8"
    try:
        text = data[len(bom):].decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        raise InputError(path, f"not valid {encoding} ({error})") from None
    entries = _po_entries(text)
    located = len(entries) == len(store.units)
    units = []
    for index, store_unit in enumerate(store.units):
        if store_unit.isheader() or store_unit.isobsolete():
            continue
        unit_id = store_unit.getid().replace("\x04", "|")
        anchor = entries[index] if located else -1
        sources = store_unit.source.strings if store_unit.hasplural() else [store_unit.source]
        targets = store_unit.target.strings if store_unit.hasplural() else [store_unit.target]
        file_state = "fuzzy" if store_unit.isfuzzy() else ""
        for form, target in enumerate(targets):
            target = str(target or "")
            state = "translated" if target.strip() else "untranslated"
            source = str(sources[min(form, len(sources) - 1)] or "")
            units.append(Unit(f"{unit_id}[{form}]" if store_unit.hasplural() else unit_id, source, target, state,
                              file_state, None, index, anchor, form if store_unit.hasplural() else None))
    newline = "\r\n" if "\r\n" in text else "\n"
    source_file = SourceFile(str(path), "po", data, encoding, bom, None, text, {"newline": newline})
    return units, source_file


# --- entry point --------------------------------------------------------------------------------------

def read_bilingual(
    path: str | Path, role: Role = "candidate", doc_id: str | None = None, *, reference_from: str | None = None,
    **meta: str,
) -> tuple[UnitDocument, UnitDocument | None]:
    """Read an XLIFF, TMX or PO file: its targets as a document of ``role``, and, with
    ``reference_from``, the reference the file itself holds."""
    path = Path(path)
    data = read_bytes(path)
    kind = _format(path, data)
    doc_id = doc_id or path.stem
    references: list[Unit] = []
    column = ""
    if kind == "po":
        units, source_file = _po(path, data, reference_from)
    else:
        store = _parse_store(path, data, kind)
        found = _scan(path, data)
        encoding, bom = xml_encoding(data)
        if kind == "xliff-1.2":
            units, references = _xliff1(path, data, store, found, reference_from)
            column = "alt-trans"
        elif kind == "xliff-2":
            units, references = _xliff2(path, data, store, found, reference_from)
        else:
            units, references, column = _tmx(path, data, store, found, reference_from)
        source_file = SourceFile(str(path), kind, data, encoding, bom, found)
    candidate = unit_document(path, role, doc_id, units, source_file, column="" if kind != "tmx" else column,
                              **meta)
    reference = None
    if reference_from is not None:
        reference = unit_document(path, "reference", f"{doc_id}:{reference_from}", references, source_file,
                                  column=reference_from, require_translated=True)
    return candidate, reference


__all__ = ["EXTENSIONS", "read_bilingual", "read_bytes", "sniff"]
