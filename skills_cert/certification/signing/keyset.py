"""Published key sets (format `skills_cert/keyset@1`): the public halves of the issuers' keys as
JSON, for the verification page, the API and offline verifiers."""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from skills_cert.certification.signing.payload import BASE64URL, CODE, TokenError, b64url, parse_date

KEY_STATUSES = ("active", "retired", "compromised")
KEYSET_FORMAT = "skills_cert/keyset@1"


@dataclass(frozen=True)
class PublishedKey:
    key_id: str
    authority: str
    public_key: Ed25519PublicKey
    valid_from: datetime.date
    valid_until: datetime.date | None  # None: still issuing; a retired key keeps verifying
    status: str  # "active" | "retired" | "compromised"


def _raw_public(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id_for(public_key: Ed25519PublicKey) -> str:
    """First 8 bytes of SHA-256 of the raw 32-byte public key, as 16 lowercase hex characters."""
    return hashlib.sha256(_raw_public(public_key)).digest()[:8].hex()


def _check_key(key: PublishedKey, where: str) -> None:
    if not isinstance(key.public_key, Ed25519PublicKey):
        raise ValueError(f"{where}: public_key is not an Ed25519 key")
    if key.key_id != key_id_for(key.public_key):
        raise ValueError(f"{where}: kid {key.key_id!r} does not match its public key "
                         f"(expected {key_id_for(key.public_key)})")
    if not isinstance(key.authority, str) or not CODE.fullmatch(key.authority):
        raise ValueError(f"{where}: authority must be a code such as LA-SDI")
    if key.status not in KEY_STATUSES:
        raise ValueError(f"{where}: status must be one of {', '.join(KEY_STATUSES)}")
    if key.valid_until is not None and key.valid_until < key.valid_from:
        raise ValueError(f"{where}: valid_until is before valid_from")
    if key.status == "retired" and key.valid_until is None:
        raise ValueError(f"{where}: a retired key needs valid_until")


def keyset_to_json(keys: Iterable[PublishedKey], seal_roots: Iterable[dict] = ()) -> dict:
    """The public key set as published for verifiers, sorted by kid. *seal_roots* are the
    authorities' root certificates for PDF seals ({"authority", "sha256", "url"}), listed when
    any exist; token verification does not use them."""
    entries = []
    for key in sorted(keys, key=lambda k: k.key_id):
        _check_key(key, f"key {key.key_id}")
        entries.append({
            "kid": key.key_id, "authority": key.authority, "alg": "Ed25519",
            "public_key": b64url(_raw_public(key.public_key)),
            "valid_from": key.valid_from.isoformat(),
            "valid_until": key.valid_until.isoformat() if key.valid_until else None,
            "status": key.status})
    document = {"format": KEYSET_FORMAT, "keys": entries}
    roots = sorted(({"authority": r["authority"], "sha256": r["sha256"], "url": r["url"]} for r in seal_roots),
                   key=lambda r: r["authority"])
    if roots:
        document["seal_roots"] = roots
    return document


_SEAL_ROOT = re.compile(r"([0-9A-F]{2}:){31}[0-9A-F]{2}")


def _check_seal_roots(roots: object) -> None:
    if not isinstance(roots, list):
        raise ValueError('"seal_roots" must be a list')
    for index, root in enumerate(roots):
        if (not isinstance(root, dict) or set(root) != {"authority", "sha256", "url"}
                or not isinstance(root["authority"], str) or not CODE.fullmatch(root["authority"])
                or not isinstance(root["sha256"], str) or not _SEAL_ROOT.fullmatch(root["sha256"])
                or not isinstance(root["url"], str) or not root["url"].startswith(("https://", "http://"))):
            raise ValueError(f"seal_roots[{index}]: must be an object with exactly authority, sha256 "
                             "(colon-separated upper-case hex) and url")


def _key_from_json(entry: object, where: str) -> PublishedKey:
    fields = {"kid", "authority", "alg", "public_key", "valid_from", "valid_until", "status"}
    if not isinstance(entry, dict) or set(entry) != fields:
        raise ValueError(f"{where}: must be an object with exactly {', '.join(sorted(fields))}")
    if entry["alg"] != "Ed25519":
        raise ValueError(f"{where}: alg must be Ed25519")
    raw = entry["public_key"]
    try:
        if not isinstance(raw, str) or not BASE64URL.fullmatch(raw) or len(raw) != 43:
            raise ValueError
        decoded = base64.urlsafe_b64decode(raw + "=")
        if b64url(decoded) != raw:
            raise ValueError
        public_key = Ed25519PublicKey.from_public_bytes(decoded)
    except (ValueError, binascii.Error):
        raise ValueError(f"{where}: public_key must be 43 base64url characters (32 bytes)") \
            from None
    days = {}
    for name in ("valid_from", "valid_until"):
        value = entry[name]
        if value is None and name == "valid_until":
            days[name] = None
            continue
        try:
            days[name] = parse_date(value if isinstance(value, str) else "", name)
        except TokenError:
            raise ValueError(f"{where}: {name} must be a YYYY-MM-DD date") from None
    if not isinstance(entry["kid"], str):
        raise ValueError(f"{where}: kid must be text")
    key = PublishedKey(key_id=entry["kid"], authority=entry["authority"], public_key=public_key,
                       status=entry["status"], **days)
    _check_key(key, where)
    return key


def keyset_from_json(data: dict) -> dict[str, PublishedKey]:
    """Keys by kid from a published key set; ValueError naming the problem otherwise."""
    if not isinstance(data, dict) or not {"format", "keys"} <= set(data) <= {"format", "keys", "seal_roots"}:
        raise ValueError('a key set must be an object with "format" and "keys" (and optionally "seal_roots")')
    if "seal_roots" in data:
        _check_seal_roots(data["seal_roots"])
    if data["format"] != KEYSET_FORMAT:
        raise ValueError(f"unsupported key set format {data['format']!r} "
                         f"(expected {KEYSET_FORMAT})")
    if not isinstance(data["keys"], list):
        raise ValueError('"keys" must be a list')
    keys: dict[str, PublishedKey] = {}
    for index, entry in enumerate(data["keys"]):
        key = _key_from_json(entry, f"keys[{index}]")
        if key.key_id in keys:
            raise ValueError(f"keys[{index}]: kid {key.key_id} appears twice")
        keys[key.key_id] = key
    return keys
