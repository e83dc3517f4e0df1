"""Finding a certificate by its number and the holder's date of birth, with the guesses limited
per certificate number.

The date of birth is the only secret in these lookups, and there are only about 20,000 likely
ones. So failed lookups are counted per certificate number (`attempts`), across the holder's
page, `/verify` and `POST /api/v1/verify`, from every address together: after LOOKUP_GUESS_LIMIT
failures the number's lookups pause, one minute at first and twice as long after each further
failure, at most a day. A number with no certificate is counted and paused the same way, so the
pause tells nothing about whether a number exists. A right date of birth clears the count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy.orm as so
from limits import parse

from skills_cert import attempts
from skills_cert.certification.issuing import NUMBER_RE, find_by_number_and_birth
from skills_cert.certification.models import Certificate

SCOPE = "lookup"
FIRST_PAUSE = dt.timedelta(minutes=1)
MAX_PAUSE = dt.timedelta(days=1)


@dataclass(frozen=True)
class Lookup:
    certificate: Certificate | None
    paused_until: dt.datetime | None = None


def policy(config) -> attempts.Policy:
    """From LOOKUP_GUESS_LIMIT, "5 per 7 days": 5 failures pause the number; a number with no
    failure for 7 days starts afresh."""
    limit = parse(config["LOOKUP_GUESS_LIMIT"])
    return attempts.Policy(free=limit.amount, first_pause=FIRST_PAUSE, max_pause=MAX_PAUSE,
                           forget_after=dt.timedelta(seconds=limit.get_expiry()))


def find(session: so.Session, number: str, date_of_birth: dt.date, *, secret_key: str,
         rules: attempts.Policy, now: dt.datetime) -> Lookup:
    """The certificate, or none (with the pause, if the number's lookups are paused). The caller
    commits in every case, so that failures are kept, and answers "no such number" and "wrong
    date of birth" the same way."""
    number = number.strip().upper()
    if not NUMBER_RE.fullmatch(number):
        return Lookup(None)  # not a certificate number at all: nothing to guess at
    attempt = attempts.begin(session, SCOPE, attempts.key_hash(secret_key, SCOPE, number), rules, now=now)
    if not attempt.allowed:
        return Lookup(None, attempt.paused_until)
    found = find_by_number_and_birth(session, number, date_of_birth)
    if found is not None:
        attempts.succeeded(session, attempt)
        return Lookup(found)
    paused_until = attempts.failed(session, attempt, rules, now=now)
    if paused_until is not None:
        attempts.forget_old(session, rules, SCOPE, now=now)
    return Lookup(None, paused_until)
