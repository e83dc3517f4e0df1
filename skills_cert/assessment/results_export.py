"""A test session's results as a table, for a CSV file and an Excel workbook: what the session page
lists per candidate, with the knowledge score, the units achieved and the dates. No date of birth
and no document number. The result and the units are given once the assessment is submitted, as
on the session page."""

from __future__ import annotations

from flask_babel import gettext as _

from skills_cert.assessment.models import Assessment, AssessmentStatus, TestSession
from skills_cert.exports import Coded, Column, Table
from skills_cert.i18n import localized

DECIDED = (AssessmentStatus.SUBMITTED, AssessmentStatus.APPROVED)


def _columns() -> tuple[Column, ...]:
    return (Column("name_lao", _("Name in Lao script")), Column("name_latin", _("Name in Latin script")),
            Column("pathway", _("Pathway")), Column("status", _("Status")), Column("result", _("Result")),
            Column("knowledge_percent", _("Knowledge test score")), Column("units_achieved", _("Units achieved")),
            Column("units_credited_rpl", _("Units credited through RPL")),
            Column("submitted_at", _("Submitted")), Column("decided_at", _("Approved or returned")))


def _row(a: Assessment) -> tuple:
    decided = a.status in DECIDED
    return (a.candidate.name_lao, a.candidate.name_latin, Coded(a.pathway.value, a.pathway.label),
            Coded(a.status.value, a.status.label),
            Coded(a.outcome.value, a.outcome.label) if decided and a.outcome else None,
            a.knowledge_percent, " ".join(a.achieved_units) if decided else None,
            " ".join(a.credited_units) if decided else None, a.submitted_at, a.decided_at)


def results_table(test_session: TestSession, locale: str) -> Table:
    standard = test_session.standard
    subtitle = (f"{standard.code} v{standard.version} · {localized(standard.title, locale)} · "
                f"{localized(test_session.centre.name, locale)} · {test_session.test_date.isoformat()}")
    return Table("results", _("Results of the test session"), _columns(),
                 tuple(_row(a) for a in test_session.assessments), subtitle=subtitle,
                 notes=(_("Times are in UTC."),))
