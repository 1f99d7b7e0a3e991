"""Loading: files, manifests, and clear refusals of bad input."""

import pytest
from conftest import REFERENCE, SEEDS

from mtqa.core.exceptions import InputError
from mtqa.stages.load import load_document, load_manifest, read_text


def test_seed_manifest_names_roles_and_origins():
    manifest = load_manifest(SEEDS / "manifest.toml")
    assert [d.doc_id for d in manifest.references] == ["002_7337f87eccdfb504"]
    assert {d.doc_id: d.origin for d in manifest.candidates} == {
        "000_cc02e8cbdcfd7727": "fr",
        "004_fdc9254782756410": "ru",
        "001_183f575d9282628d": "ar",
        "003_04f21086b02ac016": "unknown",
    }
    assert all(d.description for d in manifest.references + manifest.candidates)


def test_document_keeps_the_file_text_and_uses_the_stem_as_id():
    document = load_document(REFERENCE, "reference")
    assert document.doc_id == "002_7337f87eccdfb504"
    assert document.text == REFERENCE.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "content, problem",
    [
        (b"", "file is empty"),
        (b"  \n\n\t\n", "file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        ("Déjà vu".encode("latin-1"), "not valid UTF-8 (byte 0xe9 at offset 1)"),
    ],
)
def test_bad_files_are_refused_with_the_file_and_the_problem(tmp_path, content, problem):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read_text(path)
    assert str(caught.value).startswith(str(path))
    assert problem in str(caught.value)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_text(tmp_path / "absent.txt")


def test_manifest_errors_name_the_manifest(tmp_path):
    manifest = tmp_path / "m.toml"
    manifest.write_text('[[documents]]\npath = "a.txt"\nrole = "judge"\n')
    with pytest.raises(InputError, match="role must be 'reference' or 'candidate'"):
        load_manifest(manifest)
    manifest.write_text("[[documents]\n")
    with pytest.raises(InputError, match="invalid TOML"):
        load_manifest(manifest)


def test_a_manifest_for_quality_estimation_has_no_reference(tmp_path):
    (tmp_path / "a.txt").write_text("The Pentagon refused to comment.\n")
    (tmp_path / "b.txt").write_text("The Pentagon has refused to how one this information.\n")
    manifest = tmp_path / "m.toml"
    manifest.write_text('[[documents]]\npath = "a.txt"\nrole = "candidate"\n[[documents]]\npath = "b.txt"\n')
    with pytest.raises(InputError, match='no document has role = "reference"'):
        load_manifest(manifest)
    assert [d.doc_id for d in load_manifest(manifest, reference=False).candidates] == ["a", "b"]
    manifest.write_text('[[documents]]\npath = "a.txt"\nrole = "reference"\n[[documents]]\npath = "b.txt"\n')
    with pytest.raises(InputError, match="which --no-reference would ignore"):
        load_manifest(manifest, reference=False)
