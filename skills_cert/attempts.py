"""Failed attempts at a secret, counted in the database per thing attacked, not per client.

Two secrets are guessed at: a certificate holder's date of birth (with the certificate number)
and a staff password (with a user name that has no account; accounts count their own failures,
`accounts/users.py`). Counting per client is not enough: addresses are cheap (one IPv6 /64 is
2^64 of them). Counting in a worker's memory is not enough either: under gunicorn each worker
would count apart. So failures are counted here, in one row per (scope, key), updated in SQL so
that simultaneous attempts are all counted, whatever the worker or the address.

The key is a keyed hash (HMAC with SECRET_KEY) of what was typed: the table holds no certificate
number and no user name (people type passwords into user-name fields).

An attempt is counted *before* the secret is checked, so that a burst of parallel guesses cannot
all be checked before the first failure is written; a success clears the count.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so

from skills_cert.columns import UTCDateTime, utcnow
from skills_cert.extensions import db


class FailedAttempts(db.Model):
    __tablename__ = "failed_attempts"
    __table_args__ = (sa.UniqueConstraint("scope", "key_hash", name="uq_failed_attempts_scope_key"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    scope: so.Mapped[str] = so.mapped_column(sa.String(16))  # lookup | login
    key_hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    failures: so.Mapped[int] = so.mapped_column(default=0)
    last_at: so.Mapped[dt.datetime] = so.mapped_column(UTCDateTime, default=utcnow, index=True)
    paused_until: so.Mapped[dt.datetime | None] = so.mapped_column(UTCDateTime)


@dataclass(frozen=True)
class Policy:
    """The *free*-th failure pauses the key for *first_pause*, and each later one for twice the
    pause before, at most *max_pause*. With max_pause == first_pause it is a fixed lock like an
    account's: once it has run out, counting starts afresh. A key quiet for *forget_after* starts
    afresh in any case."""

    free: int
    first_pause: dt.timedelta
    max_pause: dt.timedelta
    forget_after: dt.timedelta

    @property
    def growing(self) -> bool:
        return self.max_pause > self.first_pause

    def pause(self, failures: int) -> dt.timedelta:
        doublings = min(max(failures - self.free, 0), 32)
        return min(self.first_pause * (2 ** doublings), self.max_pause)


@dataclass(frozen=True)
class Attempt:
    """An attempt let through (*paused_until* None), or refused until *paused_until*."""

    row_id: int
    failures: int
    paused_until: dt.datetime | None

    @property
    def allowed(self) -> bool:
        return self.paused_until is None


def key_hash(secret_key: str, scope: str, typed: str) -> str:
    return hmac.new(secret_key.encode(), f"{scope}:{typed}".encode(), hashlib.sha256).hexdigest()


def begin(session: so.Session, scope: str, key: str, policy: Policy, *, now: dt.datetime | None = None) -> Attempt:
    """Count an attempt at *key* as a failure until `succeeded` says otherwise, or refuse it
    while the key is paused (a refused attempt is not counted: nothing is checked).

    One conditional UPDATE counts the attempt. It holds the row until the caller commits, which
    it does in every case after checking the secret: simultaneous attempts at one key are checked
    one after the other, each seeing the pause the one before may have started (PostgreSQL
    re-reads the row once the lock is free; SQLite writes one transaction at a time)."""
    now = now or utcnow()
    table = FailedAttempts.__table__
    afresh = table.c.last_at < now - policy.forget_after
    if not policy.growing:  # a fixed lock that has run out: counting starts afresh
        afresh = afresh | table.c.paused_until.is_not(None)
    counted = session.execute(
        sa.update(table).where(table.c.scope == scope, table.c.key_hash == key,
                               table.c.paused_until.is_(None) | (table.c.paused_until <= now))
        .values(failures=sa.case((afresh, 1), else_=table.c.failures + 1), last_at=now, paused_until=None))
    row = session.execute(sa.select(table.c.id, table.c.failures, table.c.paused_until).where(
        table.c.scope == scope, table.c.key_hash == key)).first()
    if counted.rowcount == 1:
        return Attempt(row.id, row.failures, None)
    if row is not None and row.paused_until is not None and row.paused_until > now:
        return Attempt(row.id, row.failures, row.paused_until)
    if row is not None:  # written by another attempt since the UPDATE looked: count this one now
        return begin(session, scope, key, policy, now=now)
    try:
        with session.begin_nested():  # someone else may count a first attempt at it meanwhile
            session.execute(sa.insert(table).values(scope=scope, key_hash=key, failures=1, last_at=now))
    except sa.exc.IntegrityError:
        return begin(session, scope, key, policy, now=now)
    row_id = session.scalar(sa.select(table.c.id).where(table.c.scope == scope, table.c.key_hash == key))
    return Attempt(row_id, 1, None)


def failed(session: so.Session, attempt: Attempt, policy: Policy, *, now: dt.datetime | None = None) -> dt.datetime | None:
    """The secret was wrong (the failure is counted already). From the *free*-th failure on the
    key is paused; returns until when, or None."""
    if attempt.failures < policy.free:
        return None
    until = (now or utcnow()) + policy.pause(attempt.failures)
    session.execute(sa.update(FailedAttempts).where(FailedAttempts.id == attempt.row_id).values(paused_until=until))
    return until


def succeeded(session: so.Session, attempt: Attempt) -> None:
    """The secret was right: the attempt was no guess, and the earlier failures are forgotten."""
    session.execute(sa.update(FailedAttempts).where(FailedAttempts.id == attempt.row_id)
                    .values(failures=0, paused_until=None))


def forget_old(session: so.Session, policy: Policy, scope: str, *, now: dt.datetime | None = None) -> int:
    """Delete the scope's keys quiet for longer than the policy keeps them and no longer paused."""
    now = now or utcnow()
    return session.execute(sa.delete(FailedAttempts).where(
        FailedAttempts.scope == scope, FailedAttempts.last_at < now - policy.forget_after,
        sa.or_(FailedAttempts.paused_until.is_(None), FailedAttempts.paused_until < now))).rowcount
