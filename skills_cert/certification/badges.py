"""Certificates as Open Badges 3.0 credentials: made on first request and kept, and the
authorities' revocation status lists.

Signing a credential canonicalises it (pyld; about 9 ms in all, `make bench`), so it is kept off the
approval path: the credential is made the first time anyone asks for it (the holder's page or
download, the office, the API, the PDF, the session ZIP, `flask certificates export`) and kept, so
every later request serves the same bytes. Revoking or replacing a certificate does not touch the
credential: it sets the certificate's bit in the status list, which is signed again when it
changes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from skills_cert.audit import log as audit
from skills_cert.certification import keys, wording
from skills_cert.certification.credentials import badge, issuers, proofs, status_list
from skills_cert.certification.issuing import verify_url
from skills_cert.certification.models import Certificate, CertificateStatus, IssuedCredential
from skills_cert.certification.signing.keyfiles import KeyFileError
from skills_cert.errors import InvalidState
from skills_cert.standards.models import Standard, StandardStatus

# No usable signing key: a key file missing or unreadable, or no active key (all compromised).
KEY_PROBLEMS = (KeyFileError, InvalidState)
MAX_LISTS = 100_000  # 6.5 billion credentials per authority; a larger list number in a URL is no list
FILL = status_list.LIST_BITS // 2  # a list takes new entries until half full: random picks stay quick
PUBLIC_STATUSES = (StandardStatus.ENDORSED, StandardStatus.SUPERSEDED)


@dataclass(frozen=True)
class CredentialSettings:
    base_url: str
    key_dir: Path
    allow_key_generation: bool

    @classmethod
    def from_config(cls, config) -> "CredentialSettings":
        settings = keys.key_settings(config)
        return cls(config["PUBLIC_BASE_URL"].rstrip("/"), settings["key_dir"], settings["allow_key_generation"])


def achievement_url(base_url: str, standard: Standard) -> str:
    return f"{base_url}/achievements/{standard.code}/{standard.version}"


def status_list_url(base_url: str, authority: str, number: int) -> str:
    return f"{base_url}/credentials/status/{authority}/{number}"


def credential_url(base_url: str, certificate: Certificate) -> str:
    return f"{base_url}/api/v1/credentials/{certificate.public_id}"


def _earlier_versions(session: so.Session, standard: Standard, base_url: str) -> tuple[tuple[str, int], ...]:
    rows = session.scalars(sa.select(Standard).where(
        Standard.authority_id == standard.authority_id, Standard.code == standard.code,
        Standard.version < standard.version, Standard.status.in_(PUBLIC_STATUSES)).order_by(Standard.version))
    return tuple((achievement_url(base_url, row), row.version) for row in rows)


def achievement_facts(session: so.Session, standard: Standard, base_url: str) -> badge.AchievementFacts:
    return badge.AchievementFacts(  # the title names the level ("Bricklaying Level 1"); so do the tags
        url=achievement_url(base_url, standard), code=standard.code, version=standard.version, name=standard.title,
        description=wording.in_three(wording.CREDENTIAL_STANDARD, code=standard.code, version=standard.version,
                                     level=standard.level, occupation=standard.occupation_title,
                                     isco=standard.occupation_isco),
        narrative=wording.CREDENTIAL_CRITERIA["certificate"], isco=standard.occupation_isco,
        tags=(f"Level {standard.level}", f"Lao NQF level {standard.nqf_level}",
              f"AQRF level {standard.aqrf_level}", f"ISCO-08 {standard.occupation_isco}"),
        units=tuple(badge.UnitFacts(unit.code, unit.title) for unit in standard.units),
        earlier_versions=_earlier_versions(session, standard, base_url))


def _free_position(session: so.Session, authority: str) -> tuple[int, int]:
    """A random free (list, index) in the authority's newest list that is not yet half full."""
    newest = session.execute(
        sa.select(IssuedCredential.status_list, sa.func.count()).where(IssuedCredential.authority_code == authority)
        .group_by(IssuedCredential.status_list).order_by(IssuedCredential.status_list.desc()).limit(1)).first()
    number = 1 if newest is None else newest[0] + (newest[1] >= FILL)
    while True:
        index = secrets.randbelow(status_list.LIST_BITS)
        taken = session.scalar(sa.select(IssuedCredential.id).where(
            IssuedCredential.authority_code == authority, IssuedCredential.status_list == number,
            IssuedCredential.status_index == index))
        if taken is None:
            return number, index


def _facts(session, certificate: Certificate, settings: CredentialSettings, position, salt) -> badge.CredentialFacts:
    standard = certificate.standard
    authority = standard.authority
    assessment = certificate.assessment
    centre = assessment.session.centre
    kind = certificate.kind.value
    achievement = achievement_facts(session, standard, settings.base_url)
    if kind == "attainment":
        achievement = dataclasses.replace(achievement, narrative=wording.CREDENTIAL_CRITERIA["attainment"])
    return badge.CredentialFacts(
        credential_url=credential_url(settings.base_url, certificate), number=certificate.number, kind=kind,
        name=wording.in_three({lang: "{title} {number}" for lang in wording.LANGS},
                              title=wording.TITLES[kind], number=certificate.number),
        description={lang: f"{text}: {verify_url(certificate, settings.base_url)}" if lang == "en" else text
                     for lang, text in wording.CREDENTIAL_CHECK_LIVE.items()},
        issuer_id=issuers.issuer_did(settings.base_url, authority.code), issuer_name=authority.name,
        issuer_url=settings.base_url + "/", name_lao=certificate.name_lao, name_latin=certificate.name_latin,
        id_type=certificate.candidate.id_type,
        identity_hash=badge.identity_hash(certificate.candidate.id_number, salt), achievement=achievement,
        units=tuple(certificate.units), pathway=wording.PATHWAYS[assessment.pathway.value],
        pathway_code=assessment.pathway.value, assessed_on=assessment.session.test_date,
        evidence=wording.in_three(wording.CREDENTIAL_ASSESSED, day=assessment.session.test_date.isoformat(),
                                  centre=centre.name),
        valid_from=certificate.issued_on, valid_until=certificate.expires_on,
        status_list_url=status_list_url(settings.base_url, authority.code, position[0]), status_index=position[1],
        name_thai=certificate.name_thai)


def credential_for(session: so.Session, certificate: Certificate, settings: CredentialSettings, *,
                   now: dt.datetime) -> IssuedCredential:
    """The certificate's credential: the one kept, or a new one signed now by the authority's
    current key. Only a valid certificate gets a new one (InvalidState otherwise)."""
    found = session.scalar(sa.select(IssuedCredential).where(IssuedCredential.certificate_id == certificate.id))
    if found is not None:
        return found
    if certificate.state(now.date()) != "valid":
        raise InvalidState(_("Only a valid certificate can be issued as a digital credential."))
    authority = certificate.standard.authority.code
    key_row, private = keys.signing_key(session, authority, settings.key_dir, today=now.date(),
                                        allow_generate=settings.allow_key_generation)
    did = issuers.issuer_did(settings.base_url, authority)
    while True:
        position, salt = _free_position(session, authority), secrets.token_hex(10)  # 80 bits
        document = badge.credential_document(_facts(session, certificate, settings, position, salt))
        signed = proofs.add_proof(document, private, issuers.verification_method(did, key_row.key_id), now)
        row = IssuedCredential(certificate_id=certificate.id, authority_code=authority, status_list=position[0],
                               status_index=position[1], id_salt=salt, key_id=key_row.key_id,
                               document=json.dumps(signed, ensure_ascii=False, indent=1))
        try:
            with session.begin_nested():
                session.add(row)
        except sa.exc.IntegrityError:
            # Someone else made this certificate's credential, or took the position, meanwhile.
            found = session.scalar(sa.select(IssuedCredential).where(IssuedCredential.certificate_id == certificate.id))
            if found is not None:
                return found
            continue
        audit.record(session, actor=None, action="credential.issue", object_type="certificate",
                     object_id=certificate.id, changes={"number": certificate.number, "key": key_row.key_id,
                                                        "status": f"{position[0]}/{position[1]}"})
        return row


def stored_credential(session: so.Session, certificate_id: int) -> str | None:
    return session.scalar(sa.select(IssuedCredential.document).where(IssuedCredential.certificate_id == certificate_id))


def without_credential(session: so.Session, certificate_ids: list[int]) -> list[int]:
    """Those of *certificate_ids* whose credential is not made yet."""
    made = set(session.scalars(sa.select(IssuedCredential.certificate_id)
                               .where(IssuedCredential.certificate_id.in_(certificate_ids))))
    return [certificate_id for certificate_id in certificate_ids if certificate_id not in made]


def check_code(credential: IssuedCredential) -> str:
    """The ID check code as the holder reads it aloud: the salt in groups of four."""
    return "-".join(credential.id_salt[i:i + 4] for i in range(0, len(credential.id_salt), 4)).upper()


def revoked_positions(session: so.Session, authority: str, number: int) -> list[int]:
    return list(session.scalars(
        sa.select(IssuedCredential.status_index).join(Certificate, IssuedCredential.certificate_id == Certificate.id)
        .where(IssuedCredential.authority_code == authority, IssuedCredential.status_list == number,
               Certificate.status != CertificateStatus.VALID).order_by(IssuedCredential.status_index)))


def list_exists(session: so.Session, authority: str, number: int) -> bool:
    """List 1 always exists; a later one once a credential is in it."""
    return number == 1 or session.scalar(sa.select(IssuedCredential.id).where(
        IssuedCredential.authority_code == authority, IssuedCredential.status_list == number).limit(1)) is not None


_signed_lists: dict[tuple[str, int], tuple[tuple, str]] = {}
_lists_lock = threading.Lock()


def signed_status_list(session: so.Session, authority: str, number: int, settings: CredentialSettings, *,
                       now: dt.datetime) -> str:
    """The status list credential as JSON text, signed again only when its bits or the signing key
    change (each process keeps the last one it signed)."""
    revoked = revoked_positions(session, authority, number)
    key_row, private = keys.signing_key(session, authority, settings.key_dir, today=now.date(),
                                        allow_generate=settings.allow_key_generation)
    url = status_list_url(settings.base_url, authority, number)
    fingerprint = (url, key_row.key_id, tuple(revoked))
    with _lists_lock:
        cached = _signed_lists.get((authority, number))
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    did = issuers.issuer_did(settings.base_url, authority)
    document = proofs.add_proof(status_list.list_credential(url, did, revoked, now), private,
                                issuers.verification_method(did, key_row.key_id), now)
    text = json.dumps(document, indent=1)
    with _lists_lock:
        _signed_lists[(authority, number)] = (fingerprint, text)
    return text


def did_document(session: so.Session, authority: str, base_url: str) -> dict | None:
    """The authority's DID document, or None for an authority without keys."""
    found = [key for key in keys.published_keys(session).values() if key.authority == authority]
    return issuers.did_document(issuers.issuer_did(base_url, authority), found) if found else None
