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

from skills_cert.certification import public_record, signing
from skills_cert.certification.keys import published_keys
from skills_cert.certification.models import Certificate, VerificationEvent
from skills_cert.certification.public_record import PublicCertificate
from skills_cert.columns import utcnow
from skills_cert.database import Statement, db_utc, relax_durability


@dataclass(frozen=True)
class Verdict:
    outcome: str      # genuine | revoked | expired | superseded | altered | unknown | unknown_key | compromised_key | malformed
    signature: str    # the signature finding: valid | invalid | unknown_key | compromised_key | malformed
    certificate: PublicCertificate | None
    facts: signing.SignedFacts | None

    @property
    def is_valid(self) -> bool:
        return self.outcome == "genuine"


def verify_token(session: so.Session, token: str, *, today: dt.date) -> Verdict:
    """The verdict on a token. A token the registry issued (its digest is the certificate's
    `token_digest`) is known to be canonical, so its payload is not deflated again; any other
    token gets `signing.check_token`'s full check. Either way the verdict is the same."""
    keys = published_keys(session)
    certificate, check, payload = None, None, None
    try:
        payload, signature = signing.read_token(token)
        facts = signing.decode_payload(payload)
    except signing.TokenError:
        pass
    else:
        certificate = public_record.read(session, facts.public_id)
        if certificate is not None and certificate.token_digest == signing.token_digest(token):
            check = signing.check_signed(payload, signature, facts, keys)
    if check is None:
        check = signing.check_token(token, keys)
    if check.outcome == "malformed":
        return Verdict("malformed", "malformed", None, None)
    if check.outcome == "altered":
        return Verdict("altered", "invalid", None, None)
    if check.outcome == "unknown_key":
        return Verdict("unknown_key", "unknown_key", None, None)
    if check.outcome == "compromised_key":
        return Verdict("compromised_key", "compromised_key", certificate, check.facts)
    if certificate is None:
        return Verdict("unknown", "valid", None, check.facts)
    if certificate.payload != payload:  # the canonical payload of check.facts (`decode_payload` saw to it)
        return Verdict("altered", "invalid", None, None)
    state = certificate.state(today)
    return Verdict("genuine" if state == "valid" else state, "valid", certificate, check.facts)


CHANNELS = ("qr", "manual", "api")


def client_hash(address: str, secret: str, day: dt.date) -> str:
    """A keyed, daily-changing hash of the client's address: the address itself is never stored,
    and hashes cannot be linked across days."""
    key = hmac.new(secret.encode(), f"verify-client:{day.isoformat()}".encode(), hashlib.sha256).digest()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:16]


REPEAT_WINDOW = dt.timedelta(minutes=10)  # one client checking one certificate again within it: one event


_REPEAT_SQL = ("SELECT 1 FROM verification_events WHERE certificate_id {} AND at >= ? AND client_hash = ? "
               "AND verdict = ? AND channel = ? LIMIT 1")
_REPEAT = Statement(_REPEAT_SQL.format("= ?"))
_REPEAT_UNKNOWN = Statement(_REPEAT_SQL.format("IS NULL"))
_INSERT = Statement("INSERT INTO verification_events (at, certificate_id, verdict, channel, client_hash) "
                    "VALUES (?, ?, ?, ?, ?)")


def log_verification(session: so.Session, verdict: Verdict, *, channel: str, client: str,
                     now: dt.datetime | None = None) -> bool:
    """Add the verification event, unless the same client had the same verdict on the same
    certificate through the same channel within REPEAT_WINDOW (a reload, or a script asking again and again): repeats
    would inflate the statistics and the office's "many clients" warning. True if added.

    Its transaction must carry nothing else: its commit is not waited for on disk (see
    `relax_durability`), as the log is written on every public request. Plain SQL on the
    session's connection, like the read (`public_record`)."""
    now = now or utcnow()
    certificate_id = verdict.certificate.id if verdict.certificate else None
    since = (db_utc(session, now - REPEAT_WINDOW), client, verdict.outcome, channel)
    repeat = _REPEAT.run(session, (certificate_id, *since)) if certificate_id is not None \
        else _REPEAT_UNKNOWN.run(session, since)
    if repeat.fetchone() is not None:
        return False
    relax_durability(session)
    _INSERT.run(session, (db_utc(session, now), certificate_id, verdict.outcome, channel, client))
    return True


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
