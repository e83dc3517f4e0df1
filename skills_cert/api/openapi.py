"""The OpenAPI 3.1 document of /api/v1. Tests validate every response against it."""

VERDICTS = ["genuine", "revoked", "expired", "superseded", "altered", "unknown", "unknown_key",
            "compromised_key", "malformed"]

TEXT3 = {"type": "object", "required": ["lo", "th", "en"], "additionalProperties": False,
         "properties": {k: {"type": "string"} for k in ("lo", "th", "en")}}

VERIFICATION = {
    "type": "object",
    "required": ["verdict", "valid", "signature", "registry", "certificate"],
    "additionalProperties": False,
    "properties": {
        "verdict": {"type": "string", "enum": VERDICTS},
        "valid": {"type": "boolean", "description": "true only for a genuine certificate valid today"},
        "signature": {"type": "string", "enum": ["valid", "invalid", "unknown_key", "compromised_key", "malformed"]},
        "registry": {"type": ["string", "null"], "enum": ["valid", "revoked", "expired", "superseded", None]},
        "certificate": {"oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Certificate"}]},
    },
}

CERTIFICATE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["number", "kind", "holder", "standard", "units", "issued_on", "expires_on", "authority",
                 "recognition"],
    "properties": {
        "number": {"type": "string"},
        "kind": {"type": "string", "enum": ["certificate", "attainment"]},
        "holder": {"type": "object", "additionalProperties": False,
                   "required": ["name_lao", "name_latin", "name_thai"],
                   "properties": {
                       "name_lao": {"type": "string", "description": "the name in Lao script as signed "
                                    "(in Thai script for a Thai national registered so)"},
                       "name_latin": {"type": "string", "description": "the romanised name as signed"},
                       "name_thai": {"type": ["string", "null"], "description":
                                     "the name in Thai script, as a Thai work permit writes it: the "
                                     "issuer's Thai spelling of the name in Lao script, proposed from it "
                                     "and checked by the assessor. Kept by the registry and printed on "
                                     "the PDF, not part of the signed token. null for certificates "
                                     "issued without one"}}},
        "standard": {"type": "object", "additionalProperties": False,
                     "required": ["code", "version", "level", "title", "occupation"],
                     "properties": {"code": {"type": "string"}, "version": {"type": "integer"},
                                    "level": {"type": "integer"}, "title": TEXT3, "occupation": TEXT3}},
        "units": {"type": "array", "items": {
            "type": "object", "additionalProperties": False, "required": ["code", "title"],
            "properties": {"code": {"type": "string"}, "title": TEXT3}}},
        "issued_on": {"type": "string", "format": "date"},
        "expires_on": {"type": "string", "format": "date"},
        "authority": {"type": "object", "additionalProperties": False, "required": ["code", "name"],
                      "properties": {"code": {"type": "string"}, "name": TEXT3}},
        "revoked_on": {"type": ["string", "null"], "format": "date"},
        "revocation_reason": {"type": ["string", "null"]},
        "superseded_by": {"type": ["string", "null"], "description": "token of the current certificate"},
        "recognition": {"type": "array", "items": {"$ref": "#/components/schemas/Recognition"},
                        "description": "Recognition abroad under the MRS agreements, worked out for today "
                                       "from the units achieved. Independent of the certificate's own "
                                       "validity (see `registry`)."},
    },
}

_STANDARD_REF = {"type": "object", "additionalProperties": False,
                 "required": ["code", "version", "title", "level", "authority"],
                 "properties": {"code": {"type": "string"}, "version": {"type": "integer"}, "title": TEXT3,
                                "level": {"type": "integer"}, "authority": TEXT3}}
RECOGNITION = {
    "type": "object",
    "additionalProperties": False,
    "required": ["country", "outcome", "reason", "on", "agreement", "destination_standard",
                 "units_required", "units_covered", "not_covered"],
    "properties": {
        "country": {"type": "string", "description": "destination country, ISO 3166-1 alpha-2"},
        "outcome": {"type": "string", "enum": ["full", "partial", "none"]},
        "reason": {"type": ["string", "null"], "enum": ["in_force", "suspended", "withdrawn", "expired", "not_yet", None],
                   "description": "for outcome none: why (in_force means the agreement applies but no unit is covered)"},
        "on": {"type": "string", "format": "date"},
        "agreement": {"type": "object", "additionalProperties": False,
                      "required": ["code", "version", "title", "reference", "illustrative", "status",
                                   "status_since"],
                      "properties": {"code": {"type": "string"}, "version": {"type": "integer"}, "title": TEXT3,
                                     "reference": {"type": "string"},
                                     "illustrative": {"type": "boolean", "description":
                                                      "true while the agreement's text is an illustration, "
                                                      "not the signed agreement"},
                                     "status": {"type": "string", "enum": ["draft", "in_force", "suspended",
                                                                           "withdrawn", "expired"]},
                                     "status_since": {"type": ["string", "null"], "format": "date"}}},
        "destination_standard": _STANDARD_REF,
        "units_required": {"type": "integer"},
        "units_covered": {"type": "integer"},
        "not_covered": {"type": "array", "items": {
            "type": "object", "additionalProperties": False,
            "required": ["code", "title", "partly_covered_by", "gaps", "bridging"],
            "properties": {"code": {"type": "string"}, "title": TEXT3,
                           "partly_covered_by": {"type": "array", "items": {"type": "string"}},
                           "gaps": {"type": "array", "items": TEXT3},
                           "bridging": {"oneOf": [{"type": "null"}, TEXT3]}}}},
    },
}

ERROR = {"type": "object", "required": ["error"], "additionalProperties": False, "properties": {
    "error": {"type": "object", "required": ["code", "title", "message"], "additionalProperties": False,
              "properties": {"code": {"type": "integer"}, "title": {"type": "string"},
                             "message": {"type": "string"}}}}}

KEYSET = {"type": "object", "required": ["format", "keys"], "properties": {
    "format": {"const": "skills_cert/keyset@1"},
    "keys": {"type": "array", "items": {"type": "object", "required": [
        "kid", "authority", "alg", "public_key", "valid_from", "valid_until", "status"]}},
    "seal_roots": {"type": "array", "items": {"type": "object", "required": ["authority", "sha256", "url"],
                                              "additionalProperties": False, "properties": {
        "authority": {"type": "string"}, "sha256": {"type": "string"}, "url": {"type": "string"}}}}}}


CREDENTIAL = {
    "type": "object",
    "description": "An Open Badges 3.0 OpenBadgeCredential (W3C Verifiable Credentials Data Model 2.0) with a "
                   "DataIntegrityProof (eddsa-rdfc-2022). It validates against 1EdTech's JSON Schema "
                   "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json. "
                   "The issuer is a did:web whose document is served at /issuers/{authority}/did.json; "
                   "revocation is in the Bitstring Status List named by credentialStatus "
                   "(/credentials/status/{authority}/{list}).",
    "required": ["@context", "id", "type", "issuer", "validFrom", "validUntil", "credentialSubject",
                 "credentialStatus", "proof"],
    "properties": {
        "@context": {"const": ["https://www.w3.org/ns/credentials/v2",
                               "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]},
        "type": {"const": ["VerifiableCredential", "OpenBadgeCredential"]},
        "proof": {"type": "array", "minItems": 1, "maxItems": 1, "items": {
            "type": "object", "required": ["type", "cryptosuite", "created", "verificationMethod", "proofPurpose",
                                           "proofValue"],
            "properties": {"type": {"const": "DataIntegrityProof"}, "cryptosuite": {"const": "eddsa-rdfc-2022"}}}},
    },
}


def _json(schema_ref: str) -> dict:
    return {"content": {"application/json": {"schema": {"$ref": schema_ref}}}}


def document() -> dict:
    error = {"description": "Error", **_json("#/components/schemas/Error")}
    return {
        "openapi": "3.1.0",
        "info": {"title": "skills_cert verification API", "version": "1.0.0",
                 "description": "Check skills certificates issued by the Lao PDR Skills Development "
                                "Institute. No personal data beyond the names printed on a certificate "
                                "is ever returned."},
        "paths": {
            "/api/v1/verify/{token}": {"get": {
                "operationId": "verifyToken", "summary": "Verify the token from a certificate's QR code",
                "parameters": [{"name": "token", "in": "path", "required": True,
                                "schema": {"type": "string", "maxLength": 2000}}],
                "responses": {"200": {"description": "Verdict", **_json("#/components/schemas/Verification")},
                              "404": {**error, "description": "Not a path the API serves, e.g. a token "
                                                              "containing a line break"},
                              "429": error}}},
            "/api/v1/verify": {"post": {
                "operationId": "verifyByNumber",
                "summary": "Verify by certificate number and the holder's date of birth",
                "description": "Not open to other web origins (no CORS). Failed dates of birth are counted "
                               "per certificate number from all clients together: after a few, that number's "
                               "lookups pause (429 with Retry-After), whether or not it exists.",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["number", "date_of_birth"], "additionalProperties": False,
                    "properties": {"number": {"type": "string", "maxLength": 24},
                                   "date_of_birth": {"type": "string", "format": "date"}}}}}},
                "responses": {"200": {"description": "Verdict", **_json("#/components/schemas/Verification")},
                              "400": error, "404": error, "415": error, "429": error}}},
            "/api/v1/credentials/{public_id}": {"get": {
                "operationId": "credential",
                "summary": "A certificate as a signed Open Badges 3.0 credential",
                "description": "The public id is the one inside the QR code's token (see the verification "
                               "response). The credential is made on the first request and the same one "
                               "is returned every time. A revoked, replaced or expired certificate gets 410.",
                "parameters": [{"name": "public_id", "in": "path", "required": True,
                                "schema": {"type": "string", "pattern": "^[a-z2-7]{26}$"}}],
                "responses": {"200": {"description": "Credential",
                                      **_json("#/components/schemas/OpenBadgeCredential")},
                              "404": error, "410": error, "429": error, "503": error}}},
            "/api/v1/keys": {"get": {
                "operationId": "keys", "summary": "The issuers' published public keys",
                "responses": {"200": {"description": "Key set", **_json("#/components/schemas/KeySet")}}}},
        },
        "components": {"schemas": {"Verification": VERIFICATION, "Certificate": CERTIFICATE,
                                   "Error": ERROR, "KeySet": KEYSET, "OpenBadgeCredential": CREDENTIAL,
                                   "Recognition": RECOGNITION}},
    }
