"""Signed certificate tokens: the facts in the QR code, verifiable offline with the published keys.

Pure Python on top of `cryptography`: no Flask, no database, no network, so the offline verifier
(`python -m skills_cert.verify_offline`) and other implementations can use it as the reference.

Token format 1 (what a third-party verifier must implement):

1. **Payload**: UTF-8 JSON, keys sorted, separators "," and ":", no whitespace, non-ASCII
   characters unescaped, strings NFC-normalised::

       {"a":"LA-SDI","e":"2031-11-22","i":"2026-11-22","id":"<26 base32>","k":"certificate",
        "kid":"<16 hex>","l":1,"n":"LA-2026-000123","nl":"<Lao name>","nr":"<Latin name>",
        "s":"LA-CON-BRL-L1","sv":1,"u":["LA-CON-BRL-01",...],"v":1}

   Exactly these keys (see `payload._FIELDS` for what each means). A verifier re-encodes what it decoded
   and refuses the payload unless the bytes are identical, so one set of facts has one payload.
2. **Signature**: Ed25519 over `SIGNATURE_CONTEXT + payload` (the context keeps a signature
   made for a certificate from being valid for anything else the key might ever sign).
3. **Token**: base64url without padding of `deflate(payload) + signature`. deflate is RAW
   deflate (RFC 1951; no zlib header or checksum: the signature protects the bytes) with the
   preset dictionary `ZDICT`, made by the small deterministic encoder `deflate.deflate` (fixed Huffman
   codes, greedy longest match; the exact rule is next to it). Any inflater reads it (zlib:
   `decompressobj(wbits=-15, zdict=ZDICT)`). The last 64 bytes are the signature.

   Why not `zlib.compress(level=9)`: one payload has many valid deflate streams (a match may
   copy from any earlier equal bytes), and zlib, zlib-ng and their versions choose differently.
   `parse_token` accepts a stream only if it is exactly what `deflate.deflate` makes of the payload, so
   one payload has exactly one token, on every platform: change any character and the token is
   refused or fails the signature. The preset dictionary holds the JSON skeleton and common
   values; it saves about 60 bytes and keeps a realistic verification URL under 400 characters.
   `ZDICT` and the `deflate.deflate` rule are part of format 1 and must never change (a test pins
   them); a new format would get a new URL path.

The signature covers the payload, not the compressed bytes, so a payload kept in the database
gives the same token again on any machine, and a verifier that skips the canonical-stream check
still cannot be shown false facts.

`check_token` answers only "are these exactly the facts the issuer signed, with a key that was
valid on the issue date?". Expiry, revocation and supersession are the registry's business.

The holder's name in Thai script (`certificates.name_thai`) is not in the token, and format 1
did not change for it. `nl` is the name as in the holder's identity document (Lao script, or
Thai script for a Thai national registered so), `nr` the romanised name: the identity facts.
The Thai spelling of a Lao name is derived from `nl`, as the standard's Thai title is derived
from `s`; the verification page shows it from the registry row of the certificate that the
genuine token names. A format 2 carrying it would make every new certificate unreadable to
verifiers that implement format 1, and lengthen a realistic URL by 57 characters for a two-word
name (314 to 371: QR version 13 to 15) and by 126 for a 43-character one (424 to 550). The
PDF's seal and the Open Badges credential's proof do cover it. Signing it later takes a new
`v`, with format 1 still accepted.

Private keys live in files (`write_private_key` / `load_private_key`), one PKCS#8 PEM per key
under `<directory>/<authority>/<key_id>.pem`, mode 0600.
"""

from skills_cert.certification.signing.deflate import ZDICT
from skills_cert.certification.signing.keyfiles import (
    KeyFileError,
    generate_private_key,
    load_private_key,
    private_key_ids,
    write_private_key,
)
from skills_cert.certification.signing.keyset import (
    KEY_STATUSES,
    KEYSET_FORMAT,
    PublishedKey,
    key_id_for,
    keyset_from_json,
    keyset_to_json,
)
from skills_cert.certification.signing.payload import (
    KINDS,
    MAX_PAYLOAD_BYTES,
    PAYLOAD_VERSION,
    SignedFacts,
    TokenError,
    decode_payload,
    encode_payload,
    facts_as_dict,
    validate_facts,
)
from skills_cert.certification.signing.tokens import (
    MAX_TOKEN_LENGTH,
    SIGNATURE_CONTEXT,
    SIGNATURE_LENGTH,
    TokenCheck,
    check_signed,
    check_token,
    digest_of,
    make_token,
    parse_token,
    read_token,
    sign,
    token_digest,
    verify_signature,
)

__all__ = [
    "KEYSET_FORMAT", "KEY_STATUSES", "KINDS", "MAX_PAYLOAD_BYTES", "MAX_TOKEN_LENGTH",
    "PAYLOAD_VERSION", "SIGNATURE_CONTEXT", "SIGNATURE_LENGTH", "ZDICT", "KeyFileError",
    "PublishedKey", "SignedFacts", "TokenCheck", "TokenError", "check_signed", "check_token",
    "decode_payload", "digest_of", "encode_payload", "facts_as_dict", "generate_private_key", "key_id_for",
    "keyset_from_json", "keyset_to_json", "load_private_key", "make_token", "parse_token",
    "private_key_ids", "read_token", "sign", "token_digest", "validate_facts", "verify_signature",
    "write_private_key",
]
