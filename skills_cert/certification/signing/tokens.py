"""Signatures and tokens of format 1: sign the payload, pack it into the QR code's token, and
check a token against the published keys."""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from skills_cert.certification.signing.deflate import deflate, inflate
from skills_cert.certification.signing.keyset import KEY_STATUSES, PublishedKey, key_id_for
from skills_cert.certification.signing.payload import (
    BASE64URL,
    MAX_PAYLOAD_BYTES,
    SignedFacts,
    TokenError,
    b64url,
    decode_payload,
)

SIGNATURE_CONTEXT = b"skills_cert/certificate@1\x00"
SIGNATURE_LENGTH = 64
MAX_TOKEN_LENGTH = 2000


@dataclass(frozen=True)
class TokenCheck:
    outcome: str  # "genuine" | "malformed" | "altered" | "unknown_key" | "compromised_key"
    facts: SignedFacts | None  # only for genuine and compromised_key (signature valid)
    key: PublishedKey | None
    detail: str  # short English reason for logs

    @property
    def is_genuine(self) -> bool:
        return self.outcome == "genuine"


def sign(private_key: Ed25519PrivateKey, payload: bytes) -> bytes:
    """The 64-byte Ed25519 signature of SIGNATURE_CONTEXT + payload."""
    if not isinstance(private_key, Ed25519PrivateKey):
        raise TypeError("an Ed25519 private key is needed")
    return private_key.sign(SIGNATURE_CONTEXT + bytes(payload))


def verify_signature(public_key: Ed25519PublicKey, payload: bytes, signature: bytes) -> bool:
    try:
        public_key.verify(bytes(signature), SIGNATURE_CONTEXT + bytes(payload))
    except InvalidSignature:
        return False
    return True


def make_token(payload: bytes, signature: bytes) -> str:
    """base64url (no padding) of the canonical raw deflate of *payload* + the 64-byte signature."""
    payload, signature = bytes(payload), bytes(signature)
    if len(signature) != SIGNATURE_LENGTH:
        raise TokenError("signature must be 64 bytes")
    if not 0 < len(payload) <= MAX_PAYLOAD_BYTES:
        raise TokenError("payload must be 1-4096 bytes")
    token = b64url(deflate(payload) + signature)
    if len(token) > MAX_TOKEN_LENGTH:
        raise TokenError("token would be too long for a QR code")
    if parse_token(token) != (payload, signature):  # never hand out a token we would refuse
        raise TokenError("the token does not parse back")
    return token


def parse_token(token: str) -> tuple[bytes, bytes]:
    """(payload, signature) of a token; TokenError for anything but a canonical token."""
    compressed, signature = _unpack(token)
    return inflate(compressed), signature


def read_token(token: str) -> tuple[bytes, bytes]:
    """(payload, signature) of a token with every check of `parse_token` but one: the compressed
    payload is not deflated again to see that it is canonical. For a caller that knows it by
    other means (the registry keeps the `token_digest` of every token it issued); otherwise the
    answer must come from `parse_token` or `check_token`."""
    compressed, signature = _unpack(token)
    return inflate(compressed, canonical=False), signature


def token_digest(token: str) -> bytes:
    """SHA-256 of a token's text. A token whose digest is the one the registry kept when it issued
    the certificate is that very token, so it is canonical (`make_token` makes only canonical ones)."""
    return hashlib.sha256(token.encode("ascii")).digest()


def digest_of(payload: bytes, signature: bytes) -> bytes:
    """`token_digest(make_token(payload, signature))` with one deflate instead of two (make_token
    deflates again to check its token parses back): for making many at once, as the demo seeder
    does, from payloads `encode_payload` made."""
    return token_digest(b64url(deflate(bytes(payload)) + bytes(signature)))


def _unpack(token: str) -> tuple[bytes, bytes]:
    """(compressed payload, signature) of a token in canonical base64url; TokenError otherwise."""
    if not isinstance(token, str) or not token:
        raise TokenError("empty token")
    if len(token) > MAX_TOKEN_LENGTH:
        raise TokenError("token is too long")
    if not BASE64URL.fullmatch(token):
        raise TokenError("token has characters other than A-Z a-z 0-9 - _")
    if len(token) % 4 == 1:
        raise TokenError("token length is not possible for base64url")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError) as exc:
        raise TokenError("token is not base64url") from exc
    if b64url(raw) != token:
        raise TokenError("token is not canonical base64url")
    if len(raw) <= SIGNATURE_LENGTH:
        raise TokenError("token is too short")
    return raw[:-SIGNATURE_LENGTH], raw[-SIGNATURE_LENGTH:]


def check_token(token: str, keys: Mapping[str, PublishedKey]) -> TokenCheck:
    """Is this token exactly what an issuer signed, with a key valid on the issue date?

    Never raises for any token. Expiry and revocation are not checked here.
    """
    try:
        payload, signature = parse_token(token)
        facts = decode_payload(payload)
    except TokenError as exc:
        return TokenCheck("malformed", None, None, str(exc))
    return check_signed(payload, signature, facts, keys)


def check_signed(payload: bytes, signature: bytes, facts: SignedFacts, keys: Mapping[str, PublishedKey]) -> TokenCheck:
    """`check_token` once the token is parsed: *facts* decoded from *payload*, signed by *signature*."""
    key = keys.get(facts.key_id)
    if key is None:
        return TokenCheck("unknown_key", None, None, f"key {facts.key_id} is not published")
    if key.key_id != facts.key_id or key_id_for(key.public_key) != facts.key_id:
        return TokenCheck("unknown_key", None, None,
                          f"key set entry {facts.key_id} does not match its key")
    if not verify_signature(key.public_key, payload, signature):
        return TokenCheck("altered", None, key, "signature does not match the facts")
    if key.authority != facts.authority:
        return TokenCheck("altered", None, key,
                          f"key belongs to {key.authority}, not {facts.authority}")
    if facts.issued_on < key.valid_from or (key.valid_until and facts.issued_on > key.valid_until):
        return TokenCheck("altered", None, key, "issued outside the key's validity")
    if key.status == "compromised":
        return TokenCheck("compromised_key", facts, key, f"key {key.key_id} is marked compromised")
    if key.status not in KEY_STATUSES:
        return TokenCheck("unknown_key", None, key, f"key {key.key_id} has unknown status")
    return TokenCheck("genuine", facts, key, f"signed with {key.status} key {key.key_id}")
