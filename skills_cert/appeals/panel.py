"""Who decides an appeal: an assessor accredited for the standard who did not record the result,
or a panel of up to three such assessors, named by the office."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from skills_cert.accounts.models import User
from skills_cert.appeals.lodging import require_office
from skills_cert.appeals.models import Appeal, AppealMember, AppealStatus
from skills_cert.assessment.models import Accreditation
from skills_cert.assessment.recording import recorders
from skills_cert.assessment.sessions import accreditation_problem
from skills_cert.audit import log as audit
from skills_cert.errors import InvalidState, ValidationFailed
from skills_cert.roles import Role

MAX_PANEL = 3


def decider_problem(session: so.Session, appeal: Appeal, user: User, today: dt.date) -> str | None:
    """Why *user* may not decide *appeal* today, or None if they may."""
    if user.role is not Role.ASSESSOR or not user.is_active:
        return _("%(name)s is not an active assessor.", name=user.full_name)
    if user.id in recorders(session, appeal.assessment):
        return _("%(name)s recorded the result under appeal, so cannot decide the appeal.",
                 name=user.full_name)
    return accreditation_problem(session, user, appeal.assessment.session.standard, today)


def eligible_deciders(session: so.Session, appeal: Appeal, today: dt.date) -> list[User]:
    """Active assessors accredited today for the standard who did not record the result."""
    code = appeal.assessment.session.standard.code
    found = session.scalars(sa.select(User).join(Accreditation, Accreditation.user_id == User.id).where(
        Accreditation.standard_code == code, Accreditation.expires_on >= today,
        User.role == Role.ASSESSOR, User.is_active.is_(True)).order_by(User.full_name))
    excluded = recorders(session, appeal.assessment)
    return [user for user in found if user.id not in excluded]


def assign(session: so.Session, appeal: Appeal, members: list[User], *, actor: User,
           today: dt.date) -> None:
    """Name who decides (again, while undecided: a proposal in progress is dropped)."""
    require_office(actor)
    if appeal.is_decided:
        raise InvalidState(_("This appeal has been decided."))
    members = list({user.id: user for user in members}.values())
    if not 1 <= len(members) <= MAX_PANEL:
        raise ValidationFailed.single("members", _(
            "Choose one assessor, or a panel of up to %(n)d.", n=MAX_PANEL))
    problems = [p for user in members if (p := decider_problem(session, appeal, user, today))]
    if problems:
        raise ValidationFailed({"members": problems})
    appeal.members = [AppealMember(user_id=user.id, agreed=False) for user in members]
    appeal.proposal = None
    appeal.status = AppealStatus.WITH_PANEL
    session.flush()
    audit.record(session, actor=actor, action="appeal.panel_assigned", object_type="assessment",
                 object_id=appeal.assessment_id,
                 changes={"appeal": appeal.id, "members": [user.username for user in members]})


def is_member(appeal: Appeal, user: User) -> bool:
    return any(member.user_id == user.id for member in appeal.members)
