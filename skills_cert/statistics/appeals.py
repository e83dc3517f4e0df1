"""Appeals for policy makers: lodged, upheld, overturned and sent to reassessment, per standard
and per testing centre, from the snapshot's "appeals" family (`snapshot.py`: one row per appeal,
in the month it was lodged, its facet the appeal's status). Suppressed like every table."""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from skills_cert.appeals.models import Appeal, AppealStatus
from skills_cert.assessment.models import (
    Assessment,
    Candidate,
    TestingCentre,
    TestSession,
)
from skills_cert.i18n import localized
from skills_cert.statistics.cells import Measure, figures
from skills_cert.statistics.models import StatsCell
from skills_cert.statistics.suppression import Cell, Row, Table, protect

FAMILY = "appeals"
PENDING = "pending"  # lodged or with the decider: not decided yet
COLUMNS = ("lodged", AppealStatus.UPHELD.value, AppealStatus.OVERTURNED.value,
           AppealStatus.REASSESSMENT.value, PENDING)


def source(session: so.Session, month_of, text) -> sa.Select:
    """The snapshot rows of the family: one per appeal."""
    facet = sa.case((Appeal.status.in_([AppealStatus.LODGED, AppealStatus.WITH_PANEL]), sa.literal(PENDING)),
                    else_=text(Appeal.status))
    return (sa.select(month_of(session, Appeal.lodged_on).label("month"),
                      TestSession.centre_id.label("centre_id"), TestSession.standard_id.label("standard_id"),
                      text(Assessment.pathway).label("pathway"), text(Candidate.sex).label("sex"),
                      facet.label("facet"), sa.literal("").label("detail"),
                      Appeal.id.label("item"), Assessment.candidate_id.label("candidate_id"))
            .select_from(Appeal)
            .join(Assessment, Assessment.id == Appeal.assessment_id)
            .join(TestSession, TestSession.id == Assessment.session_id)
            .join(Candidate, Candidate.id == Assessment.candidate_id))


def _measures() -> list[Measure]:
    found = []
    for name in COLUMNS:
        where = None if name == "lodged" else StatsCell.facet == name
        found += [Measure(name, "n", where), Measure(f"{name}_people", "people", where, exact=False)]
    return found


def _row(key: str, label: str, r: dict) -> Row:
    return Row(key, label, [Cell(r[name], r[f"{name}_people"]) for name in COLUMNS])


def centre_names(session: so.Session, locale: str) -> dict[str, str]:
    rows = session.execute(sa.select(TestingCentre.id, TestingCentre.code, TestingCentre.name)).all()
    return {str(i): f"{localized(name, locale)} ({code})" for i, code, name in rows}


def appeals_table(session: so.Session, f, by: str, labels: dict[str, str]) -> Table:
    """Appeals lodged in the period by *by* ("standard" or "centre"), and how they stand."""
    found = figures(session, FAMILY, f, [by, "total"], _measures())
    rows = sorted((_row(k, labels.get(k, k), r) for k, r in found[by].items()), key=lambda row: row.label)
    titles = {"standard": _("Appeals by occupation (standard)"), "centre": _("Appeals by testing centre")}
    firsts = {"standard": _("Standard"), "centre": _("Testing centre")}
    table = Table(f"appeals_by_{by}", titles[by],
                  [firsts[by], _("Appeals lodged"), _("Decision upheld"), _("Decision overturned"),
                   _("Reassessment ordered"), _("Not decided yet")], rows,
                  total=_row("total", _("Total"), found["total"]["total"]), additive=((0, (1, 2, 3, 4)),),
                  note=_("Appeals lodged in the period, and how they stand today."))
    return protect(table)
