"""Optional TOTP two-factor authentication (RFC 6238) for the roles that can issue documents."""

from __future__ import annotations

import datetime as dt
import hmac
import io

import pyotp
import qrcode
import qrcode.image.svg
import sqlalchemy.orm as so
from flask_babel import gettext as _

from skills_cert.models import Role, User
from skills_cert.models.types import utcnow
from skills_cert.services import audit
from skills_cert.services.errors import NotAllowed, ValidationFailed

TOTP_ROLES = (Role.ADMINISTRATOR, Role.CERTIFYING_OFFICER)
ISSUER = "SDI skills_cert"
STEP_SECONDS = 30


def may_use_totp(user: User) -> bool:
    return user.role in TOTP_ROLES


def start_enrolment(session: so.Session, user: User) -> str:
    """Give *user* a new pending secret (not in force until a code confirms it)."""
    if not may_use_totp(user):
        raise NotAllowed(_("Two-factor authentication is for administrators and certifying "
                           "officers."))
    if user.is_totp_enabled:
        raise NotAllowed(_("Two-factor authentication is already on for this account."))
    user.totp_secret = pyotp.random_base32()
    user.totp_enabled_at = None
    user.totp_last_step = None
    session.flush()
    return user.totp_secret


def provisioning_uri(user: User) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The otpauth URI as an inline SVG QR code, made here: no request leaves the server."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    out = io.BytesIO()
    image.save(out)
    svg = out.getvalue().decode("utf-8")
    return svg[svg.index("<svg"):]  # without the XML declaration, for embedding in HTML


def _matching_step(secret: str, code: str, now: dt.datetime) -> int | None:
    code = "".join(code.split())
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in (current, current - 1, current + 1):  # one step of clock drift either way
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def check_code(session: so.Session, user: User, code: str, *, now: dt.datetime | None = None) -> bool:
    """True if *code* is valid now and newer than the last one accepted (no replay)."""
    if not user.totp_secret:
        return False
    step = _matching_step(user.totp_secret, code, now or utcnow())
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    user.totp_last_step = step
    session.flush()
    return True


def confirm_enrolment(session: so.Session, user: User, code: str, *,
                      now: dt.datetime | None = None) -> None:
    if user.is_totp_enabled or not user.totp_secret:
        raise NotAllowed(_("Start the set-up of two-factor authentication again."))
    if not check_code(session, user, code, now=now):
        raise ValidationFailed.single("code", _("This code is not correct. Enter the 6-digit code "
                                                "your authenticator app shows now."))
    user.totp_enabled_at = now or utcnow()
    session.flush()
    audit.record(session, actor=user, action="user.totp_enable", object_type="user",
                 object_id=user.id)


def reset(session: so.Session, user: User, *, actor: User) -> None:
    """An administrator turns the user's two-factor authentication off (a lost phone).

    The user's sessions end; they log in with the password alone and may enrol again."""
    if actor.role is not Role.ADMINISTRATOR:
        raise NotAllowed(_("Only an administrator can reset two-factor authentication."))
    was_enabled = user.is_totp_enabled
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    user.session_version += 1
    session.flush()
    audit.record(session, actor=actor, action="user.totp_reset", object_type="user",
                 object_id=user.id, changes={"was_enabled": was_enabled})
