"""Vendor files end to end: a tiny XLIFF through the real pipeline (n-gram fluency tier), with the
reference from its own alt-trans and without one, into units.csv, the report and an annotated XLIFF."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from lxml import etree
from translate.storage import xliff

from mtqa.cli.main import main

DATA = Path(__file__).resolve().parents[1] / "data" / "formats"
ITS = "{http://www.w3.org/2005/11/its}"


def test_assess_an_xliff_against_its_alt_trans_and_annotate_it(tmp_path):
    out, annotated = tmp_path / "out", tmp_path / "annotated"
    status = main(["assess", "--candidate", str(DATA / "vendor.xlf"), "--reference-from", "alt-trans",
                   "--fluency-model", "ngram", "--quiet", "--out", str(out), "--annotate", str(annotated)])
    assert status == 0
    units = pd.read_csv(out / "units.csv")
    assert units.unit_id.tolist() == ["intro", "rain", "brand", "todo", "missing", "blank", "poem", "hostile"]
    assert units.state.tolist() == ["translated", "translated", "locked", "untranslated", "untranslated", "empty",
                                    "translated", "translated"]
    assert units.quality.notna().tolist() == [True, True, False, False, False, False, True, True]
    sentences = pd.read_csv(out / "sentences.csv")
    assert sorted(sentences.sent_id) == [0, 1, 6, 7]  # one line per unit; unscored units have none
    errors = pd.read_csv(out / "errors.csv")
    assert ((errors.doc_id == "vendor") & (errors.sent_id == 0) & errors.text.str.contains("the the")).any()
    # the annotated file: same units for Translate Toolkit, the repeated word marked where it is
    content = (annotated / "vendor.xlf").read_bytes()
    original = xliff.xlifffile.parsestring((DATA / "vendor.xlf").read_bytes())
    again = xliff.xlifffile.parsestring(content)
    assert [(u.getid(), u.source, u.target) for u in again.units] == \
           [(u.getid(), u.source, u.target) for u in original.units]
    root = etree.fromstring(content)
    marks = ["".join(m.itertext()) for m in root.iter("{*}mrk") if m.get(f"{ITS}locQualityIssueType")]
    assert any("the the" in text or text == "the" for text in marks)
    intro = next(u for u in root.iter("{*}trans-unit") if u.get("id") == "intro")
    assert float(intro.get(f"{ITS}locQualityRatingScore")) == round(units.quality[0], 1)
    # hostile text from the file is shown, escaped, never executed
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "script&gt;alert(1)&lt;/script" in report and "&lt;img src=x onerror=alert(2" in report
    assert "<script>alert(1)" not in report and "<img src=x" not in report


def test_reference_free_assessment_of_a_vendor_file_is_one_command(tmp_path):
    out = tmp_path / "qe"
    assert main(["assess", "--no-reference", "--candidate", str(DATA / "vendor.tmx"), "--fluency-model", "ngram",
                 "--quiet", "--out", str(out), "--annotate", str(out / "annotated")]) == 0
    units = pd.read_csv(out / "units.csv")
    assert units.state.tolist() == ["translated", "translated", "untranslated", "empty"]
    assert units.quality[:2].notna().all()
    assert '<prop type="x-mtqa-quality">' in (out / "annotated" / "vendor.tmx").read_text(encoding="utf-8")
