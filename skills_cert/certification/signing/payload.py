"""The signed facts of token format 1 and their canonical JSON payload (the format is described
in the package's docstring), with the text checks the rest of the format shares."""

from __future__ import annotations

import base64
import datetime
import json
import re
import unicodedata
from dataclasses import dataclass

PAYLOAD_VERSION = 1
KINDS = ("certificate", "attainment")  # full certificate, or statement of attainment (some units)
MAX_PAYLOAD_BYTES = 4096  # decompression stops here: a zip bomb costs us at most this much
NAME_MAX, CODE_MAX, UNITS_MAX, LEVEL_MAX, VERSION_MAX = 120, 40, 30, 8, 999_999

CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{0,39}")  # the standards schema's CODE pattern
PUBLIC_ID = re.compile(r"[a-z2-7]{26}")
KEY_ID = re.compile(r"[0-9a-f]{16}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
BASE64URL = re.compile(r"[A-Za-z0-9_-]+")
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


def b64url(data: bytes) -> str:
    """base64url without padding."""
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _check_code(value: object, what: str) -> None:
    if not isinstance(value, str) or not CODE.fullmatch(value):
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
    if not isinstance(facts.public_id, str) or not PUBLIC_ID.fullmatch(facts.public_id):
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
    if not isinstance(facts.key_id, str) or not KEY_ID.fullmatch(facts.key_id):
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


def parse_date(value: str, what: str) -> datetime.date:
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
    values["issued_on"] = parse_date(values["issued_on"], "issue date")
    values["expires_on"] = parse_date(values["expires_on"], "expiry date")
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
