"""/api/v1: every verdict as JSON, validated against the OpenAPI document the API serves."""

import dataclasses
import re

import pytest
from certificate_fixtures import issued, verify_path
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker

from skills_cert.certification import signing
from skills_cert.certification.models import Certificate
from skills_cert.extensions import db

PERSONAL = ["P1234567", "1990-03-14", "0123456789", "1995-07-02", "+856"]


def _validator(client, name):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"] == "3.1.0"
    return Draft202012Validator({"$ref": f"#/components/schemas/{name}", "components": spec["components"]},
                                format_checker=FormatChecker())


def _token(app, certificate_id):
    return verify_path(app, certificate_id).rsplit("/", 1)[1]


@pytest.fixture()
def certs(app):
    return issued(app)


def test_openapi_lists_the_implemented_paths(app, client):
    spec = client.get("/api/v1/openapi.json").json
    implemented = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule) for rule in app.url_map.iter_rules()
                   if rule.rule.startswith("/api/v1/") and not rule.rule.endswith("openapi.json")}
    assert set(spec["paths"]) == implemented


def test_genuine_by_token(app, client, certs):
    response = client.get(f"/api/v1/verify/{_token(app, certs[1])}")
    _validator(client, "Verification").validate(response.json)
    assert response.json["verdict"] == "genuine" and response.json["valid"] is True
    assert response.json["certificate"]["holder"]["name_latin"] == "Somphone Keomany"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert not [p for p in PERSONAL if p in response.get_data(as_text=True)]


def test_each_verdict_state_as_json(app, client, runner, certs):
    validator = _validator(client, "Verification")
    token = _token(app, certs[1])
    altered = token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")
    assert client.get(f"/api/v1/verify/{altered}").json["verdict"] in ("altered", "malformed")
    assert client.get("/api/v1/verify/garbage").json["verdict"] == "malformed"
    other = signing.generate_private_key()
    with app.app_context():
        facts = signing.decode_payload(db.session.get(Certificate, certs[1]).payload)
    facts = dataclasses.replace(facts, key_id=signing.key_id_for(other.public_key()))
    payload = signing.encode_payload(facts)
    unknown_key = client.get(f"/api/v1/verify/{signing.make_token(payload, signing.sign(other, payload))}").json
    assert unknown_key["verdict"] == "unknown_key" and unknown_key["certificate"] is None
    from helpers import WebClient

    officer = WebClient(app.test_client())
    officer.login(certs[0].officer.username)
    with app.app_context():
        number = db.session.get(Certificate, certs[1]).number
    officer.submit(f"/certificates/{certs[1]}/revoke", {"version": "1", "reason": "issued_in_error",
                                                        "note": "", "confirm": number},
                   form_url=f"/certificates/{certs[1]}")
    revoked = client.get(f"/api/v1/verify/{token}").json
    assert revoked["verdict"] == "revoked" and revoked["registry"] == "revoked"
    assert revoked["certificate"]["revocation_reason"] == "issued_in_error"
    for body in (revoked, unknown_key):
        validator.validate(body)


def test_verify_by_number_and_birth_date(app, client, certs):
    with app.app_context():
        number = db.session.get(Certificate, certs[1]).number
    ok = client.post("/api/v1/verify", json={"number": number, "date_of_birth": "1990-03-14"})
    assert ok.status_code == 200 and ok.json["verdict"] == "genuine"
    wrong = client.post("/api/v1/verify", json={"number": number, "date_of_birth": "1990-03-15"})
    missing = client.post("/api/v1/verify", json={"number": "LA-2026-999999", "date_of_birth": "1990-03-14"})
    assert wrong.status_code == missing.status_code == 404 and wrong.json == missing.json
    error = _validator(client, "Error")
    for bad, code in [({"number": number}, 400), ({"number": number, "date_of_birth": "1990-02-30"}, 400),
                      ({"number": 5, "date_of_birth": "1990-03-14"}, 400)]:
        response = client.post("/api/v1/verify", json=bad)
        assert response.status_code == code
        error.validate(response.json)
    response = client.post("/api/v1/verify", data="number=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415


def test_rate_limit_answers_429_in_json(app, client, certs):
    app.config["API_RATE_LIMIT"] = "2 per minute"
    try:
        codes = [client.get("/api/v1/verify/garbage") for _ in range(3)]
    finally:
        app.config["API_RATE_LIMIT"] = "120 per minute"
    assert [c.status_code for c in codes] == [200, 200, 429]
    _validator(client, "Error").validate(codes[2].json)


def test_keys_match_the_schema(app, client, certs):
    body = client.get("/api/v1/keys").json
    _validator(client, "KeySet").validate(body)
    assert signing.keyset_from_json(body)


@settings(max_examples=60, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(token=st.text(max_size=300))
def test_any_token_gets_a_verdict_never_a_5xx(app, client, token):
    response = client.get("/api/v1/verify/" + token)
    assert response.status_code < 500


def test_a_token_with_a_line_break_is_a_json_404(client):
    """Found by schemathesis: the router does not match such a path; the answer is still JSON."""
    response = client.get("/api/v1/verify/%0E%C2%AE%0A%C2%88%C3%B8s%5B0dd")
    assert response.status_code == 404
    _validator(client, "Error").validate(response.json)


def test_a_certificate_as_an_open_badge_credential(app, client, certs):
    with app.app_context():
        public_id = db.session.get(Certificate, certs[1]).public_id
    response = client.get(f"/api/v1/credentials/{public_id}")
    assert response.status_code == 200 and response.mimetype == "application/json"
    _validator(client, "OpenBadgeCredential").validate(response.json)
    assert not [p for p in PERSONAL if p in response.get_data(as_text=True)]
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    for path, status in ((f"/api/v1/credentials/{'b' * 26}", 404), ("/api/v1/credentials/x", 404)):
        missing = client.get(path)
        assert missing.status_code == status
        _validator(client, "Error").validate(missing.json)
