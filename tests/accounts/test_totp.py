"""Optional TOTP two-factor authentication for administrators and certifying officers."""

import re

import pyotp
import pytest
import sqlalchemy as sa
from helpers import make_user

from skills_cert.accounts import totp as totp_service
from skills_cert.accounts.models import User
from skills_cert.audit.models import AuditEntry
from skills_cert.columns import utcnow
from skills_cert.extensions import db as _db
from skills_cert.roles import Role

EN = {"Accept-Language": "en"}


def _user(app, username) -> User:
    with app.app_context():
        user = _db.session.scalar(sa.select(User).where(User.username == username))
        _db.session.expunge(user)
        return user


def _secret(app, username) -> str | None:
    """The user's TOTP secret in clear, as the service reads it."""
    key = totp_service.encryption_key(app.config)
    return totp_service.read_secret(_user(app, username), key=key)


def _turn_on(app, username) -> pyotp.TOTP:
    with app.app_context():
        user = _db.session.scalar(sa.select(User).where(User.username == username))
        secret = totp_service.start_enrolment(_db.session, user,
                                              key=totp_service.encryption_key(app.config))
        user.totp_enabled_at = utcnow()
        _db.session.commit()
    return pyotp.TOTP(secret)


def _actions(app) -> list[str]:
    with app.app_context():
        return list(_db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def test_an_officer_enrols_with_a_qr_code_and_a_code(app, client):
    make_user(app, Role.CERTIFYING_OFFICER, "officer")
    client.login("officer")
    page = client.get("/auth/two-factor/setup", headers=EN)
    html = page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    assert "<svg" in html and "otpauth://totp/" in html
    assert not re.search(r'(src|href)="https?://', html)  # nothing loaded from elsewhere
    secret = _secret(app, "officer")
    assert secret and secret in html and not _user(app, "officer").is_totp_enabled

    wrong = client.submit("/auth/two-factor/setup", {"code": "000000"}, headers=EN)
    assert "This code is not correct" in wrong.get_data(as_text=True)
    assert not _user(app, "officer").is_totp_enabled

    response = client.submit("/auth/two-factor/setup", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert _user(app, "officer").is_totp_enabled
    assert "user.totp_enable" in _actions(app)


@pytest.mark.parametrize("role", [Role.ASSESSOR, Role.STANDARDS_OFFICER])
def test_other_roles_have_no_two_factor_setup(app, client, role):
    make_user(app, role, "someone")
    client.login("someone")
    assert client.get("/auth/two-factor/setup").status_code == 403


def test_login_asks_for_the_code_after_the_password(app, client):
    make_user(app, Role.ADMINISTRATOR, "boss")
    totp = _turn_on(app, "boss")
    response = client.login("boss")
    assert response.headers["Location"] == "/auth/two-factor"
    assert client.get("/admin/users").status_code == 302  # not logged in yet
    response = client.submit("/auth/two-factor", {"code": totp.now()})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/admin/users").status_code == 200


def test_the_code_page_without_a_password_sends_back_to_login(app, client):
    response = client.get("/auth/two-factor")
    assert response.status_code == 302 and response.headers["Location"].startswith("/auth/login")


def test_a_used_code_cannot_be_used_again(app, client):
    make_user(app, Role.CERTIFYING_OFFICER, "officer")
    totp = _turn_on(app, "officer")
    client.login("officer")
    code = totp.now()
    assert client.submit("/auth/two-factor", {"code": code}).status_code == 302
    client.logout()
    client.login("officer")
    again = client.submit("/auth/two-factor", {"code": code}, headers=EN)
    assert again.status_code == 200 and "This code is not correct" in again.get_data(as_text=True)


def test_wrong_codes_count_towards_the_lockout(app, client):
    make_user(app, Role.CERTIFYING_OFFICER, "officer")
    totp = _turn_on(app, "officer")
    client.login("officer")
    for _ in range(5):
        last = client.submit("/auth/two-factor", {"code": "123456"}, headers=EN)
    assert "Too many failed attempts" in last.get_data(as_text=True)
    right = client.submit("/auth/two-factor", {"code": totp.now()}, headers=EN)
    assert "Too many failed attempts" in right.get_data(as_text=True)
    assert client.get("/certificates/").status_code == 302


def test_an_administrator_resets_a_lost_phone(app, client):
    make_user(app, Role.ADMINISTRATOR, "boss")
    officer = make_user(app, Role.CERTIFYING_OFFICER, "officer")
    _turn_on(app, "officer")
    client.login("boss")
    url = f"/auth/users/{officer.id}/two-factor/reset"
    assert "officer" in client.get(url, headers=EN).get_data(as_text=True)
    assert client.submit(url, {}).status_code == 302
    assert not _user(app, "officer").is_totp_enabled
    assert _actions(app)[-1] == "user.totp_reset"
    client.logout()
    response = client.login("officer")
    assert response.headers["Location"] == "/"  # the password alone again


def test_only_administrators_reset_two_factor(app, client):
    officer = make_user(app, Role.CERTIFYING_OFFICER, "officer")
    make_user(app, Role.CERTIFYING_OFFICER, "other")
    _turn_on(app, "officer")
    client.login("other")
    url = f"/auth/users/{officer.id}/two-factor/reset"
    assert client.get(url).status_code == 403
    assert client.submit(url, {}, form_url="/").status_code == 403
    assert _user(app, "officer").is_totp_enabled
