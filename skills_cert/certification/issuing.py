"""Issuing, revoking and reissuing certificates.

Approving an assessment issues its certificate in the same transaction: a full certificate when
the outcome is competent, a statement of attainment when only some units were achieved. Numbers
come from a per-authority, per-year counter whose row is locked, so they are unique and gap-free.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
import secrets
from pathlib import Path

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from skills_cert.accounts.models import User
from skills_cert.assessment.candidate_checks import (
    CheckFailed,
    check_latin_name,
    check_own_name,
    check_thai_spelling,
)
from skills_cert.assessment.models import Assessment, AssessmentStatus, Candidate, Outcome
from skills_cert.assessment.recording import approve
from skills_cert.audit import log as audit
from skills_cert.certification import keys, signing
from skills_cert.certification.models import (
    REVOCATION_REASONS,
    Certificate,
    CertificateCounter,
    CertificateKind,
    CertificateStatus,
)
from skills_cert.database import contains
from skills_cert.errors import InvalidState, NotAllowed, ValidationFailed
from skills_cert.roles import Role

NUMBER_RE = re.compile(r"[A-Z]{2}-[0-9]{4}-[0-9]{6}")


def new_public_id() -> str:
    """128 random bits as 26 lower-case base32 characters."""
    return base64.b32encode(secrets.token_bytes(16)).decode("ascii").rstrip("=").lower()


def next_number(session: so.Session, authority: str, country: str, year: int) -> str:
    """The next number in the authority's sequence for *year*, under a row lock (gap-free)."""
    stmt = sa.select(CertificateCounter).where(
        CertificateCounter.authority_code == authority, CertificateCounter.year == year).with_for_update()
    counter = session.scalar(stmt)
    if counter is None:
        try:
            with session.begin_nested():
                session.add(CertificateCounter(authority_code=authority, year=year, last_number=0))
        except sa.exc.IntegrityError:
            pass  # someone else created it first; lock theirs
        counter = session.scalar(stmt.execution_options(populate_existing=True))
    counter.last_number += 1
    session.flush()
    return f"{country}-{year}-{counter.last_number:06d}"


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def issue_for(session: so.Session, assessment: Assessment, *, actor: User, today: dt.date,
              key_dir: Path, allow_key_generation: bool) -> Certificate | None:
    """Issue the certificate an approved assessment earns, or None if no unit was achieved."""
    if assessment.status is not AssessmentStatus.APPROVED:
        raise InvalidState(_("Only an approved assessment can earn a certificate."))
    if not assessment.achieved_units:
        return None
    if session.scalar(sa.select(Certificate.id).where(Certificate.first_for_assessment_id == assessment.id)):
        raise InvalidState(_("A certificate was already issued for this assessment."))
    kind = (CertificateKind.CERTIFICATE if assessment.outcome is Outcome.COMPETENT
            else CertificateKind.ATTAINMENT)
    return _issue(session, assessment, kind=kind, names=_names(assessment.candidate),
                  units=list(assessment.achieved_units), actor=actor, today=today, key_dir=key_dir,
                  allow_key_generation=allow_key_generation, first=True)


def _names(candidate: Candidate) -> tuple[str, str, str | None]:
    """The names a certificate is issued with: Lao script (or Thai, for a Thai national
    registered so), romanised, and Thai script. The first two are signed in the token; the name
    in Thai script is not (see the README, "The holder's name in Thai script")."""
    return candidate.name_lao, candidate.name_latin, candidate.name_thai


def _issue(session, assessment, *, kind, names, units, actor, today, key_dir, allow_key_generation,
           first, reissue_of: Certificate | None = None) -> Certificate:
    standard = assessment.session.standard
    authority = standard.authority
    key_row, private = keys.signing_key(session, authority.code, key_dir, today=today,
                                        allow_generate=allow_key_generation)
    number = next_number(session, authority.code, authority.country, today.year)
    facts = signing.SignedFacts(
        number=number, public_id=new_public_id(), kind=kind.value, authority=authority.code,
        name_lao=names[0], name_latin=names[1], standard_code=standard.code,
        standard_version=standard.version, level=standard.level, units=tuple(units),
        issued_on=today, expires_on=add_years(today, standard.certificate_validity_years),
        key_id=key_row.key_id)
    payload = signing.encode_payload(facts)
    signature = signing.sign(private, payload)
    certificate = Certificate(
        number=number, public_id=facts.public_id, download_token=new_public_id(), kind=kind,
        assessment_id=assessment.id, first_for_assessment_id=assessment.id if first else None,
        candidate_id=assessment.candidate_id, standard_id=standard.id, authority_code=authority.code,
        name_lao=names[0], name_latin=names[1], name_thai=names[2], units=list(units), issued_on=today,
        expires_on=facts.expires_on, key_id=key_row.key_id, payload=payload, signature=signature,
        token_digest=signing.token_digest(signing.make_token(payload, signature)), issued_by_id=actor.id,
        reissue_of_id=reissue_of.id if reissue_of else None)
    session.add(certificate)
    session.flush()
    audit.record(session, actor=actor, action="certificate.issue", object_type="certificate",
                 object_id=certificate.id, changes={"number": number, "kind": kind.value,
                                                    "assessment": assessment.id, "units": units,
                                                    "reissue_of": reissue_of.number if reissue_of else None})
    return certificate


def approve_and_issue(session: so.Session, assessment: Assessment, *, actor: User, expected_version: int,
                      today: dt.date, key_dir: Path, allow_key_generation: bool) -> Certificate | None:
    """The certifying officer's approval and the certificate it earns, in one transaction.

    An assessment approved before and submitted again had its decision overturned on appeal
    (`appeals`): what the old decision earned is revoked with reason "appeal", and what the new
    one earns is issued."""
    approve(session, assessment, actor=actor, expected_version=expected_version)
    earlier = list(session.scalars(sa.select(Certificate).where(Certificate.assessment_id == assessment.id)))
    if not earlier:
        return issue_for(session, assessment, actor=actor, today=today, key_dir=key_dir,
                         allow_key_generation=allow_key_generation)
    return _replace_after_appeal(session, assessment, earlier, actor=actor, today=today, key_dir=key_dir,
                                 allow_key_generation=allow_key_generation)


def _replace_after_appeal(session, assessment, earlier: list[Certificate], *, actor, today, key_dir,
                          allow_key_generation) -> Certificate | None:
    new = None
    if assessment.achieved_units:
        kind = (CertificateKind.CERTIFICATE if assessment.outcome is Outcome.COMPETENT
                else CertificateKind.ATTAINMENT)
        new = _issue(session, assessment, kind=kind, names=_names(assessment.candidate),
                     units=list(assessment.achieved_units), actor=actor, today=today, key_dir=key_dir,
                     allow_key_generation=allow_key_generation, first=False)
    for old in earlier:
        if old.status is CertificateStatus.VALID:
            revoke(session, old, actor=actor, reason="appeal", today=today, expected_version=old.version,
                   note=_("Replaced by %(number)s.", number=new.number) if new else "")
    return new


def token_of(certificate: Certificate) -> str:
    return signing.make_token(certificate.payload, certificate.signature)


def verify_url(certificate: Certificate, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/v/{token_of(certificate)}"


def _require_office(actor: User) -> None:
    if actor.role not in (Role.CERTIFYING_OFFICER, Role.ADMINISTRATOR):
        raise NotAllowed(_("Only a certifying officer or an administrator can do this."))


def revoke(session: so.Session, certificate: Certificate, *, actor: User, reason: str, note: str,
           today: dt.date, expected_version: int) -> None:
    _require_office(actor)
    if certificate.version != expected_version:
        raise InvalidState(_("Someone else changed this certificate. Reload the page."))
    if certificate.status is not CertificateStatus.VALID:
        raise InvalidState(_("Only a valid certificate can be revoked."))
    if reason not in REVOCATION_REASONS:
        raise ValidationFailed.single("reason", _("Choose the reason for revoking."))
    note = " ".join((note or "").split())[:500]
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_on = today
    certificate.revocation_reason = reason
    certificate.revocation_note = note or None
    session.flush()
    audit.record(session, actor=actor, action="certificate.revoke", object_type="certificate",
                 object_id=certificate.id, changes={"number": certificate.number, "reason": reason,
                                                    "note": note})


def reissue(session: so.Session, certificate: Certificate, *, actor: User, name_lao: str,
            name_latin: str, today: dt.date, expected_version: int, key_dir: Path,
            allow_key_generation: bool, name_thai: str | None = None) -> Certificate:
    """Issue a corrected copy (e.g. a misspelt name); the old one becomes superseded by it.
    An empty *name_thai* issues it without a name in Thai script."""
    _require_office(actor)
    if certificate.version != expected_version:
        raise InvalidState(_("Someone else changed this certificate. Reload the page."))
    if certificate.status is not CertificateStatus.VALID:
        raise InvalidState(_("Only a valid certificate can be reissued."))
    reasons: dict[str, list[str]] = {}
    try:
        name_lao = check_own_name(name_lao, nationality=certificate.candidate.nationality)
    except CheckFailed as exc:
        reasons["name_lao"] = [str(exc)]
    else:
        try:
            name_thai = check_thai_spelling(name_thai, own_name=name_lao)
        except CheckFailed as exc:
            reasons["name_thai"] = [str(exc)]
    try:
        name_latin = check_latin_name(name_latin)
    except CheckFailed as exc:
        reasons["name_latin"] = [str(exc)]
    if reasons:
        raise ValidationFailed(reasons)
    new = _issue(session, certificate.assessment, kind=certificate.kind,
                 names=(name_lao, name_latin, name_thai),
                 units=list(certificate.units), actor=actor, today=today, key_dir=key_dir,
                 allow_key_generation=allow_key_generation, first=False, reissue_of=certificate)
    certificate.status = CertificateStatus.SUPERSEDED
    certificate.superseded_by_id = new.id
    session.flush()
    return new


def find_by_number_and_birth(session: so.Session, number: str, date_of_birth: dt.date) -> Certificate | None:
    """The certificate with this number whose holder was born on this day; None otherwise.

    Callers must answer "no such certificate" and "wrong date of birth" the same way.
    """
    number = number.strip().upper()
    if not NUMBER_RE.fullmatch(number):
        return None  # not a certificate number at all (and never sent to the database)
    return session.scalar(sa.select(Certificate).join(Candidate, Certificate.candidate_id == Candidate.id)
                          .where(Certificate.number == number.strip().upper(),
                                 Candidate.date_of_birth == date_of_birth))


def search_select(query: str = "") -> sa.Select:
    stmt = sa.select(Certificate).options(so.joinedload(Certificate.standard)).order_by(Certificate.id.desc())
    query = query.strip()
    if query:
        needle = query.casefold()
        stmt = stmt.where(sa.or_(Certificate.number == query.upper(),
                                 contains(sa.func.lower(Certificate.name_latin), needle),
                                 contains(Certificate.name_lao, needle)))
    return stmt
