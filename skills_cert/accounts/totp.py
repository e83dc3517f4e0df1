"""TOTP two-factor authentication (RFC 6238) for the roles that can issue documents: optional,
or required of the roles in REQUIRE_TWO_FACTOR_ROLES (enforced by web/access.py).

The shared secret is kept encrypted (Fernet) in `users.totp_secret`; only this module reads or
writes it. The key is TOTP_ENCRYPTION_KEY, or one derived from SECRET_KEY when that is unset.
"""

from __future__ import annotations

import base64
import datetime as dt
import hmac
import io
from collections.abc import Mapping

import pyotp
import qrcode
import qrcode.image.svg
import sqlalchemy.orm as so
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask_babel import gettext as _

from skills_cert.accounts.models import User
from skills_cert.audit import log as audit
from skills_cert.columns import utcnow
from skills_cert.config import TWO_FACTOR_CAPABLE
from skills_cert.errors import InvalidState, NotAllowed, ValidationFailed
from skills_cert.roles import Role

TOTP_ROLES = tuple(role for role in Role if role in TWO_FACTOR_CAPABLE)
ISSUER = "SDI skills_cert"
STEP_SECONDS = 30
KEY_INFO = b"skills_cert totp"  # HKDF context: a key derived for this use serves no other


class SecretUnreadable(InvalidState):
    """The stored secret does not decrypt with the key in use: the key changed since."""


def derive_key(secret_key: str | bytes) -> bytes:
    """The Fernet key derived from SECRET_KEY with HKDF-SHA256, used when no key is configured.

    Before SECRET_KEY is rotated, this key (of the old SECRET_KEY) goes into TOTP_ENCRYPTION_KEY,
    or the secrets stored so far no longer decrypt (see the README)."""
    material = secret_key.encode("utf-8") if isinstance(secret_key, str) else secret_key
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KEY_INFO)
    return base64.urlsafe_b64encode(hkdf.derive(material))


def encryption_key(config: Mapping) -> bytes:
    """The key that keeps TOTP secrets: TOTP_ENCRYPTION_KEY, else one derived from SECRET_KEY."""
    configured = config.get("TOTP_ENCRYPTION_KEY")
    if configured:
        return configured.encode("ascii") if isinstance(configured, str) else configured
    return derive_key(config["SECRET_KEY"])


def _store_secret(user: User, secret: str, key: bytes) -> None:
    user.totp_secret = Fernet(key).encrypt(secret.encode("ascii")).decode("ascii")


def read_secret(user: User, *, key: bytes) -> str | None:
    """The user's secret in clear, or None if there is none. SecretUnreadable: the key is wrong."""
    if user.totp_secret is None:
        return None
    try:
        return Fernet(key).decrypt(user.totp_secret.encode("ascii")).decode("ascii")
    except (InvalidToken, ValueError) as exc:
        raise SecretUnreadable(_("The two-factor authentication of this account cannot be "
                                 "checked. Please contact an administrator.")) from exc


def may_use_totp(user: User) -> bool:
    return user.role in TOTP_ROLES


def start_enrolment(session: so.Session, user: User, *, key: bytes) -> str:
    """Give *user* a new pending secret (not in force until a code confirms it); return it."""
    if not may_use_totp(user):
        raise NotAllowed(_("Two-factor authentication is for administrators and certifying "
                           "officers."))
    if user.is_totp_enabled:
        raise NotAllowed(_("Two-factor authentication is already on for this account."))
    secret = pyotp.random_base32()
    _store_secret(user, secret, key)
    user.totp_enabled_at = None
    user.totp_last_step = None
    session.flush()
    return secret


def enrolment_secret(session: so.Session, user: User, *, key: bytes) -> str:
    """The pending secret to show during set-up: a new one if there is none or it is unreadable."""
    if user.is_totp_enabled:
        raise NotAllowed(_("Two-factor authentication is already on for this account."))
    try:
        secret = read_secret(user, key=key)
    except SecretUnreadable:
        secret = None
    return secret or start_enrolment(session, user, key=key)


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


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


def check_code(session: so.Session, user: User, code: str, *, key: bytes,
               now: dt.datetime | None = None) -> bool:
    """True if *code* is valid now and newer than the last one accepted (no replay).

    Raises SecretUnreadable when the stored secret does not decrypt with *key*."""
    secret = read_secret(user, key=key)
    if not secret:
        return False
    step = _matching_step(secret, code, now or utcnow())
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    user.totp_last_step = step
    session.flush()
    return True


def confirm_enrolment(session: so.Session, user: User, code: str, *, key: bytes,
                      now: dt.datetime | None = None) -> None:
    if user.is_totp_enabled or not user.totp_secret:
        raise NotAllowed(_("Start the set-up of two-factor authentication again."))
    try:
        accepted = check_code(session, user, code, key=key, now=now)
    except SecretUnreadable:
        raise ValidationFailed.single("code", _("The set-up has to start again: scan the new QR "
                                                "code, then enter the code it gives.")) from None
    if not accepted:
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
