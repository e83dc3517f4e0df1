"""A certificate as an Open Badges 3.0 `OpenBadgeCredential` (W3C Verifiable Credentials Data Model
2.0), built from plain facts: no Flask, no database.

What goes in, and what stays out:
- the holder's name in Lao script and romanised, and in Thai script when the certificate has one,
  as `IdentityObject`s of type `name`, in that order (Lao, romanised, Thai). OB 3.0 has no
  language tag on an IdentityObject and 1EdTech's schema allows no language map, so the script
  says which is which. A name registered in Thai script (a Thai national) is listed once;
- every text in Lao, Thai and English. 1EdTech's JSON Schema for OB 3.0 allows only a string for
  `name`, `description` and `narrative` (no language value objects), and wallets show that string
  as it is, so each text is one string: Lao, Thai and English joined by " / ";
- the identity document only as a salted SHA-256 `identityHash` (`identityType`
  `nationalIdentityNumber` or `ext:passportNumber`). The salt is NOT in the credential: an ID
  number has so few possible values that anyone holding a public salt could try them all in
  seconds. The holder gets it as the "ID check code" and gives it to an employer who wants to
  match the credential to the ID card (`check_identity`);
- no date of birth, no contact details, no recognition abroad (that is derived live, on the
  verification page).
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from skills_cert.certification.credentials.contexts import OB_V3, VC_V2

LANGUAGES = ("lo", "th", "en")
ID_TYPES = {"national_id": "nationalIdentityNumber", "passport": "ext:passportNumber"}
ACHIEVEMENT_TYPES = {"certificate": "Certificate", "attainment": "ext:StatementOfAttainment"}
OB_SCHEMA = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
Text3 = Mapping[str, str]


def trilingual(text: Text3) -> str:
    """Lao / Thai / English in one string, leaving out a language that is missing or repeats."""
    parts: list[str] = []
    for lang in LANGUAGES:
        value = (text.get(lang) or "").strip()
        if value and value not in parts:
            parts.append(value)
    return " / ".join(parts)


@dataclass(frozen=True)
class UnitFacts:
    code: str
    title: Text3


@dataclass(frozen=True)
class AchievementFacts:
    url: str  # the public page of this standard version
    code: str
    version: int
    name: Text3  # title, level
    description: Text3
    narrative: Text3  # the criteria: what earns it
    isco: str
    tags: tuple[str, ...]  # level, national and regional framework levels
    units: tuple[UnitFacts, ...]  # every unit of the version, in order
    earlier_versions: tuple[tuple[str, int], ...]  # (url, version) of the versions it supersedes


@dataclass(frozen=True)
class CredentialFacts:
    credential_url: str
    number: str
    kind: str  # certificate | attainment
    name: Text3
    description: Text3  # says where to check it live
    issuer_id: str  # the authority's did:web
    issuer_name: Text3
    issuer_url: str
    name_lao: str
    name_latin: str
    id_type: str  # national_id | passport
    identity_hash: str  # "sha256$<hex>" of the ID number and the secret salt
    achievement: AchievementFacts
    units: tuple[str, ...]  # achieved unit codes
    pathway: Text3  # regular test or RPL, in words
    pathway_code: str  # regular | rpl
    assessed_on: datetime.date
    evidence: Text3  # when and where it was assessed
    valid_from: datetime.date
    valid_until: datetime.date
    status_list_url: str
    status_index: int
    name_thai: str | None = None  # the name in Thai script, when the certificate has one


def identity_hash(id_number: str, salt: str) -> str:
    """OB 3.0's IdentityHash: "sha256$" and the hex SHA-256 of the number followed by the salt."""
    return "sha256$" + hashlib.sha256((id_number + salt).encode("utf-8")).hexdigest()


# Lao (U+0ED0..) and Thai (U+0E50..) digits typed on a Lao or Thai keyboard count as 0-9.
_DIGITS = {0x0ED0 + i: str(i) for i in range(10)} | {0x0E50 + i: str(i) for i in range(10)}


def normalise_id_number(text: str) -> str:
    """An ID number as the registry keeps it: no spaces or hyphens, upper case, digits 0-9."""
    return "".join(text.split()).replace("-", "").translate(_DIGITS).upper()


def salt_from_code(code: str) -> str:
    """The salt in an ID check code as the holder shows it (upper case, in groups of four)."""
    return "".join(code.split()).replace("-", "").lower()


def check_identity(credential: dict, id_number: str, check_code: str) -> bool:
    """Does this ID card number, with the holder's ID check code, match the credential's hash?"""
    wanted = identity_hash(normalise_id_number(id_number), salt_from_code(check_code))
    subject = credential.get("credentialSubject") if isinstance(credential, dict) else None
    entries = subject.get("identifier") if isinstance(subject, dict) else None
    return isinstance(entries, list) and any(
        isinstance(entry, dict) and entry.get("hashed") is True and entry.get("identityHash") == wanted
        for entry in entries)


def _day(value: datetime.date) -> str:
    return value.isoformat() + "T00:00:00Z"


def _unit_alignment(achievement: AchievementFacts, unit: UnitFacts) -> dict:
    return {"type": ["Alignment"], "targetType": "ceasn:Competency", "targetCode": unit.code,
            "targetName": trilingual(unit.title),
            "targetFramework": f"{achievement.code} v{achievement.version}",
            "targetUrl": f"{achievement.url}#{unit.code}"}


def achievement_id(url: str, kind: str) -> str:
    """The full certificate is the standard version; a statement of attainment (some units) is
    a different achievement of the same version."""
    return url if kind == "certificate" else f"{url}#statement-of-attainment"


def _achievement(facts: AchievementFacts, kind: str) -> dict:
    achievement = {
        "id": achievement_id(facts.url, kind), "type": ["Achievement"],
        "achievementType": ACHIEVEMENT_TYPES[kind],
        "name": trilingual(facts.name), "description": trilingual(facts.description),
        "criteria": {"narrative": trilingual(facts.narrative)},
        "humanCode": facts.code, "version": str(facts.version), "tag": list(facts.tags),
        "otherIdentifier": [{"type": "IdentifierEntry", "identifier": facts.isco,
                             "identifierType": "ext:ISCO-08"}],
        "alignment": [_unit_alignment(facts, unit) for unit in facts.units],
    }
    if facts.earlier_versions:
        achievement["related"] = [{"id": url, "type": ["Related"], "version": str(version)}
                                  for url, version in facts.earlier_versions]
    return achievement


def credential_document(facts: CredentialFacts) -> dict:
    """The unsigned OpenBadgeCredential of *facts*."""
    achievement = facts.achievement
    units = {unit.code: unit for unit in achievement.units}
    return {
        "@context": [VC_V2, OB_V3],
        "id": facts.credential_url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": trilingual(facts.name),
        "description": trilingual(facts.description),
        "issuer": {"id": facts.issuer_id, "type": ["Profile"], "name": trilingual(facts.issuer_name),
                   "url": facts.issuer_url},
        "validFrom": _day(facts.valid_from),
        "validUntil": _day(facts.valid_until),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {"type": "IdentityObject", "identityType": "name", "hashed": False,
                 "identityHash": facts.name_lao},
                {"type": "IdentityObject", "identityType": "name", "hashed": False,
                 "identityHash": facts.name_latin},
                *([{"type": "IdentityObject", "identityType": "name", "hashed": False,
                    "identityHash": facts.name_thai}]
                  if facts.name_thai and facts.name_thai != facts.name_lao else []),
                {"type": "IdentityObject", "identityType": ID_TYPES[facts.id_type], "hashed": True,
                 "identityHash": facts.identity_hash},
            ],
            "licenseNumber": facts.number,
            "activityEndDate": facts.assessed_on.isoformat(),
            "achievement": _achievement(achievement, facts.kind),
            "result": [{"type": ["Result"], "status": "Completed",
                        "alignment": [_unit_alignment(achievement, units[code])]} for code in facts.units],
        },
        "evidence": [{"type": ["Evidence"], "name": trilingual(facts.pathway),
                      "genre": facts.pathway_code, "narrative": trilingual(facts.evidence)}],
        "credentialSchema": [{"id": OB_SCHEMA, "type": "JsonSchema"}],
        "credentialStatus": {
            "id": f"{facts.status_list_url}#{facts.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(facts.status_index),
            "statusListCredential": facts.status_list_url,
        },
    }
