"""The office's certificate search results as a table, for a CSV file and an Excel workbook: what
the search page lists, every page of it (up to `LIMIT` certificates), with the dates and the
standard. No date of birth and no document number: only what the office's search page shows."""

from __future__ import annotations

import datetime as dt

import sqlalchemy.orm as so
from flask_babel import gettext as _

from skills_cert.certification.issuing import search_select
from skills_cert.certification.models import Certificate
from skills_cert.exports import Coded, Column, Table
from skills_cert.i18n import localized

LIMIT = 10_000


def state_labels() -> dict[str, str]:
    return {"valid": _("Valid"), "expired": _("Expired"), "revoked": _("Revoked"), "superseded": _("Superseded")}


def _columns() -> tuple[Column, ...]:
    return (Column("number", _("Number")), Column("kind", _("Kind of document")),
            Column("name_lao", _("Name in Lao script")), Column("name_thai", _("Name in Thai script")),
            Column("name_latin", _("Name in Latin script")), Column("standard", _("Standard")),
            Column("standard_version", _("Version")), Column("standard_title", _("Title")),
            Column("issued_on", _("Date of issue")), Column("expires_on", _("Valid until")),
            Column("status", _("Status")))


def _row(c: Certificate, today: dt.date, locale: str, states: dict[str, str]) -> tuple:
    state = c.state(today)
    return (c.number, Coded(c.kind.value, c.kind.label), c.name_lao, c.name_thai, c.name_latin, c.standard.code,
            c.standard.version, localized(c.standard.title, locale), c.issued_on, c.expires_on,
            Coded(state, states[state]))


def search_table(session: so.Session, query: str, *, today: dt.date, locale: str) -> Table:
    """The certificates the search page finds for *query* (all of them when it is empty), newest first."""
    found = session.scalars(search_select(query).limit(LIMIT + 1)).all()
    states = state_labels()
    notes = (_("Only the first %(n)d certificates are listed. Search for fewer.", n=LIMIT),) \
        if len(found) > LIMIT else ()
    subtitle = _("Search: %(query)s", query=query) if query else _("All certificates")
    return Table("certificates", _("Certificates"), _columns(),
                 tuple(_row(c, today, locale, states) for c in found[:LIMIT]),
                 subtitle=f"{subtitle} · {today.isoformat()}", notes=notes)
