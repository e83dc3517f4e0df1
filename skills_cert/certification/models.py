"""Certificates and statements of attainment, the public halves of signing keys, and numbering."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from skills_cert.assessment.models import Assessment, Candidate
from skills_cert.columns import UTCDateTime, str_enum, utcnow
from skills_cert.extensions import db
from skills_cert.standards.models import Standard


class CertificateKind(enum.Enum):
    CERTIFICATE = "certificate"
    ATTAINMENT = "attainment"

    @property
    def label(self) -> str:
        return str({CertificateKind.CERTIFICATE: _l("Certificate"),
                    CertificateKind.ATTAINMENT: _l("Statement of attainment")}[self])


class CertificateStatus(enum.Enum):
    """Stored status. "Expired" is not stored: it follows from the date (see Certificate.state)."""

    VALID = "valid"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"


REVOCATION_REASONS = {
    "issued_in_error": _l("Issued in error"),
    "assessment_invalid": _l("The assessment was found invalid"),
    "fraud": _l("Fraud or false identity"),
    "holder_request": _l("At the holder's request"),
    "appeal": _l("The decision was changed on appeal"),
    "other": _l("Other reason"),
}
# Set only by the approval of a decision changed on appeal (`issuing.approve_and_issue`), never by hand.
AUTOMATIC_REVOCATION_REASONS = frozenset({"appeal"})


class SigningKey(db.Model):
    """The PUBLIC half of an issuing authority's Ed25519 key. Private keys live only in files."""

    __tablename__ = "signing_keys"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    key_id: so.Mapped[str] = so.mapped_column(sa.String(16), unique=True)
    authority_code: so.Mapped[str] = so.mapped_column(sa.String(40), index=True)
    public_key: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary(32))
    valid_from: so.Mapped[dt.date]
    valid_until: so.Mapped[dt.date | None]
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default="active")
    created_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class CertificateCounter(db.Model):
    """The last number used per authority and year; its row lock makes numbers gap-free."""

    __tablename__ = "certificate_counters"

    authority_code: so.Mapped[str] = so.mapped_column(sa.String(40), primary_key=True)
    year: so.Mapped[int] = so.mapped_column(primary_key=True)
    last_number: so.Mapped[int] = so.mapped_column(default=0)


class Certificate(db.Model):
    __tablename__ = "certificates"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    number: so.Mapped[str] = so.mapped_column(sa.String(24), unique=True)
    public_id: so.Mapped[str] = so.mapped_column(sa.String(32), unique=True)
    # The holder's personal download link; unguessable, and different from the public id.
    download_token: so.Mapped[str] = so.mapped_column(sa.String(32), unique=True)
    kind: so.Mapped[CertificateKind] = so.mapped_column(str_enum(CertificateKind))
    assessment_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("assessments.id"), index=True)
    # Set only on the first certificate of an assessment, so an assessment never yields two.
    first_for_assessment_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("assessments.id"), unique=True)
    candidate_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("candidates.id"), index=True)
    standard_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("standards.id"), index=True)
    authority_code: so.Mapped[str] = so.mapped_column(sa.String(40))
    name_lao: so.Mapped[str] = so.mapped_column(sa.String(120))
    name_latin: so.Mapped[str] = so.mapped_column(sa.String(120))
    name_thai: so.Mapped[str | None] = so.mapped_column(sa.String(120))
    units: so.Mapped[list[str]] = so.mapped_column(sa.JSON)
    issued_on: so.Mapped[dt.date] = so.mapped_column(index=True)
    expires_on: so.Mapped[dt.date]
    status: so.Mapped[CertificateStatus] = so.mapped_column(
        str_enum(CertificateStatus), default=CertificateStatus.VALID, index=True)
    revoked_on: so.Mapped[dt.date | None]
    revocation_reason: so.Mapped[str | None] = so.mapped_column(sa.String(32))
    revocation_note: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    superseded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("certificates.id"))
    reissue_of_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("certificates.id"))
    key_id: so.Mapped[str] = so.mapped_column(sa.String(16))
    payload: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary)
    signature: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary(64))
    # SHA-256 of the token as issued (`signing.token_digest`): a token presented with this digest
    # is that very token, so verification need not deflate the payload again to know it is
    # canonical. None only if it could not be worked out; verification then does the full check.
    token_digest: so.Mapped[bytes | None] = so.mapped_column(sa.LargeBinary(32))
    issued_by_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    version: so.Mapped[int] = so.mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    assessment: so.Mapped[Assessment] = so.relationship(foreign_keys=[assessment_id])
    candidate: so.Mapped[Candidate] = so.relationship()
    standard: so.Mapped[Standard] = so.relationship()
    superseded_by: so.Mapped[Certificate | None] = so.relationship(
        foreign_keys=[superseded_by_id], remote_side=[id])

    def state(self, today: dt.date) -> str:
        """valid, revoked, superseded or expired: what the registry says today."""
        return certificate_state(self.status, self.expires_on, today)


def certificate_state(status: CertificateStatus, expires_on: dt.date, today: dt.date) -> str:
    """A certificate's state from its stored status and its expiry date (`Certificate.state`)."""
    if status is not CertificateStatus.VALID:
        return status.value
    return "expired" if today > expires_on else "valid"


class VerificationEvent(db.Model):
    """One check of a certificate: when, the verdict, and the channel. The verifier's address is
    kept only as a keyed hash, enough to see one certificate checked by many clients at once."""

    __tablename__ = "verification_events"
    __table_args__ = (sa.Index("ix_verification_events_certificate_at", "certificate_id", "at"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow, index=True)
    certificate_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("certificates.id"))
    verdict: so.Mapped[str] = so.mapped_column(sa.String(20))
    channel: so.Mapped[str] = so.mapped_column(sa.String(8))  # qr | manual | api
    client_hash: so.Mapped[str] = so.mapped_column(sa.String(16))


class IssuedCredential(db.Model):
    """A certificate as a signed Open Badges 3.0 credential, made on first request and kept: the
    same bytes every time. Revocation does not change it; its bit in the authority's status list
    does (`status_list`, `status_index`: a random free position)."""

    __tablename__ = "issued_credentials"
    __table_args__ = (sa.UniqueConstraint("authority_code", "status_list", "status_index",
                                          name="uq_issued_credentials_status_position"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    certificate_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("certificates.id"), unique=True)
    authority_code: so.Mapped[str] = so.mapped_column(sa.String(40))
    status_list: so.Mapped[int]
    status_index: so.Mapped[int]
    # The salt of the ID number's hash: secret, shown only to the holder and the office as the
    # "ID check code" (a public salt would let anyone try every ID number).
    id_salt: so.Mapped[str] = so.mapped_column(sa.String(32))
    key_id: so.Mapped[str] = so.mapped_column(sa.String(16))
    document: so.Mapped[str] = so.mapped_column(sa.Text)  # the signed JSON, as served
    created_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class SessionApproval(db.Model):
    """One certifying officer's approval of a whole test session, done in batches
    (session_approval.py). `queue` holds the results the officer saw as [assessment id, version];
    `position` how many are done. A batch's approvals, certificates and the position commit together,
    so a crash loses one batch at most and the run goes on from where it stopped."""

    __tablename__ = "session_approvals"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    session_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("test_sessions.id"), index=True)
    officer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"))
    started_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    finished_at: so.Mapped[dt.datetime | None] = so.mapped_column(UTCDateTime)
    queue: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)
    position: so.Mapped[int] = so.mapped_column(default=0)
    certificates: so.Mapped[int] = so.mapped_column(default=0)
    attainments: so.Mapped[int] = so.mapped_column(default=0)
    without_certificate: so.Mapped[int] = so.mapped_column(default=0)  # approved, no unit achieved
    skipped: so.Mapped[list] = so.mapped_column(sa.JSON, default=list)  # [[assessment id, reason code, ...]]
