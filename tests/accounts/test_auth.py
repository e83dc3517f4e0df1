import pytest
from helpers import PASSWORD, translated

from skills_cert.accounts.models import User
from skills_cert.roles import Role


def test_login_page_is_in_lao_by_default(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert '<html lang="lo">' in page


def test_login_and_logout(client, users):
    admin = users[Role.ADMINISTRATOR]
    response = client.login(admin.username)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/admin/users").status_code == 200
    response = client.logout()
    assert response.status_code == 302
    assert client.get("/admin/users").status_code == 302


@pytest.mark.parametrize("username,password", [("unknown-user", PASSWORD), (None, "wrong password!")])
def test_failed_login_does_not_say_which_part_was_wrong(client, users, username, password):
    username = username or users[Role.ASSESSOR].username
    response = client.login(username, password, headers={"Accept-Language": "en"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The username or password is not correct." in page
    assert "unknown" not in page.lower().replace("unknown-user", "")


def test_failed_login_message_in_thai(app, client, users):
    response = client.login(users[Role.ASSESSOR].username, "wrong password!",
                            headers={"Accept-Language": "th"})
    page = response.get_data(as_text=True)
    assert '<html lang="th">' in page
    thai = translated(app, "th", "The username or password is not correct.")
    assert thai in page


def test_deactivated_user_cannot_log_in(app, client, users):
    from skills_cert.extensions import db

    assessor = users[Role.ASSESSOR]
    with app.app_context():
        db.session.get(User, assessor.id).is_active = False
        db.session.commit()
    response = client.login(assessor.username)
    assert response.status_code == 200  # the form again, with the generic message
    assert client.get("/").status_code == 200
    assert client.get("/auth/password").status_code == 302


def test_login_redirects_only_to_local_paths(client, users):
    admin = users[Role.ADMINISTRATOR]
    response = client.login(admin.username, form_url="/auth/login")
    assert response.headers["Location"] == "/"
    client.logout()
    for target, expected in [("/admin/users", "/admin/users"), ("https://evil.example/", "/"),
                             ("//evil.example/", "/")]:
        response = client.submit(f"/auth/login?next={target}",
                                 {"username": admin.username, "password": PASSWORD})
        assert response.headers["Location"] == expected
        client.logout()


def test_login_requires_csrf_token(client, users):
    response = client.post("/auth/login", data={"username": users[Role.ASSESSOR].username,
                                                "password": PASSWORD})
    assert response.status_code == 400


def test_password_change_ends_other_sessions(app, users):
    from helpers import WebClient

    assessor = users[Role.ASSESSOR]
    first, second = WebClient(app.test_client()), WebClient(app.test_client())
    first.login(assessor.username)
    second.login(assessor.username)
    response = first.submit("/auth/password", {
        "current_password": PASSWORD, "new_password": "a much longer secret", "confirm": "a much longer secret",
    })
    assert response.status_code == 302
    assert first.get("/auth/password").status_code == 200  # this session carries on
    assert second.get("/auth/password").status_code == 302  # the other one has ended
    assert second.login(assessor.username, "a much longer secret").status_code == 302


def test_password_change_is_validated(client, users):
    assessor = users[Role.ASSESSOR]
    client.login(assessor.username)
    response = client.submit("/auth/password", {
        "current_password": "not my password", "new_password": "short", "confirm": "short",
    }, headers={"Accept-Language": "en"})
    page = response.get_data(as_text=True)
    assert "The current password is not correct." in page
    response = client.submit("/auth/password", {
        "current_password": PASSWORD, "new_password": "short", "confirm": "short",
    }, headers={"Accept-Language": "en"})
    assert "Use at least 10 characters." in response.get_data(as_text=True)
    response = client.submit("/auth/password", {
        "current_password": PASSWORD, "new_password": "long enough one", "confirm": "long enough two",
    }, headers={"Accept-Language": "en"})
    assert "The two new passwords do not match." in response.get_data(as_text=True)


def test_passwords_are_hashed_with_argon2id(db, users):
    user = db.session.get(User, users[Role.ADMINISTRATOR].id)
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_session_cookie_is_httponly(client, users):
    client.login(users[Role.ADMINISTRATOR].username)
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only
