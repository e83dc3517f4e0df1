"""Login lockout settings, and failures counted for user names that have no account.

Accounts count their failures in their own row (users.py). Failed attempts at names that match
no active account are counted in the database too (`attempts`, keyed by a hash of the name), so
that such a name "locks" after as many failures as a real account and stays locked as long,
whatever the gunicorn worker: the answer never tells whether a name exists.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy.orm as so
from flask import current_app
from flask_babel import gettext as _

from skills_cert import attempts
from skills_cert.accounts.users import LockoutPolicy

SCOPE = "login"


def login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def policy() -> LockoutPolicy:
    return LockoutPolicy(
        max_failures=current_app.config.get("LOGIN_MAX_FAILURES", 5),
        duration=dt.timedelta(minutes=current_app.config.get("LOGIN_LOCKOUT_MINUTES", 15)),
    )


def _as_attempts(rules: LockoutPolicy) -> attempts.Policy:
    """An account's lock: fixed, from the max_failures-th failure, counting afresh after it."""
    return attempts.Policy(free=rules.max_failures, first_pause=rules.duration, max_pause=rules.duration,
                           forget_after=dt.timedelta(days=30))  # an account keeps its count until a success


def unknown_name_failed(session: so.Session, username: str, rules: LockoutPolicy, *,
                        now: dt.datetime | None = None) -> bool:
    """Count a failure for a name with no account; True once it is 'locked' like an account.
    The caller commits."""
    counted = _as_attempts(rules)
    key = attempts.key_hash(current_app.config["SECRET_KEY"], SCOPE, username.strip().casefold()[:64])
    attempt = attempts.begin(session, SCOPE, key, counted, now=now)
    if not attempt.allowed:
        return True
    locked = attempts.failed(session, attempt, counted, now=now) is not None
    if locked:
        attempts.forget_old(session, counted, SCOPE, now=now)
    return locked


def failure_message(locked: bool, rules: LockoutPolicy) -> str:
    if locked:
        return _("Too many failed attempts: log-in to this account is blocked for %(minutes)d "
                 "minutes. Try again later.",
                 minutes=int(rules.duration.total_seconds() // 60))
    return _("The username or password is not correct.")
