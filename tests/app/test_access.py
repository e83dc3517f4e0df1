"""Every route either is public by design or refuses anonymous users; roles are enforced."""

import pytest
from helpers import csrf_token
from werkzeug.routing import IntegerConverter

from skills_cert.roles import Role
from skills_cert.web.access import is_public_endpoint

# The only endpoints an anonymous visitor may reach. Adding one is a deliberate act.
PUBLIC_ENDPOINTS = {
    "static",
    "assessments.service_worker",  # /sw.js: a script; the pages it keeps are each checked on fetch
    "main.index",
    "main.set_language",
    "main.healthz",
    "auth.login",
    "auth.two_factor",            # the second step of login, for a password just accepted
    "certificates.lookup",        # the holder finds their certificate: number + date of birth
    "certificates.download_page",  # the holder's personal link (an unguessable token)
    "certificates.download_pdf",
    "certificates.holder_credential",  # the holder's Open Badges credential, by the same link
    "verify.certificate",          # what an employer's phone opens from the QR code
    "verify.manual",               # the same check by certificate number + date of birth
    "verify.keys",                 # the published public keys
    "verify.seal_root",            # the authority's root certificate for PDF seals
    "verify.did_document",         # an issuer's did:web document: the keys credentials are signed with
    "verify.status_list",          # a revocation status list (Bitstring Status List), signed
    "verify.achievement",          # a standard version as the achievement credentials point to
    "api.verify",                  # the open JSON API (no cookies, rate-limited)
    "api.verify_by_number",
    "api.keys",
    "api.credential",              # a certificate as an Open Badges credential, by its public id
    "api.openapi",
}

# Endpoints each role may use, beyond those every logged-in user has.
ADMIN_ONLY = {"admin.users", "admin.create_user", "admin.set_active", "admin.unlock_user",
              "admin.centres", "admin.accreditations", "admin.assessor_report"}


def _sample_url(app, rule, method) -> str:
    values = {}
    for name in rule.arguments:
        values[name] = 1 if isinstance(rule._converters[name], IntegerConverter) else "en"
    return app.url_map.bind("localhost").build(rule.endpoint, values, method=method)


def _routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_public_endpoints_are_exactly_the_allow_list(app):
    with app.test_request_context():
        public = {rule.endpoint for rule in app.url_map.iter_rules() if is_public_endpoint(rule.endpoint)}
    assert public == PUBLIC_ENDPOINTS


def test_every_other_route_refuses_anonymous_users(app):
    client = app.test_client()
    token = csrf_token(client.get("/auth/login").get_data(as_text=True))
    checked = 0
    for rule, method in _routes(app):
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        data = {"csrf_token": token} if method != "GET" else None
        response = client.open(_sample_url(app, rule, method), method=method, data=data)
        assert response.status_code in (302, 401), (rule.rule, method, response.status_code)
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/auth/login"), rule.rule
        checked += 1
    assert checked >= 4


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.ADMINISTRATOR])
def test_admin_pages_refuse_other_roles(client, users, role):
    client.login(users[role].username)
    for url in ["/admin/users", "/admin/users/new"]:
        assert client.get(url).status_code == 403, url
    response = client.submit(f"/admin/users/{users[Role.ASSESSOR].id}/active", {"active": "0"},
                             form_url="/")
    assert response.status_code == 403


def test_admin_endpoints_are_covered(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("admin.")}
    assert endpoints == ADMIN_ONLY
