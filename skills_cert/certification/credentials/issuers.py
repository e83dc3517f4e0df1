"""Issuers as did:web identifiers, and their DID documents (controller documents).

An authority's DID is `did:web:` + the public host + the base path + `issuers:<authority>`. The
did:web method resolves it to `https://<host>/<base path>/issuers/<authority>/did.json`, which the
app serves: so any did:web resolver (wallets, DCC verifier-core, Digital Bazaar's did-io) finds
the keys without knowing anything about this system.

Its verification methods are the authority's Ed25519 keys as Multikey, the same keys that sign
the QR code's token. Every key stays in the document so old credentials keep verifying:
- active and retired keys are listed under `assertionMethod`;
- a compromised key stays listed as a verification method with `revoked` (the day it was
  reported), and is removed from `assertionMethod`, so no verifier accepts it any more.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from urllib.parse import quote, urlsplit

from skills_cert.certification.credentials.contexts import DID_V1, MULTIKEY_V1
from skills_cert.certification.credentials.proofs import multikey
from skills_cert.certification.signing.keyset import PublishedKey

DID_PATH = "issuers/{authority}/did.json"


def issuer_did(base_url: str, authority: str) -> str:
    parts = urlsplit(base_url)
    if not parts.hostname:
        raise ValueError(f"{base_url!r} has no host")
    host = quote(parts.hostname + (f":{parts.port}" if parts.port else ""), safe="")
    segments = [quote(s, safe="") for s in parts.path.split("/") if s]
    return ":".join(["did:web", host, *segments, "issuers", authority])


def authority_of(did: str) -> str | None:
    """The authority code at the end of one of our issuer DIDs, or None."""
    if not isinstance(did, str) or not did.startswith("did:web:"):
        return None
    parts = did.split(":")
    return parts[-1] if len(parts) >= 5 and parts[-2] == "issuers" else None


def verification_method(did: str, key_id: str) -> str:
    return f"{did}#{key_id}"


def did_document(did: str, keys: Iterable[PublishedKey]) -> dict:
    """The DID document of one authority, from its published keys (oldest first)."""
    methods, assertion = [], []
    for key in sorted(keys, key=lambda k: (k.valid_from, k.key_id)):
        method = {"id": verification_method(did, key.key_id), "type": "Multikey", "controller": did,
                  "publicKeyMultibase": multikey(key.public_key)}
        if key.status == "compromised":
            reported = key.valid_until or key.valid_from
            method["revoked"] = datetime.datetime.combine(reported, datetime.time()).isoformat() + "Z"
        else:
            assertion.append(method["id"])
        methods.append(method)
    return {"@context": [DID_V1, MULTIKEY_V1], "id": did, "verificationMethod": methods,
            "assertionMethod": assertion}
