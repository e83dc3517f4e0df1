"""Document-seal keys: each issuing authority's root certificate, and the ECDSA P-256 key and
X.509 certificate that seal its PDFs.

The seal is not the token's Ed25519 key: PDF readers (Acrobat, pyHanko, poppler with NSS) validate
ECDSA on the NIST curves. The authority publishes its root certificate; an employer who trusts it
sees every certificate PDF open with a valid seal. Files live under
`<SIGNING_KEY_DIR>/<authority>/seal/`, private keys mode 0600, never in the database:

    root.key.pem  root.crt.pem               the authority's root (it signs seal certificates and the CRL)
    seal-<serial>.key.pem  seal-<serial>.crt.pem   one per seal key; the newest usable one seals
    root.crl.pem                             the seal certificates marked compromised, signed by the root

Keys made automatically outside production carry "development" in their subject and an empty
`.development` file beside them, so production refuses to start with them (`keys.key_dir_problems`).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from skills_cert.certification.signing.keyfiles import KeyFileError, read_private_file, write_private_file
from skills_cert.certification.signing.payload import CODE

DEVELOPMENT_MARK = ".development"
ROOT_YEARS, SEAL_YEARS = 25, 10
NAME_LIMIT = 64  # X.520 upper bound of organizationName and commonName


@dataclass(frozen=True)
class SealKeys:
    """What sealing needs: the key, its certificate, and the chain up to the published root."""

    authority: str
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    root: x509.Certificate

    @property
    def serial(self) -> str:
        return serial_of(self.certificate)


def folder(key_dir: Path, authority: str) -> Path:
    if not isinstance(authority, str) or not CODE.fullmatch(authority):
        raise KeyFileError(f"authority {authority!r} is not a code such as LA-SDI")
    return Path(key_dir) / authority / "seal"


def serial_of(certificate: x509.Certificate) -> str:
    return f"{certificate.serial_number:032x}"


def fingerprint(certificate: x509.Certificate) -> str:
    """SHA-256 of the certificate's DER, as colon-separated upper-case hex (as readers show it)."""
    digest = hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest().upper()
    return ":".join(digest[i:i + 2] for i in range(0, len(digest), 2))


def _short(value: str) -> str:
    """*value* cut to the X.520 limit, at a word where possible."""
    value = " ".join(value.split())
    if len(value) <= NAME_LIMIT:
        return value
    cut = value[:NAME_LIMIT]
    return cut[:cut.rfind(" ")].rstrip(" ,") if " " in cut else cut


def _subject(authority: str, country: str, names: Mapping[str, str], role: str,
             development: bool) -> x509.Name:
    """The authority's name in Lao and in English, and what the certificate is for."""
    common = f"{authority} {role}" + (" (development, not for production)" if development else "")
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, country)]
    for language in ("lo", "en"):
        if names.get(language):
            attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, _short(names[language])))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, _short(common)))
    return x509.Name([x509.RelativeDistinguishedName([a]) for a in attributes])


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _write(path: Path, data: bytes, development: bool) -> None:
    write_private_file(path, data)
    if development and path.name.endswith(".key.pem"):
        write_private_file(path.with_suffix(DEVELOPMENT_MARK), b"")


def _start(now: dt.datetime) -> dt.datetime:
    return now.replace(microsecond=0) - dt.timedelta(minutes=5)  # tolerate a reader's clock skew


def create_root(key_dir: Path, authority: str, country: str, names: Mapping[str, str], *,
                now: dt.datetime, development: bool = False) -> x509.Certificate:
    """The authority's self-signed root: it may sign seal certificates and CRLs, nothing else."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _subject(authority, country, names, "certificate root", development)
    start = _start(now)
    certificate = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(start + dt.timedelta(days=round(365.25 * ROOT_YEARS)))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False, key_agreement=False,
                                     key_cert_sign=True, crl_sign=True, encipher_only=False,
                                     decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256()))
    base = folder(key_dir, authority)
    _write(base / "root.key.pem", _pem_key(key), development)
    _write(base / "root.crt.pem", certificate.public_bytes(serialization.Encoding.PEM), development)
    return certificate


def _load_key(path: Path) -> ec.EllipticCurvePrivateKey:
    try:
        key = serialization.load_pem_private_key(read_private_file(path), password=None)
    except ValueError:
        raise KeyFileError(f"{path} is not an unencrypted PEM private key") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise KeyFileError(f"{path} does not hold an ECDSA key")
    return key


def _load_certificate(path: Path) -> x509.Certificate:
    try:
        return x509.load_pem_x509_certificate(path.read_bytes())
    except FileNotFoundError:
        raise KeyFileError(f"certificate file {path} does not exist") from None
    except ValueError:
        raise KeyFileError(f"{path} is not a PEM certificate") from None


def root_certificate(key_dir: Path, authority: str) -> x509.Certificate | None:
    path = folder(key_dir, authority) / "root.crt.pem"
    return _load_certificate(path) if path.exists() else None


def create_seal(key_dir: Path, authority: str, *, now: dt.datetime) -> x509.Certificate:
    """A new seal key and its certificate, issued by the authority's root (whose private key must
    be in the key folder for this)."""
    base = folder(key_dir, authority)
    root = _load_certificate(base / "root.crt.pem")
    root_key = _load_key(base / "root.key.pem")
    development = (base / f"root.key{DEVELOPMENT_MARK}").exists()
    key = ec.generate_private_key(ec.SECP256R1())
    names = [a.value for a in root.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)]
    country = root.subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value
    subject = _subject(authority, country, dict(zip(("lo", "en"), names)), "certificate seal", development)
    start = _start(now)
    certificate = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(root.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(min(start + dt.timedelta(days=round(365.25 * SEAL_YEARS)), root.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                     key_encipherment=False, data_encipherment=False, key_agreement=False,
                                     key_cert_sign=False, crl_sign=False, encipher_only=False,
                                     decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root.public_key()), critical=False)
        .sign(root_key, hashes.SHA256()))
    serial = serial_of(certificate)
    _write(base / f"seal-{serial}.key.pem", _pem_key(key), development)
    _write(base / f"seal-{serial}.crt.pem", certificate.public_bytes(serialization.Encoding.PEM), development)
    return certificate


def revocation_list(key_dir: Path, authority: str) -> x509.CertificateRevocationList | None:
    path = folder(key_dir, authority) / "root.crl.pem"
    return x509.load_pem_x509_crl(path.read_bytes()) if path.exists() else None


def compromised_serials(key_dir: Path, authority: str) -> set[str]:
    crl = revocation_list(key_dir, authority)
    return {f"{entry.serial_number:032x}" for entry in crl} if crl is not None else set()


@dataclass(frozen=True)
class SealCertificate:
    serial: str
    not_before: dt.datetime
    not_after: dt.datetime
    status: str  # "active" | "retired" | "compromised" | "expired"
    development: bool


def seal_certificates(key_dir: Path, authority: str, *, now: dt.datetime) -> list[SealCertificate]:
    """Every seal certificate of the authority, oldest first; the newest usable one is active."""
    base = folder(key_dir, authority)
    if not base.is_dir():
        return []
    revoked = compromised_serials(key_dir, authority)
    found = []
    for path in sorted(base.glob("seal-*.crt.pem")):
        certificate = _load_certificate(path)
        serial = serial_of(certificate)
        found.append((certificate.not_valid_before_utc, serial, certificate,
                      (base / f"seal-{serial}.key{DEVELOPMENT_MARK}").exists()))
    found.sort()
    active = next((serial for start, serial, cert, _dev in reversed(found)
                   if serial not in revoked and cert.not_valid_after_utc > now), None)
    return [SealCertificate(serial, start, cert.not_valid_after_utc,
                            "compromised" if serial in revoked else "active" if serial == active
                            else "expired" if cert.not_valid_after_utc <= now else "retired", development)
            for start, serial, cert, development in found]


def _mtimes(base: Path) -> tuple:
    if not base.is_dir():
        return ()
    return tuple(sorted((entry.name, entry.stat().st_mtime_ns) for entry in os.scandir(base)))


@functools.lru_cache(maxsize=32)
def _loaded(base: str, authority: str, serial: str, _stamp: tuple) -> SealKeys:
    path = Path(base)
    return SealKeys(authority, _load_key(path / f"seal-{serial}.key.pem"),
                    _load_certificate(path / f"seal-{serial}.crt.pem"), _load_certificate(path / "root.crt.pem"))


@functools.lru_cache(maxsize=32)
def _active_serial(key_dir: str, authority: str, _stamp: tuple, hour: dt.datetime) -> str | None:
    active = [s for s in seal_certificates(Path(key_dir), authority, now=hour) if s.status == "active"]
    return active[-1].serial if active else None


def active_seal(key_dir: Path, authority: str, *, now: dt.datetime) -> SealKeys | None:
    """The key that seals now: the newest seal certificate neither compromised nor expired.
    Chosen and loaded once per process, again whenever a file in the folder changes, and at
    least every hour (a certificate may expire)."""
    base = folder(key_dir, authority)
    stamp = _mtimes(base)
    serial = _active_serial(str(key_dir), authority, stamp, now.replace(minute=0, second=0, microsecond=0))
    return _loaded(str(base), authority, serial, stamp) if serial else None


def ensure_seal(key_dir: Path, authority: str, country: str, names: Mapping[str, str], *,
                now: dt.datetime, allow_generation: bool) -> SealKeys:
    """The active seal; outside production a missing root or seal is made (as development keys)."""
    found = active_seal(key_dir, authority, now=now)
    if found is not None:
        return found
    if not allow_generation:
        raise KeyFileError(f"{authority} has no usable document-seal key in {folder(key_dir, authority)}; "
                           f"run `flask keys seal-rotate --authority {authority}`")
    if root_certificate(key_dir, authority) is None:
        create_root(key_dir, authority, country, names, now=now, development=True)
    create_seal(key_dir, authority, now=now)
    return active_seal(key_dir, authority, now=now)


def rotate_seal(key_dir: Path, authority: str, country: str, names: Mapping[str, str], *,
                now: dt.datetime) -> x509.Certificate:
    """A new seal key (a root first, if the authority has none); older ones stay valid for what
    they sealed."""
    if root_certificate(key_dir, authority) is None:
        create_root(key_dir, authority, country, names, now=now)
    return create_seal(key_dir, authority, now=now)


def mark_compromised(key_dir: Path, authority: str, serial: str, *, now: dt.datetime) -> x509.CertificateRevocationList:
    """Add a seal certificate to the authority's CRL, signed by its root. Readers that are given
    the CRL then report what that key sealed as revoked."""
    base = folder(key_dir, authority)
    if not (base / f"seal-{serial}.crt.pem").exists():
        raise KeyFileError(f"{authority} has no seal certificate {serial}")
    root = _load_certificate(base / "root.crt.pem")
    root_key = _load_key(base / "root.key.pem")
    revoked = compromised_serials(key_dir, authority) | {serial}
    start = _start(now)
    old = revocation_list(key_dir, authority)
    number = 1
    if old is not None:
        number = old.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number + 1
    builder = (x509.CertificateRevocationListBuilder().issuer_name(root.subject)
               .last_update(start).next_update(start + dt.timedelta(days=30))
               .add_extension(x509.CRLNumber(number), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root.public_key()), critical=False))
    dates = {f"{e.serial_number:032x}": e.revocation_date_utc for e in old} if old is not None else {}
    for item in sorted(revoked):
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(int(item, 16))
            .revocation_date(dates.get(item, start))
            .add_extension(x509.CRLReason(x509.ReasonFlags.key_compromise), critical=False).build())
    crl = builder.sign(root_key, hashes.SHA256())
    path = base / "root.crl.pem"
    temporary = path.with_suffix(".new")
    temporary.unlink(missing_ok=True)
    write_private_file(temporary, crl.public_bytes(serialization.Encoding.PEM))
    os.replace(temporary, path)
    return crl


@dataclass(frozen=True)
class PublishedRoot:
    """An authority's root certificate as it is published: PEM, and its SHA-256 fingerprint."""

    authority: str
    pem: bytes
    fingerprint: str


@functools.lru_cache(maxsize=32)
def _published_root(path: str, _mtime: int, authority: str) -> PublishedRoot:
    certificate = _load_certificate(Path(path))
    return PublishedRoot(authority, certificate.public_bytes(serialization.Encoding.PEM), fingerprint(certificate))


def published_root(key_dir: Path, authority: str) -> PublishedRoot | None:
    """The root to publish, read once per process and again when its file changes."""
    path = folder(key_dir, authority) / "root.crt.pem"
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        return None
    return _published_root(str(path), mtime, authority)


ROOT_PATH = "/.well-known/skills-cert-seal/{authority}.pem"


def published_roots(key_dir: Path, base_url: str) -> list[dict]:
    """Every authority's seal root, as the key set lists it: code, fingerprint, download URL."""
    key_dir = Path(key_dir)
    if not key_dir.is_dir():
        return []
    roots = []
    for entry in sorted(p.name for p in key_dir.iterdir() if p.is_dir() and CODE.fullmatch(p.name)):
        root = published_root(key_dir, entry)
        if root is not None:
            roots.append({"authority": entry, "sha256": root.fingerprint,
                          "url": base_url.rstrip("/") + ROOT_PATH.format(authority=entry)})
    return roots
