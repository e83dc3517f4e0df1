"""A certificate row as the plain data the PDF renderer draws, and the sealed PDF itself.

Sealed when served, not stored. The page is drawn again (about 40 ms) and sealed (pyHanko, see
`make bench`) on each download, because storing sealed PDFs costs about 75 KB each, some 19 GB
at 250,000 certificates, kept for as long as the registry. It would also keep a copy sealed by a
key that is later rotated or compromised. The drawing is deterministic, so the ETag names what
the page shows plus the seal key. It is a weak ETag, because each seal has its own signing time
and signature bytes. A client's cached copy stays valid for as long as the ETag matches.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy.orm as so

from skills_cert.certification import document_data, sealing, seals, wording
from skills_cert.certification.certificate_pdf import CertificateView, render_certificate
from skills_cert.certification.issuing import token_of, verify_url
from skills_cert.certification.models import Certificate
from skills_cert.recognition import derived as recognition

TEMPLATE_VERSION = 2  # 2: the Open Badges credential is attached


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
        holder_name_thai=certificate.name_thai,
        photo_jpeg=photo, standard_title=standard.title, occupation=standard.occupation_title,
        level=standard.level, standard_code=standard.code, standard_version=standard.version,
        units=tuple((code, titles[code]) for code in certificate.units),
        verify_url=verify_url(certificate, base_url), verify_host=urlsplit(base_url).netloc,
        recognition=recognition_line(certificate), template_version=TEMPLATE_VERSION,
        credited=frozenset(certificate.assessment.credited_units or ()) & frozenset(certificate.units))


def etag(certificate: Certificate, credential: str | None = None) -> str:
    """Changes whenever the PDF would: the signed facts, the name in Thai script (not signed), the
    photo, the template, the attached credential, or the recognition line (an agreement imported
    or corrected after the certificate was issued)."""
    digest = hashlib.sha256(certificate.payload + certificate.signature)
    if certificate.name_thai:  # certificates without one keep the ETag they had
        digest.update(f"n{certificate.name_thai}".encode())
    digest.update((credential or "").encode("utf-8"))
    digest.update(f"t{TEMPLATE_VERSION}p{certificate.candidate.has_photo}".encode())
    digest.update(repr(sorted((recognition_line(certificate) or {}).items())).encode())
    return digest.hexdigest()[:40]


def certificate_pdf(certificate: Certificate, base_url: str, credential: str | None = None) -> bytes:
    """The drawn page with its verification data (and its Open Badges *credential*, when given)
    attached, unsealed (deterministic: same facts, same bytes)."""
    page = render_certificate(certificate_view(certificate, base_url))
    return document_data.with_data(page, number=certificate.number, token=token_of(certificate),
                                   url=verify_url(certificate, base_url), issued_on=certificate.issued_on,
                                   credential=credential.encode("utf-8") if credential else None)


@dataclass(frozen=True)
class SealSettings:
    """Where the seal keys are, whether a missing one may be made (never in production), and
    the timestamp authority, if any."""

    key_dir: Path
    allow_generation: bool
    tsa_url: str | None = None

    @classmethod
    def from_config(cls, config: Mapping) -> "SealSettings":
        return cls(Path(config["SIGNING_KEY_DIR"]), config["ENV_NAME"] != "production", config.get("TSA_URL"))


def seal_keys(certificate: Certificate, settings: SealSettings) -> seals.SealKeys:
    """The key that seals this certificate's PDF now: its authority's active seal."""
    authority = certificate.standard.authority
    return seals.ensure_seal(settings.key_dir, authority.code, authority.country, authority.name,
                             now=dt.datetime.now(dt.timezone.utc), allow_generation=settings.allow_generation)


def sealed_etag(certificate: Certificate, keys: seals.SealKeys, credential: str | None = None) -> str:
    return f"{etag(certificate, credential)}-{keys.serial[:12]}"


def sealed_pdf(certificate: Certificate, base_url: str, settings: SealSettings,
               keys: seals.SealKeys | None = None, credential: str | None = None) -> bytes:
    """The PDF as it leaves the system: drawn, then sealed by its authority."""
    keys = keys or seal_keys(certificate, settings)
    authority = certificate.standard.authority
    return sealing.seal_pdf(
        certificate_pdf(certificate, base_url, credential), keys, name=authority.name.get("en") or authority.code,
        location=authority.country, reason=f"{certificate.kind.value} {certificate.number}",
        stamper=sealing.timestamper(settings.tsa_url))


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


def credential_filename(certificate: Certificate) -> str:
    return f"{certificate.number}.credential.json"


def zip_stream(certificates: Iterable[tuple[Certificate, str | None]], base_url: str,
               settings: SealSettings) -> Iterator[bytes]:
    """A ZIP of the certificates' sealed PDFs, each with its Open Badges credential beside it (and
    inside it), produced one certificate at a time (memory stays flat)."""
    sink = _Sink()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_STORED) as archive:
        for certificate, credential in certificates:
            when = certificate.issued_on.timetuple()[:6]
            with archive.open(zipfile.ZipInfo(filename(certificate), date_time=when), mode="w") as member:
                member.write(sealed_pdf(certificate, base_url, settings, credential=credential))
            if credential:
                archive.writestr(zipfile.ZipInfo(credential_filename(certificate), date_time=when),
                                 credential.encode("utf-8"))
            yield sink.take()
    yield sink.take()
