"""Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite (W3C Data Integrity EdDSA
Cryptosuites v1.0, a Recommendation of May 2025), and Ed25519 public keys as Multikey.

Signing: canonicalise the document without its proof and the proof options (with the document's
`@context`) by RDF Dataset Canonicalization (pyld's URDNA2015, which RDFC-1.0 standardised), hash
each with SHA-256, and sign `hash(options) + hash(document)` with Ed25519. The proof value is
multibase base58btc (`z...`).

A term that no context defines would be dropped by JSON-LD expansion, and so left out of what is
signed: whatever it says would be unprotected. Canonicalisation therefore runs with one more
context, `{"@vocab": UNDEFINED}`, after the document's own: an undefined term then expands to an
`UNDEFINED` IRI and the document is refused. When no term is undefined, the extra context
changes nothing, so the canonical form is the standard one at no extra cost.
"""

from __future__ import annotations

import datetime
import hashlib

import base58
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from pyld import jsonld

from skills_cert.certification.credentials.contexts import document_loader

CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_TYPE = "DataIntegrityProof"
ED25519_MULTICODEC = b"\xed\x01"
UNDEFINED = "urn:skills-cert:undefined-term:"
_OPTIONS = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": document_loader}


class ProofError(ValueError):
    """A document that cannot be signed or whose proof does not verify; str() says why."""


def multikey(public_key: Ed25519PublicKey) -> str:
    """`publicKeyMultibase` of an Ed25519 key: base58btc of 0xed01 + the 32 raw bytes."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "z" + base58.b58encode(ED25519_MULTICODEC + raw).decode("ascii")


def public_key_from_multikey(value: str) -> Ed25519PublicKey:
    try:
        if not isinstance(value, str) or not value.startswith("z"):
            raise ValueError
        raw = base58.b58decode(value[1:])
        if len(raw) != 34 or raw[:2] != ED25519_MULTICODEC:
            raise ValueError
        return Ed25519PublicKey.from_public_bytes(raw[2:])
    except ValueError:
        raise ProofError("publicKeyMultibase is not an Ed25519 Multikey") from None


def canonical_nquads(document: dict) -> str:
    """The RDFC-1.0 canonical N-Quads of a JSON-LD document; ProofError if a term is undefined or
    a context is not bundled."""
    contexts = document.get("@context")
    if not isinstance(contexts, list) or not contexts:
        raise ProofError("@context must be a non-empty list")
    guarded = {**document, "@context": [*contexts, {"@vocab": UNDEFINED}]}
    try:
        nquads = jsonld.normalize(guarded, dict(_OPTIONS))
    except jsonld.JsonLdError as exc:
        cause = exc
        while cause.__cause__ is not None:  # the innermost reason, e.g. the refused URL
            cause = cause.__cause__
        raise ProofError(f"not valid JSON-LD: {cause}") from None
    if UNDEFINED in nquads:
        term = nquads.split(UNDEFINED, 1)[1].split(">", 1)[0]
        raise ProofError(f"the term {term!r} is not defined by any context")
    return nquads


def _hash_data(document: dict, options: dict) -> bytes:
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    config = {"@context": document["@context"], **options}
    return (hashlib.sha256(canonical_nquads(config).encode("utf-8")).digest()
            + hashlib.sha256(canonical_nquads(unsecured).encode("utf-8")).digest())


def xsd_datetime(moment: datetime.datetime) -> str:
    """UTC, whole seconds, with a Z: the form every verifier reads the same way."""
    return moment.astimezone(datetime.timezone.utc).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def add_proof(document: dict, private_key: Ed25519PrivateKey, verification_method: str,
              created: datetime.datetime) -> dict:
    """A copy of *document* with an `assertionMethod` DataIntegrityProof (in a list of one)."""
    options = {"type": PROOF_TYPE, "cryptosuite": CRYPTOSUITE, "created": xsd_datetime(created),
               "verificationMethod": verification_method, "proofPurpose": "assertionMethod"}
    signature = private_key.sign(_hash_data(document, options))
    # A list of one: 1EdTech's schema for OB 3.0 wants a list, and VC 2.0 allows one or a list.
    return {**document, "proof": [{**options, "proofValue": "z" + base58.b58encode(signature).decode("ascii")}]}


PROOF_FIELDS = {"type", "cryptosuite", "created", "verificationMethod", "proofPurpose", "proofValue"}


def proof_of(document: dict) -> dict:
    """The document's single eddsa-rdfc-2022 assertion proof, checked for shape."""
    proof = document.get("proof")
    if isinstance(proof, list) and len(proof) == 1:
        proof = proof[0]
    if not isinstance(proof, dict):
        raise ProofError("the credential has no proof, or more than one")
    if set(proof) != PROOF_FIELDS:
        raise ProofError("the proof must have exactly " + ", ".join(sorted(PROOF_FIELDS)))
    if proof["type"] != PROOF_TYPE or proof["cryptosuite"] != CRYPTOSUITE:
        raise ProofError(f"the proof is not a {PROOF_TYPE} with cryptosuite {CRYPTOSUITE}")
    if proof["proofPurpose"] != "assertionMethod":
        raise ProofError("the proof's purpose is not assertionMethod")
    if not all(isinstance(proof[key], str) for key in PROOF_FIELDS):
        raise ProofError("the proof's fields must be text")
    return proof


def proof_created(proof: dict) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(proof["created"].replace("Z", "+00:00"))
    except ValueError:
        raise ProofError("the proof's created time is not a date and time") from None
    if moment.tzinfo is None:
        raise ProofError("the proof's created time has no time zone")
    return moment


def check_proof(document: dict, public_key: Ed25519PublicKey) -> None:
    """Return if the document's proof is a valid signature by *public_key*; ProofError otherwise."""
    proof = proof_of(document)
    value = proof["proofValue"]
    try:
        if not value.startswith("z"):
            raise ValueError
        signature = base58.b58decode(value[1:])
    except ValueError:
        raise ProofError("proofValue is not multibase base58btc") from None
    if len(signature) != 64:
        raise ProofError("proofValue is not a 64-byte Ed25519 signature")
    options = {key: proof[key] for key in PROOF_FIELDS - {"proofValue"}}
    try:
        public_key.verify(signature, _hash_data(document, options))
    except InvalidSignature:
        raise ProofError("the signature does not match the credential: it was changed after "
                         "signing, or signed with another key") from None
