"""The loader, as a specification: what it reads unchanged, and what it refuses, naming the file."""

from __future__ import annotations

import pytest

from mtqa.core.exceptions import InputError
from mtqa.core.records import Document
from mtqa.stages.load import (
    check_line_aligned,
    check_unique_ids,
    document_from_text,
    load_document,
    load_manifest,
    read_text,
)


def refusal(path) -> str:
    with pytest.raises(InputError) as caught:
        read_text(path)
    return str(caught.value)


def test_a_missing_file_is_refused_by_name(tmp_path):
    path = tmp_path / "absent.txt"
    message = refusal(path)
    assert message == f"{path}: no such file"


def test_a_directory_is_refused(tmp_path):
    assert refusal(tmp_path).endswith("is a directory, expected a text file")


@pytest.mark.parametrize("content", [b"", b"   ", b"\n\n\t \r\n", "\ufeff\n".encode("utf-8")])
def test_an_empty_or_blank_file_is_refused(tmp_path, content):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    assert refusal(path) == f"{path}: file is empty"


def test_a_file_with_nul_bytes_is_refused_as_binary(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"GIF89a\x00\x01text")
    assert "binary file (contains NUL bytes)" in refusal(path)


def test_non_utf8_text_is_refused_with_the_offending_byte_and_its_offset(tmp_path):
    path = tmp_path / "latin.txt"
    path.write_bytes("Caf\u00e9 au lait".encode("latin-1"))
    assert refusal(path) == f"{path}: not valid UTF-8 (byte 0xe9 at offset 3)"


def test_a_utf8_byte_order_mark_is_dropped_and_nothing_else_changes(tmp_path):
    path = tmp_path / "bom.txt"
    body = "  Première ligne.\r\nSecond line.  \n\n"
    path.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    assert read_text(path) == body


def test_a_document_takes_the_file_stem_as_id_unless_given_one(tmp_path):
    path = tmp_path / "story-01.txt"
    path.write_text("A story.\n", encoding="utf-8")
    document = load_document(path, "candidate", origin="fr", system="sys-A")
    assert (document.doc_id, document.role, document.text, document.path) == ("story-01", "candidate", "A story.\n", str(path))
    assert (document.origin, document.system) == ("fr", "sys-A")
    assert load_document(path, "reference", "ref").doc_id == "ref"


def test_a_document_given_as_text_must_be_a_non_blank_string():
    assert document_from_text("Hi.", "candidate", "api").text == "Hi."
    with pytest.raises(InputError, match="document is empty"):
        document_from_text(" \n", "candidate", "api")
    with pytest.raises(InputError, match="expected text, got bytes"):
        document_from_text(b"Hi.", "candidate", "api")


def write_manifest(tmp_path, body: str, files=("ref.txt", "a.txt", "b.txt")):
    for name in files:
        (tmp_path / name).write_text(f"The text of {name}.\n", encoding="utf-8")
    manifest = tmp_path / "manifest.toml"
    manifest.write_text(body, encoding="utf-8")
    return manifest


DOCUMENTS = """
[[documents]]
path = "ref.txt"
role = "reference"
id = "the-reference"
[[documents]]
path = "a.txt"
origin = "fr"
system = "A"
description = "first"
[[documents]]
path = "b.txt"
role = "candidate"
"""


def test_a_manifest_reads_roles_ids_and_metadata_relative_to_itself(tmp_path):
    manifest = load_manifest(write_manifest(tmp_path, DOCUMENTS))
    assert [d.doc_id for d in manifest.references] == ["the-reference"]
    assert [(d.doc_id, d.origin, d.system, d.description) for d in manifest.candidates] == [
        ("a", "fr", "A", "first"), ("b", "", "", ""),
    ]
    assert manifest.candidates[0].text == "The text of a.txt.\n"
    assert manifest.checks == {}


def test_a_manifest_checks_table_switches_checks_by_name(tmp_path):
    manifest = load_manifest(write_manifest(tmp_path, DOCUMENTS + "\n[checks]\nunknown-word = false\nforeign-script = true\n"))
    assert manifest.checks == {"unknown-word": False, "foreign-script": True}


@pytest.mark.parametrize("checks", ['[checks]\nunknown-word = "no"\n', "checks = 3\n"])
def test_a_checks_table_of_anything_but_booleans_is_refused(tmp_path, checks):
    with pytest.raises(InputError, match=r"\[checks\] must be a table of check names set to true or false"):
        load_manifest(write_manifest(tmp_path, checks + DOCUMENTS))


@pytest.mark.parametrize("body, problem", [
    ("title = 'nothing'\n", "no [[documents]] tables"),
    ('[[documents]]\npath = "a.txt"\nweight = 2\n', "document 1: unknown key(s) weight"),
    ('[[documents]]\nrole = "candidate"\n', "document 1: missing 'path'"),
    ('[[documents]]\npath = "a.txt"\nrole = "judge"\n', "document 1: role must be 'reference' or 'candidate', not 'judge'"),
    ('[[documents]]\npath = "a.txt"\n', 'no document has role = "reference"'),
    ('[[documents]]\npath = "ref.txt"\nrole = "reference"\n', "no candidate documents"),
    ("[[documents]\n", "invalid TOML"),
])
def test_a_bad_manifest_is_refused_naming_the_manifest_and_the_problem(tmp_path, body, problem):
    path = write_manifest(tmp_path, body)
    with pytest.raises(InputError) as caught:
        load_manifest(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert problem in str(caught.value)


def test_a_manifest_naming_a_missing_file_is_refused_naming_that_file(tmp_path):
    path = write_manifest(tmp_path, '[[documents]]\npath = "gone.txt"\n')
    with pytest.raises(InputError, match="gone.txt: no such file"):
        load_manifest(path)


def test_a_quality_estimation_manifest_must_have_no_reference(tmp_path):
    with pytest.raises(InputError, match="which --no-reference would ignore"):
        load_manifest(write_manifest(tmp_path, DOCUMENTS), reference=False)
    qe = write_manifest(tmp_path, '[[documents]]\npath = "a.txt"\n[[documents]]\npath = "b.txt"\n')
    assert [d.doc_id for d in load_manifest(qe, reference=False).candidates] == ["a", "b"]


def test_two_documents_with_one_id_are_refused():
    first = Document("same", "candidate", "x", path="one/same.txt")
    second = Document("same", "candidate", "y", path="two/same.txt")
    check_unique_ids([first, Document("other", "candidate", "z")])
    with pytest.raises(InputError) as caught:
        check_unique_ids([first, second])
    assert str(caught.value) == "two/same.txt: document id 'same' is used twice (also by one/same.txt)"


def test_line_aligned_inputs_must_have_as_many_lines():
    reference = Document("ref", "reference", "one\ntwo\nthree\n", path="ref.txt")
    check_line_aligned(reference, Document("ok", "candidate", "un\ndeux\ntrois"))
    with pytest.raises(InputError, match="has 2 lines but the reference ref.txt has 3"):
        check_line_aligned(reference, Document("short", "candidate", "un\ndeux\n", path="short.txt"))
