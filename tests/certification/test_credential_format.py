"""The credential format without the app: bundled contexts and nothing else, the eddsa-rdfc-2022
proof, the Bitstring Status List, did:web, and the OB 3.0 identity hash."""

from __future__ import annotations

import copy
import datetime as dt
import gzip
import socket

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from skills_cert.certification import signing
from skills_cert.certification.credentials import badge, contexts, issuers, proofs, status_list, verifier
from skills_cert.devtools.bench.credentials import BASE, sample_documents

NOW = dt.datetime(2026, 3, 14, 9, tzinfo=dt.timezone.utc)


@pytest.fixture()
def signer():
    key = Ed25519PrivateKey.generate()
    published = signing.PublishedKey(key_id=signing.key_id_for(key.public_key()), authority="LA-SDI",
                                     public_key=key.public_key(), valid_from=dt.date(2026, 1, 1),
                                     valid_until=None, status="active")
    method = issuers.verification_method(issuers.issuer_did(BASE, "LA-SDI"), published.key_id)
    return key, {published.key_id: published}, method


def test_only_the_bundled_contexts_load_each_pinned_by_its_digest():
    for url in contexts.BUNDLED:
        assert contexts.context_document(url)["@context"]
    with pytest.raises(contexts.ContextError, match="only the bundled JSON-LD contexts"):
        contexts.document_loader("https://example.org/evil-context.jsonld")
    document = {**sample_documents(1)[0]}
    document["@context"] = [*document["@context"], "https://example.org/evil-context.jsonld"]
    with pytest.raises(proofs.ProofError, match="evil-context"):
        proofs.canonical_nquads(document)


def test_signing_and_verifying_never_touch_the_network(signer, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the network was used")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    key, keys, method = signer
    signed = proofs.add_proof(sample_documents(1)[0], key, method, NOW)
    assert verifier.check_credential(signed, keys).outcome == "genuine"


def test_a_term_no_context_defines_is_refused_not_silently_dropped(signer):
    key, keys, method = signer
    document = sample_documents(1)[0]
    document["credentialSubject"]["dateOfBirth"] = "1990-03-14"  # defined only on a Profile
    with pytest.raises(proofs.ProofError, match="dateOfBirth"):
        proofs.add_proof(document, key, method, NOW)
    signed = proofs.add_proof(sample_documents(1)[0], key, method, NOW)
    added = copy.deepcopy(signed)
    added["evidence"][0]["hiddenNote"] = "not signed"
    check = verifier.check_credential(added, keys)
    assert check.outcome == "altered" and "hiddenNote" in check.detail


def test_the_proof_is_checked_for_shape_key_and_period(signer):
    key, keys, method = signer
    signed = proofs.add_proof(sample_documents(1)[0], key, method, NOW)
    assert signed["proof"][0]["proofValue"].startswith("z")
    two = {**signed, "proof": signed["proof"] * 2}
    assert verifier.check_credential(two, keys).outcome == "malformed"
    garbled = copy.deepcopy(signed)
    garbled["proof"][0]["proofValue"] = "z0OIl"  # not base58
    assert verifier.check_credential(garbled, keys).outcome == "altered"
    assert verifier.check_credential(signed, {}).outcome == "unknown_key"
    assert verifier.check_credential("not a credential", keys).outcome == "malformed"
    (published,) = keys.values()
    retired = signing.PublishedKey(**{**published.__dict__, "status": "retired",
                                      "valid_until": dt.date(2026, 2, 1)})
    check = verifier.check_credential(signed, {published.key_id: retired})
    assert check.outcome == "altered" and "outside the validity" in check.detail
    check = verifier.check_credential(signed, keys)
    assert check.period(NOW) == "current" and check.period(dt.datetime(2031, 3, 15, tzinfo=dt.timezone.utc)) == "expired"


def test_status_list_bits_and_bad_lists():
    encoded = status_list.encode([0, 9, status_list.LIST_BITS - 1])
    bits = status_list.decode(encoded)
    assert len(bits) * 8 == status_list.LIST_BITS and bits[0] == 0x80 and bits[1] == 0x40
    assert [status_list.is_set(bits, i) for i in (0, 1, 9, status_list.LIST_BITS - 1)] == [True, False, True, True]
    assert encoded.startswith("u") and "=" not in encoded
    for bad in ("zabc", "u!!!", "u" + "A" * 10):
        with pytest.raises(status_list.StatusListError):
            status_list.decode(bad)
    bomb = "u" + status_list.base64.urlsafe_b64encode(gzip.compress(bytes(50_000_000))).decode().rstrip("=")
    with pytest.raises(status_list.StatusListError, match="too long"):
        status_list.decode(bomb)
    short = "u" + status_list.base64.urlsafe_b64encode(gzip.compress(bytes(100))).decode().rstrip("=")
    with pytest.raises(status_list.StatusListError, match="fewer than"):
        status_list.decode(short)
    with pytest.raises(ValueError):
        status_list.encode([status_list.LIST_BITS])


def test_issuers_are_did_web_with_their_keys_as_multikey(signer):
    assert issuers.issuer_did("https://verify.sdi.gov.la", "LA-SDI") == "did:web:verify.sdi.gov.la:issuers:LA-SDI"
    assert issuers.issuer_did("http://127.0.0.1:5077/skills/", "LA-SDI") == \
        "did:web:127.0.0.1%3A5077:skills:issuers:LA-SDI"
    assert issuers.authority_of("did:web:verify.sdi.gov.la:issuers:LA-SDI") == "LA-SDI"
    assert issuers.authority_of("did:key:z6Mk") is None
    _key, keys, _method = signer
    (published,) = keys.values()
    value = proofs.multikey(published.public_key)
    assert value.startswith("z6Mk")  # the Ed25519 Multikey prefix
    assert proofs.public_key_from_multikey(value) == published.public_key
    compromised = signing.PublishedKey(**{**published.__dict__, "status": "compromised",
                                          "valid_until": dt.date(2026, 5, 1)})
    document = issuers.did_document("did:web:x:issuers:LA-SDI", [compromised])
    assert document["assertionMethod"] == [] and document["verificationMethod"][0]["revoked"] == "2026-05-01T00:00:00Z"


def test_the_identity_hash_is_the_one_open_badges_defines():
    # The example in the OB 3.0 specification: "a@example.com" salted with "Kosher".
    assert badge.identity_hash("a@example.com", "Kosher") == \
        "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"
    document = sample_documents(1)[0]
    assert badge.check_identity(document, "P0000000", f"{0:032x}")
    salt = f"{0:032x}"
    grouped = "-".join(salt[i:i + 4] for i in range(0, 32, 4)).upper()
    assert badge.check_identity(document, " p000-0000 ", grouped)  # as typed from the card and the page
    assert not badge.check_identity(document, "P0000001", f"{0:032x}")
    assert not badge.check_identity({"credentialSubject": "x"}, "P0000000", "")
