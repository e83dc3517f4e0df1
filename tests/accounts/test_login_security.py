"""Login hardening: per-account lockout, equal answers for unknown names, rate limit, session
rotation on login, and the breached-password policy."""

import datetime as dt
import re

import pytest
import sqlalchemy as sa
from helpers import PASSWORD, make_user

from skills_cert.accounts import users as user_service
from skills_cert.accounts.models import User
from skills_cert.accounts.passwords import is_breached, password_problems
from skills_cert.audit.models import AuditEntry
from skills_cert.columns import utcnow
from skills_cert.errors import ValidationFailed
from skills_cert.extensions import db as _db
from skills_cert.roles import Role

WRONG = "wrong password!"
BAD = "The username or password is not correct."
LOCKED = "Too many failed attempts: log-in to this account is blocked for 15 minutes."
EN = {"Accept-Language": "en"}


def _errors(response) -> str:
    html = response.get_data(as_text=True)
    match = re.search(r'<div class="form-errors" role="alert">(.*?)</div>', html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split()) if match else ""


def test_five_failures_lock_the_account_even_for_the_right_password(app, db):
    make_user(app, Role.ASSESSOR, "somphone")
    now = utcnow()
    results = [user_service.authenticate(db.session, "somphone", WRONG, now=now) for _ in range(5)]
    assert [r.locked for r in results] == [False] * 4 + [True]
    right = user_service.authenticate(db.session, "somphone", PASSWORD, now=now + dt.timedelta(minutes=14))
    assert right.user is None and right.locked
    user = user_service.find_user(db.session, "somphone")
    assert user.locked_until == now + dt.timedelta(minutes=15)
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.action == "user.lock"))


def test_the_lock_runs_out_and_counting_starts_again(app, db):
    make_user(app, Role.ASSESSOR, "somphone")
    now = utcnow()
    for _ in range(5):
        user_service.authenticate(db.session, "somphone", WRONG, now=now)
    later = now + dt.timedelta(minutes=15, seconds=1)
    assert user_service.authenticate(db.session, "somphone", PASSWORD, now=later).user is not None
    user = user_service.find_user(db.session, "somphone")
    assert (user.failed_login_count, user.locked_until) == (0, None)
    # One failure after the lock ran out does not lock again.
    user_service.authenticate(db.session, "somphone", WRONG, now=later)
    assert not user_service.authenticate(db.session, "somphone", WRONG, now=later).locked


def test_a_success_resets_the_count(app, db):
    make_user(app, Role.ASSESSOR, "somphone")
    for _ in range(4):
        user_service.authenticate(db.session, "somphone", WRONG)
    assert user_service.authenticate(db.session, "somphone", PASSWORD).user is not None
    for _ in range(4):
        assert not user_service.authenticate(db.session, "somphone", WRONG).locked


def test_unknown_name_and_wrong_password_get_the_same_answers(app, client):
    make_user(app, Role.ASSESSOR, "somphone")
    answers = {}
    for name in ("somphone", "nobody-here"):
        answers[name] = [_errors(client.login(name, WRONG, headers=EN)) for _ in range(6)]
    assert answers["somphone"] == answers["nobody-here"]
    assert answers["somphone"][:4] == [BAD] * 4
    assert all(answer.startswith(LOCKED) for answer in answers["somphone"][4:])


def test_a_locked_account_cannot_log_in_and_says_so(app, client):
    make_user(app, Role.ASSESSOR, "somphone")
    for _ in range(5):
        client.login("somphone", WRONG, headers=EN)
    response = client.login("somphone", headers=EN)
    assert response.status_code == 200 and _errors(response).startswith(LOCKED)
    with client.session_transaction() as session:
        assert "_user_id" not in session
    with app.app_context():
        assert _db.session.scalar(sa.select(User.failed_login_count)) == 5


def test_the_login_form_is_rate_limited(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT", "3 per minute")
    codes = [client.login("nobody", WRONG).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_the_session_is_replaced_on_login(app, client):
    make_user(app, Role.ASSESSOR, "somphone")
    client.get("/auth/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
        before = session.get("csrf_token")
    response = client.login("somphone")
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"].startswith(str(_user_id(app, "somphone")))
        assert session.get("csrf_token") != before


def _user_id(app, username):
    with app.app_context():
        return user_service.find_user(_db.session, username).id


@pytest.mark.parametrize("password", ["password", "Password2026!", "qwertyuiop", "iloveyou123"])
def test_breached_passwords_are_refused(app, password):
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("en"):
        problems = password_problems(password, 8)
    assert any("stolen from other websites" in p for p in problems), problems


@pytest.mark.parametrize("password", ["correct horse 1", "ນົກກາງແກ 2026", "xK9#mq2pLz"])
def test_ordinary_passwords_are_not_called_breached(password):
    assert not is_breached(password)


def test_creating_a_user_with_a_breached_password_is_refused(app, db):
    with pytest.raises(ValidationFailed) as caught:
        user_service.create_user(db.session, user_service.NewUser(
            username="somphone", full_name="Somphone K", role=Role.ASSESSOR,
            password="baseball123"), min_password_length=10)
    assert "password" in caught.value.reasons


def test_changing_to_a_breached_password_says_why(app, client):
    make_user(app, Role.ASSESSOR, "somphone")
    client.login("somphone")
    response = client.submit("/auth/password", {"current_password": PASSWORD,
                                                "new_password": "sunshine2026",
                                                "confirm": "sunshine2026"}, headers=EN)
    assert "stolen from other websites" in response.get_data(as_text=True)
