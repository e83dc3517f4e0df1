"""The verdict on a certificate token: the signature check and the registry status, separately.

As in OpenCerts, two questions are answered apart: do the printed facts match the issuer's
signature, and what does the registry say about this certificate today.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so

from skills_cert.certification import signing
from skills_cert.certification.keys import published_keys
from skills_cert.certification.models import Certificate, VerificationEvent
from skills_cert.columns import utcnow
from skills_cert.database import relax_durability
from skills_cert.standards.models import Standard, Unit


@dataclass(frozen=True)
class Verdict:
    outcome: str      # genuine | revoked | expired | superseded | altered | unknown | unknown_key | compromised_key | malformed
    signature: str    # the signature finding: valid | invalid | unknown_key | compromised_key | malformed
    certificate: Certificate | None
    facts: signing.SignedFacts | None

    @property
    def is_valid(self) -> bool:
        return self.outcome == "genuine"


def verify_token(session: so.Session, token: str, *, today: dt.date) -> Verdict:
    check = signing.check_token(token, published_keys(session))
    if check.outcome == "malformed":
        return Verdict("malformed", "malformed", None, None)
    if check.outcome == "altered":
        return Verdict("altered", "invalid", None, None)
    if check.outcome == "unknown_key":
        return Verdict("unknown_key", "unknown_key", None, None)
    certificate = session.scalar(sa.select(Certificate).where(Certificate.public_id == check.facts.public_id)
                                 .options(so.joinedload(Certificate.standard).joinedload(Standard.authority),
                                          so.selectinload(Certificate.standard, Standard.units).load_only(
                                              Unit.position, Unit.code, Unit.title)))
    if check.outcome == "compromised_key":
        return Verdict("compromised_key", "compromised_key", certificate, check.facts)
    if certificate is None:
        return Verdict("unknown", "valid", None, check.facts)
    if certificate.payload != signing.encode_payload(check.facts):
        return Verdict("altered", "invalid", None, None)
    state = certificate.state(today)
    return Verdict("genuine" if state == "valid" else state, "valid", certificate, check.facts)


CHANNELS = ("qr", "manual", "api")


def client_hash(address: str, secret: str, day: dt.date) -> str:
    """A keyed, daily-changing hash of the client's address: the address itself is never stored,
    and hashes cannot be linked across days."""
    key = hmac.new(secret.encode(), f"verify-client:{day.isoformat()}".encode(), hashlib.sha256).digest()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:16]


def log_verification(session: so.Session, verdict: Verdict, *, channel: str, client: str) -> None:
    """Add the verification event. Its transaction must carry nothing else: its commit is not
    waited for on disk (see `relax_durability`), as the log is written on every public request."""
    relax_durability(session)
    session.execute(sa.insert(VerificationEvent.__table__).values(  # a plain row: no object needed
        at=utcnow(), certificate_id=verdict.certificate.id if verdict.certificate else None,
        verdict=verdict.outcome, channel=channel, client_hash=client))


@dataclass(frozen=True)
class VerificationSummary:
    total: int
    distinct_clients_24h: int
    recent: list[VerificationEvent]


def summary(session: so.Session, certificate: Certificate, *, now: dt.datetime) -> VerificationSummary:
    """For the office: how often, how recently and by how many clients a certificate was checked."""
    base = sa.select(VerificationEvent).where(VerificationEvent.certificate_id == certificate.id)
    total = session.scalar(sa.select(sa.func.count()).select_from(base.subquery()))
    since = now - dt.timedelta(hours=24)
    distinct = session.scalar(sa.select(sa.func.count(sa.distinct(VerificationEvent.client_hash))).where(
        VerificationEvent.certificate_id == certificate.id, VerificationEvent.at >= since))
    recent = list(session.scalars(base.order_by(VerificationEvent.at.desc()).limit(20)))
    return VerificationSummary(total, distinct, recent)
