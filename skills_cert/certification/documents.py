"""A certificate row as the plain data the PDF renderer draws, and the PDF itself."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

import sqlalchemy.orm as so

from skills_cert.certification import wording
from skills_cert.certification.certificate_pdf import CertificateView, render_certificate
from skills_cert.certification.issuing import verify_url
from skills_cert.certification.models import Certificate
from skills_cert.recognition import derived as recognition

TEMPLATE_VERSION = 1


def recognition_line(certificate: Certificate) -> dict[str, str] | None:
    """The printed recognition line: only when recognition abroad was full on the day of issue.
    (What holds today is on the verification page; a printed line cannot change.)"""
    session = so.object_session(certificate)
    for found in recognition.for_certificate(session, certificate, certificate.issued_on):
        if found.outcome == recognition.FULL:
            return wording.recognised(found.country, found.destination_title, found.destination_authority,
                                      found.agreement_title)
    return None


def certificate_view(certificate: Certificate, base_url: str) -> CertificateView:
    standard = certificate.standard
    titles = {unit.code: unit.title for unit in standard.units}
    photo = certificate.candidate.photo if certificate.candidate.has_photo else None
    return CertificateView(
        kind=certificate.kind.value, number=certificate.number, issued_on=certificate.issued_on,
        expires_on=certificate.expires_on, authority_name=standard.authority.name,
        holder_name_lao=certificate.name_lao, holder_name_latin=certificate.name_latin,
        photo_jpeg=photo, standard_title=standard.title, occupation=standard.occupation_title,
        level=standard.level, standard_code=standard.code, standard_version=standard.version,
        units=tuple((code, titles[code]) for code in certificate.units),
        verify_url=verify_url(certificate, base_url), verify_host=urlsplit(base_url).netloc,
        recognition=recognition_line(certificate), template_version=TEMPLATE_VERSION)


def etag(certificate: Certificate) -> str:
    """Changes whenever the PDF would: the signed facts, the photo, the template, or the recognition
    line (an agreement imported or corrected after the certificate was issued)."""
    digest = hashlib.sha256(certificate.payload + certificate.signature)
    digest.update(f"t{TEMPLATE_VERSION}p{certificate.candidate.has_photo}".encode())
    digest.update(repr(sorted((recognition_line(certificate) or {}).items())).encode())
    return digest.hexdigest()[:40]


def certificate_pdf(certificate: Certificate, base_url: str) -> bytes:
    return render_certificate(certificate_view(certificate, base_url))


def filename(certificate: Certificate) -> str:
    return f"{certificate.number}.pdf"


class _Sink(io.RawIOBase):
    """Collects what zipfile writes so it can be handed to the client piece by piece."""

    def __init__(self):
        self.chunks: list[bytes] = []
        self.position = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def take(self) -> bytes:
        out = b"".join(self.chunks)
        self.chunks.clear()
        return out


def zip_stream(certificates: Iterable[Certificate], base_url: str) -> Iterator[bytes]:
    """A ZIP of the certificates' PDFs, produced one certificate at a time (memory stays flat)."""
    sink = _Sink()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_STORED) as archive:
        for certificate in certificates:
            info = zipfile.ZipInfo(filename(certificate), date_time=certificate.issued_on.timetuple()[:6])
            with archive.open(info, mode="w") as member:
                member.write(certificate_pdf(certificate, base_url))
            yield sink.take()
    yield sink.take()
