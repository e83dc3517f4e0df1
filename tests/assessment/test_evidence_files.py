"""Evidence files: a real PDF rewritten by pikepdf, hostile PDFs cleaned or refused, photos
re-encoded, everything else refused with a translated reason; storage outside the web root."""

from __future__ import annotations

import io

import pikepdf
import pytest
from rpl_fixtures import (
    LETTER_TH,
    encrypted_pdf,
    hostile_pdf,
    photo,
    reference_letter_pdf,
)

from skills_cert.assessment import evidence_files
from skills_cert.assessment.candidate_checks import CheckFailed


@pytest.fixture()
def english(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def _refusal(data) -> str:
    with pytest.raises(CheckFailed) as refused:
        evidence_files.clean_upload(data)
    return str(refused.value)


def test_a_thai_reference_letter_is_rewritten_and_keeps_its_text(english):
    original = reference_letter_pdf(pages=2)
    clean = evidence_files.clean_upload(original)
    assert (clean.media_type, clean.extension, clean.pages) == ("application/pdf", "pdf", 2)
    assert clean.data != original and clean.data.startswith(b"%PDF-")
    import pypdfium2

    document = pypdfium2.PdfDocument(clean.data)
    text = document[0].get_textpage().get_text_range()
    assert LETTER_TH[0] in text.replace("\r", "").replace("\n", "")


def test_scripts_actions_forms_and_attachments_are_removed(english):
    dirty = hostile_pdf()
    assert b"JavaScript" in dirty and b"payload.exe" in dirty
    clean = evidence_files.clean_upload(dirty)
    with pikepdf.open(io.BytesIO(clean.data)) as pdf:
        assert len(pdf.pages) == 1
        assert not set(pdf.Root.keys()) & {"/OpenAction", "/AcroForm", "/Names", "/AF"}
        assert "/AA" not in pdf.pages[0].obj and "/Annots" not in pdf.pages[0].obj
        for obj in pdf.objects:
            if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
                assert not evidence_files._is_active(obj), obj
    for word in (b"JavaScript", b"app.alert", b"payload.exe", b"cmd.exe", b"Launch"):
        assert word not in clean.data


def test_too_many_pages_is_refused(english):
    assert _refusal(reference_letter_pdf(pages=evidence_files.MAX_PDF_PAGES + 1)) == (
        "This PDF has 21 pages; the limit is 20. Upload only the pages that are evidence.")
    assert evidence_files.clean_upload(reference_letter_pdf(pages=evidence_files.MAX_PDF_PAGES)).pages == 20


@pytest.mark.parametrize("data, words", [
    (b"", "Choose a file"),
    (b"MZ\x90\x00 this is a program named letter.pdf", "neither a photo"),
    (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "HTML format"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "SVG format"),
    (b"GIF89a\x01\x00\x01\x00", "GIF format"),
    (b"%PDF-1.7\nnot really a pdf at all\n%%EOF", "damaged"),
    (None, "Choose a file"),
])
def test_other_files_are_refused_whatever_their_name(english, data, words):
    assert words in _refusal(data)


def test_a_truncated_pdf_and_a_password_are_refused(english):
    assert "damaged" in _refusal(reference_letter_pdf()[:400])
    assert "password" in _refusal(encrypted_pdf())


def test_a_large_file_is_refused_before_it_is_parsed(english):
    big = b"%PDF-1.7\n" + b"0" * evidence_files.MAX_EVIDENCE_BYTES
    assert _refusal(big).startswith("The file is 10.1 MB; the limit is 10 MB.")


def test_a_refusal_is_translated(app):
    with app.test_request_context(headers={"Accept-Language": "lo"}):
        lao = _refusal(b"not a file we take")
    with app.test_request_context(headers={"Accept-Language": "en"}):
        english = _refusal(b"not a file we take")
    assert lao.strip() and english.startswith("This file is neither")


@pytest.mark.parametrize("kind", ["JPEG", "PNG", "WEBP"])
def test_photos_are_reencoded_without_metadata(english, kind):
    clean = evidence_files.clean_upload(photo(kind, size=(2400, 1800)))
    assert clean.media_type == "image/jpeg" and clean.data[:3] == b"\xff\xd8\xff"
    from PIL import Image

    image = Image.open(io.BytesIO(clean.data))
    assert max(image.size) == 1600 and not image.info.get("exif")


def test_files_are_stored_privately_with_random_names(tmp_path, english):
    clean = evidence_files.clean_upload(photo())
    name, digest = evidence_files.store(tmp_path / "evidence", clean)
    stored = tmp_path / "evidence" / name
    assert stored.read_bytes() == clean.data and stored.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "evidence").stat().st_mode & 0o777 == 0o700
    again, _digest = evidence_files.store(tmp_path / "evidence", clean)
    assert again != name and len(digest) == 64
    assert evidence_files.read(tmp_path / "evidence", name) == clean.data
    for bad in ("../secret.pdf", "x.html", name.replace(".jpg", ".pdf")):
        with pytest.raises(evidence_files.FileMissing):
            evidence_files.read(tmp_path / "evidence", bad)


def test_original_names_are_shown_safely():
    assert evidence_files.safe_original_name("C:\\Users\\x\\ใบรับรอง.pdf") == "ใบรับรอง.pdf"
    assert evidence_files.safe_original_name("../../etc/passwd") == "passwd"
    assert evidence_files.safe_original_name("a\x00b\u202ec.pdf") == "abc.pdf"
    assert evidence_files.safe_original_name(None) == "-"
