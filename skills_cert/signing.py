"""Signed certificate tokens: the facts in the QR code, verifiable offline with the published keys.

Pure Python on top of `cryptography`: no Flask, no database, no network, so the offline verifier
(`python -m skills_cert.verify_offline`) and other implementations can use it as the reference.

Token format 1 (what a third-party verifier must implement):

1. **Payload**: UTF-8 JSON, keys sorted, separators "," and ":", no whitespace, non-ASCII
   characters unescaped, strings NFC-normalised::

       {"a":"LA-SDI","e":"2031-11-22","i":"2026-11-22","id":"<26 base32>","k":"certificate",
        "kid":"<16 hex>","l":1,"n":"LA-2026-000123","nl":"<Lao name>","nr":"<Latin name>",
        "s":"LA-CON-BRL-L1","sv":1,"u":["LA-CON-BRL-01",...],"v":1}

   Exactly these keys (see `_FIELDS` for what each means). A verifier re-encodes what it decoded
   and refuses the payload unless the bytes are identical, so one set of facts has one payload.
2. **Signature**: Ed25519 over `SIGNATURE_CONTEXT + payload` (the context keeps a signature
   made for a certificate from being valid for anything else the key might ever sign).
3. **Token**: base64url without padding of `deflate(payload) + signature`. deflate is RAW
   deflate (RFC 1951; no zlib header or checksum: the signature protects the bytes) with the
   preset dictionary `ZDICT`, made by the small deterministic encoder `_deflate` (fixed Huffman
   codes, greedy longest match; the exact rule is next to it). Any inflater reads it (zlib:
   `decompressobj(wbits=-15, zdict=ZDICT)`). The last 64 bytes are the signature.

   Why not `zlib.compress(level=9)`: one payload has many valid deflate streams (a match may
   copy from any earlier equal bytes), and zlib, zlib-ng and their versions choose differently.
   `parse_token` accepts a stream only if it is exactly what `_deflate` makes of the payload, so
   one payload has exactly one token, on every platform: change any character and the token is
   refused or fails the signature. The preset dictionary holds the JSON skeleton and common
   values; it saves about 60 bytes and keeps a realistic verification URL under 400 characters.
   `ZDICT` and the `_deflate` rule are part of format 1 and must never change (a test pins
   them); a new format would get a new URL path.

The signature covers the payload, not the compressed bytes, so a payload kept in the database
gives the same token again on any machine, and a verifier that skips the canonical-stream check
still cannot be shown false facts.

`check_token` answers only "are these exactly the facts the issuer signed, with a key that was
valid on the issue date?". Expiry, revocation and supersession are the registry's business.

Private keys live in files (`write_private_key` / `load_private_key`), one PKCS#8 PEM per key
under `<directory>/<authority>/<key_id>.pem`, mode 0600.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import datetime
import hashlib
import json
import os
import re
import stat
import unicodedata
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

PAYLOAD_VERSION = 1
KINDS = ("certificate", "attainment")  # full certificate, or statement of attainment (some units)
KEY_STATUSES = ("active", "retired", "compromised")
KEYSET_FORMAT = "skills_cert/keyset@1"
SIGNATURE_CONTEXT = b"skills_cert/certificate@1\x00"
SIGNATURE_LENGTH = 64
MAX_PAYLOAD_BYTES = 4096  # decompression stops here: a zip bomb costs us at most this much
MAX_TOKEN_LENGTH = 2000
NAME_MAX, CODE_MAX, UNITS_MAX, LEVEL_MAX, VERSION_MAX = 120, 40, 30, 8, 999_999

# Preset deflate dictionary of token format 1. NEVER change it: old tokens would stop decoding.
ZDICT = (
    b'"],"v":1}","kid":"","k":"attainment","k":"certificate","l":1,"n":"TH-202","s":"TH-'
    b'","nl":"","nr":"","s":"LA-CON-","sv":1,"u":["LA-CON-{"a":"LA-SDI","e":"20","i":"202","id":"'
)

_CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{0,39}")  # the standards schema's CODE pattern
_PUBLIC_ID = re.compile(r"[a-z2-7]{26}")
_KEY_ID = re.compile(r"[0-9a-f]{16}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TOKEN = re.compile(r"[A-Za-z0-9_-]+")
_HIDDEN_CATEGORIES = {"Cc", "Cf", "Cs", "Co"}  # controls, format/bidi, surrogates, private use
# payload key -> (SignedFacts field, JSON type)
_FIELDS = {
    "n": ("number", str), "id": ("public_id", str), "k": ("kind", str), "a": ("authority", str),
    "nl": ("name_lao", str), "nr": ("name_latin", str), "s": ("standard_code", str),
    "sv": ("standard_version", int), "l": ("level", int), "u": ("units", list),
    "i": ("issued_on", str), "e": ("expires_on", str), "kid": ("key_id", str),
}


class TokenError(ValueError):
    """Malformed token or payload; str() is a short English reason."""


class KeyFileError(RuntimeError):
    """A private key file is missing, unsafe or wrong; the message names the file and the fix."""


@dataclass(frozen=True)
class SignedFacts:
    number: str  # e.g. "LA-2026-000123"
    public_id: str  # unguessable id used in links, base32 lowercase, 26 chars (128 bits)
    kind: str  # one of KINDS
    authority: str  # issuing authority code, e.g. "LA-SDI"
    name_lao: str  # holder's name in Lao script
    name_latin: str  # romanised name
    standard_code: str  # e.g. "LA-CON-BRL-L1"
    standard_version: int
    level: int
    units: tuple[str, ...]  # unit codes achieved, in standard order
    issued_on: datetime.date
    expires_on: datetime.date
    key_id: str  # id of the signing key

    def __post_init__(self) -> None:
        # Same facts, same bytes: names are kept NFC-normalised, units as a tuple.
        for name in ("name_lao", "name_latin"):
            value = getattr(self, name)
            if isinstance(value, str):
                object.__setattr__(self, name, unicodedata.normalize("NFC", value))
        if isinstance(self.units, list):
            object.__setattr__(self, "units", tuple(self.units))


@dataclass(frozen=True)
class PublishedKey:
    key_id: str
    authority: str
    public_key: Ed25519PublicKey
    valid_from: datetime.date
    valid_until: datetime.date | None  # None: still issuing; a retired key keeps verifying
    status: str  # "active" | "retired" | "compromised"


@dataclass(frozen=True)
class TokenCheck:
    outcome: str  # "genuine" | "malformed" | "altered" | "unknown_key" | "compromised_key"
    facts: SignedFacts | None  # only for genuine and compromised_key (signature valid)
    key: PublishedKey | None
    detail: str  # short English reason for logs

    @property
    def is_genuine(self) -> bool:
        return self.outcome == "genuine"


# --- payload --------------------------------------------------------------------------------


def _check_code(value: object, what: str) -> None:
    if not isinstance(value, str) or not _CODE.fullmatch(value):
        raise TokenError(f"{what} must be 1-{CODE_MAX} characters A-Z, 0-9 and '-'")


def _check_name(value: object, what: str) -> None:
    if not isinstance(value, str) or not 1 <= len(value) <= NAME_MAX:
        raise TokenError(f"{what} must be text of 1-{NAME_MAX} characters")
    if value != " ".join(value.split()):
        raise TokenError(f"{what} has leading, trailing, repeated or unusual spaces")
    if any(unicodedata.category(c) in _HIDDEN_CATEGORIES for c in value):
        raise TokenError(f"{what} contains invisible or control characters")
    if not unicodedata.is_normalized("NFC", value):
        raise TokenError(f"{what} is not NFC-normalised")


def _check_int(value: object, low: int, high: int, what: str) -> None:
    if type(value) is not int or not low <= value <= high:
        raise TokenError(f"{what} must be a whole number from {low} to {high}")


def validate_facts(facts: SignedFacts) -> None:
    """Raise TokenError unless *facts* can be signed and will decode back to themselves."""
    _check_code(facts.number, "number")
    if not isinstance(facts.public_id, str) or not _PUBLIC_ID.fullmatch(facts.public_id):
        raise TokenError("public id must be 26 characters a-z, 2-7")
    if facts.kind not in KINDS:
        raise TokenError(f"kind must be one of {', '.join(KINDS)}")
    _check_code(facts.authority, "authority")
    _check_name(facts.name_lao, "Lao name")
    _check_name(facts.name_latin, "Latin name")
    _check_code(facts.standard_code, "standard code")
    _check_int(facts.standard_version, 1, VERSION_MAX, "standard version")
    _check_int(facts.level, 1, LEVEL_MAX, "level")
    units = facts.units
    if not isinstance(units, tuple) or not 1 <= len(units) <= UNITS_MAX:
        raise TokenError(f"units must be 1-{UNITS_MAX} unit codes")
    for unit in units:
        _check_code(unit, "unit code")
    if len(set(units)) != len(units):
        raise TokenError("a unit is listed twice")
    for day, what in ((facts.issued_on, "issue date"), (facts.expires_on, "expiry date")):
        if type(day) is not datetime.date:
            raise TokenError(f"{what} must be a date")
    if facts.expires_on < facts.issued_on:
        raise TokenError("expiry date is before the issue date")
    if not isinstance(facts.key_id, str) or not _KEY_ID.fullmatch(facts.key_id):
        raise TokenError("key id must be 16 lowercase hex characters")


def encode_payload(facts: SignedFacts) -> bytes:
    """The canonical payload bytes of *facts* (same facts, same bytes); TokenError if invalid."""
    validate_facts(facts)
    document = {key: getattr(facts, field) for key, (field, _type) in _FIELDS.items()}
    document.update(v=PAYLOAD_VERSION, u=list(facts.units), i=facts.issued_on.isoformat(),
                    e=facts.expires_on.isoformat())
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    data = text.encode("utf-8")
    if len(data) > MAX_PAYLOAD_BYTES:  # cannot happen within the field limits; a safety net
        raise TokenError("payload is too large")
    return data


def _unique_keys(pairs: list[tuple[str, object]]) -> dict:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise TokenError("a field appears twice")
    return result


def _no_floats(text: str) -> None:
    raise TokenError(f"numbers must be whole, got {text[:20]}")


def _parse_json(data: bytes) -> dict:
    try:
        text = bytes(data).decode("utf-8")
        document = json.loads(text, object_pairs_hook=_unique_keys, parse_float=_no_floats,
                              parse_constant=_no_floats)
    except TokenError:
        raise
    except (ValueError, TypeError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise TokenError("payload is not UTF-8 JSON") from exc
    if not isinstance(document, dict):
        raise TokenError("payload is not a JSON object")
    return document


def _parse_date(value: str, what: str) -> datetime.date:
    try:
        if _DATE.fullmatch(value):
            return datetime.date.fromisoformat(value)
    except ValueError:
        pass
    raise TokenError(f"{what} is not a valid YYYY-MM-DD date")


def decode_payload(data: bytes) -> SignedFacts:
    """The facts in a canonical payload; TokenError for anything else (never another error)."""
    if not isinstance(data, (bytes, bytearray, memoryview)) or len(data) > MAX_PAYLOAD_BYTES:
        raise TokenError("payload must be at most 4096 bytes")
    document = _parse_json(data)
    version = document.get("v")
    if type(version) is not int:
        raise TokenError("payload has no version")
    if version != PAYLOAD_VERSION:
        raise TokenError("unsupported payload version")
    expected = set(_FIELDS) | {"v"}
    if set(document) != expected:
        missing, extra = sorted(expected - set(document)), sorted(set(document) - expected)
        raise TokenError(f"payload fields wrong (missing {missing}, unexpected {extra})")
    values = {}
    for key, (field, kind) in _FIELDS.items():
        value = document[key]
        if type(value) is not kind:
            raise TokenError(f"field {key!r} has the wrong type")
        values[field] = value
    if not all(isinstance(unit, str) for unit in values["units"]):
        raise TokenError("unit codes must be text")
    for field in ("name_lao", "name_latin"):  # before SignedFacts normalises them
        _check_name(values[field], field.replace("_", " "))
    values["units"] = tuple(values["units"])
    values["issued_on"] = _parse_date(values["issued_on"], "issue date")
    values["expires_on"] = _parse_date(values["expires_on"], "expiry date")
    facts = SignedFacts(**values)
    if encode_payload(facts) != bytes(data):
        raise TokenError("payload is not in canonical form")
    return facts


def facts_as_dict(facts: SignedFacts) -> dict:
    """The facts as plain JSON values with readable names (for reports and APIs)."""
    return {"number": facts.number, "public_id": facts.public_id, "kind": facts.kind,
            "authority": facts.authority, "name_lao": facts.name_lao,
            "name_latin": facts.name_latin, "standard_code": facts.standard_code,
            "standard_version": facts.standard_version, "level": facts.level,
            "units": list(facts.units), "issued_on": facts.issued_on.isoformat(),
            "expires_on": facts.expires_on.isoformat(), "key_id": facts.key_id}


# --- keys and signatures --------------------------------------------------------------------


def _raw_public(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id_for(public_key: Ed25519PublicKey) -> str:
    """First 8 bytes of SHA-256 of the raw 32-byte public key, as 16 lowercase hex characters."""
    return hashlib.sha256(_raw_public(public_key)).digest()[:8].hex()


def generate_private_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


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


# --- tokens ---------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


# Canonical deflate. zlib's output differs between zlib, zlib-ng and their versions, and one
# payload has many valid deflate streams (a match may copy from any earlier equal bytes), so
# tokens are compressed by this small deterministic encoder and parse_token accepts a stream only
# if it is exactly what this encoder makes of the payload: one payload, one token. The rule is
# part of token format 1 and must never change: a single final block with the fixed Huffman
# codes; window = ZDICT + payload; at each position take the longest match (3-258 bytes) among
# the MATCH_CHAIN nearest earlier positions whose next 3 bytes are equal, the nearest on a tie;
# otherwise a literal; then end-of-block, zero bits to the byte boundary.
MATCH_CHAIN = 32
_LENGTH_BASE = (3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83,
                99, 115, 131, 163, 195, 227, 258)
_LENGTH_EXTRA = (0,) * 8 + (1,) * 4 + (2,) * 4 + (3,) * 4 + (4,) * 4 + (5,) * 4 + (0,)
_DIST_BASE = (1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769,
              1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577)


def _reversed_bits(code: int, width: int) -> int:
    return int(format(code, f"0{width}b")[::-1], 2)


def _fixed_code(symbol: int) -> tuple[int, int]:
    """(bits as written LSB first, width) of a literal/length symbol in the fixed Huffman code."""
    for first, last, width, base in ((0, 143, 8, 0x30), (144, 255, 9, 0x190), (256, 279, 7, 0),
                                     (280, 287, 8, 0xC0)):
        if first <= symbol <= last:
            return _reversed_bits(base + symbol - first, width), width
    raise AssertionError(symbol)


_FIXED = tuple(_fixed_code(symbol) for symbol in range(288))
_DIST_CODE = tuple(_reversed_bits(code, 5) for code in range(30))


def _common_length(window: bytes, older: int, here: int) -> int:
    limit = min(258, len(window) - here)
    length = 0
    while length + 16 <= limit and (window[older + length:older + length + 16]
                                    == window[here + length:here + length + 16]):
        length += 16
    while length < limit and window[older + length] == window[here + length]:
        length += 1
    return length


def _deflate(payload: bytes) -> bytes:
    """The canonical raw deflate stream of *payload* (see the rule above)."""
    window = ZDICT + payload
    chains: dict[bytes, list[int]] = {}
    for position in range(len(ZDICT)):
        chains.setdefault(window[position:position + 3], []).append(position)
    bits, used = 0b011, 3  # BFINAL = 1, BTYPE = 01 (fixed Huffman)

    def put(value: int, width: int) -> None:
        nonlocal bits, used
        bits |= value << used
        used += width

    here = len(ZDICT)
    while here < len(window):
        key = window[here:here + 3]
        best, distance = 0, 0
        if len(key) == 3:
            for older in reversed(chains.get(key, ())[-MATCH_CHAIN:]):
                length = _common_length(window, older, here)
                if length > best:
                    best, distance = length, here - older
                    if length == 258:
                        break
        if best >= 3:
            index = bisect.bisect_right(_LENGTH_BASE, best) - 1
            put(*_FIXED[257 + index])
            put(best - _LENGTH_BASE[index], _LENGTH_EXTRA[index])
            index = bisect.bisect_right(_DIST_BASE, distance) - 1
            put(_DIST_CODE[index], 5)
            put(distance - _DIST_BASE[index], max(0, index // 2 - 1))
        else:
            best = 1
            put(*_FIXED[window[here]])
        for position in range(here, here + best):
            chains.setdefault(window[position:position + 3], []).append(position)
        here += best
    put(*_FIXED[256])
    return bits.to_bytes((used + 7) // 8, "little")


def _inflate(compressed: bytes) -> bytes:
    """The payload of a canonical stream; TokenError if corrupt, too big, cut short, followed by
    other bytes, or not exactly the canonical encoding."""
    inflater = zlib.decompressobj(wbits=-15, zdict=ZDICT)
    try:
        payload = inflater.decompress(compressed, MAX_PAYLOAD_BYTES + 1)
    except zlib.error as exc:
        raise TokenError("compressed payload is corrupt") from exc
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise TokenError("payload is too large")
    if not inflater.eof:
        raise TokenError("compressed payload is cut short")
    if inflater.unused_data:
        raise TokenError("trailing data after the compressed payload")
    if _deflate(payload) != compressed:
        raise TokenError("compressed payload is not in canonical form")
    return payload


def make_token(payload: bytes, signature: bytes) -> str:
    """base64url (no padding) of the canonical raw deflate of *payload* + the 64-byte signature."""
    payload, signature = bytes(payload), bytes(signature)
    if len(signature) != SIGNATURE_LENGTH:
        raise TokenError("signature must be 64 bytes")
    if not 0 < len(payload) <= MAX_PAYLOAD_BYTES:
        raise TokenError("payload must be 1-4096 bytes")
    token = _b64(_deflate(payload) + signature)
    if len(token) > MAX_TOKEN_LENGTH:
        raise TokenError("token would be too long for a QR code")
    if parse_token(token) != (payload, signature):  # never hand out a token we would refuse
        raise TokenError("the token does not parse back")
    return token


def parse_token(token: str) -> tuple[bytes, bytes]:
    """(payload, signature) of a token; TokenError for anything but a canonical token."""
    if not isinstance(token, str) or not token:
        raise TokenError("empty token")
    if len(token) > MAX_TOKEN_LENGTH:
        raise TokenError("token is too long")
    if not _TOKEN.fullmatch(token):
        raise TokenError("token has characters other than A-Z a-z 0-9 - _")
    if len(token) % 4 == 1:
        raise TokenError("token length is not possible for base64url")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError) as exc:
        raise TokenError("token is not base64url") from exc
    if _b64(raw) != token:
        raise TokenError("token is not canonical base64url")
    if len(raw) <= SIGNATURE_LENGTH:
        raise TokenError("token is too short")
    return _inflate(raw[:-SIGNATURE_LENGTH]), raw[-SIGNATURE_LENGTH:]


def check_token(token: str, keys: Mapping[str, PublishedKey]) -> TokenCheck:
    """Is this token exactly what an issuer signed, with a key valid on the issue date?

    Never raises for any token. Expiry and revocation are not checked here.
    """
    try:
        payload, signature = parse_token(token)
        facts = decode_payload(payload)
    except TokenError as exc:
        return TokenCheck("malformed", None, None, str(exc))
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


# --- published key sets ---------------------------------------------------------------------


def _check_key(key: PublishedKey, where: str) -> None:
    if not isinstance(key.public_key, Ed25519PublicKey):
        raise ValueError(f"{where}: public_key is not an Ed25519 key")
    if key.key_id != key_id_for(key.public_key):
        raise ValueError(f"{where}: kid {key.key_id!r} does not match its public key "
                         f"(expected {key_id_for(key.public_key)})")
    if not isinstance(key.authority, str) or not _CODE.fullmatch(key.authority):
        raise ValueError(f"{where}: authority must be a code such as LA-SDI")
    if key.status not in KEY_STATUSES:
        raise ValueError(f"{where}: status must be one of {', '.join(KEY_STATUSES)}")
    if key.valid_until is not None and key.valid_until < key.valid_from:
        raise ValueError(f"{where}: valid_until is before valid_from")
    if key.status == "retired" and key.valid_until is None:
        raise ValueError(f"{where}: a retired key needs valid_until")


def keyset_to_json(keys: Iterable[PublishedKey]) -> dict:
    """The public key set as published for verifiers, sorted by kid."""
    entries = []
    for key in sorted(keys, key=lambda k: k.key_id):
        _check_key(key, f"key {key.key_id}")
        entries.append({
            "kid": key.key_id, "authority": key.authority, "alg": "Ed25519",
            "public_key": _b64(_raw_public(key.public_key)),
            "valid_from": key.valid_from.isoformat(),
            "valid_until": key.valid_until.isoformat() if key.valid_until else None,
            "status": key.status})
    return {"format": KEYSET_FORMAT, "keys": entries}


def _key_from_json(entry: object, where: str) -> PublishedKey:
    fields = {"kid", "authority", "alg", "public_key", "valid_from", "valid_until", "status"}
    if not isinstance(entry, dict) or set(entry) != fields:
        raise ValueError(f"{where}: must be an object with exactly {', '.join(sorted(fields))}")
    if entry["alg"] != "Ed25519":
        raise ValueError(f"{where}: alg must be Ed25519")
    raw = entry["public_key"]
    try:
        if not isinstance(raw, str) or not _TOKEN.fullmatch(raw) or len(raw) != 43:
            raise ValueError
        decoded = base64.urlsafe_b64decode(raw + "=")
        if _b64(decoded) != raw:
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
            days[name] = _parse_date(value if isinstance(value, str) else "", name)
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
    if not isinstance(data, dict) or set(data) != {"format", "keys"}:
        raise ValueError('a key set must be an object with exactly "format" and "keys"')
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


# --- private key files ----------------------------------------------------------------------


def _key_folder(directory: Path, authority: str) -> Path:
    if not isinstance(authority, str) or not _CODE.fullmatch(authority):
        raise KeyFileError(f"authority {authority!r} is not a code such as LA-SDI")
    return Path(directory) / authority


def _make_private_dir(path: Path) -> None:
    """Create *path* as 0700 if it does not exist (its parents with the default mode)."""
    if path.is_dir():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        return  # made meanwhile by another process
    os.chmod(path, 0o700)  # exact, whatever the umask


def write_private_key(directory: Path, authority: str, key: Ed25519PrivateKey) -> Path:
    """Save *key* to <directory>/<authority>/<key_id>.pem (PKCS#8, mode 0600); never overwrites."""
    folder = _key_folder(directory, authority)
    if not isinstance(key, Ed25519PrivateKey):
        raise TypeError("an Ed25519 private key is needed")
    _make_private_dir(Path(directory))
    _make_private_dir(folder)
    path = folder / f"{key_id_for(key.public_key())}.pem"
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    flags = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
             | getattr(os, "O_CLOEXEC", 0))
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        raise KeyFileError(f"{path} already exists; a private key file is never overwritten") \
            from None
    try:
        with os.fdopen(fd, "wb") as handle:
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), 0o600)
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def load_private_key(directory: Path, authority: str, key_id: str, *,
                     check_permissions: bool = True) -> Ed25519PrivateKey:
    """The private key *key_id* of *authority*; KeyFileError if missing, unsafe or another key."""
    if not isinstance(key_id, str) or not _KEY_ID.fullmatch(key_id):
        raise KeyFileError(f"key id {key_id!r} is not 16 lowercase hex characters")
    path = _key_folder(directory, authority) / f"{key_id}.pem"
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise KeyFileError(f"private key file {path} does not exist") from None
    except OSError as exc:
        raise KeyFileError(f"cannot open private key file {path}: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())  # the file we read, not whatever the path names later
        if not stat.S_ISREG(info.st_mode):
            raise KeyFileError(f"{path} is not a regular file")
        mode = stat.S_IMODE(info.st_mode)
        if check_permissions and os.name == "posix" and mode & 0o077:
            raise KeyFileError(f"private key file {path} is readable or writable by other users "
                               f"(mode {mode:o}); run `chmod 600 {path}`")
        data = handle.read(65536)
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise KeyFileError(f"{path} is not an unencrypted PEM private key") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path} does not hold an Ed25519 key")
    actual = key_id_for(key.public_key())
    if actual != key_id:
        raise KeyFileError(f"{path} holds key {actual}, not {key_id}; "
                           "the file was renamed or replaced")
    return key


def private_key_ids(directory: Path, authority: str) -> list[str]:
    """Ids of the authority's private key files, sorted; [] if it has none."""
    folder = _key_folder(directory, authority)
    if not folder.is_dir():
        return []
    return sorted(name[:-4] for name in os.listdir(folder)
                  if name.endswith(".pem") and _KEY_ID.fullmatch(name[:-4]))
