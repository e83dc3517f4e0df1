"""Reading appeals for the pages: which are in progress, at what stage, and for whom."""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from skills_cert.accounts.models import User
from skills_cert.appeals.models import Appeal, AppealMember, AppealStatus
from skills_cert.assessment.models import Assessment, AssessmentStatus, TestSession
from skills_cert.roles import Role

_original = so.aliased(Assessment, name="appealed")
_again = so.aliased(Assessment, name="reassessed")


def in_progress_clause() -> sa.ColumnElement[bool]:
    """An appeal is in progress until it is upheld, or its overturned decision or its
    reassessment has been approved. Needs `_original` and `_again` joined (see `appeals_select`)."""
    return sa.or_(
        Appeal.status.in_([AppealStatus.LODGED, AppealStatus.WITH_PANEL]),
        sa.and_(Appeal.status == AppealStatus.OVERTURNED, _original.status != AssessmentStatus.APPROVED),
        sa.and_(Appeal.status == AppealStatus.REASSESSMENT,
                sa.or_(Appeal.reassessment_id.is_(None), _again.status != AssessmentStatus.APPROVED)))


def appeals_select(user: User, *, in_progress: bool | None = None, candidate_id: int | None = None) -> sa.Select:
    """Appeals this user may see, newest first: all for the office, their own for a decider."""
    stmt = (sa.select(Appeal).join(_original, _original.id == Appeal.assessment_id)
            .outerjoin(_again, _again.id == Appeal.reassessment_id)
            .options(so.joinedload(Appeal.assessment).joinedload(Assessment.candidate),
                     so.joinedload(Appeal.assessment).joinedload(Assessment.session)
                     .joinedload(TestSession.standard),
                     so.selectinload(Appeal.members).joinedload(AppealMember.user),
                     so.joinedload(Appeal.reassessment)))
    if user.role is Role.ASSESSOR:
        stmt = stmt.where(Appeal.members.any(AppealMember.user_id == user.id))
    if in_progress is not None:
        stmt = stmt.where(in_progress_clause() if in_progress else ~in_progress_clause())
    if candidate_id is not None:
        stmt = stmt.where(_original.candidate_id == candidate_id)
    return stmt.order_by(Appeal.lodged_on.desc(), Appeal.id.desc())


def is_in_progress(appeal: Appeal) -> bool:
    if appeal.status in (AppealStatus.LODGED, AppealStatus.WITH_PANEL):
        return True
    if appeal.status is AppealStatus.OVERTURNED:
        return appeal.assessment.status is not AssessmentStatus.APPROVED
    if appeal.status is AppealStatus.REASSESSMENT:
        return appeal.reassessment is None or appeal.reassessment.status is not AssessmentStatus.APPROVED
    return False


def stage(appeal: Appeal) -> str:
    """Where the appeal stands, in words."""
    if appeal.status is AppealStatus.LODGED:
        return _("Waiting for the office to name an assessor or a panel.")
    if appeal.status is AppealStatus.WITH_PANEL:
        if appeal.proposal:
            return _("A decision was proposed; waiting for the other panel members to agree.")
        return _("Waiting for the decision of the assessor or panel.")
    if appeal.status is AppealStatus.UPHELD:
        return _("The decision was upheld. The appeal is closed.")
    if appeal.status is AppealStatus.OVERTURNED:
        if appeal.assessment.status is AssessmentStatus.APPROVED:
            return _("The decision was overturned and the new decision approved. The appeal is closed.")
        return _("The decision was overturned; the new decision waits for a certifying officer's approval.")
    if appeal.reassessment is None:
        return _("A reassessment was ordered; an administrator must enrol the candidate in a test session.")
    if appeal.reassessment.status is AssessmentStatus.APPROVED:
        return _("The reassessment was approved. The appeal is closed.")
    return _("A reassessment was ordered and is in progress.")

