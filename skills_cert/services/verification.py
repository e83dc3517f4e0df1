"""The verdict on a certificate token: the signature check and the registry status, separately.

As in OpenCerts, two questions are answered apart: do the printed facts match the issuer's
signature, and what does the registry say about this certificate today.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so

from skills_cert import signing
from skills_cert.models import Certificate
from skills_cert.services.keys import published_keys


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
    certificate = session.scalar(sa.select(Certificate).where(Certificate.public_id == check.facts.public_id))
    if check.outcome == "compromised_key":
        return Verdict("compromised_key", "compromised_key", certificate, check.facts)
    if certificate is None:
        return Verdict("unknown", "valid", None, check.facts)
    if certificate.payload != signing.encode_payload(check.facts):
        return Verdict("altered", "invalid", None, None)
    state = certificate.state(today)
    return Verdict("genuine" if state == "valid" else state, "valid", certificate, check.facts)
