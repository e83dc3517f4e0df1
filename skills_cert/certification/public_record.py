"""A certificate as the public verification reads it: one indexed SELECT, no ORM.

Verification is the one page anyone in the world can call, so its read is plain SQL through
`database.Statement`: the certificate with what changes (its status, the authority's name, the
credited units of its assessment), and the standard's own texts and units from a per-process cache.
An endorsed standard version is frozen (`Standard.is_frozen`), so its texts cannot change; the cache
is keyed by the version's id, code, number and creation time, as `recording.rules_for` keys its
rules, so a registry restored from a backup or rebuilt never serves another version's texts. A draft
is read every time.

`PublicCertificate` offers the attributes the templates and the API read from a `Certificate`
(`standard.authority.name`, `standard.units`, `assessment.credited_units`, `superseded_by`,
`kind.label`, `state(today)` ...), so the templates take either.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

import sqlalchemy.orm as so

from skills_cert.certification.models import (
    CertificateKind,
    CertificateStatus,
    certificate_state,
)
from skills_cert.database import Statement, as_date, as_json
from skills_cert.standards.models import StandardStatus, Text3


@dataclass(frozen=True)
class PublicAuthority:
    code: str
    name: Text3


@dataclass(frozen=True)
class PublicUnit:
    code: str
    title: Text3


@dataclass(frozen=True)
class PublicStandard:
    id: int
    code: str
    version: int
    level: int
    title: Text3
    occupation_title: Text3
    units: tuple[PublicUnit, ...]
    authority: PublicAuthority


@dataclass(frozen=True)
class PublicAssessment:
    credited_units: list[str]


@dataclass(frozen=True)
class PublicSuccessor:
    """The certificate that replaced a superseded one: enough for its number and its link."""

    number: str
    payload: bytes
    signature: bytes


@dataclass(frozen=True)
class PublicCertificate:
    id: int
    number: str
    public_id: str
    kind: CertificateKind
    standard_id: int
    authority_code: str
    name_lao: str
    name_latin: str
    name_thai: str | None
    units: list[str]
    issued_on: dt.date
    expires_on: dt.date
    status: CertificateStatus
    revoked_on: dt.date | None
    revocation_reason: str | None
    key_id: str
    payload: bytes
    signature: bytes
    token_digest: bytes | None
    standard: PublicStandard
    assessment: PublicAssessment
    superseded_by: PublicSuccessor | None

    def state(self, today: dt.date) -> str:
        return certificate_state(self.status, self.expires_on, today)


_CERTIFICATE = Statement(  # the tables by name, unaliased: query plans then name them (tests/app/test_query_plans.py)
    "SELECT certificates.id, certificates.number, certificates.public_id, certificates.kind, "
    "certificates.standard_id, certificates.authority_code, certificates.name_lao, certificates.name_latin, "
    "certificates.name_thai, certificates.units, certificates.issued_on, certificates.expires_on, "
    "certificates.status, certificates.revoked_on, certificates.revocation_reason, certificates.superseded_by_id, "
    "certificates.key_id, certificates.payload, certificates.signature, certificates.token_digest, "
    "standards.code, standards.version, standards.status, standards.created_at, authorities.code, "
    "authorities.name, assessments.credited_units "
    "FROM certificates JOIN standards ON standards.id = certificates.standard_id "
    "JOIN authorities ON authorities.id = standards.authority_id "
    "JOIN assessments ON assessments.id = certificates.assessment_id WHERE certificates.public_id = ?")
_STANDARD = Statement("SELECT level, title, occupation_title FROM standards WHERE id = ?")
_UNITS = Statement("SELECT code, title FROM units WHERE standard_id = ? ORDER BY position")
_SUCCESSOR = Statement("SELECT number, payload, signature FROM certificates WHERE id = ?")


def read(session: so.Session, public_id: str) -> PublicCertificate | None:
    """The certificate with this public id, or None."""
    row = _CERTIFICATE.run(session, (public_id,)).fetchone()
    if row is None:
        return None
    (number, public_id, kind, standard_id, authority_code, name_lao, name_latin, name_thai, units, issued_on,
     expires_on, status, revoked_on, reason, successor_id, key_id, payload, signature, digest,
     code, version, standard_status, created_at, authority, authority_name, credited) = row[1:]
    texts = _standard_texts(session, standard_id, code, version, standard_status, created_at)
    successor = _SUCCESSOR.run(session, (successor_id,)).fetchone() if successor_id is not None else None
    return PublicCertificate(
        id=row[0], number=number, public_id=public_id, kind=CertificateKind(kind), standard_id=standard_id,
        authority_code=authority_code, name_lao=name_lao, name_latin=name_latin, name_thai=name_thai,
        units=as_json(units), issued_on=as_date(issued_on), expires_on=as_date(expires_on),
        status=CertificateStatus(status), revoked_on=as_date(revoked_on), revocation_reason=reason,
        key_id=key_id, payload=bytes(payload), signature=bytes(signature),
        token_digest=bytes(digest) if digest is not None else None,
        standard=PublicStandard(standard_id, code, version, *texts,
                                authority=PublicAuthority(authority, as_json(authority_name))),
        assessment=PublicAssessment(as_json(credited) or []),
        superseded_by=PublicSuccessor(successor[0], bytes(successor[1]), bytes(successor[2])) if successor else None)


_frozen: dict[tuple, tuple] = {}
_lock = threading.Lock()


def _standard_texts(session: so.Session, standard_id: int, code: str, version: int, status: str,
                    created_at) -> tuple[int, Text3, Text3, tuple[PublicUnit, ...]]:
    """(level, title, occupation title, units) of a standard version, cached once it is frozen."""
    key = (standard_id, code, version, str(created_at))
    found = _frozen.get(key)
    if found is not None:
        return found
    level, title, occupation = _STANDARD.run(session, (standard_id,)).fetchone()
    units = tuple(PublicUnit(unit_code, as_json(unit_title))
                  for unit_code, unit_title in _UNITS.run(session, (standard_id,)).fetchall())
    found = (level, as_json(title), as_json(occupation), units)
    if StandardStatus(status) is not StandardStatus.DRAFT:
        with _lock:
            _frozen[key] = found
    return found
