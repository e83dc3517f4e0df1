"""Signed certificate tokens (skills_cert.certification.signing) and the offline verifier.

Pure unit tests: no app, no database. A certificate's QR code must verify from the token and
the published keys alone, and no change to a token may ever pass as genuine.
"""

from __future__ import annotations

import ast
import base64
import dataclasses
import datetime as dt
import hashlib
import json
import os
import stat
import string
import subprocess
import sys
import textwrap
import unicodedata
import zlib
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from skills_cert.certification import signing
from skills_cert.certification.signing import PublishedKey, SignedFacts, TokenError
from skills_cert.certification.signing.deflate import deflate
from skills_cert.certification.signing.payload import _FIELDS

ROOT = Path(__file__).resolve().parents[2]
ALPHABET = string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_"
VERIFY_URL = "https://verify.sdi.gov.la/v/"
ISSUED = dt.date(2026, 11, 22)
EXPIRES = dt.date(2031, 11, 22)
FUZZ = settings(max_examples=300, deadline=None, database=None)


def fixed_key(seed: int) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"test key %d" % seed).digest())


KEY = fixed_key(1)
OTHER_KEY = fixed_key(2)
KID = signing.key_id_for(KEY.public_key())
OTHER_KID = signing.key_id_for(OTHER_KEY.public_key())


def published(key=KEY, *, authority="LA-SDI", valid_from=dt.date(2026, 1, 1), valid_until=None,
              status="active") -> PublishedKey:
    return PublishedKey(key_id=signing.key_id_for(key.public_key()), authority=authority,
                        public_key=key.public_key(), valid_from=valid_from,
                        valid_until=valid_until, status=status)


KEYS = {KID: published(), OTHER_KID: published(OTHER_KEY)}


def make_facts(**changes) -> SignedFacts:
    values = dict(
        number="LA-2026-000123", public_id="q3v7mzk2lx5n4pwa6rtyb2cd7e", kind="certificate",
        authority="LA-SDI", name_lao="ທ້າວ ສົມພອນ ພົມມະຈັນ", name_latin="Somphone Phommachanh",
        standard_code="LA-CON-BRL-L1", standard_version=1, level=1,
        units=tuple(f"LA-CON-BRL-0{i}" for i in range(1, 9)), issued_on=ISSUED,
        expires_on=EXPIRES, key_id=KID)
    values.update(changes)
    return SignedFacts(**values)


def issue(facts: SignedFacts, key: Ed25519PrivateKey = KEY) -> str:
    payload = signing.encode_payload(facts)
    return signing.make_token(payload, signing.sign(key, payload))


def raw_of(token: str) -> bytes:
    return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def canonical_json(document: dict) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


# --- payload --------------------------------------------------------------------------------


@pytest.mark.parametrize("name_lao, name_latin", [
    ("ນາງ ແສງເດືອນ ພົມມະວົງ", "Sengdeuane Phommavong"),
    ("ເຈົ້າ ທ້າວ ສີສຸວັນ", "Chao Thao Sisouvanh"),
    ("สมชาย ใจดี", "Somchai Jaidee"),
])
def test_payload_round_trip_lao_and_thai_names_eight_units(name_lao, name_latin):
    facts = make_facts(name_lao=name_lao, name_latin=name_latin, kind="attainment")
    payload = signing.encode_payload(facts)
    assert signing.decode_payload(payload) == facts
    assert len(facts.units) == 8
    assert name_lao.encode() in payload  # UTF-8, not \\u escapes
    assert json.loads(payload)["u"] == list(facts.units)


def test_payload_is_the_documented_compact_json():
    assert signing.encode_payload(make_facts()) == (
        '{"a":"LA-SDI","e":"2031-11-22","i":"2026-11-22","id":"q3v7mzk2lx5n4pwa6rtyb2cd7e",'
        '"k":"certificate","kid":"' + KID + '","l":1,"n":"LA-2026-000123",'
        '"nl":"ທ້າວ ສົມພອນ ພົມມະຈັນ","nr":"Somphone Phommachanh","s":"LA-CON-BRL-L1","sv":1,'
        '"u":["LA-CON-BRL-01","LA-CON-BRL-02","LA-CON-BRL-03","LA-CON-BRL-04","LA-CON-BRL-05",'
        '"LA-CON-BRL-06","LA-CON-BRL-07","LA-CON-BRL-08"],"v":1}').encode()


def test_same_facts_give_identical_bytes():
    first = signing.encode_payload(make_facts())
    again = signing.encode_payload(make_facts(units=list(make_facts().units)))
    assert first == again
    nfc, nfd = "Thérèse Vongsa", unicodedata.normalize("NFD", "Thérèse Vongsa")
    assert nfc != nfd
    assert make_facts(name_latin=nfd) == make_facts(name_latin=nfc)
    assert signing.encode_payload(make_facts(name_latin=nfd)) == signing.encode_payload(
        make_facts(name_latin=nfc))
    decoded = signing.decode_payload(signing.encode_payload(make_facts(name_latin=nfd)))
    assert decoded.name_latin == nfc


def _document(**changes) -> dict:
    document = json.loads(signing.encode_payload(make_facts()))
    document.update(changes)
    return document


NON_CANONICAL = {
    "keys reordered": lambda d: json.dumps(dict(reversed(list(d.items()))), separators=(",", ":"),
                                           ensure_ascii=False).encode(),
    "spaces": lambda d: json.dumps(d, sort_keys=True, ensure_ascii=False).encode(),
    "newline at end": lambda d: canonical_json(d) + b"\n",
    "ascii escapes": lambda d: json.dumps(d, sort_keys=True, separators=(",", ":")).encode(),
    "escaped slash-free ASCII": lambda d: canonical_json(d).replace(b'"LA-SDI"', b'"\\u004cA-SDI"'),
    "NFD name": lambda d: canonical_json({**d, "nr": unicodedata.normalize("NFD", "Thérèse")}),
    "duplicate key": lambda d: canonical_json(d).replace(b'"l":1,', b'"l":1,"l":1,'),
    "byte order mark": lambda d: b"\xef\xbb\xbf" + canonical_json(d),
    "UTF-16": lambda d: canonical_json(d).decode().encode("utf-16"),
}


@pytest.mark.parametrize("how", sorted(NON_CANONICAL))
def test_decode_refuses_non_canonical_encodings(how):
    data = NON_CANONICAL[how](_document())
    assert data != signing.encode_payload(make_facts())
    with pytest.raises(TokenError):
        signing.decode_payload(data)


INVALID = {
    "extra field": {"x": 1}, "level as float": {"l": 1.0}, "level as bool": {"l": True},
    "level 0": {"l": 0}, "level 9": {"l": 9}, "version as text": {"sv": "1"},
    "standard version 0": {"sv": 0}, "kind": {"k": "diploma"},
    "impossible date": {"i": "2026-02-30"},
    "basic date format": {"i": "20261122"}, "week date": {"e": "2031-W47-6"},
    "expires before issue": {"e": "2025-01-01"}, "units not a list": {"u": "LA-CON-BRL-01"},
    "no units": {"u": []}, "31 units": {"u": [f"U-{i}" for i in range(31)]},
    "duplicate unit": {"u": ["LA-CON-BRL-01", "LA-CON-BRL-01"]}, "unit number": {"u": [1]},
    "lower-case code": {"s": "la-con-brl-l1"}, "41-char code": {"s": "A" * 41},
    "name too long": {"nr": "A" * 121}, "empty name": {"nl": ""},
    "leading space": {"nr": " Somphone"},
    "double space": {"nr": "Somphone  Phommachanh"}, "tab": {"nr": "Somphone\tPhommachanh"},
    "bidi override": {"nr": "Somphone \u202ehcnahcammohP"},
    "zero-width space": {"nl": "ສົມ\u200bພອນ"},
    "control character": {"nr": "Somphone\x00"}, "short public id": {"id": "abc"},
    "public id with 1": {"id": "1" * 26}, "upper-case key id": {"kid": KID.upper()},
    "null field": {"n": None}, "number with slash": {"n": "LA/2026/1"},
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_decode_refuses_invalid_facts(case):
    with pytest.raises(TokenError):
        signing.decode_payload(canonical_json(_document(**INVALID[case])))


def test_decode_refuses_missing_field_other_version_and_junk():
    document = _document()
    del document["nr"]
    with pytest.raises(TokenError, match="missing"):
        signing.decode_payload(canonical_json(document))
    with pytest.raises(TokenError, match="^unsupported payload version$"):
        signing.decode_payload(canonical_json(_document(v=2)))
    for junk in (b"", b"[]", b"null", b"\xff\xfe", b"[" * 4000, b'{"v":1e400}', b'{"v":NaN}',
                 b"x" * 5000):
        with pytest.raises(TokenError):
            signing.decode_payload(junk)


def test_encode_refuses_facts_a_verifier_would_refuse():
    for bad in (make_facts(units=("la-con-brl-01",)), make_facts(expires_on=dt.date(2020, 1, 1)),
                make_facts(issued_on=dt.datetime(2026, 11, 22, 8, 0)), make_facts(kind="diploma"),
                make_facts(name_latin="x" * 121), make_facts(level=True)):
        with pytest.raises(TokenError):
            signing.encode_payload(bad)


# --- tokens ---------------------------------------------------------------------------------


def test_round_trip_is_genuine_with_equal_facts():
    facts = make_facts()
    payload = signing.encode_payload(facts)
    signature = signing.sign(KEY, payload)
    token = signing.make_token(payload, signature)
    assert len(signature) == 64
    assert set(token) <= set(ALPHABET)
    assert signing.parse_token(token) == (payload, signature)
    check = signing.check_token(token, KEYS)
    assert (check.outcome, check.facts, check.key) == ("genuine", facts, KEYS[KID])
    assert check.is_genuine


def test_format_1_is_pinned():
    """ZDICT, the deflate rule, the payload encoding and SIGNATURE_CONTEXT are part of format 1:
    printed QR codes must verify forever. If this fails, you changed the format."""
    payload = signing.encode_payload(make_facts())
    token = issue(make_facts())
    raw = raw_of(token)
    assert hashlib.sha256(raw[:-64]).hexdigest() == (
        "b502854b294f50a2cec3342aaf9cc2d3ef4a39e47ab3f2ffd8af97f314155c48")
    assert hashlib.sha256(token.encode()).hexdigest() == (  # Ed25519 signatures are deterministic
        "e3112f282099b5d3dc5e7728c58084dbb189689e39fed0e818051495d29dbb2f")
    inflater = zlib.decompressobj(wbits=-15, zdict=signing.ZDICT)  # any inflater reads it
    assert inflater.decompress(raw[:-64]) == payload and inflater.eof
    KEY.public_key().verify(raw[-64:], b"skills_cert/certificate@1\x00" + payload)


def test_a_zlib_stream_of_the_same_payload_is_refused():
    """Another valid deflate stream of a genuine payload is refused: one payload, one token."""
    token = issue(make_facts())
    payload, signature = signing.parse_token(token)
    for level, strategy in ((9, zlib.Z_DEFAULT_STRATEGY), (1, zlib.Z_FIXED),
                            (0, zlib.Z_DEFAULT_STRATEGY)):
        other = zlib.compressobj(level, zlib.DEFLATED, -15, 9, strategy, signing.ZDICT)
        stream = other.compress(payload) + other.flush()
        assert zlib.decompressobj(wbits=-15, zdict=signing.ZDICT).decompress(stream) == payload
        forged = b64(stream + signature)
        with pytest.raises(TokenError, match="canonical"):
            signing.parse_token(forged)
        assert signing.check_token(forged, KEYS).outcome == "malformed"


def test_every_payload_byte_alteration_is_never_genuine():
    facts = make_facts()
    payload = signing.encode_payload(facts)
    signature = signing.sign(KEY, payload)
    seen = set()
    for position in range(len(payload)):
        for flip in (0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80):
            altered = bytearray(payload)
            altered[position] ^= flip
            altered = bytes(altered)
            check = signing.check_token(signing.make_token(altered, signature), KEYS)
            assert check.outcome != "genuine", (position, flip)
            assert check.facts is None
            seen.add(check.outcome)
    assert seen == {"malformed", "altered", "unknown_key"}


def _alternatives(char: str, count: int) -> list[str]:
    start = ALPHABET.index(char)
    return [ALPHABET[(start + step) % 64] for step in (1, 17, 32, 63)[:count]]


def test_every_token_character_change_is_never_genuine():
    token = issue(make_facts())
    assert len(token) >= 300
    outcomes = set()
    for position, char in enumerate(token):
        edge = position < 10 or position >= len(token) - 10
        for replacement in (c for c in ALPHABET if c != char) if edge else _alternatives(char, 4):
            changed = token[:position] + replacement + token[position + 1:]
            check = signing.check_token(changed, KEYS)
            assert check.outcome != "genuine", (position, replacement)
            assert check.facts is None
            outcomes.add(check.outcome)
    assert "altered" in outcomes and "malformed" in outcomes


ALTERATIONS = {
    "number": {"number": "LA-2026-000124"}, "public id": {"public_id": "a" * 26},
    "kind": {"kind": "attainment"}, "authority": {"authority": "TH-DSD"},
    "Lao name": {"name_lao": "ທ້າວ ສົມພອນ ພົມມະຈັນທ"},
    "Latin name": {"name_latin": "Somphone Phommachan"},
    "standard": {"standard_code": "LA-CON-PLS-L1"}, "standard version": {"standard_version": 2},
    "level": {"level": 2}, "unit added": {"units": make_facts().units + ("LA-CON-BRL-09",)},
    "unit dropped": {"units": make_facts().units[:-1]},
    "units reordered": {"units": make_facts().units[::-1]},
    "issued on": {"issued_on": ISSUED + dt.timedelta(days=1)},
    "expires on": {"expires_on": dt.date(2036, 11, 22)}, "key id": {"key_id": OTHER_KID},
}


@pytest.mark.parametrize("fact", sorted(ALTERATIONS))
def test_changing_any_fact_under_the_old_signature_is_altered(fact):
    signature = signing.sign(KEY, signing.encode_payload(make_facts()))
    altered = signing.encode_payload(make_facts(**ALTERATIONS[fact]))
    check = signing.check_token(signing.make_token(altered, signature), KEYS)
    assert (check.outcome, check.facts) == ("altered", None)


def test_unknown_key():
    check = signing.check_token(issue(make_facts()), {OTHER_KID: KEYS[OTHER_KID]})
    assert (check.outcome, check.facts) == ("unknown_key", None)
    assert signing.check_token(issue(make_facts()), {}).outcome == "unknown_key"


def test_key_set_entry_under_the_wrong_kid_is_not_trusted():
    facts = make_facts(key_id=OTHER_KID)
    check = signing.check_token(issue(facts, KEY), {OTHER_KID: KEYS[KID]})
    assert check.outcome != "genuine" and check.facts is None


def test_compromised_key_gives_the_facts_but_never_genuine():
    keys = {KID: published(status="compromised", valid_until=ISSUED + dt.timedelta(days=30))}
    check = signing.check_token(issue(make_facts()), keys)
    assert (check.outcome, check.facts) == ("compromised_key", make_facts())
    assert not check.is_genuine and "compromised" in check.detail


def test_retired_key_still_verifies_what_it_signed_while_valid():
    for until in (ISSUED, ISSUED + dt.timedelta(days=200)):  # valid_until is inclusive
        keys = {KID: published(status="retired", valid_until=until)}
        assert signing.check_token(issue(make_facts()), keys).outcome == "genuine"


def test_issued_outside_the_keys_validity_is_not_genuine():
    after = {KID: published(status="retired", valid_until=ISSUED - dt.timedelta(days=1))}
    before = {KID: published(valid_from=ISSUED + dt.timedelta(days=1))}
    for keys in (after, before):
        check = signing.check_token(issue(make_facts()), keys)
        assert (check.outcome, check.facts) == ("altered", None)
        assert check.detail == "issued outside the key's validity"


def test_a_key_of_another_authority_is_not_genuine():
    keys = {KID: published(authority="TH-DSD")}
    check = signing.check_token(issue(make_facts()), keys)
    assert (check.outcome, check.facts) == ("altered", None)


def test_parse_token_limits():
    token = issue(make_facts())
    raw = raw_of(token)
    compressed, signature = raw[:-64], raw[-64:]
    bomb = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, signing.ZDICT)
    bomb_stream = bomb.compress(b"{" + b" " * 1_000_000) + bomb.flush()
    assert len(bomb_stream) < 1500  # a small token that would expand to a megabyte
    assert len(token) % 4 in (2, 3)  # so its last character has unused low bits
    spare_bits = 0b1111 if len(token) % 4 == 2 else 0b11
    last = ALPHABET.index(token[-1])
    cases = {
        "empty": "", "too long": "A" * 2001, "padding": token + "=",
        "padding inside": token[:40] + "==",
        "plus": token.replace(token[5], "+", 1), "slash": "ab/" + token, "space": token + " ",
        "newline": token + "\n", "fullwidth letter": "\uff41" + token[1:],
        "accented": "é" + token[1:],
        "impossible length": token + "A" * (5 - len(token) % 4 if len(token) % 4 != 1 else 4),
        "non-canonical last character": token[:-1] + ALPHABET[last | spare_bits],
        "only a signature": b64(signature), "signature cut": b64(compressed + signature[:-1]),
        "zip bomb": b64(bomb_stream + signature),
        "trailing data": b64(compressed + b"\0" + signature),
        "cut short": b64(compressed[:-3] + signature), "random bytes": b64(os.urandom(200)),
        "not a string": None,
    }
    assert cases["non-canonical last character"] != token
    for name, bad in cases.items():
        with pytest.raises(TokenError):
            signing.parse_token(bad)
        assert signing.check_token(bad, KEYS).outcome == "malformed", name


@pytest.mark.parametrize("data", [
    b"a" * 4096, b"ab" * 2048, bytes(range(256)) * 16, hashlib.sha256(b"x").digest() * 128,
    signing.ZDICT * 20, b"", b"\xff",
], ids=["run", "pairs", "bytes", "blocks", "dictionary", "empty", "one byte"])
def test_canonical_deflate_is_standard_deflate(data):
    stream = deflate(data)
    inflater = zlib.decompressobj(wbits=-15, zdict=signing.ZDICT)
    assert inflater.decompress(stream) == data and inflater.eof and not inflater.unused_data
    assert deflate(data) == stream


def test_token_from_url_or_token():
    from skills_cert.certification.offline import token_from

    assert token_from("  abc-_9 \n") == "abc-_9"
    assert token_from(VERIFY_URL + "abc") == "abc"
    assert token_from(VERIFY_URL + "abc/?lang=th#x") == "abc"
    assert token_from("verify.sdi.gov.la/v/abc") == "abc"


def test_make_token_refuses_bad_input():
    with pytest.raises(TokenError):
        signing.make_token(b"{}", b"\0" * 63)
    with pytest.raises(TokenError):
        signing.make_token(b"", b"\0" * 64)
    with pytest.raises(TokenError):  # incompressible: would not fit in a QR code
        signing.make_token(os.urandom(1800), b"\0" * 64)


@FUZZ
@given(st.text())
def test_fuzz_check_token_never_raises_on_any_text(text):
    check = signing.check_token(text, KEYS)
    assert check.outcome in ("malformed", "altered", "unknown_key")
    try:
        signing.parse_token(text)
    except TokenError:
        pass


@FUZZ
@given(st.text(alphabet=ALPHABET, min_size=80, max_size=2100))
def test_fuzz_url_safe_strings(text):
    assert signing.check_token(text, KEYS).outcome != "genuine"
    try:
        payload, signature = signing.parse_token(text)
    except TokenError:
        return
    assert len(signature) == 64 and len(payload) <= 4096


@FUZZ
@given(st.binary(max_size=700), st.binary(min_size=64, max_size=64))
def test_fuzz_well_formed_streams_of_any_payload(payload, signature):
    token = b64(deflate(payload) + signature)
    if len(token) <= signing.MAX_TOKEN_LENGTH:
        assert signing.parse_token(token) == (payload, signature)
    assert signing.check_token(token, KEYS).outcome in ("malformed", "altered", "unknown_key")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=50),
    lambda inner: st.lists(inner, max_size=5), max_leaves=10)


@FUZZ
@given(st.dictionaries(st.sampled_from(["v", *_FIELDS, "x"]), json_values), st.data())
def test_fuzz_payload_documents(changes, data):
    document = _document(**changes)
    if data.draw(st.booleans()):
        document.pop(data.draw(st.sampled_from(sorted(document))))
    try:
        encoded = json.dumps(document, sort_keys=True, separators=(",", ":"),
                             ensure_ascii=False).encode("utf-8", "surrogatepass")
    except ValueError:
        return
    try:
        facts = signing.decode_payload(encoded)
    except TokenError:
        return
    assert signing.encode_payload(facts) == encoded


def test_token_size_for_a_realistic_certificate():
    facts = make_facts(public_id=base64.b32encode(os.urandom(16)).decode().rstrip("=").lower(),
                       name_lao="ນາງ ບົວພັນ ສີສຸວັນນະວົງ", name_latin="Bouaphanh Sisouvannavong",
                       units=tuple(f"LA-CON-BRL-0{i}" for i in range(1, 7)))
    assert 18 <= len(facts.name_lao) <= 24
    url = VERIFY_URL + issue(facts)
    print(f"\nverification URL: {len(url)} characters, payload "
          f"{len(signing.encode_payload(facts))} bytes")
    assert len(url) < 420


def test_the_largest_certificate_still_fits():
    """120-character names in Lao and Latin script and 30 long unit codes: the token is below
    MAX_TOKEN_LENGTH, so every certificate a standard file allows can be issued."""
    lao_words = ["ສົມພອນ", "ບົວພັນ", "ແສງເດືອນ", "ພົມມະຈັນ", "ວົງສະຫວັນ", "ສີສຸວັນ", "ຄຳແພງ", "ດວງໃຈ",
                 "ພູມມີໄຊ", "ອິນທະວົງ", "ແກ້ວມະນີ", "ສຸລິຍະ", "ຈັນທະລາ", "ບຸນມີ", "ໄຊຍະວົງ", "ທອງດີ"]
    latin_words = ["Somphone", "Bouaphanh", "Sengdeuane", "Phommachanh", "Vongsavanh", "Sisouvanh",
                   "Khamphaeng", "Douangchai", "Phoummixay", "Inthavong", "Keomany", "Souliya"]
    name_lao = " ".join(lao_words * 3)[:120].rstrip()
    name_latin = " ".join(latin_words * 3)[:120].rstrip()
    units = tuple(f"LA-CON-BRICKLAYING-PLASTERING-{i:02d}-XY{i * 7919 % 10007:05d}"
                  for i in range(30))
    facts = make_facts(name_lao=name_lao, name_latin=name_latin, units=units)
    assert len(name_lao) >= 118 and len(name_latin) >= 118 and max(map(len, units)) == 40
    token = issue(facts)
    print(f"\nlargest token: {len(token)} characters")
    assert len(token) <= signing.MAX_TOKEN_LENGTH
    assert signing.check_token(token, KEYS).facts == facts


# --- key files ------------------------------------------------------------------------------


def test_key_file_is_private_from_the_start(tmp_path):
    key = signing.generate_private_key()
    old_umask = os.umask(0)  # even with a careless umask
    try:
        path = signing.write_private_key(tmp_path / "keys", "LA-SDI", key)
    finally:
        os.umask(old_umask)
    kid = signing.key_id_for(key.public_key())
    assert path == tmp_path / "keys" / "LA-SDI" / f"{kid}.pem"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "keys").stat().st_mode) == 0o700
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    loaded = signing.load_private_key(tmp_path / "keys", "LA-SDI", kid)
    assert signing.key_id_for(loaded.public_key()) == kid
    assert signing.private_key_ids(tmp_path / "keys", "LA-SDI") == [kid]
    assert signing.private_key_ids(tmp_path / "keys", "TH-DSD") == []


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o620])
def test_loading_a_key_others_can_read_or_write_is_refused(tmp_path, mode):
    key = signing.generate_private_key()
    path = signing.write_private_key(tmp_path, "LA-SDI", key)
    path.chmod(mode)
    kid = signing.key_id_for(key.public_key())
    with pytest.raises(signing.KeyFileError, match="chmod 600") as caught:
        signing.load_private_key(tmp_path, "LA-SDI", kid)
    assert str(path) in str(caught.value)
    assert signing.load_private_key(tmp_path, "LA-SDI", kid, check_permissions=False)


def test_key_file_overwrite_and_key_id_mismatch_are_refused(tmp_path):
    key, other = signing.generate_private_key(), signing.generate_private_key()
    path = signing.write_private_key(tmp_path, "LA-SDI", key)
    before = path.read_bytes()
    with pytest.raises(signing.KeyFileError, match="overwrit"):
        signing.write_private_key(tmp_path, "LA-SDI", key)
    assert path.read_bytes() == before
    other_path = signing.write_private_key(tmp_path, "LA-SDI", other)
    other_path.unlink()
    path.rename(other_path)  # a key file under another key's id
    with pytest.raises(signing.KeyFileError, match="holds key"):
        signing.load_private_key(tmp_path, "LA-SDI", signing.key_id_for(other.public_key()))


def test_key_file_bad_names_and_missing_files(tmp_path):
    key = signing.generate_private_key()
    for authority in ("../etc", "LA/SDI", "", "la-sdi"):
        with pytest.raises(signing.KeyFileError):
            signing.write_private_key(tmp_path, authority, key)
    with pytest.raises(signing.KeyFileError, match="does not exist"):
        signing.load_private_key(tmp_path, "LA-SDI", "0" * 16)
    with pytest.raises(signing.KeyFileError):
        signing.load_private_key(tmp_path, "LA-SDI", "../../x")
    folder = tmp_path / "LA-SDI"
    folder.mkdir()
    (folder / ("1" * 16 + ".pem")).write_text("not a key")
    (folder / ("1" * 16 + ".pem")).chmod(0o600)
    with pytest.raises(signing.KeyFileError, match="not an unencrypted PEM"):
        signing.load_private_key(tmp_path, "LA-SDI", "1" * 16)


# --- key sets -------------------------------------------------------------------------------


def _keyset_keys() -> list[PublishedKey]:
    return [published(), published(OTHER_KEY, valid_until=dt.date(2026, 6, 30), status="retired"),
            published(fixed_key(3), authority="TH-DSD", status="compromised",
                      valid_until=dt.date(2026, 3, 1))]


def test_keyset_json_round_trip():
    keys = _keyset_keys()
    document = json.loads(json.dumps(signing.keyset_to_json(keys)))
    assert document["format"] == "skills_cert/keyset@1"
    assert [entry["kid"] for entry in document["keys"]] == sorted(key.key_id for key in keys)
    for entry in document["keys"]:
        assert entry["alg"] == "Ed25519" and len(entry["public_key"]) == 43
    assert signing.keyset_from_json(document) == {key.key_id: key for key in keys}


def test_keyset_refuses_a_kid_that_does_not_match_its_key():
    document = signing.keyset_to_json(_keyset_keys())
    document["keys"][0]["kid"] = document["keys"][1]["kid"][::-1]
    with pytest.raises(ValueError, match="does not match"):
        signing.keyset_from_json(document)


KEYSET_BREAKAGES = {
    "unknown field": lambda d: d["keys"][0].update(note="x"),
    "algorithm": lambda d: d["keys"][0].update(alg="EdDSA"),
    "duplicate": lambda d: d["keys"].append(dict(d["keys"][0])),
    "padded key": lambda d: d["keys"][0].update(public_key=d["keys"][0]["public_key"] + "="),
    "short key": lambda d: d["keys"][0].update(public_key=d["keys"][0]["public_key"][:-2]),
    "status": lambda d: d["keys"][0].update(status="revoked"),
    "retired without end": lambda d: [entry.update(valid_until=None) for entry in d["keys"]
                                      if entry["status"] == "retired"],
    "ends before start": lambda d: d["keys"][0].update(valid_until="2025-01-01"),
    "date format": lambda d: d["keys"][0].update(valid_from="01/01/2026"),
    "format": lambda d: d.update(format="skills_cert/keyset@2"),
    "extra top level": lambda d: d.update(signed=True),
    "keys not a list": lambda d: d.update(keys={}),
}


@pytest.mark.parametrize("breakage", sorted(KEYSET_BREAKAGES))
def test_keyset_from_json_is_strict(breakage):
    document = signing.keyset_to_json(_keyset_keys())
    KEYSET_BREAKAGES[breakage](document)
    with pytest.raises(ValueError):
        signing.keyset_from_json(document)


# --- the offline verifier -------------------------------------------------------------------


def run_verifier(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "skills_cert.verify_offline", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, encoding="utf-8", timeout=60)


@pytest.fixture
def keys_file(tmp_path) -> Path:
    path = tmp_path / "keys.json"
    path.write_text(json.dumps(signing.keyset_to_json(KEYS.values())), encoding="utf-8")
    return path


def test_verify_offline_genuine(keys_file):
    token = issue(make_facts())
    for given_as in (token, VERIFY_URL + token, VERIFY_URL + token + "?lang=lo#top"):
        result = run_verifier(given_as, "--keys", str(keys_file))
        assert result.returncode == 0, result.stderr
        assert "GENUINE" in result.stdout
        assert "Somphone Phommachanh" in result.stdout
        assert "ທ້າວ ສົມພອນ ພົມມະຈັນ" in result.stdout
        assert "LA-CON-BRL-08" in result.stdout and "2031-11-22" in result.stdout


def test_verify_offline_altered(keys_file):
    signature = signing.sign(KEY, signing.encode_payload(make_facts()))
    forged = signing.make_token(signing.encode_payload(make_facts(level=2)), signature)
    result = run_verifier(forged, "--keys", str(keys_file))
    assert result.returncode == 1
    assert "ALTERED" in result.stdout and "Somphone" not in result.stdout


def test_verify_offline_json(keys_file):
    result = run_verifier(issue(make_facts()), "--keys", str(keys_file), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["outcome"] == "genuine" and report["genuine"] is True
    assert report["facts"]["name_latin"] == "Somphone Phommachanh"
    assert report["facts"]["units"] == list(make_facts().units)
    assert report["key"]["kid"] == KID and report["revocation_checked"] is False
    result = run_verifier("not-a-token", "--keys", str(keys_file), "--json")
    assert result.returncode == 1
    assert json.loads(result.stdout)["outcome"] == "malformed"


def test_verify_offline_usage_errors(tmp_path, keys_file):
    assert run_verifier(issue(make_facts())).returncode == 2  # no --keys
    assert run_verifier("x", "--keys", str(tmp_path / "missing.json")).returncode == 2
    (tmp_path / "bad.json").write_text('{"format": "other"}')
    result = run_verifier("x", "--keys", str(tmp_path / "bad.json"))
    assert result.returncode == 2 and "key set" in result.stderr


def test_signing_and_verifier_import_neither_flask_nor_the_database():
    """The token format, the credential format and the offline verifier stand alone: the standard
    library, cryptography, and pyld with base58 for credentials."""
    allowed_roots = {"cryptography", "pyld", "base58", "skills_cert"} | set(sys.stdlib_module_names)
    alone = ("skills_cert.certification.signing", "skills_cert.certification.credentials",
             "skills_cert.certification.offline")  # offline and offline_credential
    certification = ROOT / "skills_cert" / "certification"
    for path in [*sorted((certification / "signing").glob("*.py")),
                 *sorted((certification / "credentials").glob("*.py")), certification / "offline.py",
                 certification / "offline_credential.py", certification / "__init__.py",
                 ROOT / "skills_cert" / "verify_offline.py"]:
        name = path.name
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            for module in modules:
                assert module.split(".")[0] in allowed_roots, (name, module)
                if module.startswith("skills_cert"):
                    assert module.startswith(alone) or set(alias.name for alias in node.names) <= {
                        "signing", "offline_credential"}, (name, module)


def test_verifier_runs_with_flask_and_sqlalchemy_unavailable(keys_file):
    """Load the two modules without the package's __init__ (which defines create_app) and with
    Flask and SQLAlchemy made unimportable: the verifier still works."""
    script = textwrap.dedent(f"""
        import sys, types
        class Block:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("flask", "sqlalchemy", "flask_sqlalchemy", "werkzeug"):
                    raise ImportError("blocked: " + name)
        sys.meta_path.insert(0, Block())
        package = types.ModuleType("skills_cert")
        package.__path__ = [{str(ROOT / "skills_cert")!r}]
        sys.modules["skills_cert"] = package
        from skills_cert import verify_offline
        sys.exit(verify_offline.main([sys.argv[1], "--keys", sys.argv[2]]))
    """)
    result = subprocess.run([sys.executable, "-c", script, issue(make_facts()), str(keys_file)],
                            capture_output=True, text=True, encoding="utf-8", timeout=60,
                            env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert result.returncode == 0, result.stderr
    assert "GENUINE" in result.stdout


def test_dataclasses_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        make_facts().number = "LA-2026-999999"  # type: ignore[misc]
