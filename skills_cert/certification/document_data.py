"""The data inside a certificate PDF, and its identification as PDF/A-3b.

A program that reads the PDF finds the certificate's machine-readable data without scanning the
QR code: the verification token and URL, attached as an associated file of the document
(`/AF`, relationship `/Data`, PDF/A-3), and the certificate as a signed Open Badges 3.0 credential
(relationship `/Alternative`: the same certificate in another form). The document also declares PDF/A-3b: XMP metadata that
matches the document information, the `pdfaid` identification, and an sRGB output intent. The
fonts are embedded subsets with ToUnicode maps (ReportLab). No PDF/A validator (veraPDF) can be
installed here, so conformance is aimed at, and checked only in the parts the tests name.

Everything is derived from the certificate, with fixed dates, so the same certificate gives the
same bytes; sealing comes after, over all of it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from functools import lru_cache

import pikepdf
from PIL import ImageCms

DATA_FILE = "certificate-verification.json"
CREDENTIAL_FILE = "open-badge-credential.json"


@lru_cache(maxsize=1)
def _srgb_profile() -> bytes:
    """An sRGB ICC profile (LittleCMS through Pillow), for the PDF/A output intent."""
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _pdf_date(day: dt.date) -> str:
    return f"D:{day:%Y%m%d}000000Z"


def verification_data(number: str, token: str, url: str) -> bytes:
    return json.dumps({"number": number, "verification_token": token, "verification_url": url},
                      ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")


def with_data(pdf: bytes, *, number: str, token: str, url: str, issued_on: dt.date,
              credential: bytes | None = None) -> bytes:
    """*pdf* with the verification data (and the Open Badges *credential*) attached and identified
    as PDF/A-3b."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        date = _pdf_date(issued_on)
        files = [(DATA_FILE, verification_data(number, token, url), f"Verification token and URL of certificate {number}",
                  pikepdf.Name.Data)]
        if credential:
            files.append((CREDENTIAL_FILE, credential, f"Certificate {number} as a signed Open Badges 3.0 credential",
                          pikepdf.Name.Alternative))
        specs = []
        for name, data, description, relationship in files:
            spec = pikepdf.AttachedFileSpec(document, data, filename=name, mime_type="application/json",
                                            description=description, creation_date=date, mod_date=date,
                                            relationship=relationship)
            document.attachments[name] = spec
            specs.append(spec.obj)
        document.Root.AF = pikepdf.Array(specs)
        profile = document.make_stream(_srgb_profile(), N=3)
        document.Root.OutputIntents = pikepdf.Array([pikepdf.Dictionary(
            Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFA1, OutputConditionIdentifier="sRGB",
            Info="sRGB IEC61966-2.1", DestOutputProfile=profile)])
        for key in ("/Trapped", "/Keywords"):  # no XMP counterpart / empty: PDF/A wants the two to agree
            if key in document.docinfo:
                del document.docinfo[key]
        with document.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta.load_from_docinfo(document.docinfo)
            meta["pdfaid:part"] = "3"
            meta["pdfaid:conformance"] = "B"
            meta["xmp:CreateDate"] = meta["xmp:ModifyDate"] = meta["xmp:MetadataDate"] = \
                f"{issued_on.isoformat()}T00:00:00Z"
        out = io.BytesIO()
        document.save(out, deterministic_id=True, fix_metadata_version=False, min_version="1.7")
        return out.getvalue()
