"""Evidence files of an RPL portfolio: what is accepted, how it is cleaned, and where it is kept.

- Photos (JPEG, PNG, WebP) are re-encoded as every photo is (`photos.process_photo`), within
  1600 x 1600 pixels so that a photographed letter stays readable.
- PDFs are parsed by pikepdf (qpdf) and written anew. What could act when the file is opened goes:
  JavaScript and other actions, forms, annotations, embedded files, bookmarks. Streams are copied
  without being decoded, so a compression bomb is never inflated. Limits: MAX_EVIDENCE_BYTES and
  MAX_PDF_PAGES. A password-protected or damaged PDF is refused.
- Anything else is refused with a translated reason. The kind is read from the bytes, never from
  the file's name.

Files are stored under EVIDENCE_DIR with random names, readable by the server's user only, outside
the web root. They are read only through the portfolio pages, which check who asks and audit it.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from flask_babel import gettext as _

from skills_cert.assessment.candidate_checks import CheckFailed
from skills_cert.assessment.photos import _megabytes, _sniff_kind, process_photo

_MB = 1024 * 1024
MAX_EVIDENCE_BYTES = 10 * _MB  # an upload is read up to one byte past this, and refused past it
MAX_PDF_PAGES = 20
EVIDENCE_BOX = (1600, 1600)
_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")
_STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(jpg|pdf)$")
# Keys of the document catalogue and of pages through which a PDF acts, or carries other files.
_ROOT_KEYS = ("/OpenAction", "/AA", "/AcroForm", "/Names", "/Outlines", "/URI", "/Threads", "/AF")
_PAGE_KEYS = ("/AA", "/Annots", "/AF")
_ACTIVE_NAMES = ("/JavaScript", "/JS", "/Launch", "/EmbeddedFile", "/RichMedia", "/XFA")


@dataclass(frozen=True)
class CleanFile:
    data: bytes
    media_type: str  # image/jpeg | application/pdf
    extension: str  # jpg | pdf
    pages: int | None = None


def clean_upload(data: bytes | None) -> CleanFile:
    """The uploaded bytes as a clean JPEG or PDF; CheckFailed (translated) for anything else."""
    if not data:
        raise CheckFailed(_("Choose a file: a photo (JPEG, PNG or WebP) or a PDF document."))
    if len(data) > MAX_EVIDENCE_BYTES:
        raise CheckFailed(_("The file is %(size)s MB; the limit is %(limit)s MB.",
                            size=_megabytes(len(data), up=True), limit=_megabytes(MAX_EVIDENCE_BYTES)))
    if b"%PDF-" in data[:1024]:
        return _clean_pdf(bytes(data))
    if data.startswith(_IMAGE_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return CleanFile(process_photo(bytes(data), max_bytes=MAX_EVIDENCE_BYTES, box=EVIDENCE_BOX),
                         "image/jpeg", "jpg")
    kind = _sniff_kind(bytes(data))
    if kind:
        raise CheckFailed(_("This file is in %(kind)s format. Only photos (JPEG, PNG or WebP) and PDF "
                            "documents are accepted.", kind=kind))
    raise CheckFailed(_("This file is neither a photo (JPEG, PNG or WebP) nor a PDF document, "
                        "whatever its name says. Only those are accepted."))


def _clean_pdf(data: bytes) -> CleanFile:
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            pages = len(pdf.pages)
            _check_pages(pages)
            _strip_active_content(pdf)
            out = io.BytesIO()
            pdf.save(out, stream_decode_level=pikepdf.StreamDecodeLevel.none, recompress_flate=False,
                     deterministic_id=True)
        cleaned = out.getvalue()
        _check_clean(cleaned, pages)
    except CheckFailed:
        raise
    except pikepdf.PasswordError as exc:
        raise CheckFailed(_("This PDF is protected by a password. Ask for a copy without a password, "
                            "or photograph the document.")) from exc
    except Exception as exc:  # qpdf refuses hostile and broken files with many exception types
        raise CheckFailed(_("This PDF is damaged and cannot be read. Ask for another copy, or "
                            "photograph the document.")) from exc
    return CleanFile(cleaned, "application/pdf", "pdf", pages)


def _check_pages(pages: int) -> None:
    if pages < 1:
        raise CheckFailed(_("This PDF has no pages."))
    if pages > MAX_PDF_PAGES:
        raise CheckFailed(_("This PDF has %(pages)d pages; the limit is %(limit)d. Upload only the "
                            "pages that are evidence.", pages=pages, limit=MAX_PDF_PAGES))


def _strip_active_content(pdf: pikepdf.Pdf) -> None:
    for key in _ROOT_KEYS:
        if key in pdf.Root:
            del pdf.Root[key]
    for page in pdf.pages:
        for key in _PAGE_KEYS:
            if key in page.obj:
                del page.obj[key]


def _check_clean(cleaned: bytes, pages: int) -> None:
    """The written file opens, has the same pages, and nothing active is left in any object."""
    with pikepdf.open(io.BytesIO(cleaned)) as pdf:
        if len(pdf.pages) != pages:
            raise ValueError("pages lost while rewriting")
        for obj in pdf.objects:
            if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)) and _is_active(obj):
                raise CheckFailed(_("This PDF holds scripts or attachments that could not be "
                                    "removed. Photograph the document instead."))


def _is_active(obj) -> bool:
    keys = set(obj.keys())
    if keys & {"/JS", "/JavaScript", "/EmbeddedFiles", "/XFA", "/RichMediaContent"}:
        return True
    return any(str(obj.get(key, "")) in _ACTIVE_NAMES for key in ("/S", "/Type", "/Subtype"))


def safe_original_name(name: str | None) -> str:
    """The uploaded file's name as staff may see it: its last part, printable, at most 200."""
    base = re.split(r"[\\/]", name or "")[-1]
    return "".join(ch for ch in base if ch.isprintable())[:200] or "-"


def store(folder: Path, clean: CleanFile) -> tuple[str, str]:
    """Write *clean* under *folder* with a new random name; returns (name, SHA-256)."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"{secrets.token_hex(16)}.{clean.extension}"
    partial = folder / f".{name}.part"
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(clean.data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(partial, folder / name)
    return name, hashlib.sha256(clean.data).hexdigest()


class FileMissing(LookupError):
    """The row names a file that the folder does not hold (restored without its files?)."""


def read(folder: Path, name: str) -> bytes:
    if not _STORED_NAME.match(name or ""):
        raise FileMissing(name)
    try:
        return (folder / name).read_bytes()
    except FileNotFoundError:
        raise FileMissing(name) from None
