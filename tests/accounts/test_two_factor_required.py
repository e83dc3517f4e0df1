"""Two-factor authentication required of the roles in REQUIRE_TWO_FACTOR_ROLES: until they have
set it up, those users can open the set-up page, log out, change language and load static files,
and nothing else."""

import logging
import re

import pyotp
import pytest
import sqlalchemy as sa
from assessment_fixtures import TODAY, all_satisfactory, build
from helpers import WebClient, csrf_token, make_user, translated

from skills_cert.accounts import totp as totp_service
from skills_cert.accounts.models import User
from skills_cert.assessment.models import Assessment, AssessmentStatus
from skills_cert.certification.models import Certificate
from skills_cert.config import TWO_FACTOR_CAPABLE, ConfigError, load_config
from skills_cert.extensions import db as _db
from skills_cert.roles import Role
from skills_cert.web.access import ENROLMENT_ENDPOINTS

SETUP = "/auth/two-factor/setup"
WHY = ("Your role requires two-factor authentication. Set it up now: no other page opens until "
       "you have.")
# Pages with parameters, each checked with an id or token that need not exist: the gate comes first.
WITH_PARAMETERS = ["/assessments/1", "/certificates/1", "/certificates/1/pdf",
                   "/certificates/1/credential.json", "/sessions/1/certificates.zip",
                   "/auth/users/1/two-factor/reset", "/api/v1/verify/LA-TOKEN", "/v/LA-TOKEN",
                   "/d/some-token/certificate.pdf", "/mrs/1/export"]
PRODUCTION = {"ENV_NAME": "production", "SECRET_KEY": "s" * 48,
              "PUBLIC_BASE_URL": "https://verify.sdi.gov.la"}


@pytest.fixture()
def required(app):
    """Administrators and certifying officers must set up two-factor authentication."""
    before = app.config["REQUIRE_TWO_FACTOR_ROLES"]
    app.config["REQUIRE_TWO_FACTOR_ROLES"] = TWO_FACTOR_CAPABLE
    yield
    app.config["REQUIRE_TWO_FACTOR_ROLES"] = before


def _logged_in(app, role: Role, username: str) -> WebClient:
    make_user(app, role, username)
    client = WebClient(app.test_client())
    client.login(username)
    return client


def _parameterless_get_pages(app) -> list[str]:
    return sorted(rule.rule for rule in app.url_map.iter_rules()
                  if "GET" in rule.methods and not rule.arguments
                  and rule.endpoint not in ENROLMENT_ENDPOINTS)


def _sent_to_setup(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith(SETUP)


def _enrol(client: WebClient, setup_url: str = SETUP):
    """Set up two-factor authentication as a person would: the key shown, a code from it."""
    page = client.get(setup_url).get_data(as_text=True)
    secret = re.search(r"<code>([A-Z2-7]{16,})</code>", page).group(1)
    return client.post(setup_url, data={"code": pyotp.TOTP(secret).now(),
                                        "csrf_token": csrf_token(page)})


def _token(client: WebClient) -> str:
    """A CSRF token of this session, from the one form page it may open."""
    return csrf_token(client.get(SETUP).get_data(as_text=True))


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.CERTIFYING_OFFICER])
def test_every_page_sends_an_issuer_without_two_factor_to_set_it_up(app, required, role):
    client = _logged_in(app, role, "issuer")
    pages = _parameterless_get_pages(app)
    assert {"/", "/admin/users", "/approvals/", "/certificates/", "/stats/", "/auth/password",
            "/api/v1/keys", "/healthz"} <= set(pages)
    for url in pages + WITH_PARAMETERS:
        response = client.get(url)
        assert _sent_to_setup(response), (url, response.status_code)
    assert client.get("/admin/users").headers["Location"] == f"{SETUP}?next=/admin/users"
    api = client.post("/api/v1/verify", json={"number": "LA-2026-000001",
                                             "date_of_birth": "1990-03-14"})
    assert _sent_to_setup(api)
    page = client.get(SETUP)  # flashed once, in the language of the requests that bounced
    assert page.status_code == 200 and page.get_data(as_text=True).count(translated(app, "lo", WHY)) == 1


def test_the_exempt_endpoints_all_exist(app):
    assert ENROLMENT_ENDPOINTS <= {rule.endpoint for rule in app.url_map.iter_rules()}


def test_set_up_log_out_language_and_static_files_stay_open(app, required):
    client = _logged_in(app, Role.ADMINISTRATOR, "boss")
    assert client.get("/static/css/app.css").status_code == 200
    language = client.get("/lang/th?next=/auth/two-factor/setup")
    assert language.status_code == 302 and language.headers["Location"] == SETUP
    assert client.get(SETUP).status_code == 200
    response = client.submit("/auth/logout", {}, form_url=SETUP)
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    assert client.get("/admin/users").headers["Location"].startswith("/auth/login")


def test_an_administrator_cannot_create_a_user_until_enrolled(app, required):
    client = _logged_in(app, Role.ADMINISTRATOR, "boss")
    new_user = {"username": "newcomer", "full_name": "New Comer", "role": "assessor",
                "password": "a long password 1"}
    refused = client.post("/admin/users/new", data={**new_user, "csrf_token": _token(client)})
    assert _sent_to_setup(refused)
    with app.app_context():
        assert _db.session.scalar(sa.select(User).where(User.username == "newcomer")) is None

    enrolled = _enrol(client, f"{SETUP}?next=/admin/users")
    assert enrolled.status_code == 302 and enrolled.headers["Location"] == "/admin/users"
    assert client.get("/admin/users").status_code == 200
    created = client.submit("/admin/users/new", new_user)
    assert created.status_code == 302 and created.headers["Location"] == "/admin/users"
    with app.app_context():
        assert _db.session.scalar(sa.select(User).where(User.username == "newcomer")) is not None


def _submitted(app, setup) -> int:
    """Assessment 0 recorded and submitted by its assessor, waiting for approval; its version."""
    from skills_cert.assessment import recording

    items = all_satisfactory(app, setup.standard_id)
    with app.app_context():
        assessment = _db.session.get(Assessment, setup.assessment_ids[0])
        assessor = _db.session.get(User, setup.assessor.id)
        recording.save(_db.session, assessment, recording.Recording(
            items=items, knowledge_percent=80.0, practical_points={},
            expected_version=assessment.version), actor=assessor, today=TODAY)
        recording.submit(_db.session, assessment, actor=assessor, today=TODAY,
                         expected_version=assessment.version)
        _db.session.commit()
        return assessment.version


def test_a_certifying_officer_cannot_approve_until_enrolled(app, required):
    setup = build(app)
    version = _submitted(app, setup)
    client = WebClient(app.test_client())
    client.login(setup.officer.username)
    approve = f"/assessments/{setup.assessment_ids[0]}/approve"
    refused = client.post(approve, data={"version": version, "csrf_token": _token(client)})
    assert _sent_to_setup(refused)
    with app.app_context():
        assessment = _db.session.get(Assessment, setup.assessment_ids[0])
        assert assessment.status is AssessmentStatus.SUBMITTED
        assert _db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 0

    assert _enrol(client).status_code == 302
    assert client.get("/approvals/").status_code == 200
    approved = client.submit(approve, {"version": version},
                             form_url=f"/assessments/{setup.assessment_ids[0]}")
    assert approved.status_code == 302 and approved.headers["Location"] == "/approvals/"
    with app.app_context():
        assert _db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 1


def test_an_enrolled_issuer_logs_in_with_a_code_and_is_not_stopped(app, required):
    make_user(app, Role.ADMINISTRATOR, "boss")
    with app.app_context():
        user = _db.session.scalar(sa.select(User).where(User.username == "boss"))
        secret = totp_service.start_enrolment(_db.session, user,
                                              key=totp_service.encryption_key(app.config))
        user.totp_enabled_at = user.created_at
        _db.session.commit()
    client = WebClient(app.test_client())
    assert client.login("boss").headers["Location"] == "/auth/two-factor"
    assert client.submit("/auth/two-factor", {"code": pyotp.TOTP(secret).now()}).status_code == 302
    assert client.get("/admin/users").status_code == 200


def test_an_assessor_is_not_required_to_enrol(app, required):
    client = _logged_in(app, Role.ASSESSOR, "tester")
    assert client.get("/candidates/").status_code == 200
    assert client.get(SETUP).status_code == 403  # and could not: the role has no two-factor set-up


def test_only_the_roles_named_are_stopped(app):
    before = app.config["REQUIRE_TWO_FACTOR_ROLES"]
    app.config["REQUIRE_TWO_FACTOR_ROLES"] = frozenset({Role.ADMINISTRATOR})
    try:
        officer = _logged_in(app, Role.CERTIFYING_OFFICER, "officer")
        admin = _logged_in(app, Role.ADMINISTRATOR, "boss")
        assert officer.get("/approvals/").status_code == 200
        assert _sent_to_setup(admin.get("/admin/users"))
    finally:
        app.config["REQUIRE_TWO_FACTOR_ROLES"] = before


def test_testing_requires_nobody_so_administrators_log_in_with_a_password(app):
    assert app.config["REQUIRE_TWO_FACTOR_ROLES"] == frozenset()
    assert _logged_in(app, Role.ADMINISTRATOR, "boss").get("/admin/users").status_code == 200


# load_config: no database, so these run once.

def test_production_requires_administrators_and_certifying_officers_by_default(tmp_path,
                                                                               monkeypatch):
    monkeypatch.delenv("REQUIRE_TWO_FACTOR_ROLES", raising=False)
    config = load_config(str(tmp_path), PRODUCTION)
    assert config["REQUIRE_TWO_FACTOR_ROLES"] == {Role.ADMINISTRATOR, Role.CERTIFYING_OFFICER}
    assert set(totp_service.TOTP_ROLES) == TWO_FACTOR_CAPABLE


@pytest.mark.parametrize("env", ["development", "testing"])
def test_elsewhere_nobody_is_required_by_default(tmp_path, monkeypatch, env):
    monkeypatch.delenv("REQUIRE_TWO_FACTOR_ROLES", raising=False)
    assert load_config(str(tmp_path), {"ENV_NAME": env})["REQUIRE_TWO_FACTOR_ROLES"] == frozenset()


def test_the_setting_names_roles_in_any_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("REQUIRE_TWO_FACTOR_ROLES", " Administrator , certifying_officer,")
    config = load_config(str(tmp_path), {"ENV_NAME": "development"})
    assert config["REQUIRE_TWO_FACTOR_ROLES"] == {Role.ADMINISTRATOR, Role.CERTIFYING_OFFICER}


@pytest.mark.parametrize(("value", "left_out"), [("", "administrator, certifying_officer"),
                                                 ("administrator", "certifying_officer")])
def test_production_may_opt_out_but_says_so_at_start_up(tmp_path, monkeypatch, caplog, value,
                                                         left_out):
    monkeypatch.setenv("REQUIRE_TWO_FACTOR_ROLES", value)
    with caplog.at_level(logging.WARNING, logger="skills_cert.config"):
        config = load_config(str(tmp_path), PRODUCTION)
    assert config["REQUIRE_TWO_FACTOR_ROLES"] == ({Role.ADMINISTRATOR} if value else frozenset())
    assert f"REQUIRE_TWO_FACTOR_ROLES leaves out {left_out}" in caplog.text


def test_an_unknown_role_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("REQUIRE_TWO_FACTOR_ROLES", "administrator,admin")
    with pytest.raises(ConfigError, match=r"REQUIRE_TWO_FACTOR_ROLES: 'admin' is not a role; "
                                          r"the roles are administrator, standards_officer"):
        load_config(str(tmp_path), PRODUCTION)


def test_a_role_that_cannot_set_up_two_factor_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("REQUIRE_TWO_FACTOR_ROLES", "assessor,administrator")
    with pytest.raises(ConfigError, match="assessor cannot set up two-factor authentication"):
        load_config(str(tmp_path), {"ENV_NAME": "testing"})
