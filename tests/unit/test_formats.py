"""Vendor files in, annotated files out (no model is loaded): readers for XLIFF 1.2/2.0, TMX, PO and
tables, the markup map back into the file's bytes, the annotated writers' round trip through
Translate Toolkit, and one-line refusals of bad input."""

from __future__ import annotations

import codecs
import csv
import html
import io
import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from lxml import etree
from translate.storage import pypo, tmx, xliff, xliff2

import mtqa.api
from mtqa.cli.main import main
from mtqa.core.exceptions import InputError
from mtqa.core.taxonomy import CATEGORIES
from mtqa.render.annotate import ITS_SEVERITY, its_issue_type, render_annotated
from mtqa.render.html import highlight
from mtqa.stages.aggregate.units import UNIT_COLUMNS, unit_table
from mtqa.stages.load import UnitDocument, frame_documents, line_up, load_units

DATA = Path(__file__).resolve().parents[1] / "data" / "formats"
ITS = "{http://www.w3.org/2005/11/its}"
MTQA_MRK = r'<mrk (mtype="x-its"|id="mtqa-\d+" type="its:any")'

XLIFF_FILES = ["vendor.xlf", "vendor-reference.xlf", "vendor-2.xlf", "okapi/Manual-12-AltTrans.xlf",
               "okapi/RB-12-Test02.xlf", "translate-toolkit/states.xlf"]
ALL_FILES = XLIFF_FILES + ["vendor.tmx", "okapi/tmxtest-attributes.tmx", "vendor.po", "translate-toolkit/fuzzy.po"]


def units(name: str, **kwargs):
    documents, _ = load_units(DATA / name, **kwargs)
    return {u.unit_id: u for u in documents[0].units}


def refusal(*args, **kwargs) -> str:
    with pytest.raises(InputError) as caught:
        load_units(*args, **kwargs)
    return str(caught.value)


# --- readers --------------------------------------------------------------------------------------

def test_xliff_units_keep_ids_sources_plain_targets_and_states():
    found = units("vendor.xlf")
    assert list(found) == ["intro", "rain", "brand", "todo", "missing", "blank", "poem", "hostile"]
    assert found["intro"].target == "The cat sleeps on the the sofa."  # <g> kept, tags removed
    assert found["rain"].target == "It has rained since Monday & Tuesday."  # <ph> native code and <x/> removed
    assert found["intro"].source == "Le chat dort sur le canapé."
    assert {i: u.state for i, u in found.items()} == {
        "intro": "translated", "rain": "translated", "brand": "locked", "todo": "untranslated",
        "missing": "untranslated", "blank": "empty", "poem": "translated", "hostile": "translated"}
    assert found["todo"].file_state == "needs-translation"
    assert found["poem"].target == "Two\nlines here."  # xml:space="preserve": the line break stays in the unit...


def test_one_unit_is_one_line_and_unscored_units_give_empty_lines():
    documents, _ = load_units(DATA / "vendor.xlf")
    document = documents[0]
    lines = document.text.splitlines()
    assert len(lines) == len(document.units) == 8
    assert lines[6] == "Two lines here."  # ... but not in the line: one unit, one line, same offsets
    assert lines[2:6] == ["", "", "", ""]  # locked, untranslated, missing, empty: not scored as empty text
    assert document.line_starts()[1] == len(lines[0]) + 1


def test_xliff2_tmx_and_po_units():
    found = units("vendor-2.xlf")
    assert found["intro"].target == "Press the the OK button."
    assert found["brand"].state == "locked"
    assert (found["pair::segment-1"].state, found["pair::segment-2"].state) == ("translated", "untranslated")
    assert found["marked"].target == "The cat sleeps."
    found = units("vendor.tmx", reference_from="en-x-ref")
    assert found["intro"].target == "The cat sleeps on the the sofa."  # <bpt>/<ept> code removed
    assert found["rain"].target == "It has rained since Monday."
    assert (found["missing"].state, found["blank"].state) == ("untranslated", "empty")
    found = units("vendor.po")
    assert found["Il pleut depuis lundi."].file_state == "fuzzy"  # fuzzy: delivered text, scored
    assert found["Il pleut depuis lundi."].target == "It has rained since Monday."
    assert found["menu|Ouvrir"].state == "untranslated"
    assert found["Un fichier[1]"].target == "%d files" and found["Un fichier[1]"].source == "%d fichiers"
    assert "Ancien" not in found and "" not in found  # obsolete entries and the header are not units


def test_references_from_the_file_itself():
    documents, reference = load_units(DATA / "vendor.xlf", reference_from="alt-trans:post-edit")
    assert reference.role == "reference" and reference.doc_id == "vendor:alt-trans:post-edit"
    assert reference.text.splitlines()[0] == "The cat is sleeping on the sofa."
    _, reference = load_units(DATA / "vendor.tmx", reference_from="en-x-ref")
    assert reference.text.splitlines()[:2] == ["The cat is sleeping on the sofa.", "It has been raining since Monday."]
    assert "no <tuv> has that xml:lang" in refusal(DATA / "vendor.tmx", reference_from="de")
    assert "alt-trans" in refusal(DATA / "vendor.xlf", reference_from="variant")


def test_a_second_file_is_matched_by_unit_id_and_put_in_the_candidates_order():
    candidate = load_units(DATA / "vendor.xlf")[0][0]
    reference = load_units(DATA / "vendor-reference.xlf", "reference")[0][0]
    (reference,), (candidate,) = line_up([reference], [candidate])
    assert [u.unit_id for u in reference.units] == [u.unit_id for u in candidate.units]
    assert reference.text.splitlines()[0] == "The cat is sleeping on the sofa."


def test_real_files_from_localization_tools_read():
    found = units("okapi/Manual-12-AltTrans.xlf")
    assert (found["0"].state, found["2"].target, found["3"].file_state) == ("locked", "Texte numéro 2.", "approved")
    assert found["6"].source == "Text text."  # <ph> with a nested <sub>: native code, removed
    found = units("okapi/RB-12-Test02.xlf")  # declared windows-1252, CRLF line ends
    assert found["7"].target == "Text with and more text."
    found = units("okapi/tmxtest-attributes.tmx")  # no tuid: units numbered
    assert found["#1"].target == "Test charactères: &=amp, <=lt, '=apos, \"=quot"
    assert found["#9"].target == "Fermer l'application."
    assert units("translate-toolkit/states.xlf")["2"].file_state == "needs-work"
    assert units("translate-toolkit/fuzzy.po")["Fuzzy string"].file_state == "fuzzy"


@pytest.mark.parametrize("name", XLIFF_FILES + ["vendor.tmx", "okapi/tmxtest-attributes.tmx"])
def test_every_plain_character_maps_to_the_bytes_it_came_from(name):
    documents, _ = load_units(DATA / name)
    data = (DATA / name).read_bytes()
    encoding = documents[0].source_file.encoding
    for unit in documents[0].units:
        if unit.markup is None:
            continue
        for character, start, end in zip(unit.markup.text, unit.markup.starts, unit.markup.ends):
            raw = html.unescape(data[start:end].decode(encoding).replace("&apos;", "'"))
            collapsed = character == " " and raw[0].isspace() and raw[-1].isspace()  # a run of white space
            assert raw == character or collapsed or (character == "\n" and raw == "\r\n")


@pytest.mark.parametrize("name", ["vendor.xlf", "vendor-2.xlf", "okapi/RB-12-Test02.xlf", "translate-toolkit/states.xlf"])
def test_plain_text_is_what_translate_toolkit_reads_where_there_is_no_native_code(name):
    store_class = xliff2.Xliff2File if name == "vendor-2.xlf" else xliff.xlifffile
    store = store_class.parsestring((DATA / name).read_bytes())
    ours = load_units(DATA / name)[0][0].units
    for theirs, mine in zip(store.units, ours):
        if mine.unit_id in ("rain",):  # <ph> holds native code: Translate Toolkit keeps it as text
            continue
        assert mine.target == (theirs.target or "")


def test_tables_with_default_and_mapped_columns():
    documents, reference = load_units(DATA / "vendor.csv")
    assert [u.unit_id for u in documents[0].units] == ["intro", "rain", "blank"]
    assert documents[0].units[1].target == "It rains, again."
    assert documents[0].units[2].state == "empty"
    assert reference.text.splitlines()[1] == "It is raining, again."
    documents, _ = load_units(DATA / "vendor.tsv", columns={"candidate": ["target", "hyp2"], "id": ["key"]})
    assert [d.doc_id for d in documents] == ["target", "hyp2"]
    assert documents[1].text.splitlines() == ["The cat sleeps.", "It is raining."]
    documents, reference = load_units(DATA / "vendor.jsonl")
    assert documents[0].text.splitlines()[0] == "The cat sleep." and reference is not None


def test_assess_frame_gives_the_pipeline_one_document_per_candidate_column(monkeypatch):
    seen = {}

    def record(reference, candidates, **kwargs):
        seen.update(reference=reference, candidates=candidates)
        raise RuntimeError("recorded")

    monkeypatch.setattr(mtqa.api.run, "assess", record)
    frame = pd.DataFrame({"src": ["Le chat.", "Il pleut."], "a": ["The cat.", ""], "b": ["A cat.", "Rain."],
                          "ref": ["The cat.", "It rains."]})
    with pytest.raises(RuntimeError):
        mtqa.assess_frame(frame, candidate=["a", "b"], reference="ref", source="src")
    assert [d.doc_id for d in seen["candidates"]] == ["a", "b"]
    assert seen["candidates"][0].units[1].state == "empty"
    assert seen["reference"].text == "The cat.\nIt rains.\n"
    documents, reference = frame_documents(frame, "b")
    assert reference is None and documents[0].units[0].unit_id == "1"


# --- annotated output -----------------------------------------------------------------------------

def fake_result(documents: list[UnitDocument], spans) -> SimpleNamespace:
    """An assessment's tables for these documents: every translated unit scored, and errors at
    ``spans(unit)`` (offsets into the unit's plain text)."""
    sentences, errors = [], []
    categories = ["accuracy/mistranslation", "fluency/grammar", "accuracy/omission", "style/awkward"]
    for document in documents:
        starts = document.line_starts()
        for line, unit in enumerate(document.units):
            if unit.state != "translated":
                continue
            found = spans(unit)
            sentences.append({"doc_id": document.doc_id, "sent_id": line, "quality": 70.0 + line,
                              "n_errors": len(found), "mqm_penalty": float(len(found))})
            for number, (a, b) in enumerate(found):
                errors.append({"doc_id": document.doc_id, "sent_id": line, "doc_start": starts[line] + a,
                               "doc_end": starts[line] + b, "text": unit.target[a:b],
                               "category": categories[number % 4], "severity": ["minor", "major", "critical"][number % 3],
                               "explanation": f"'{unit.target[a:b]}' & <odd> \"quotes\"", "suggestion": ""})
    return SimpleNamespace(
        candidates=[d.doc_id for d in documents],
        marked={d.doc_id: SimpleNamespace(document=d) for d in documents},
        sentences=pd.DataFrame(sentences, columns=["doc_id", "sent_id", "quality", "n_errors", "mqm_penalty"]),
        errors=pd.DataFrame(errors, columns=["doc_id", "sent_id", "doc_start", "doc_end", "text", "category",
                                             "severity", "explanation", "suggestion"]),
    )


def awkward_spans(unit):
    """A span over the start, one crossing into the middle, one nested in it, and an empty one."""
    n = len(unit.target)
    return [(0, min(3, n)), (max(0, n // 2 - 4), min(n, n // 2 + 4)), (max(0, n // 2 - 1), n // 2), (n, n)]


def store_units(name: str, content: bytes):
    if name.endswith(".po"):
        store = pypo.pofile.parsestring(content)
        return [(u.getid(), str(u.source), str(u.target)) for u in store.units]
    store_class = {".tmx": tmx.tmxfile}.get(Path(name).suffix)
    if store_class is None:
        store_class = xliff2.Xliff2File if b"document:2.0" in content else xliff.xlifffile
    return [(u.getid(), u.source, u.target) for u in store_class.parsestring(content).units]


@pytest.mark.parametrize("name", ALL_FILES)
def test_annotated_files_read_back_with_the_same_units(name, tmp_path):
    documents, _ = load_units(DATA / name)
    if not documents[0].n_translated:
        pytest.skip("nothing translated")
    rendered = render_annotated(fake_result(documents, awkward_spans))
    content = rendered[Path(name).name]
    original = (DATA / name).read_bytes()
    assert content != original
    assert store_units(name, content) == store_units(name, original)  # Translate Toolkit: same ids, sources, targets
    (tmp_path / Path(name).name).write_bytes(content)
    again = load_units(tmp_path / Path(name).name)[0][0]
    assert [(u.unit_id, u.source, u.target, u.state) for u in again.units] == \
           [(u.unit_id, u.source, u.target, u.state) for u in documents[0].units]


@pytest.mark.parametrize("name", ["vendor.xlf", "vendor-2.xlf", "okapi/RB-12-Test02.xlf", "translate-toolkit/states.xlf"])
def test_xliff_gets_its_issues_on_mrk_and_nothing_else_changes(name):
    documents, _ = load_units(DATA / name)
    original = (DATA / name).read_bytes()
    content = render_annotated(fake_result(documents, lambda u: [(1, 3)] if len(u.target) > 3 else []))[Path(name).name]
    root = etree.fromstring(content)
    assert root.get(f"{ITS}version") == "2.0"
    issues = [m for m in root.iter("{*}mrk") if m.get(f"{ITS}locQualityIssueType")]
    expected = [u for u in documents[0].units if u.state == "translated" and len(u.target) > 3]
    assert len(issues) == len(expected) > 0
    for mark, unit in zip(issues, expected):
        assert "".join(mark.itertext()) == unit.target[1:3]  # the exact characters
        assert mark.get(f"{ITS}locQualityIssueType") == "mistranslation"
        assert mark.get(f"{ITS}locQualityIssueSeverity") == "25"
        assert mark.get(f"{ITS}locQualityIssueComment").startswith("mtqa accuracy/mistranslation: ")
        assert mark.get("mtype" if name != "vendor-2.xlf" else "type") == ("x-its" if name != "vendor-2.xlf" else "its:any")
    assert root.xpath("//*[@its:locQualityRatingScore]", namespaces={"its": ITS[1:-1]})
    # everything else byte for byte: take out what was added and the original is left
    encoding = documents[0].source_file.encoding
    text = content.decode(encoding)
    text = re.sub(r' (xmlns:its|its:version|its:locQualityRatingScore)="[^"]*"', "", text)
    stack, kept, position = [], [], 0
    for tag in re.finditer(r"<mrk\b[^>]*>|</mrk>", text):  # drop our <mrk>s and their end tags only
        ours = tag.group().startswith("</") and stack.pop() or re.match(MTQA_MRK, tag.group()) is not None
        if not tag.group().startswith("</"):
            stack.append(ours)
        kept.append(text[position:tag.start()] if ours else text[position:tag.end()])
        position = tag.end()
    text = "".join(kept) + text[position:]
    assert text.encode(encoding) == original


def test_spans_cutting_inline_markup_grow_to_whole_elements_and_stay_well_formed():
    documents, _ = load_units(DATA / "vendor.xlf")
    target = documents[0].units[0].target  # The cat sleeps on the the sofa.   (<g>sofa</g>)
    at = target.index("sofa")
    content = render_annotated(fake_result(documents, lambda u: [(at - 4, at + 2)] if u.unit_id == "intro" else []))
    root = etree.fromstring(content["vendor.xlf"])
    mark = next(m for m in root.iter("{*}mrk") if m.get(f"{ITS}locQualityIssueType"))
    assert "".join(mark.itertext()) == "the sofa"  # grew to take the whole <g>
    assert mark.find("{*}g") is not None


def test_tmx_and_po_get_notes_and_comments():
    documents, _ = load_units(DATA / "vendor.tmx")
    content = render_annotated(fake_result(documents, lambda u: [(0, 3)]))["vendor.tmx"].decode()
    assert '<prop type="x-mtqa-quality">70.0</prop>\n      <prop type="x-mtqa-errors">1</prop>' in content
    assert "<note>mtqa: minor accuracy/mistranslation at 0-3 &#x27;The&#x27;" in content or \
           "<note>mtqa: minor accuracy/mistranslation at 0-3 'The'" in content
    assert "&amp; &lt;odd&gt;" in content
    documents, _ = load_units(DATA / "vendor.po")
    content = render_annotated(fake_result(documents, lambda u: [(0, 3)]))["vendor.po"].decode()
    assert "# mtqa: quality 70.0, 1 error, MQM penalty 1\n# mtqa: minor accuracy/mistranslation at 0-3 'The'" in content
    assert "# mtqa: msgstr[1]: quality" in content
    stripped = "".join(l + "\n" for l in content.splitlines() if not l.startswith("# mtqa:"))
    assert stripped == (DATA / "vendor.po").read_text()


def test_tables_get_columns():
    documents, _ = load_units(DATA / "vendor.csv")
    content = render_annotated(fake_result(documents, lambda u: [(0, 3)]))["vendor.csv"].decode()
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0] == ["id", "src", "mt", "ref", "mtqa_state", "mtqa_quality", "mtqa_errors"]
    assert rows[1][:6] == ["intro", "Le chat dort.", "The cat sleep.", "The cat is sleeping.", "translated", "70.0"]
    assert rows[1][6].startswith("minor accuracy/mistranslation at 0-3 'The': ")
    assert rows[3] == ["blank", "Merci.", "", "Thank you.", "empty", "", ""]


def test_its_mapping_covers_every_category():
    mapped = {category: its_issue_type(category) for category in CATEGORIES}
    assert mapped["fluency/word-order"] == "grammar" and mapped["fluency/spelling"] == "misspelling"
    assert mapped["fluency/punctuation"] == "typographical" and mapped["terminology/wrong-term"] == "terminology"
    assert mapped["other/boilerplate"] == "other" and mapped["style/awkward"] == "style"
    assert ITS_SEVERITY == {"minor": 25, "major": 60, "critical": 100}


def test_units_table_has_a_row_per_unit_scored_or_not():
    documents, _ = load_units(DATA / "vendor.xlf")
    result = fake_result(documents, lambda u: [])
    table = unit_table([SimpleNamespace(document=documents[0])], result.sentences.assign(n_errors=0))
    assert list(table.columns) == UNIT_COLUMNS
    assert table.state.tolist()[:6] == ["translated", "translated", "locked", "untranslated", "untranslated", "empty"]
    assert table.sent_id.isna().tolist()[:6] == [False, False, True, True, True, True]
    assert table.quality.tolist()[0] == 70.0


def test_hostile_text_read_from_xliff_is_escaped_in_the_report():
    text = units("vendor.xlf")["hostile"].target
    assert "<script>" in text and "onerror=" in text
    markup = highlight(text, [{"id": "e", "start": 6, "end": 14, "category": "accuracy/addition",
                               "severity": "major", "detector": "t", "explanation": "<b>x</b>", "suggestion": ""}])
    assert "<script" not in markup and "<img" not in markup
    assert "&lt;script&gt;" in markup and "&lt;img src=x onerror=alert(2)&gt;" in markup


# --- bad input ------------------------------------------------------------------------------------

def write(tmp_path, name: str, content: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def test_malformed_xml_names_the_line(tmp_path):
    path = write(tmp_path, "bad.xlf", (DATA / "vendor.xlf").read_text().replace("</target>", "</targ>", 1))
    message = refusal(path)
    assert message.startswith(str(path)) and "malformed XML at line 8" in message


@pytest.mark.parametrize("name, content, said", [
    ("a.xlf", 'msgid "x"\nmsgstr "y"\n', "is PO, not XLIFF as its extension .xlf says"),
    ("a.po", None, "is XLIFF 1.2, not PO as its extension .po says"),
    ("a.tmx", None, "is XLIFF 1.2, not TMX"),
    ("a.csv", None, "is XLIFF 1.2, not CSV"),
    ("a.xlf", "<html><body>x</body></html>", "is XML of another kind, not XLIFF"),
])
def test_a_file_of_another_format_than_its_extension_says(tmp_path, name, content, said):
    path = write(tmp_path, name, content if content is not None else (DATA / "vendor.xlf").read_bytes())
    assert said in refusal(path)


def test_tables_without_the_mapped_columns_and_duplicated_ids(tmp_path):
    assert "has no column 'hyp' (mapped to candidate; columns: id, src, mt, ref)" in \
        refusal(DATA / "vendor.csv", columns={"candidate": ["hyp"]})
    path = write(tmp_path, "t.csv", "a,b\n1,2\n")
    assert "no candidate column: give --columns candidate=NAME" in refusal(path)
    path = write(tmp_path, "d.csv", "id,mt\nx,One.\nx,Two.\n")
    assert "duplicated unit id(s) 'x'" in refusal(path)
    path = write(tmp_path, "d.xlf", (DATA / "vendor.xlf").read_text().replace('id="rain"', 'id="intro"'))
    assert "duplicated unit id(s) 'intro'" in refusal(path)


def test_mismatched_ids_between_candidate_and_reference_are_named(tmp_path):
    path = write(tmp_path, "ref.xlf", (DATA / "vendor-reference.xlf").read_text()
                 .replace('id="rain"', 'id="storm"').replace('id="poem"', 'id="verse"'))
    candidate = load_units(DATA / "vendor.xlf")[0][0]
    reference = load_units(path, "reference")[0][0]
    with pytest.raises(InputError) as caught:
        line_up([reference], [candidate])
    message = str(caught.value)
    assert message.startswith(f"{path}: lacks unit id(s) 'rain', 'poem' of ")
    assert "has unit id(s) 'storm', 'verse' that" in message


@pytest.mark.parametrize("name", ["vendor.xlf", "vendor.csv"])
def test_utf16_and_bom_files_read_like_utf8(tmp_path, name):
    text = (DATA / name).read_text()
    expected = [(u.unit_id, u.target) for u in load_units(DATA / name)[0][0].units]
    for encoded in (codecs.BOM_UTF8 + text.encode(), codecs.BOM_UTF16_LE + text.replace(
            'encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16-le")):
        path = write(tmp_path, Path(name).name, encoded)
        assert [(u.unit_id, u.target) for u in load_units(path)[0][0].units] == expected


def test_wrong_encodings_name_the_line(tmp_path):
    text = (DATA / "vendor.xlf").read_text()
    path = write(tmp_path, "cp.xlf", text.encode("cp1252", errors="replace"))  # declared UTF-8
    message = refusal(path)
    assert "line 7: wrong encoding" in message
    path = write(tmp_path, "cp.xlf", text.replace('encoding="UTF-8"', 'encoding="windows-1252"').encode("cp1252"))
    assert units_of(path)["intro"].source == "Le chat dort sur le canapé."  # declared right: read
    path = write(tmp_path, "cp.csv", "id,mt\nx,Déjà vu.\n".encode("cp1252"))
    assert "line 2: not valid UTF-8 (byte 0xe9" in refusal(path)
    path = write(tmp_path, "cp.po", (DATA / "vendor.po").read_text().encode("cp1252", errors="replace"))
    assert "line 10: not valid utf-8" in refusal(path).lower()


def units_of(path):
    return {u.unit_id: u for u in load_units(path)[0][0].units}


def test_the_command_line_gives_one_line_exit_2_and_writes_nothing(tmp_path, capsys):
    bad = write(tmp_path, "bad.xlf", "<xliff version='1.2'><file><body><trans-unit id='1'>")
    out = tmp_path / "out"
    for command in (
        ["assess", "--no-reference", "--candidate", str(bad), "--out", str(out)],
        ["assess", "--reference", str(DATA / "vendor-reference.xlf"), "--candidate", str(bad), "--out", str(out)],
        ["compare", "--reference-from", "alt-trans", "--candidate", str(DATA / "vendor.xlf"), "--candidate", str(bad)],
        ["gate", "--reference", str(DATA / "vendor-reference.xlf"), "--baseline", str(DATA / "vendor.xlf"),
         "--candidate", str(bad)],
        ["assess", "--no-reference", "--candidate", str(DATA / "vendor.csv"), "--columns", "candidate=nope",
         "--out", str(out)],
    ):
        assert main(command) == 2
        error = capsys.readouterr().err
        assert error.count("\n") == 1 and error.startswith("mtqa: error: ")
    assert not out.exists()


def test_a_plain_text_input_holding_xliff_is_refused(tmp_path, capsys):
    path = write(tmp_path, "vendor.txt", (DATA / "vendor.xlf").read_bytes())
    assert main(["assess", "--no-reference", "--candidate", str(path), "--out", str(tmp_path / "o")]) == 2
    assert "looks like XLIFF 1.2 (.xlf), but its extension says plain text" in capsys.readouterr().err
