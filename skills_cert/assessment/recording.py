"""Recording an assessment, submitting it, and the second person's approval or return.

The decision is always computed by the rule engine (decisions.py) from the recorded
evidence and the exact guideline version of the session's standard. Nobody types it in.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from skills_cert.accounts.models import User
from skills_cert.assessment import decisions, moderation
from skills_cert.assessment.candidate_checks import CheckFailed
from skills_cert.assessment.models import (
    Assessment,
    AssessmentStatus,
    EvidencePhoto,
    ItemResult,
    Outcome,
    Pathway,
)
from skills_cert.assessment.photos import process_photo
from skills_cert.assessment.rpl_models import accepted_evidence
from skills_cert.assessment.sessions import accreditation_problem, is_assigned
from skills_cert.audit import log as audit
from skills_cert.audit.models import AuditEntry
from skills_cert.columns import utcnow
from skills_cert.errors import InvalidState, NotAllowed, ServiceError, ValidationFailed
from skills_cert.roles import Role
from skills_cert.standards.document import document_of
from skills_cert.standards.models import ChecklistItem, PracticalTask, Standard

RECORDING_ACTIONS = ("assessment.record", "assessment.submit", "assessment.import")
# Frozen versions never change, so their rules are cached. The key includes the creation time,
# so a database rebuilt with the same ids (tests, restores) never gets another version's rules.
_rules_cache: dict[tuple, decisions.GuidelineRules] = {}


class Conflict(ServiceError):
    """Someone else changed the assessment since it was loaded."""

    def __init__(self):
        super().__init__(_("Someone else changed this assessment while you were working on it. "
                           "Your changes were not saved; reload the page to see theirs."))


@dataclass(frozen=True)
class Recording:
    """What an assessor enters: per item (satisfactory?, note), scores, and the version seen."""

    items: dict[str, tuple[bool | None, str | None]]
    knowledge_percent: float | None
    practical_points: dict[str, float]
    expected_version: int


def parse_number(raw: str) -> float | None:
    """A score as people type it (a decimal comma is accepted); None if it is not a finite number."""
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def rules_for(standard: Standard) -> decisions.GuidelineRules:
    """The decision rules of a standard version; frozen versions are cached."""
    key = (standard.id, standard.code, standard.version, standard.created_at)
    if standard.is_frozen and key in _rules_cache:
        return _rules_cache[key]
    rules = decisions.rules_from_document(document_of(standard))
    if standard.is_frozen:
        _rules_cache[key] = rules
    return rules


def checklist_items(session: so.Session, standard: Standard) -> list[ChecklistItem]:
    return list(session.scalars(
        sa.select(ChecklistItem).join(PracticalTask)
        .where(PracticalTask.guideline_id == standard.guideline.id)
        .order_by(PracticalTask.position, ChecklistItem.position)))


def evidence_of(assessment: Assessment) -> decisions.Evidence:
    session = so.object_session(assessment)
    rpl = assessment.pathway is Pathway.RPL and assessment.id is not None and session is not None
    return decisions.Evidence(
        knowledge_percent=assessment.knowledge_percent,
        items={r.item.code: r.satisfactory for r in assessment.results},
        practical_points=dict(assessment.practical_points or {}),
        portfolio=accepted_evidence(session, assessment.id) if rpl else {},
    )


def current_decision(assessment: Assessment) -> decisions.Decision:
    return decisions.decide(rules_for(assessment.session.standard), evidence_of(assessment))


def preview(assessment: Assessment, recording: Recording) -> decisions.Decision:
    """The decision *recording* will give once saved, computed as `save` then `current_decision`
    would, changing nothing: the recording page's live decision panel. Raises ValidationFailed
    on the problems `save` refuses."""
    rules = rules_for(assessment.session.standard)
    _require_valid(rules, recording)
    saved = evidence_of(assessment)
    items = {**saved.items, **{code: value for code, (value, _note) in recording.items.items()}}
    points = {k: float(v) for k, v in recording.practical_points.items() if v is not None}
    return decisions.decide(rules, replace(saved, knowledge_percent=recording.knowledge_percent,
                                           items=items, practical_points=points))


def _require_valid(rules: decisions.GuidelineRules, recording: Recording) -> None:
    evidence = decisions.Evidence(
        knowledge_percent=recording.knowledge_percent,
        items={code: value for code, (value, _note) in recording.items.items()},
        practical_points=recording.practical_points)
    problems = decisions.validate_evidence(rules, evidence)
    if problems:
        raise ValidationFailed({"": [p.message() for p in problems]})


def reasons_to_json(reasons) -> list[dict]:
    return [{"code": r.code, "params": dict(r.params), "unit": r.unit} for r in reasons]


def reasons_from_json(data: list[dict]) -> list[decisions.Reason]:
    return [decisions.Reason(code=d["code"], params=tuple(d["params"].items()), unit=d["unit"])
            for d in data or []]


def _check_version(assessment: Assessment, expected: int) -> None:
    if assessment.version != expected:
        raise Conflict()


def require_recorder(session: so.Session, assessment: Assessment, actor: User, today: dt.date) -> None:
    """Only an assessor assigned to the session and accredited for its standard may record."""
    if actor.role is not Role.ASSESSOR:
        raise NotAllowed(_("Only assessors record results."))
    if not is_assigned(assessment.session, actor):
        raise NotAllowed(_("You are not assigned to this test session."))
    problem = accreditation_problem(session, actor, assessment.session.standard, today)
    if problem:
        raise NotAllowed(problem)


def _require_editable(assessment: Assessment) -> None:
    if not assessment.is_editable:
        raise InvalidState(_("This assessment has been submitted and can no longer be changed."))


def save(session: so.Session, assessment: Assessment, recording: Recording, *, actor: User,
         today: dt.date) -> decisions.Decision:
    """Save the recording as a draft (also after a return). Returns the decision so far."""
    require_recorder(session, assessment, actor, today)
    _require_editable(assessment)
    _check_version(assessment, recording.expected_version)
    _require_valid(rules_for(assessment.session.standard), recording)
    changes = _apply(session, assessment, recording)
    assessment.recorded_by_id = actor.id
    if changes and assessment.recording_started_at is None:
        assessment.recording_started_at = utcnow()
    assessment.updated_at = utcnow()  # always an UPDATE, so the version moves on every save
    if assessment.status is AssessmentStatus.RETURNED:
        changes["status"] = [assessment.status.value, AssessmentStatus.DRAFT.value]
        assessment.status = AssessmentStatus.DRAFT
    session.flush()
    if changes:
        audit.record(session, actor=actor, action="assessment.record", object_type="assessment",
                     object_id=assessment.id, changes=changes)
    return current_decision(assessment)


def add_evidence_photo(session: so.Session, assessment: Assessment, data: bytes | None, *, actor: User,
                       today: dt.date) -> EvidencePhoto:
    """A photo of the candidate's work, re-encoded as a clean JPEG (`photos.process_photo`), added
    while the assessment can still be changed. *data* is None when no file was chosen."""
    require_recorder(session, assessment, actor, today)
    _require_editable(assessment)
    if data is None:
        raise CheckFailed(_("Choose a photo to upload."))
    photo = EvidencePhoto(assessment=assessment, image=process_photo(data), uploaded_by_id=actor.id)
    session.add(photo)
    session.flush()
    audit.record(session, actor=actor, action="assessment.photo", object_type="assessment",
                 object_id=assessment.id, changes={"photo": photo.id})
    return photo


def _apply(session: so.Session, assessment: Assessment, recording: Recording) -> dict:
    """Write the recording onto the assessment; return what changed, for the audit trail."""
    changes: dict = {}
    items = {item.code: item for item in checklist_items(session, assessment.session.standard)}
    existing = {r.item_id: r for r in assessment.results}
    for code, (value, note) in recording.items.items():
        note = (note or "").strip()[:500] or None
        result = existing.get(items[code].id)
        if result is None:
            result = ItemResult(item_id=items[code].id, satisfactory=None, note=None)
            result.item = items[code]
            assessment.results.append(result)
        if result.first_satisfactory is None:  # the first mark ever saved (an imported one too)
            result.first_satisfactory = result.satisfactory if result.satisfactory is not None else value
        if (result.satisfactory, result.note) != (value, note):
            changes[code] = [result.satisfactory, value] if result.satisfactory != value else ["note"]
            result.satisfactory, result.note = value, note
    if assessment.knowledge_percent != recording.knowledge_percent:
        changes["knowledge"] = [assessment.knowledge_percent, recording.knowledge_percent]
        assessment.knowledge_percent = recording.knowledge_percent
    points = {k: float(v) for k, v in recording.practical_points.items() if v is not None}
    if points != (assessment.practical_points or {}):
        changes["points"] = [assessment.practical_points, points]
        assessment.practical_points = points
    return changes


def submit(session: so.Session, assessment: Assessment, *, actor: User, today: dt.date,
           expected_version: int) -> decisions.Decision:
    require_recorder(session, assessment, actor, today)
    if not assessment.is_editable:
        raise InvalidState(_("This assessment has already been submitted."))
    _check_version(assessment, expected_version)
    decision = current_decision(assessment)
    if not decision.complete:
        raise InvalidState(_(
            "Record the knowledge score, every checklist item and every score before submitting "
            "(%(done)d of %(total)d items recorded).", done=decision.recorded_items,
            total=decision.total_items))
    _store_decision(assessment, decision)
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at = utcnow()
    assessment.return_reason = None
    checked = moderation.check_submission(session, assessment, rules_for(assessment.session.standard), decision)
    session.flush()
    audit.record(session, actor=actor, action="assessment.submit", object_type="assessment",
                 object_id=assessment.id, changes={"outcome": assessment.outcome.value,
                                                   "achieved_units": list(decision.achieved_units),
                                                   "moderation": checked})
    return decision


def _store_decision(assessment: Assessment, decision: decisions.Decision) -> None:
    assessment.outcome = Outcome.COMPETENT if decision.competent else Outcome.NOT_YET_COMPETENT
    assessment.achieved_units = list(decision.achieved_units)
    assessment.credited_units = list(decision.credited)
    assessment.reasons = reasons_to_json(decision.reasons)


def recorders(session: so.Session, assessment: Assessment) -> set[int]:
    """Everyone who ever recorded, imported or submitted results for this assessment."""
    ids = set(session.scalars(sa.select(AuditEntry.actor_id).where(
        AuditEntry.object_type == "assessment", AuditEntry.object_id == str(assessment.id),
        AuditEntry.action.in_(RECORDING_ACTIONS))))
    if assessment.recorded_by_id:
        ids.add(assessment.recorded_by_id)
    return ids


def _require_approver(session: so.Session, assessment: Assessment, actor: User, expected_version: int) -> None:
    if actor.role is not Role.CERTIFYING_OFFICER:
        raise NotAllowed(_("Only a certifying officer can approve or return assessments."))
    if actor.id in recorders(session, assessment):
        raise NotAllowed(_("You recorded this assessment, so someone else must approve it."))
    if assessment.status is not AssessmentStatus.SUBMITTED:
        raise InvalidState(_("Only a submitted assessment can be approved or returned."))
    _check_version(assessment, expected_version)


def approve(session: so.Session, assessment: Assessment, *, actor: User, expected_version: int) -> decisions.Decision:
    """Approve a submitted assessment. The decision is computed again from the evidence."""
    _require_approver(session, assessment, actor, expected_version)
    moderation.require_cleared(session, assessment)
    decision = current_decision(assessment)
    _store_decision(assessment, decision)
    assessment.status = AssessmentStatus.APPROVED
    assessment.decided_by_id = actor.id
    assessment.decided_at = utcnow()
    session.flush()
    audit.record(session, actor=actor, action="assessment.approve", object_type="assessment",
                 object_id=assessment.id, changes={"outcome": assessment.outcome.value,
                                                   "achieved_units": list(decision.achieved_units)})
    return decision


def return_for_correction(session: so.Session, assessment: Assessment, *, actor: User, reason: str,
                          expected_version: int) -> None:
    _require_approver(session, assessment, actor, expected_version)
    reason = " ".join((reason or "").split())
    if len(reason) < 5:
        raise ValidationFailed.single("reason", _("Say what must be corrected."))
    if len(reason) > 1000:
        raise ValidationFailed.single("reason", _("Use at most %(n)d characters.", n=1000))
    assessment.status = AssessmentStatus.RETURNED
    assessment.return_reason = reason
    assessment.decided_by_id = actor.id
    assessment.decided_at = utcnow()
    session.flush()
    audit.record(session, actor=actor, action="assessment.return", object_type="assessment",
                 object_id=assessment.id, changes={"reason": reason})


def pending_approval_select() -> sa.Select:
    return (sa.select(Assessment).where(Assessment.status == AssessmentStatus.SUBMITTED)
            .options(so.joinedload(Assessment.candidate), so.joinedload(Assessment.session))
            .order_by(Assessment.submitted_at))
