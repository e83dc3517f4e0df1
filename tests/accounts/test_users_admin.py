import pytest
from helpers import PASSWORD, make_user

from skills_cert.accounts import users as user_service
from skills_cert.accounts.models import User
from skills_cert.errors import NotAllowed, ValidationFailed
from skills_cert.roles import Role

EN = {"Accept-Language": "en"}


def test_admin_creates_a_user_who_can_log_in(app, client, users):
    client.login(users[Role.ADMINISTRATOR].username)
    response = client.submit("/admin/users/new", {
        "username": "Somphone.K", "full_name": "ສົມພອນ ແກ້ວມະນີ", "email": "",
        "role": "assessor", "password": "a good long password",
    })
    assert response.status_code == 302
    listing = client.get("/admin/users", headers=EN).get_data(as_text=True)
    assert "somphone.k" in listing and "ສົມພອນ ແກ້ວມະນີ" in listing
    client.logout()
    assert client.login("somphone.k", "a good long password").status_code == 302
    page = client.get("/", headers=EN).get_data(as_text=True)
    assert "ສົມພອນ ແກ້ວມະນີ" in page and "Assessor" in page


def test_user_creation_errors_are_shown_on_the_form(client, users):
    client.login(users[Role.ADMINISTRATOR].username)
    response = client.submit("/admin/users/new", {
        "username": users[Role.ASSESSOR].username, "full_name": "Someone", "email": "not-an-email",
        "role": "assessor", "password": "short",
    }, headers=EN)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This username is already taken." in page
    assert "Use at least 10 characters." in page
    assert 'aria-invalid="true"' in page


def test_unknown_role_is_refused(client, users):
    client.login(users[Role.ADMINISTRATOR].username)
    response = client.submit("/admin/users/new", {
        "username": "newbie", "full_name": "New", "role": "superuser", "password": "long enough pw",
    }, headers=EN)
    assert response.status_code == 200
    assert "Not a valid choice" in response.get_data(as_text=True)


def test_admin_deactivates_and_reactivates_a_user(app, client, users):
    from helpers import WebClient

    assessor = users[Role.ASSESSOR]
    assessor_client = WebClient(app.test_client())
    assessor_client.login(assessor.username)
    assert assessor_client.get("/auth/password").status_code == 200

    client.login(users[Role.ADMINISTRATOR].username)
    assert client.submit(f"/admin/users/{assessor.id}/active", {"active": "0"},
                         form_url="/admin/users").status_code == 302
    assert assessor_client.get("/auth/password").status_code == 302  # session ended at once
    assert assessor_client.login(assessor.username).status_code == 200  # cannot log in

    client.submit(f"/admin/users/{assessor.id}/active", {"active": "1"}, form_url="/admin/users")
    assert assessor_client.login(assessor.username).status_code == 302


def test_admin_cannot_deactivate_self(db, users):
    admin = db.session.get(User, users[Role.ADMINISTRATOR].id)
    with pytest.raises(NotAllowed):
        user_service.set_active(db.session, admin, False, actor=admin)


def test_last_administrator_cannot_be_deactivated(app, users):
    from skills_cert.extensions import db

    second = make_user(app, Role.ADMINISTRATOR)
    with app.app_context():
        first = db.session.get(User, users[Role.ADMINISTRATOR].id)
        other = db.session.get(User, second.id)
        user_service.set_active(db.session, other, False, actor=first)
        assessor = db.session.get(User, users[Role.ASSESSOR].id)
        with pytest.raises(NotAllowed, match="last active administrator"):
            user_service.set_active(db.session, first, False, actor=assessor)


@pytest.mark.parametrize("username", ["A", "has space", "x" * 65, "ຊື່ລາວ", "../etc"])
def test_usernames_are_validated(db, username):
    with pytest.raises(ValidationFailed) as exc:
        user_service.create_user(
            db.session,
            user_service.NewUser(username=username, full_name="X", role=Role.ASSESSOR,
                                 password=PASSWORD),
            min_password_length=10,
        )
    assert "username" in exc.value.reasons


def test_cli_creates_and_lists_users(runner):
    result = runner.invoke(args=[
        "users", "create", "--username", "cert.officer", "--name", "Bounmy Phommachanh",
        "--role", "certifying_officer", "--password", "a long secret pw",
    ])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["users", "list"])
    assert "cert.officer\tcertifying_officer\tactive\tBounmy Phommachanh" in result.output


def test_cli_reports_validation_errors(runner):
    result = runner.invoke(args=[
        "users", "create", "--username", "x y", "--name", "X", "--role", "assessor",
        "--password", "short",
    ])
    assert result.exit_code == 1
    assert "error: username:" in result.output
    assert "error: password:" in result.output


def test_cli_deactivates_a_user(runner, users):
    result = runner.invoke(args=["users", "deactivate", users[Role.ASSESSOR].username])
    assert result.exit_code == 0, result.output
    assert "inactive" in runner.invoke(args=["users", "list"]).output
    assert runner.invoke(args=["users", "deactivate", "nobody-here"]).exit_code == 1


def test_ensure_admin_generates_a_password_once(app, runner, monkeypatch):
    monkeypatch.delenv("SKILLS_CERT_ADMIN_PASSWORD", raising=False)
    first = runner.invoke(args=["users", "ensure-admin"])
    assert first.exit_code == 0, first.output
    assert "with password:" in first.output
    password = first.output.split("with password:")[1].split()[0]
    second = runner.invoke(args=["users", "ensure-admin"])
    assert "with password" not in second.output and "is active" in second.output
    from helpers import WebClient

    assert WebClient(app.test_client()).login("admin", password).status_code == 302


def test_ensure_admin_uses_the_configured_password(app, runner, monkeypatch):
    monkeypatch.setenv("SKILLS_CERT_ADMIN_PASSWORD", "configured admin secret")
    result = runner.invoke(args=["users", "ensure-admin"])
    assert result.exit_code == 0 and "configured admin secret" not in result.output
    from helpers import WebClient

    assert WebClient(app.test_client()).login("admin", "configured admin secret").status_code == 302


def _lock(app, username, failures=5):
    import datetime as dt

    from skills_cert.columns import utcnow
    from skills_cert.extensions import db

    with app.app_context():
        user = user_service.find_user(db.session, username)
        user.failed_login_count = failures
        user.locked_until = utcnow() + dt.timedelta(minutes=15)
        db.session.commit()
        return user.locked_until


def _row(html: str, username: str) -> str:
    import re

    match = re.search(rf"<tr[^>]*>\s*<td>{re.escape(username)}</td>(.*?)</tr>", html, re.S)
    assert match, username
    return match.group(1)


def test_admin_sees_locks_and_unlocks_an_account(app, client, users):
    import sqlalchemy as sa

    from skills_cert.audit.models import AuditEntry
    from skills_cert.extensions import db

    assessor = users[Role.ASSESSOR]
    until = _lock(app, assessor.username)
    assert client.login(assessor.username, headers=EN).status_code == 200  # locked out

    client.login(users[Role.ADMINISTRATOR].username)
    row = _row(client.get("/admin/users", headers=EN).get_data(as_text=True), assessor.username)
    assert f"Locked until {until:%Y-%m-%d %H:%M} UTC" in row and "<td>5</td>" in row
    assert f"/admin/users/{assessor.id}/unlock" in row
    other = _row(client.get("/admin/users").get_data(as_text=True), users[Role.ANALYST].username)
    assert "unlock" not in other and "Locked" not in other

    response = client.submit(f"/admin/users/{assessor.id}/unlock", {}, form_url="/admin/users",
                             headers=EN)
    assert response.status_code == 302
    page = client.get("/admin/users", headers=EN).get_data(as_text=True)
    assert f"User {assessor.username} was unlocked" in page
    assert "Locked until" not in _row(page, assessor.username)
    with app.app_context():
        user = db.session.get(User, assessor.id)
        assert (user.failed_login_count, user.locked_until) == (0, None)
        entry = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert (entry.action, entry.object_id, entry.actor_id) == (
            "user.unlock", str(assessor.id), users[Role.ADMINISTRATOR].id)
        assert entry.changes["failures"] == 5
    client.logout()
    assert client.login(assessor.username).status_code == 302


def test_unlock_needs_the_csrf_token(app, client, users):
    from skills_cert.extensions import db

    assessor = users[Role.ASSESSOR]
    _lock(app, assessor.username)
    client.login(users[Role.ADMINISTRATOR].username)
    response = client.post(f"/admin/users/{assessor.id}/unlock", headers=EN)
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(User, assessor.id).locked_until is not None


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.ADMINISTRATOR])
def test_only_administrators_unlock(app, client, users, role):
    from skills_cert.extensions import db

    target = make_user(app, Role.ASSESSOR, "locked-out")
    _lock(app, target.username)
    client.login(users[role].username)
    response = client.submit(f"/admin/users/{target.id}/unlock", {}, form_url="/")
    assert response.status_code == 403
    with app.app_context():
        assert db.session.get(User, target.id).failed_login_count == 5


def test_the_users_page_shows_two_factor_and_links_to_its_reset(app, client, users):
    from skills_cert.accounts import totp
    from skills_cert.columns import utcnow
    from skills_cert.extensions import db

    officer = users[Role.CERTIFYING_OFFICER]
    with app.app_context():
        user = db.session.get(User, officer.id)
        totp.start_enrolment(db.session, user, key=totp.encryption_key(app.config))
        user.totp_enabled_at = utcnow()
        db.session.commit()
    client.login(users[Role.ADMINISTRATOR].username)
    page = client.get("/admin/users", headers=EN).get_data(as_text=True)
    row = _row(page, officer.username)
    reset = f"/auth/users/{officer.id}/two-factor/reset"
    assert "<td>On</td>" in row and reset in row and "Reset two-factor authentication" in row
    assert "two-factor/reset" not in _row(page, users[Role.ASSESSOR].username)
    assert client.get(reset).status_code == 200


def test_cli_unlocks_a_locked_out_administrator(app, runner, users):
    import sqlalchemy as sa

    from skills_cert.audit.models import AuditEntry
    from skills_cert.extensions import db

    admin = users[Role.ADMINISTRATOR]
    _lock(app, admin.username, failures=7)
    result = runner.invoke(args=["users", "unlock", admin.username])
    assert result.exit_code == 0, result.output
    assert f"unlocked {admin.username} (7 failed log-in(s) cleared)" in result.output
    with app.app_context():
        user = db.session.get(User, admin.id)
        assert (user.failed_login_count, user.locked_until) == (0, None)
        entry = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert (entry.action, entry.actor_id, entry.changes["failures"]) == ("user.unlock", None, 7)
    assert runner.invoke(args=["users", "unlock", "nobody-here"]).exit_code == 1
