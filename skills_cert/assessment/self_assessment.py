"""The RPL candidate's self-assessment: before the assessment, they rate themselves against each
unit and element of the standard version ("I do this regularly / sometimes / never"), helped by
the assessor or at a migrant resource centre desk (an administrator). The assessor sees it beside
the checklist. It informs the evidence plan; the rule engine never reads it."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from skills_cert.accounts.models import User
from skills_cert.assessment.models import Assessment
from skills_cert.assessment.portfolio import require_rpl_editable, targets
from skills_cert.assessment.recording import require_recorder
from skills_cert.assessment.rpl_models import Frequency, SelfRating
from skills_cert.audit import log as audit
from skills_cert.columns import utcnow
from skills_cert.errors import NotAllowed, ValidationFailed
from skills_cert.roles import Role


def ratings_of(session: so.Session, assessment: Assessment) -> dict[str, Frequency]:
    return dict(session.execute(sa.select(SelfRating.target, SelfRating.rating)
                                .where(SelfRating.assessment_id == assessment.id)).all())


def _require_helper(session: so.Session, assessment: Assessment, actor: User, today: dt.date) -> None:
    """The assessor who records the assessment, or an administrator at the desk."""
    if actor.role is Role.ADMINISTRATOR:
        return
    if actor.role is not Role.ASSESSOR:
        raise NotAllowed(_("Only an assessor or the desk (an administrator) records a self-assessment."))
    require_recorder(session, assessment, actor, today)


def record_self_assessment(session: so.Session, assessment: Assessment, ratings: dict[str, str], *,
                           actor: User, today: dt.date) -> int:
    """Save the ratings given ({target: "regularly" | "sometimes" | "never"}; a target left out
    keeps its rating). Returns how many changed."""
    _require_helper(session, assessment, actor, today)
    require_rpl_editable(assessment)
    known = {key for key, _title, _unit in targets(assessment.session.standard)}
    values = {f.value: f for f in Frequency}
    if set(ratings) - known or any(value not in values for value in ratings.values()):
        raise ValidationFailed.single("", _("The form does not match this standard. Reload the page and "
                                            "try again."))
    if not ratings:
        raise ValidationFailed.single("", _("Rate at least one unit or element."))
    existing = {r.target: r for r in session.scalars(
        sa.select(SelfRating).where(SelfRating.assessment_id == assessment.id))}
    changes = {}
    for target, value in ratings.items():
        row = existing.get(target)
        if row is None:
            session.add(SelfRating(assessment_id=assessment.id, target=target, rating=values[value],
                                   recorded_by_id=actor.id))
            changes[target] = [None, value]
        elif row.rating.value != value:
            changes[target] = [row.rating.value, value]
            row.rating, row.recorded_by_id, row.recorded_at = values[value], actor.id, utcnow()
    session.flush()
    if changes:
        audit.record(session, actor=actor, action="assessment.self_assessment", object_type="assessment",
                     object_id=assessment.id, changes=changes)
    return len(changes)
