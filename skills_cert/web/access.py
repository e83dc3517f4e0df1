"""Access control: every endpoint needs a login unless it is marked public, and roles are checked."""

from __future__ import annotations

from functools import wraps
from typing import Callable
from urllib.parse import urlsplit

from flask import Response, abort, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from skills_cert.extensions import login_manager
from skills_cert.roles import Role


def public(view: Callable) -> Callable:
    """Mark a view as reachable without logging in. Everything else requires a login."""
    view.is_public = True  # type: ignore[attr-defined]
    return view


def is_public_endpoint(endpoint: str | None) -> bool:
    if endpoint is None or endpoint == "static":
        return True
    view = current_app.view_functions.get(endpoint)
    return bool(getattr(view, "is_public", False))


# All that a user who must still set up two-factor authentication may open: the set-up page
# (which also confirms the first code), log-out, the language switch and static files.
ENROLMENT_ENDPOINTS = frozenset({"auth.two_factor_setup", "auth.logout", "main.set_language",
                                 "static"})


def must_enrol(user) -> bool:
    """The user's role is in REQUIRE_TWO_FACTOR_ROLES and they have not set up two-factor
    authentication yet."""
    return (user.is_authenticated and not user.is_totp_enabled
            and user.role in current_app.config["REQUIRE_TWO_FACTOR_ROLES"])


def _to_enrolment():
    message = _("Your role requires two-factor authentication. Set it up now: no other page opens "
                "until you have.")
    if ("info", message) not in session.get("_flashes", []):  # once, however many requests bounce
        flash(message, "info")
    back = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("auth.two_factor_setup", next=safe_next(back)))


def require_login_unless_public():
    """`before_request` hook: default-deny for anonymous users, and for users who must set up
    two-factor authentication before anything else (public pages and API calls included)."""
    endpoint = request.endpoint
    if endpoint is not None and endpoint not in ENROLMENT_ENDPOINTS and must_enrol(current_user):
        return _to_enrolment()
    if is_public_endpoint(endpoint):
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


def roles_required(*roles: Role) -> Callable:
    """Refuse with 403 any logged-in user whose role is not one of *roles*."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = roles  # type: ignore[attr-defined]
        return wrapped

    return decorator


MAX_NEXT_LENGTH = 2000


def safe_next(target: str | None) -> str | None:
    """*target* if it is a path on this site, else None: what may be followed after log-in or a
    language change. Refused besides other hosts (`//evil.example`, `https://...`): a backslash
    (browsers read `/\\evil.example` as `//evil.example`) and any control character (a newline
    would split the Location header, and browsers drop tabs and newlines from a URL)."""
    if not target or len(target) > MAX_NEXT_LENGTH or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ch < " " or "\x7f" <= ch <= "\x9f" for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def redirect_to_next(target: str | None, fallback: str = "main.index") -> Response:
    """The one way to redirect to a target the client chose: to it if `safe_next` allows it,
    otherwise to *fallback* (an endpoint)."""
    return redirect(safe_next(target) or url_for(fallback))
