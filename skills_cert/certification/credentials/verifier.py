"""Our own verifier of skills credentials: the proof, the key, the validity period and, when a
status list credential is given, revocation. No network and no database: the keys come from the
published key set, the contexts from the package.

It is stricter than a general verifier on purpose: it accepts only the shape this system issues
(the two contexts, one eddsa-rdfc-2022 proof, an issuer DID of ours), so a credential it calls
genuine has exactly the facts the authority signed.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from skills_cert.certification.credentials import proofs, status_list
from skills_cert.certification.credentials.contexts import OB_V3, VC_V2
from skills_cert.certification.credentials.issuers import authority_of, verification_method
from skills_cert.certification.signing.keyset import PublishedKey

OUTCOMES = ("genuine", "malformed", "altered", "unknown_key", "compromised_key")
STATUSES = ("not_checked", "not_revoked", "revoked", "unusable")


@dataclass(frozen=True)
class CredentialCheck:
    outcome: str  # one of OUTCOMES: is this exactly what the issuer signed?
    detail: str  # a short English reason
    key: PublishedKey | None = None
    valid_from: datetime.datetime | None = None
    valid_until: datetime.datetime | None = None
    status: str = "not_checked"  # one of STATUSES
    status_detail: str = ""

    @property
    def is_genuine(self) -> bool:
        return self.outcome == "genuine"

    def period(self, now: datetime.datetime) -> str:
        """"current", "expired" or "not_yet_valid" at *now*."""
        if self.valid_until is not None and now > self.valid_until:
            return "expired"
        if self.valid_from is not None and now < self.valid_from:
            return "not_yet_valid"
        return "current"


def _moment(value: object, what: str) -> datetime.datetime:
    try:
        if not isinstance(value, str):
            raise ValueError
        moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise proofs.ProofError(f"{what} is not a date and time") from None
    if moment.tzinfo is None:
        raise proofs.ProofError(f"{what} has no time zone")
    return moment


def _issuer_id(document: dict) -> str:
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(issuer_id, str) or authority_of(issuer_id) is None:
        raise proofs.ProofError("the issuer is not a skills authority's did:web")
    return issuer_id


def check_signed(document: object, keys: Mapping[str, PublishedKey], contexts: list[str]) -> CredentialCheck:
    """Is *document* exactly what one of these keys signed, with a key valid when it signed?"""
    try:
        if not isinstance(document, dict):
            raise proofs.ProofError("a credential is a JSON object")
        if document.get("@context") != contexts:
            raise proofs.ProofError("@context must be exactly " + ", ".join(contexts))
        issuer_id = _issuer_id(document)
        proof = proofs.proof_of(document)
        created = proofs.proof_created(proof)
        valid_from = _moment(document.get("validFrom"), "validFrom")
        valid_until = _moment(document["validUntil"], "validUntil") if "validUntil" in document else None
    except proofs.ProofError as exc:
        return CredentialCheck("malformed", str(exc))
    method = proof["verificationMethod"]
    key_id = method.rpartition("#")[2]
    key = keys.get(key_id)
    if key is None or method != verification_method(issuer_id, key_id):
        return CredentialCheck("unknown_key", f"{method} is not one of the published keys")
    if key.authority != authority_of(issuer_id):
        return CredentialCheck("altered", f"key {key_id} belongs to {key.authority}, not to the issuer", key)
    try:
        proofs.check_proof(document, key.public_key)
    except proofs.ProofError as exc:
        return CredentialCheck("altered", str(exc), key)
    day = created.astimezone(datetime.timezone.utc).date()
    if day < key.valid_from or (key.valid_until is not None and day > key.valid_until):
        return CredentialCheck("altered", f"signed on {day}, outside the validity of key {key_id}", key)
    found = dict(key=key, valid_from=valid_from, valid_until=valid_until)
    if key.status == "compromised":
        return CredentialCheck("compromised_key", f"key {key_id} is marked compromised", **found)
    return CredentialCheck("genuine", f"signed with {key.status} key {key_id}", **found)


def _status(credential: dict, status_credential: object, keys: Mapping[str, PublishedKey]) -> tuple[str, str]:
    entry = credential.get("credentialStatus")
    if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry" \
            or entry.get("statusPurpose") != status_list.PURPOSE:
        return "unusable", "the credential has no revocation status entry"
    listed = check_signed(status_credential, keys, [VC_V2])
    if not listed.is_genuine:
        return "unusable", f"the status list is not genuine: {listed.detail}"
    if status_credential.get("id") != entry.get("statusListCredential"):
        return "unusable", "the status list is not the one the credential names"
    if _issuer_id(status_credential) != _issuer_id(credential):
        return "unusable", "the status list has another issuer"
    subject = status_credential.get("credentialSubject")
    try:
        if not isinstance(subject, dict) or subject.get("statusPurpose") != status_list.PURPOSE:
            raise status_list.StatusListError("the status list is not for revocation")
        index = entry.get("statusListIndex")
        if not isinstance(index, str) or not index.isdigit():
            raise status_list.StatusListError("statusListIndex is not a whole number")
        revoked = status_list.is_set(status_list.decode(subject.get("encodedList")), int(index))
    except status_list.StatusListError as exc:
        return "unusable", str(exc)
    if revoked:
        return "revoked", f"bit {index} of {entry['statusListCredential']} is set"
    return "not_revoked", f"bit {index} of {entry['statusListCredential']} is not set"


def check_credential(document: object, keys: Mapping[str, PublishedKey],
                     status_credential: object | None = None) -> CredentialCheck:
    """The whole check of a skills credential. Without *status_credential* the status is
    "not_checked"; the caller decides what expiry means at its own clock (`period`)."""
    result = check_signed(document, keys, [VC_V2, OB_V3])
    if status_credential is None or result.outcome not in ("genuine", "compromised_key"):
        return result
    try:
        status, detail = _status(document, status_credential, keys)
    except proofs.ProofError as exc:
        status, detail = "unusable", str(exc)
    return CredentialCheck(result.outcome, result.detail, result.key, result.valid_from, result.valid_until,
                           status, detail)
