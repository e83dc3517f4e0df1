"""Creating, authenticating and managing staff accounts."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from skills_cert import visible_text
from skills_cert.accounts.models import User
from skills_cert.accounts.passwords import hash_password, needs_rehash, password_problems, verify_password
from skills_cert.audit import log as audit
from skills_cert.columns import utcnow
from skills_cert.errors import NotAllowed, ValidationFailed
from skills_cert.roles import Role

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class NewUser:
    username: str
    full_name: str
    role: Role
    password: str
    email: str | None = None


def find_user(session: so.Session, username: str) -> User | None:
    return session.scalar(sa.select(User).where(User.username == username.strip().lower()))


def create_user(session: so.Session, data: NewUser, *, min_password_length: int, actor=None) -> User:
    username = data.username.strip().lower()
    full_name = " ".join(data.full_name.split())
    email = (data.email or "").strip() or None
    reasons: dict[str, list[str]] = {}
    if not USERNAME_RE.match(username):
        reasons["username"] = [
            _("Use 2 to 64 lower-case letters, digits, dots, dashes or underscores.")
        ]
    elif find_user(session, username) is not None:
        reasons["username"] = [_("This username is already taken.")]
    if hidden := visible_text.problem(full_name, name=True):
        reasons["full_name"] = [hidden]
    elif not full_name or len(full_name) > 200 or not full_name.isprintable():
        reasons["full_name"] = [_("Enter the person's full name (at most 200 characters).")]
    if email is not None and (len(email) > 254 or not EMAIL_RE.match(email)
                              or visible_text.hidden_characters(email, name=True)):
        reasons["email"] = [_("Enter a valid e-mail address, or leave it empty.")]
    problems = password_problems(data.password, min_password_length, username=username)
    if problems:
        reasons["password"] = problems
    if reasons:
        raise ValidationFailed(reasons)
    user = User(
        username=username,
        full_name=full_name,
        email=email,
        role=data.role,
        password_hash=hash_password(data.password),
    )
    session.add(user)
    session.flush()
    audit.record(session, actor=actor, action="user.create", object_type="user", object_id=user.id,
                 changes={"username": user.username, "role": user.role.value})
    return user


@dataclass(frozen=True)
class LockoutPolicy:
    """After *max_failures* failed logins in a row an account is locked for *duration*."""

    max_failures: int = 5
    duration: dt.timedelta = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class LoginResult:
    """What a login attempt gave. *user* is set only when it may go on (to its second factor)."""

    user: User | None = None
    locked: bool = False
    unknown_username: bool = False


def is_locked(user: User, now: dt.datetime) -> bool:
    return user.locked_until is not None and user.locked_until > now


def record_login_failure(session: so.Session, user: User, now: dt.datetime,
                         policy: LockoutPolicy) -> bool:
    """Count a failed password or code; lock the account at the limit. True if now locked."""
    if user.locked_until is not None and user.locked_until <= now:
        user.failed_login_count = 0  # the previous lock has run out: start counting afresh
        user.locked_until = None
    session.flush()
    # Incremented in SQL, so that simultaneous attempts are all counted.
    user.failed_login_count = User.failed_login_count + 1
    session.flush()
    session.refresh(user, ["failed_login_count"])
    if user.failed_login_count >= policy.max_failures:
        user.locked_until = now + policy.duration
        session.flush()
        audit.record(session, actor=None, action="user.lock", object_type="user",
                     object_id=user.id, changes={"failures": user.failed_login_count,
                                                 "until": user.locked_until.isoformat()})
        return True
    return False


def record_login_success(session: so.Session, user: User, now: dt.datetime) -> None:
    user.failed_login_count = 0
    user.locked_until = None
    user.last_login_at = now
    session.flush()


def authenticate(session: so.Session, username: str, password: str, *,
                 now: dt.datetime | None = None,
                 policy: LockoutPolicy = LockoutPolicy()) -> LoginResult:
    """Check a username and password; never says which part failed.

    Failures are counted per account and lock it for a while at the policy's limit; a locked
    account is refused even with the right password. The caller commits in every case, so that
    failures are kept. The password is hashed in every case, so that timing reveals nothing.
    """
    now = now or utcnow()
    user = find_user(session, username)
    if user is None or not user.is_active:
        verify_password(None, password)
        return LoginResult(unknown_username=True)
    if is_locked(user, now):
        verify_password(None, password)
        return LoginResult(locked=True)
    if not verify_password(user.password_hash, password):
        return LoginResult(locked=record_login_failure(session, user, now, policy))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    if not user.is_totp_enabled:
        record_login_success(session, user, now)
    return LoginResult(user=user)


def unlock(session: so.Session, user: User, *, actor) -> None:
    """Clear the account's failed-login count and lock, e.g. once its owner has called."""
    changes = {"failures": user.failed_login_count,
               "until": user.locked_until.isoformat() if user.locked_until else None}
    user.failed_login_count = 0
    user.locked_until = None
    session.flush()
    audit.record(session, actor=actor if getattr(actor, "id", None) else None,
                 action="user.unlock", object_type="user", object_id=user.id, changes=changes)


def change_password(
    session: so.Session, user: User, current: str, new: str, *, min_password_length: int
) -> None:
    if not verify_password(user.password_hash, current):
        raise ValidationFailed.single("current_password", _("The current password is not correct."))
    problems = password_problems(new, min_password_length, username=user.username)
    if current == new:
        problems.append(_("The new password must differ from the current one."))
    if problems:
        raise ValidationFailed({"new_password": problems})
    set_password(session, user, new)


def set_password(session: so.Session, user: User, new: str) -> None:
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    user.session_version += 1
    session.flush()


def set_active(session: so.Session, user: User, active: bool, *, actor: User) -> None:
    if user.id == actor.id and not active:
        raise NotAllowed(_("You cannot deactivate your own account."))
    if not active and user.role is Role.ADMINISTRATOR:
        others = session.scalar(
            sa.select(sa.func.count(User.id)).where(
                User.role == Role.ADMINISTRATOR, User.is_active.is_(True), User.id != user.id
            )
        )
        if not others:
            raise NotAllowed(_("The last active administrator cannot be deactivated."))
    user.is_active = active
    if not active:
        user.session_version += 1
    session.flush()
    audit.record(session, actor=actor if getattr(actor, "id", None) else None,
                 action="user.activate" if active else "user.deactivate", object_type="user",
                 object_id=user.id)


def users_select() -> sa.Select:
    return sa.select(User).order_by(User.is_active.desc(), User.role, User.username)


def ensure_administrator(
    session: so.Session, *, password: str | None, min_password_length: int
) -> tuple[User, bool, str | None]:
    """Make sure an active administrator exists.

    Returns the administrator, whether it was created now, and the generated password when none
    was given (to be shown once). An existing administrator is never changed.
    """
    existing = session.scalar(
        sa.select(User)
        .where(User.role == Role.ADMINISTRATOR, User.is_active.is_(True))
        .order_by(User.id)
        .limit(1)
    )
    if existing is not None:
        return existing, False, None
    generated = None
    if not password:
        generated = password = secrets.token_urlsafe(12)
    username = "admin"
    suffix = 1
    while find_user(session, username) is not None:
        suffix += 1
        username = f"admin{suffix}"
    user = create_user(
        session,
        NewUser(username=username, full_name="Administrator", role=Role.ADMINISTRATOR,
                password=password),
        min_password_length=min_password_length,
    )
    return user, True, generated
