"""The units credited through recognition of prior learning (RPL) on portfolio evidence, per unit:
a table of the statistics report, suppressed like the others."""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from skills_cert.i18n import localized
from skills_cert.standards.models import Unit
from skills_cert.statistics.cells import Measure, aggregate
from skills_cert.statistics.suppression import Cell, Row, Table, protect


def unit_titles(session: so.Session, locale: str) -> dict[str, str]:
    rows = session.execute(sa.select(Unit.code, Unit.title).order_by(Unit.code, Unit.id)).all()
    return {code: f"{code} {localized(title, locale)}" for code, title in rows}


def credits_table(session: so.Session, f, locale: str) -> Table:
    """Approved assessments that credited each unit through RPL, and the candidates behind them."""
    found = aggregate(session, "credits", f, "facet", [Measure("assessments", "n"), Measure("people", "people")])
    titles = unit_titles(session, locale) if found else {}
    rows = [Row(unit, titles.get(unit, unit), [Cell(r["assessments"], r["people"]), Cell(r["people"], r["people"])])
            for unit, r in sorted(found.items())]
    table = Table("rpl_credits", _("Units credited through recognition of prior learning (RPL)"),
                  [_("Unit"), _("Assessments"), _("Candidates")], rows, partition=False,
                  note=_("Units credited on accepted portfolio evidence and a shorter demonstration, in "
                         "approved assessments. A candidate may be credited several units."))
    return protect(table)
