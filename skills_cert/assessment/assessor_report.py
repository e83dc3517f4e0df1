"""The assessor report, for administrators: figures that spot anomalies in how assessors mark.

One row per assessor, standard (code, all versions) and testing centre, over approved results:
- the pass rate, beside the same standard's pass rate at that centre (all its assessors) and in
  the whole country (all centres);
- the checklist items the assessor has never marked "not satisfactory" (of those they marked);
- the median time per candidate: from the first result saved to the submission, for results
  recorded on the checklist page (imported results have no such times);
- results overturned on appeal: audit entries "appeal.overturned" on the assessment
  (`overturned_on_appeal`, the seam the appeals workflow writes to).
Aggregates only: no candidate is named.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so

from skills_cert.accounts.models import User
from skills_cert.assessment.models import (
    Assessment,
    AssessmentStatus,
    ItemResult,
    Outcome,
    TestingCentre,
    TestSession,
)
from skills_cert.audit.models import AuditEntry
from skills_cert.standards.models import ChecklistItem, Standard

OVERTURNED_ACTION = "appeal.overturned"


@dataclass
class Row:
    assessor: str
    standard_code: str
    centre_code: str
    results: int = 0
    competent: int = 0
    centre_rate: float = 0.0
    country_rate: float = 0.0
    never_not_satisfactory: list[str] = field(default_factory=list)
    items_marked: int = 0
    median_minutes: float | None = None
    overturned: int = 0

    @property
    def pass_rate(self) -> float:
        return self.competent / self.results if self.results else 0.0


def overturned_on_appeal(session: so.Session, assessment_ids: list[int]) -> dict[int, int]:
    """How many times each assessment's decision was overturned on appeal (the appeals workflow
    records "appeal.overturned" on the assessment)."""
    counts: dict[int, int] = defaultdict(int)
    wanted = {str(i) for i in assessment_ids}
    for object_id, in session.execute(sa.select(AuditEntry.object_id).where(
            AuditEntry.action == OVERTURNED_ACTION, AuditEntry.object_type == "assessment")):
        if object_id in wanted:
            counts[int(object_id)] += 1
    return counts


def _approved(session: so.Session) -> list:
    return session.execute(
        sa.select(Assessment.id, Assessment.recorded_by_id, User.full_name, Standard.code, TestingCentre.code,
                  Assessment.outcome, Assessment.recording_started_at, Assessment.submitted_at)
        .join(TestSession, Assessment.session_id == TestSession.id)
        .join(Standard, TestSession.standard_id == Standard.id)
        .join(TestingCentre, TestSession.centre_id == TestingCentre.id)
        .join(User, Assessment.recorded_by_id == User.id)
        .where(Assessment.status == AssessmentStatus.APPROVED)).all()


def _rate(rows) -> float:
    return sum(1 for r in rows if r.outcome is Outcome.COMPETENT) / len(rows) if rows else 0.0


def _marks(session: so.Session) -> dict[tuple[int, str], dict[str, bool]]:
    """Per (assessor, standard code): each item code marked, and whether any mark was False."""
    found: dict[tuple[int, str], dict[str, bool]] = defaultdict(dict)
    stmt = (sa.select(Assessment.recorded_by_id, Standard.code, ChecklistItem.code,
                      sa.func.max(sa.case((ItemResult.satisfactory.is_(False), 1), else_=0)))
            .join(ItemResult, ItemResult.assessment_id == Assessment.id)
            .join(ChecklistItem, ItemResult.item_id == ChecklistItem.id)
            .join(TestSession, Assessment.session_id == TestSession.id)
            .join(Standard, TestSession.standard_id == Standard.id)
            .where(Assessment.status == AssessmentStatus.APPROVED, ItemResult.satisfactory.is_not(None))
            .group_by(Assessment.recorded_by_id, Standard.code, ChecklistItem.code))
    for assessor, code, item, any_false in session.execute(stmt):
        found[(assessor, code)][item] = bool(any_false)
    return found


def assessor_report(session: so.Session) -> list[Row]:
    approved = _approved(session)
    by_centre, by_country, groups = defaultdict(list), defaultdict(list), defaultdict(list)
    for r in approved:
        by_centre[(r[3], r[4])].append(r)
        by_country[r[3]].append(r)
        groups[(r[1], r[3], r[4])].append(r)
    marks = _marks(session)
    overturned = overturned_on_appeal(session, [r.id for r in approved])
    rows = []
    for (assessor_id, code, centre), results in groups.items():
        items = marks.get((assessor_id, code), {})
        minutes = [(r.submitted_at - r.recording_started_at).total_seconds() / 60 for r in results
                   if r.recording_started_at and r.submitted_at and r.submitted_at >= r.recording_started_at]
        rows.append(Row(
            assessor=results[0].full_name, standard_code=code, centre_code=centre, results=len(results),
            competent=sum(1 for r in results if r.outcome is Outcome.COMPETENT),
            centre_rate=_rate(by_centre[(code, centre)]), country_rate=_rate(by_country[code]),
            never_not_satisfactory=sorted(item for item, any_false in items.items() if not any_false),
            items_marked=len(items), median_minutes=round(statistics.median(minutes), 1) if minutes else None,
            overturned=sum(overturned.get(r.id, 0) for r in results)))
    return sorted(rows, key=lambda row: (row.standard_code, row.centre_code, row.assessor))
