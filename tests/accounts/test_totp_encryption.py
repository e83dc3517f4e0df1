"""TOTP secrets are kept encrypted in the database; a changed key gives a clear message."""

import logging

import pyotp
import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from helpers import csrf_token, make_user

from skills_cert import create_app
from skills_cert.accounts import totp
from skills_cert.accounts.models import User
from skills_cert.columns import utcnow
from skills_cert.config import ConfigError
from skills_cert.extensions import db as _db
from skills_cert.roles import Role

EN = {"Accept-Language": "en"}
CONTACT_ADMIN = ("The two-factor authentication of this account cannot be checked. Please "
                 "contact an administrator.")


def _stored(app, username) -> str | None:
    """What the database column holds, read with SQL past the model."""
    with app.app_context():
        return _db.session.scalar(sa.text("SELECT totp_secret FROM users WHERE username = :name"),
                                  {"name": username})


def _read(app, username) -> str | None:
    with app.app_context():
        user = _db.session.scalar(sa.select(User).where(User.username == username))
        return totp.read_secret(user, key=totp.encryption_key(app.config))


def _turn_on(app, username) -> pyotp.TOTP:
    with app.app_context():
        user = _db.session.scalar(sa.select(User).where(User.username == username))
        secret = totp.start_enrolment(_db.session, user, key=totp.encryption_key(app.config))
        user.totp_enabled_at = utcnow()
        _db.session.commit()
    return pyotp.TOTP(secret)


def test_the_column_never_holds_the_secret_in_clear(app, client):
    make_user(app, Role.CERTIFYING_OFFICER, "officer")
    client.login("officer")
    client.get("/auth/two-factor/setup")
    secret = _read(app, "officer")
    pending = _stored(app, "officer")
    assert secret and pending and secret not in pending and pending.startswith("gAAAAA")

    client.submit("/auth/two-factor/setup", {"code": pyotp.TOTP(secret).now()})
    stored = _stored(app, "officer")
    assert secret not in stored and _read(app, "officer") == secret
    with app.app_context():
        assert _db.session.get(User, _user_id(app, "officer")).is_totp_enabled


def _user_id(app, username) -> int:
    with app.app_context():
        return _db.session.scalar(sa.select(User.id).where(User.username == username))


def test_an_enrolled_user_logs_in_with_a_code(app, client):
    make_user(app, Role.ADMINISTRATOR, "boss")
    client.login("boss")
    client.get("/auth/two-factor/setup")
    code = pyotp.TOTP(_read(app, "boss"))
    assert client.submit("/auth/two-factor/setup", {"code": code.now()}).status_code == 302
    client.logout()
    assert client.login("boss").headers["Location"] == "/auth/two-factor"
    # A code not yet used: the next step's (one step of drift is allowed).
    later = code.at(int(utcnow().timestamp()) + totp.STEP_SECONDS)
    response = client.submit("/auth/two-factor", {"code": later})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/admin/users").status_code == 200


def test_a_wrong_key_sends_the_user_to_an_administrator(app, client, monkeypatch, caplog):
    make_user(app, Role.CERTIFYING_OFFICER, "officer")
    code = _turn_on(app, "officer")
    monkeypatch.setitem(app.config, "TOTP_ENCRYPTION_KEY", Fernet.generate_key().decode())
    assert client.login("officer").headers["Location"] == "/auth/two-factor"
    with caplog.at_level(logging.ERROR):
        response = client.submit("/auth/two-factor", {"code": code.now()}, headers=EN)
    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    assert "does not decrypt" in caplog.text
    page = client.get("/auth/login", headers=EN).get_data(as_text=True)
    assert CONTACT_ADMIN in page
    with client.session_transaction() as session:
        assert "_user_id" not in session and "pending_2fa" not in session
    with app.app_context():
        user = _db.session.get(User, _user_id(app, "officer"))
        assert user.failed_login_count == 0 and user.is_totp_enabled  # not counted as a failure


def test_a_pending_secret_under_an_old_key_is_replaced_at_set_up(app, client, monkeypatch):
    make_user(app, Role.CERTIFYING_OFFICER, "officer")
    client.login("officer")
    token = csrf_token(client.get("/auth/two-factor/setup").get_data(as_text=True))
    old = pyotp.TOTP(_read(app, "officer"))
    monkeypatch.setitem(app.config, "TOTP_ENCRYPTION_KEY", Fernet.generate_key().decode())
    response = client.post("/auth/two-factor/setup", data={"code": old.now(), "csrf_token": token},
                           headers=EN)
    assert response.status_code == 200
    assert "The set-up has to start again" in response.get_data(as_text=True)
    new = _read(app, "officer")  # readable with the new key
    assert new != old.secret and new in response.get_data(as_text=True)


def test_the_configured_key_is_used_and_otherwise_derived_from_the_secret_key():
    key = Fernet.generate_key().decode()
    assert totp.encryption_key({"TOTP_ENCRYPTION_KEY": key, "SECRET_KEY": "x" * 40}) == key.encode()
    derived = totp.encryption_key({"TOTP_ENCRYPTION_KEY": None, "SECRET_KEY": "x" * 40})
    assert derived == totp.derive_key("x" * 40) != totp.derive_key("y" * 40)
    Fernet(derived)  # a valid Fernet key


@pytest.mark.parametrize("key", ["not a key", "x" * 44, "Hu9HaU5XC90jZa5dqIQEVlQLwAVsOa_cw7NQ"])
def test_a_malformed_key_is_refused_at_start(key):
    with pytest.raises(ConfigError, match="TOTP_ENCRYPTION_KEY"):
        create_app({"ENV_NAME": "testing", "TOTP_ENCRYPTION_KEY": key,
                    "SQLALCHEMY_DATABASE_URI": "sqlite://"})
