"""Limits of the public lookups: per client from the configuration as each request comes in, and
per certificate number (`lookups`), with the answer a paused lookup gets."""

from __future__ import annotations

import datetime as dt

from flask import current_app
from flask_babel import format_timedelta
from flask_babel import gettext as _

from skills_cert.attempts import Policy
from skills_cert.certification import lookups
from skills_cert.columns import utcnow


def lookup_limit() -> str:
    """Lookups by certificate number and date of birth, per client (`LOOKUP_RATE_LIMIT`)."""
    return current_app.config["LOOKUP_RATE_LIMIT"]


def verify_limit() -> str:
    """The QR verification page, per client (`VERIFY_RATE_LIMIT`)."""
    return current_app.config["VERIFY_RATE_LIMIT"]


def guess_policy() -> Policy:
    return lookups.policy(current_app.config)


def paused_message(until: dt.datetime) -> str:
    return _("Too many wrong dates of birth have been tried with this certificate number, so its "
             "lookups are paused for %(wait)s to protect its holder. If you are the holder, ask the "
             "office that tested you, or use the QR code or the personal link of your certificate.",
             wait=format_timedelta(max(until - utcnow(), dt.timedelta(seconds=1)), threshold=1.1))


def retry_after(until: dt.datetime) -> dict:
    return {"Retry-After": str(max(1, int((until - utcnow()).total_seconds() + 0.999)))}


def find(session, number: str, date_of_birth: dt.date) -> lookups.Lookup:
    """`lookups.find` with this app's secret and guess policy."""
    return lookups.find(session, number, date_of_birth, secret_key=current_app.config["SECRET_KEY"],
                        rules=guess_policy(), now=utcnow())
