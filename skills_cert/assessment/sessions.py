"""Test sessions, the assessors assigned to them, and assessor accreditation."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from skills_cert.accounts.models import User
from skills_cert.assessment.models import Accreditation, Assessment, Candidate, TestingCentre, TestSession
from skills_cert.audit import log as audit
from skills_cert.errors import NotAllowed, ValidationFailed
from skills_cert.roles import Role
from skills_cert.standards.models import Standard, StandardStatus


def accredit(session: so.Session, assessor: User, standard_code: str, expires_on: dt.date, *,
             actor: User, today: dt.date) -> Accreditation:
    if not actor.has_role(Role.ADMINISTRATOR):
        raise NotAllowed(_("Only an administrator can accredit assessors."))
    if assessor.role is not Role.ASSESSOR:
        raise ValidationFailed.single("user", _("Only assessors can be accredited."))
    if not session.scalar(sa.select(Standard.id).where(Standard.code == standard_code).limit(1)):
        raise ValidationFailed.single("standard_code", _("There is no standard with this code."))
    if expires_on < today:
        raise ValidationFailed.single("expires_on", _("The expiry date is in the past."))
    accreditation = session.scalar(sa.select(Accreditation).where(
        Accreditation.user_id == assessor.id, Accreditation.standard_code == standard_code))
    if accreditation is None:
        accreditation = Accreditation(user_id=assessor.id, standard_code=standard_code,
                                      expires_on=expires_on, granted_by_id=actor.id)
        session.add(accreditation)
    else:
        accreditation.expires_on = expires_on
        accreditation.granted_by_id = actor.id
    session.flush()
    audit.record(session, actor=actor, action="accreditation.grant", object_type="user",
                 object_id=assessor.id, changes={"standard": standard_code, "expires_on": expires_on})
    return accreditation


def accreditation_problem(session: so.Session, assessor: User, standard: Standard,
                          today: dt.date) -> str | None:
    """Why *assessor* may not assess *standard* today, or None if they may."""
    accreditation = session.scalar(sa.select(Accreditation).where(
        Accreditation.user_id == assessor.id, Accreditation.standard_code == standard.code))
    if accreditation is None:
        return _("%(name)s is not accredited to assess %(code)s.", name=assessor.full_name,
                 code=standard.code)
    if not accreditation.is_valid_on(today):
        return _("%(name)s's accreditation for %(code)s expired on %(date)s.",
                 name=assessor.full_name, code=standard.code, date=accreditation.expires_on.isoformat())
    return None


def create_session(session: so.Session, *, centre: TestingCentre, standard: Standard,
                   test_date: dt.date, assessors: list[User], actor: User, today: dt.date) -> TestSession:
    if not actor.has_role(Role.ADMINISTRATOR):
        raise NotAllowed(_("Only an administrator can create test sessions."))
    reasons: dict[str, list[str]] = {}
    if standard.status is not StandardStatus.ENDORSED:
        reasons["standard"] = [_("Tests can only be held against an endorsed standard version.")]
    if not assessors:
        reasons["assessors"] = [_("Assign at least one assessor.")]
    for assessor in assessors:
        if assessor.role is not Role.ASSESSOR or not assessor.is_active:
            reasons.setdefault("assessors", []).append(
                _("%(name)s is not an active assessor.", name=assessor.full_name))
        elif problem := accreditation_problem(session, assessor, standard, max(today, test_date)):
            reasons.setdefault("assessors", []).append(problem)
    if test_date < today - dt.timedelta(days=365):
        reasons["test_date"] = [_("The test date is more than a year ago.")]
    if reasons:
        raise ValidationFailed(reasons)
    test_session = TestSession(centre=centre, standard=standard, test_date=test_date,
                               assessors=assessors, created_by_id=actor.id)
    session.add(test_session)
    session.flush()
    audit.record(session, actor=actor, action="session.create", object_type="session",
                 object_id=test_session.id,
                 changes={"centre": centre.code, "standard": f"{standard.code} v{standard.version}",
                          "date": test_date, "assessors": [a.username for a in assessors]})
    return test_session


def enrol(session: so.Session, test_session: TestSession, candidate: Candidate, *, actor: User) -> Assessment:
    if not (actor.has_role(Role.ADMINISTRATOR) or is_assigned(test_session, actor)):
        raise NotAllowed(_("Only an administrator or an assessor of this session can enrol candidates."))
    existing = session.scalar(sa.select(Assessment).where(
        Assessment.session_id == test_session.id, Assessment.candidate_id == candidate.id))
    if existing is not None:
        raise ValidationFailed.single("candidate", _("%(name)s is already enrolled in this session.",
                                                     name=candidate.name_latin))
    assessment = Assessment(session=test_session, candidate=candidate, pathway=candidate.pathway)
    session.add(assessment)
    session.flush()
    audit.record(session, actor=actor, action="assessment.enrol", object_type="assessment",
                 object_id=assessment.id, changes={"session": test_session.id, "candidate": candidate.id})
    return assessment


def is_assigned(test_session: TestSession, user: User) -> bool:
    return any(a.id == user.id for a in test_session.assessors)


_readers: list[Callable[[Assessment, User], bool]] = []


def also_readable_by(check: Callable[[Assessment, User], bool]) -> Callable[[Assessment, User], bool]:
    """Register *check(assessment, user)*, True when that assessor, though not assigned to the
    session, may read the assessment and its evidence (never write). A feature above this one
    registers its own readers: `appeals` its deciders."""
    _readers.append(check)
    return check


def may_read(assessment: Assessment, user: User) -> bool:
    """An assessor reads an assessment of their own session, or one a registered check allows."""
    return is_assigned(assessment.session, user) or any(check(assessment, user) for check in _readers)


def sessions_select(user: User) -> sa.Select:
    """Sessions this user may see: all for office roles, their own for assessors."""
    stmt = sa.select(TestSession).options(so.joinedload(TestSession.centre),
                                          so.joinedload(TestSession.standard))
    if user.role is Role.ASSESSOR:
        stmt = stmt.where(TestSession.assessors.any(User.id == user.id))
    return stmt.order_by(TestSession.test_date.desc(), TestSession.id.desc())
