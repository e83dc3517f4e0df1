"""Test helpers: a client that posts forms with their CSRF token, and user factories."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from pathlib import Path

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
PASSWORD = "correct horse 1"
_CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')
_counter = itertools.count(1)


def csrf_token(html: str) -> str:
    match = _CSRF_RE.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1) or match.group(2)


class WebClient:
    """Wraps Flask's test client; `submit` fetches the form first and sends its CSRF token."""

    def __init__(self, client):
        self.client = client

    def __getattr__(self, name):
        return getattr(self.client, name)

    def submit(self, url: str, data: dict, *, form_url: str | None = None, **kwargs):
        page = self.client.get(form_url or url)
        token = csrf_token(page.get_data(as_text=True))
        return self.client.post(url, data={**data, "csrf_token": token}, **kwargs)

    def login(self, username: str, password: str = PASSWORD, **kwargs):
        return self.submit("/auth/login", {"username": username, "password": password}, **kwargs)

    def logout(self):
        return self.submit("/auth/logout", {}, form_url="/")


@dataclass(frozen=True)
class UserRef:
    id: int
    username: str
    role: object
    full_name: str


def make_user(app, role, username: str | None = None, password: str = PASSWORD, **extra) -> UserRef:
    from skills_cert.accounts.users import NewUser, create_user
    from skills_cert.extensions import db

    username = username or f"{role.value.replace('_', '-')}-{next(_counter)}"
    with app.app_context():
        user = create_user(
            db.session,
            NewUser(username=username, full_name=extra.pop("full_name", f"Test {username}"),
                    role=role, password=password, **extra),
            min_password_length=10,
        )
        db.session.commit()
        return UserRef(user.id, user.username, user.role, user.full_name)


def translated(app, locale: str, message: str, **params) -> str:
    """The message as the catalogue gives it in *locale*; fails if it is not translated."""
    from flask_babel import force_locale, gettext

    with app.test_request_context(), force_locale(locale):
        text = gettext(message, **params)
    assert text != message or locale == "en", f"{message!r} has no {locale} translation"
    return text


def browser_login(page, live_server, app, username: str, locale: str = "lo") -> None:
    """Log in through the real form in *locale*, in a browser page, from a fresh cookie jar."""
    page.context.clear_cookies()
    page.goto(f"{live_server}/lang/{locale}?next=/auth/login")
    page.get_by_label(translated(app, locale, "Username")).fill(username)
    page.get_by_label(translated(app, locale, "Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=translated(app, locale, "Log in")).click()
    page.wait_for_url(f"{live_server}/")
