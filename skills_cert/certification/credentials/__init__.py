"""Certificates as Open Badges 3.0 credentials (W3C Verifiable Credentials Data Model 2.0), in pure
Python: no Flask, no database, no network, like `signing/`.

- `contexts.py`: the JSON-LD contexts, bundled and pinned by SHA-256, and the only document
  loader (it refuses every other URL);
- `proofs.py`: Data Integrity proofs with `eddsa-rdfc-2022` (pyld's RDF canonicalisation, then
  Ed25519), and Ed25519 keys as Multikey;
- `badge.py`: the OpenBadgeCredential of a certificate, from plain facts;
- `status_list.py`: Bitstring Status List revocation;
- `issuers.py`: the authorities as did:web, and their DID documents;
- `verifier.py`: our own verifier (proof, key, validity, revocation).

`schemas/` holds 1EdTech's JSON Schema for OB 3.0 achievement credentials, used by the tests.
"""
