"""A certifying officer's moderation review of a flagged result, item by item (moderation.py).

For every checklist item the officer confirms the assessor's mark or records a disagreement, which
needs a note saying why. All confirmed: the result may be approved. Any disagreement: it may not,
and the officer returns it for correction; the assessor's corrected submission is checked again.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy.orm as so
from flask_babel import gettext as _

from skills_cert.accounts.models import User
from skills_cert.assessment import moderation
from skills_cert.assessment.models import (
    Assessment,
    AssessmentStatus,
    ModerationFlag,
    ModerationItemReview,
    ModerationStatus,
)
from skills_cert.assessment.recording import Conflict, checklist_items, recorders
from skills_cert.audit import log as audit
from skills_cert.columns import utcnow
from skills_cert.errors import InvalidState, NotAllowed, ValidationFailed
from skills_cert.roles import Role

MAX_ITEM_NOTE, MAX_NOTE = 500, 1000


@dataclass(frozen=True)
class Review:
    """Per item code: (agrees with the assessor's mark? None if not answered, note)."""

    items: dict[str, tuple[bool | None, str]]
    note: str
    expected_version: int


def require_reviewer(session: so.Session, assessment: Assessment, actor: User) -> ModerationFlag:
    """The open flag an officer who did not record the result may review; refused otherwise."""
    if actor.role is not Role.CERTIFYING_OFFICER:
        raise NotAllowed(_("Only a certifying officer can review a result for moderation."))
    if actor.id in recorders(session, assessment):
        raise NotAllowed(_("You recorded this assessment, so someone else must review it."))
    if assessment.status is not AssessmentStatus.SUBMITTED:
        raise InvalidState(_("Only a submitted result can be reviewed for moderation."))
    flag = moderation.current_flag(session, assessment)
    if flag is None or flag.status is not ModerationStatus.OPEN:
        raise InvalidState(_("This result has no moderation review waiting."))
    return flag


def _problems(items, review: Review) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    for item in items:
        agrees, note = review.items.get(item.code, (None, ""))
        if agrees is None:
            problems.setdefault("", []).append(
                _("Item %(code)s: confirm the assessor's mark or record your disagreement.", code=item.code))
        elif not agrees and len(note) < 5:
            problems.setdefault("", []).append(
                _("Item %(code)s: say why you disagree with the assessor's mark.", code=item.code))
        if len(note) > MAX_ITEM_NOTE:
            problems.setdefault("", []).append(
                _("Item %(code)s: use at most %(n)d characters.", code=item.code, n=MAX_ITEM_NOTE))
    if len(review.note) > MAX_NOTE:
        problems["note"] = [_("Use at most %(n)d characters.", n=MAX_NOTE)]
    return problems


def review_result(session: so.Session, assessment: Assessment, review: Review, *, actor: User) -> ModerationFlag:
    """Record the officer's review of every item of a flagged result."""
    flag = require_reviewer(session, assessment, actor)
    if assessment.version != review.expected_version:
        raise Conflict()
    items = checklist_items(session, assessment.session.standard)
    review = Review({code: (agrees, " ".join((note or "").split())) for code, (agrees, note) in review.items.items()},
                    " ".join((review.note or "").split()), review.expected_version)
    problems = _problems(items, review)
    if problems:
        raise ValidationFailed(problems)
    marks = {r.item_id: r.satisfactory for r in assessment.results}
    disagreed = []
    for item in items:
        agrees, note = review.items[item.code]
        flag.item_reviews.append(ModerationItemReview(item_id=item.id, marked=marks.get(item.id), agrees=agrees,
                                                      note=note or None))
        if not agrees:
            disagreed.append(item.code)
    flag.status = ModerationStatus.DISAGREED if disagreed else ModerationStatus.CONFIRMED
    flag.reviewed_by_id, flag.reviewed_at, flag.note = actor.id, utcnow(), review.note or None
    session.flush()
    audit.record(session, actor=actor, action="moderation.review", object_type="assessment",
                 object_id=assessment.id, changes={"flag": flag.id, "status": flag.status.value,
                                                   "items": len(items), "disagreed": disagreed,
                                                   "note": review.note})
    return flag
