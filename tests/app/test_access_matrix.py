"""The role-by-route matrix: every role against every route and method. Each view declares the
roles it admits (`roles_required`); a role outside them gets 403, whatever the method, and a role
inside is never refused. Views open to any logged-in user are an explicit, short list."""

import pytest
from helpers import csrf_token
from werkzeug.routing import IntegerConverter

from skills_cert.roles import Role
from skills_cert.web.access import is_public_endpoint

# Reachable by every logged-in user whatever the role: their own account.
ANY_STAFF = {"auth.change_password", "auth.logout", "auth.two_factor_setup", "auth.two_factor_disable"}


def _sample_url(app, rule, method) -> str:
    values = {}
    for name in rule.arguments:
        # no such object: nothing changes
        values[name] = 999999 if isinstance(rule._converters[name], IntegerConverter) else "x"
    return app.url_map.bind("localhost").build(rule.endpoint, values, method=method)


def _matrix(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule)):
        if is_public_endpoint(rule.endpoint):
            continue
        roles = getattr(app.view_functions[rule.endpoint], "required_roles", None)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method, roles


def test_every_staff_view_declares_its_roles(app):
    with app.test_request_context():
        open_to_all = {rule.endpoint for rule, _method, roles in _matrix(app) if roles is None}
    assert open_to_all <= ANY_STAFF, open_to_all - ANY_STAFF


@pytest.mark.parametrize("role", list(Role))
def test_each_role_is_refused_exactly_where_it_is_not_admitted(app, client, users, role):
    client.login(users[role].username)
    token = csrf_token(client.get("/").get_data(as_text=True))
    refused = admitted = 0
    with app.test_request_context():
        matrix = list(_matrix(app))
    for rule, method, roles in matrix:
        if rule.endpoint == "auth.logout":
            continue  # would end this client's session
        data = {"csrf_token": token} if method != "GET" else None
        response = client.open(_sample_url(app, rule, method), method=method, data=data)
        assert response.status_code < 500, (rule.rule, method, response.status_code)
        if roles is not None and role not in roles:
            assert response.status_code == 403, (role, rule.rule, method, response.status_code)
            refused += 1
        else:
            assert response.status_code != 403, (role, rule.rule, method)
            admitted += 1
    assert refused + admitted > 20


# RPL (issue 20): who may reach each page. The matrix above checks them like every route; this
# pins the roles, so that widening one is a visible change. Within a role, the services check the
# rest (only the session's assessors, only RPL candidates): tests/assessment/test_rpl_web.py.
OFFICE = {Role.ADMINISTRATOR, Role.ASSESSOR, Role.CERTIFYING_OFFICER}
RPL_ROUTES = {
    ("assessments.self_assessment", "GET"): OFFICE,
    ("assessments.self_assessment_save", "POST"): {Role.ASSESSOR, Role.ADMINISTRATOR},
    ("assessments.portfolio", "GET"): OFFICE,
    ("assessments.portfolio_add", "POST"): {Role.ASSESSOR},
    ("assessments.portfolio_judge", "POST"): {Role.ASSESSOR},
    ("assessments.portfolio_upload", "POST"): {Role.ASSESSOR},
    ("assessments.evidence_file", "GET"): OFFICE,
}


def test_rpl_routes_admit_exactly_their_roles(app):
    with app.test_request_context():
        found = {(rule.endpoint, method): set(roles or ()) for rule, method, roles in _matrix(app)
                 if rule.endpoint in {endpoint for endpoint, _method in RPL_ROUTES}}
    assert found == RPL_ROUTES
