"""A reassessment ordered on appeal: the candidate is enrolled in a test session of the same
standard, held by assessors who did not record the decision under appeal, and the new assessment
is recorded, submitted and approved like any other."""

from __future__ import annotations

import sqlalchemy.orm as so
from flask_babel import gettext as _

from skills_cert.accounts.models import User
from skills_cert.appeals.models import Appeal, AppealStatus
from skills_cert.assessment import sessions
from skills_cert.assessment.models import Assessment, TestSession
from skills_cert.assessment.recording import recorders
from skills_cert.audit import log as audit
from skills_cert.errors import InvalidState, NotAllowed, ValidationFailed
from skills_cert.roles import Role


def enrol_reassessment(session: so.Session, appeal: Appeal, test_session: TestSession, *,
                       actor: User) -> Assessment:
    if not actor.has_role(Role.ADMINISTRATOR):
        raise NotAllowed(_("Only an administrator can enrol a candidate for a reassessment."))
    if appeal.status is not AppealStatus.REASSESSMENT:
        raise InvalidState(_("No reassessment was ordered on this appeal."))
    if appeal.reassessment_id is not None:
        raise InvalidState(_("The candidate is already enrolled for the reassessment."))
    original = appeal.assessment
    if test_session.standard.code != original.session.standard.code:
        raise ValidationFailed.single("session", _(
            "The reassessment must be against the same standard (%(code)s).",
            code=original.session.standard.code))
    if test_session.test_date < appeal.lodged_on:
        raise ValidationFailed.single("session", _("Choose a session held after the appeal was lodged."))
    earlier = recorders(session, original)
    named = [a.full_name for a in test_session.assessors if a.id in earlier]
    if named:
        raise ValidationFailed.single("session", _(
            "%(names)s recorded the decision under appeal, so cannot reassess the candidate. "
            "Choose a session with other assessors.", names=", ".join(named)))
    new = sessions.enrol(session, test_session, original.candidate, actor=actor)
    appeal.reassessment_id = new.id
    session.flush()
    audit.record(session, actor=actor, action="appeal.reassessment_enrolled", object_type="assessment",
                 object_id=original.id, changes={"appeal": appeal.id, "reassessment": new.id,
                                                 "session": test_session.id})
    return new
