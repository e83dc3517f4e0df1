"""Login lockout settings, and failures counted for usernames that have no account.

Accounts count their failures in the database (users.py). Failed attempts at names that
match no active account are counted here, in the rate limiter's store, so that such a name
"locks" after as many failures as a real account: the answer never tells whether a name exists.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app
from flask_babel import gettext as _
from limits import RateLimitItemPerMinute
from limits.strategies import MovingWindowRateLimiter

from skills_cert.accounts.users import LockoutPolicy
from skills_cert.extensions import limiter


def login_rate_limit() -> str:
    return current_app.config.get("LOGIN_RATE_LIMIT", "20 per minute;200 per hour")


def policy() -> LockoutPolicy:
    return LockoutPolicy(
        max_failures=current_app.config.get("LOGIN_MAX_FAILURES", 5),
        duration=dt.timedelta(minutes=current_app.config.get("LOGIN_LOCKOUT_MINUTES", 15)),
    )


def unknown_name_failed(username: str, rules: LockoutPolicy) -> bool:
    """Count a failure for a name with no account; True once it is 'locked' like an account."""
    minutes = max(1, int(rules.duration.total_seconds() // 60))
    item = RateLimitItemPerMinute(max(1, rules.max_failures - 1), minutes)
    strategy = MovingWindowRateLimiter(limiter.storage)
    return not strategy.hit(item, "login-failures", username.strip().casefold()[:64])


def failure_message(locked: bool, rules: LockoutPolicy) -> str:
    if locked:
        return _("Too many failed attempts: log-in to this account is blocked for %(minutes)d "
                 "minutes. Try again later.",
                 minutes=int(rules.duration.total_seconds() // 60))
    return _("The username or password is not correct.")
