"""Bitstring Status List v1.0 (W3C Recommendation, May 2025): revocation bits for credentials.

Each authority publishes lists of LIST_BITS bits (the specification's minimum, 16 KiB, for herd
privacy). A credential gets a random free index, so its position says nothing about when it was
issued or who holds it. Bit 0 is the left-most (most significant) bit of the first byte; a set bit
means revoked (revoked or superseded by a reissue).
"""

from __future__ import annotations

import base64
import binascii
import datetime
import gzip
import zlib
from collections.abc import Iterable

from skills_cert.certification.credentials.contexts import VC_V2
from skills_cert.certification.credentials.proofs import xsd_datetime

LIST_BITS = 131_072
PURPOSE = "revocation"


class StatusListError(ValueError):
    """A status list that cannot be read; str() says why."""


def encode(revoked: Iterable[int], size: int = LIST_BITS) -> str:
    """`encodedList`: multibase base64url (prefix "u", no padding) of the GZIP-compressed bits."""
    bits = bytearray(size // 8)
    for index in revoked:
        if not 0 <= index < size:
            raise ValueError(f"status index {index} is outside the list")
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), compresslevel=9, mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def decode(encoded: str, max_bytes: int = 16 * LIST_BITS // 8) -> bytes:
    """The bits of an `encodedList`; StatusListError for anything else (a GZIP bomb stops at
    *max_bytes*)."""
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise StatusListError("encodedList is not multibase base64url")
    try:
        packed = base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4))
        inflater = zlib.decompressobj(wbits=31)
        bits = inflater.decompress(packed, max_bytes + 1)
    except (binascii.Error, ValueError, zlib.error):
        raise StatusListError("encodedList is not base64url GZIP data") from None
    if len(bits) > max_bytes or not inflater.eof:
        raise StatusListError("encodedList is too long or cut short")
    if len(bits) * 8 < LIST_BITS:
        raise StatusListError(f"the list has fewer than {LIST_BITS} bits")
    return bits


def is_set(bits: bytes, index: int) -> bool:
    if not 0 <= index < len(bits) * 8:
        raise StatusListError(f"status index {index} is outside the list")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def list_credential(url: str, issuer_id: str, revoked: Iterable[int], valid_from: datetime.datetime) -> dict:
    """The unsigned BitstringStatusListCredential of one list."""
    return {
        "@context": [VC_V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id,
        "validFrom": xsd_datetime(valid_from),
        "credentialSubject": {"id": f"{url}#list", "type": "BitstringStatusList", "statusPurpose": PURPOSE,
                              "encodedList": encode(revoked)},
    }
