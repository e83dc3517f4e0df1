"""Starting a session once the password is right: at once, or after the second factor."""

from __future__ import annotations

import time

from flask import redirect, session, url_for
from flask_login import login_user

from skills_cert.accounts.models import User
from skills_cert.web.access import redirect_to_next, safe_next

PENDING_KEY = "pending_2fa"


def fresh_session() -> None:
    """A new session for a login or after a logout. Nothing from before the login is kept but the language, and Flask-WTF makes a new CSRF
    token (no session fixation)."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def start_session(user: User, next_url: str | None):
    """Log *user* in on a fresh session. The redirect is made first: whatever *next_url* holds,
    no session is left behind by a failed answer."""
    response = redirect_to_next(next_url)
    fresh_session()
    login_user(user)
    return response


def ask_for_code(user: User, next_url: str | None):
    """The password was right: remember who is half logged in, on a fresh session, and ask."""
    fresh_session()
    session[PENDING_KEY] = {"user": user.id, "version": user.session_version,
                            "at": int(time.time()), "next": safe_next(next_url)}
    return redirect(url_for("auth.two_factor"))
