"""Lodging an appeal: the office records it for the candidate, within the guideline's period."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from skills_cert.accounts.models import User
from skills_cert.appeals.models import Appeal, AppealStatus
from skills_cert.assessment.models import Assessment, AssessmentStatus
from skills_cert.audit import log as audit
from skills_cert.errors import InvalidState, NotAllowed, ValidationFailed
from skills_cert.roles import Role

# Who lodges an appeal for a candidate: the office, never an assessor (whose decision it may be).
OFFICE = frozenset({Role.ADMINISTRATOR, Role.CERTIFYING_OFFICER})
MIN_GROUNDS, MAX_GROUNDS = 10, 4000


def require_office(actor: User) -> None:
    if actor.role not in OFFICE:
        raise NotAllowed(_("Only an administrator or a certifying officer can do this for an appeal."))


def appeal_deadline(assessment: Assessment) -> dt.date | None:
    """The last day on which the decision can be appealed; None while it is not approved."""
    if assessment.status is not AssessmentStatus.APPROVED or assessment.decided_at is None:
        return None
    days = assessment.session.standard.guideline.appeal_period
    return assessment.decided_at.date() + dt.timedelta(days=days)


def appeal_of(session: so.Session, assessment: Assessment) -> Appeal | None:
    return session.scalar(sa.select(Appeal).where(Appeal.assessment_id == assessment.id))


def clean_text(text: str | None) -> str:
    """Free text as kept: surrounding space removed, inner lines kept."""
    return "\n".join(line.rstrip() for line in (text or "").strip().splitlines())


def check_text(field: str, text: str, too_short: str) -> str:
    """*text* cleaned, or a refusal: *too_short* (a sentence naming MIN_GROUNDS as %(n)d) or too long."""
    text = clean_text(text)
    if len(text) < MIN_GROUNDS:
        raise ValidationFailed.single(field, too_short % {"n": MIN_GROUNDS})
    if len(text) > MAX_GROUNDS:
        raise ValidationFailed.single(field, _("Use at most %(n)d characters.", n=MAX_GROUNDS))
    return text


def lodge(session: so.Session, assessment: Assessment, *, grounds: str, actor: User,
          today: dt.date) -> Appeal:
    """Record the candidate's appeal against an approved decision, with its grounds."""
    require_office(actor)
    deadline = appeal_deadline(assessment)
    if deadline is None:
        raise InvalidState(_("Only an approved decision can be appealed."))
    if appeal_of(session, assessment) is not None:
        raise InvalidState(_("This decision has already been appealed; an appeal decision is final."))
    grounds = check_text("grounds", grounds, _("Write the grounds of the appeal in at least %(n)d characters."))
    if today > deadline:
        raise ValidationFailed.single("", _(
            "The period for appealing this decision ended on %(date)s (%(days)d days after the "
            "decision). The appeal cannot be lodged.", date=deadline.isoformat(),
            days=assessment.session.standard.guideline.appeal_period))
    appeal = Appeal(assessment=assessment, grounds=grounds, lodged_on=today, deadline=deadline,
                    lodged_by_id=actor.id, status=AppealStatus.LODGED)
    session.add(appeal)
    session.flush()
    audit.record(session, actor=actor, action="appeal.lodged", object_type="assessment",
                 object_id=assessment.id, changes={"appeal": appeal.id, "grounds": grounds,
                                                   "deadline": deadline.isoformat(),
                                                   "outcome": assessment.outcome.value})
    return appeal
