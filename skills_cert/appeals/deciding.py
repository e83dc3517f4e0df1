"""Deciding an appeal: uphold the decision, overturn it on corrected evidence, or order a
reassessment. One decider decides alone; a panel decides unanimously (one member proposes, each
other member agrees, and any disagreement sends the proposal back).

An overturn never types in a result: the decider corrects the marks or scores that were judged
wrongly, and the rule engine computes the new decision from the corrected evidence, as for any
assessment. The assessment then waits for a certifying officer's approval again
(`certification/issuing.py: approve_and_issue` issues what it earns and revokes, with reason
"appeal", what the old decision had earned)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy.orm as so
from flask_babel import gettext as _

from skills_cert.accounts.models import User
from skills_cert.appeals.lodging import check_text
from skills_cert.appeals.models import Appeal, AppealStatus
from skills_cert.appeals.panel import decider_problem, is_member
from skills_cert.assessment import decisions
from skills_cert.assessment import recording as assessments
from skills_cert.assessment.models import (
    Assessment,
    AssessmentStatus,
    ItemResult,
    Outcome,
)
from skills_cert.audit import log as audit
from skills_cert.columns import utcnow
from skills_cert.errors import InvalidState, NotAllowed, ValidationFailed

AUDIT_ACTIONS = {AppealStatus.UPHELD: "appeal.upheld", AppealStatus.OVERTURNED: "appeal.overturned",
                 AppealStatus.REASSESSMENT: "appeal.reassessment_ordered"}


@dataclass(frozen=True)
class Evidence:
    """The evidence as the decider finds it: every item's mark, the scores."""

    items: dict[str, bool | None]
    knowledge_percent: float | None
    practical_points: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Ruling:
    outcome: AppealStatus  # UPHELD, OVERTURNED or REASSESSMENT
    reasons: str
    evidence: Evidence | None = None  # needed to overturn


def _require_decider(session: so.Session, appeal: Appeal, actor: User, today: dt.date,
                     expected_version: int) -> None:
    if not is_member(appeal, actor):
        raise NotAllowed(_("Only the assessor or panel named for this appeal can decide it."))
    if appeal.status is not AppealStatus.WITH_PANEL:
        raise InvalidState(_("This appeal is not waiting for a decision."))
    if appeal.version != expected_version:
        raise InvalidState(_("Someone else changed this appeal. Reload the page."))
    problem = decider_problem(session, appeal, actor, today)
    if problem:
        raise NotAllowed(problem)


def _evidence_now(assessment: Assessment) -> decisions.Evidence:
    return assessments.evidence_of(assessment)


def _corrections(assessment: Assessment, evidence: Evidence) -> dict:
    """What the decider changed, for the trail: {item code: [was, now]}, knowledge, points."""
    now = _evidence_now(assessment)
    changes = {code: [now.items.get(code), value] for code, value in evidence.items.items()
               if now.items.get(code) != value}
    if now.knowledge_percent != evidence.knowledge_percent:
        changes["knowledge"] = [now.knowledge_percent, evidence.knowledge_percent]
    if dict(now.practical_points) != dict(evidence.practical_points):
        changes["points"] = [dict(now.practical_points), dict(evidence.practical_points)]
    return changes


def _check_overturn(assessment: Assessment, evidence: Evidence | None) -> dict:
    """The corrections, if they change the decision; otherwise a refusal that says why."""
    if evidence is None:
        raise ValidationFailed.single("", _("Correct the marks or scores that were judged wrongly."))
    rules = assessments.rules_for(assessment.session.standard)
    found = decisions.Evidence(knowledge_percent=evidence.knowledge_percent, items=evidence.items,
                               practical_points=evidence.practical_points)
    problems = decisions.validate_evidence(rules, found)
    if problems:
        raise ValidationFailed({"": [p.message() for p in problems]})
    changes = _corrections(assessment, evidence)
    if not changes:
        raise ValidationFailed.single("", _(
            "No mark or score was changed. To overturn the decision, correct what was judged wrongly."))
    new = decisions.decide(rules, found)
    outcome = Outcome.COMPETENT if new.competent else Outcome.NOT_YET_COMPETENT
    if outcome is assessment.outcome and set(new.achieved_units) == set(assessment.achieved_units):
        raise ValidationFailed.single("", _(
            "The corrected evidence gives the same decision as before. Uphold the decision, or "
            "correct the marks that change it."))
    return changes


def propose(session: so.Session, appeal: Appeal, ruling: Ruling, *, actor: User, today: dt.date,
            expected_version: int) -> bool:
    """A member's ruling. A sole decider's takes effect at once; a panel's when all have agreed.
    Returns True if the appeal is now decided."""
    _require_decider(session, appeal, actor, today, expected_version)
    if ruling.outcome not in AUDIT_ACTIONS:
        raise ValidationFailed.single("ruling", _("Choose a decision."))
    reasons = check_text("reasons", ruling.reasons,
                         _("Write the reasons for the decision in at least %(n)d characters."))
    proposal = {"ruling": ruling.outcome.value, "reasons": reasons, "by": actor.id}
    if ruling.outcome is AppealStatus.OVERTURNED:
        proposal["corrections"] = _check_overturn(appeal.assessment, ruling.evidence)
        proposal["evidence"] = {"items": ruling.evidence.items, "knowledge": ruling.evidence.knowledge_percent,
                                "points": ruling.evidence.practical_points}
    appeal.proposal = proposal
    for member in appeal.members:
        member.agreed = member.user_id == actor.id
    session.flush()
    if len(appeal.members) > 1:
        audit.record(session, actor=actor, action="appeal.proposed", object_type="assessment",
                     object_id=appeal.assessment_id, changes={"appeal": appeal.id, **_trail(proposal)})
    return _decide_if_all_agree(session, appeal, actor)


def concur(session: so.Session, appeal: Appeal, *, agree: bool, note: str, actor: User,
           today: dt.date, expected_version: int) -> bool:
    """Another panel member agrees to the proposal, or disagrees (which withdraws it, with why).
    Returns True if the appeal is now decided."""
    _require_decider(session, appeal, actor, today, expected_version)
    member = next(m for m in appeal.members if m.user_id == actor.id)
    if appeal.proposal is None:
        raise InvalidState(_("There is no proposed decision to agree to."))
    if member.agreed:
        raise InvalidState(_("You have already agreed to this proposal."))
    if not agree:
        note = check_text("note", note, _("Say why you disagree, in at least %(n)d characters."))
        appeal.proposal = None
        for m in appeal.members:
            m.agreed = False
        session.flush()
        audit.record(session, actor=actor, action="appeal.proposal_rejected", object_type="assessment",
                     object_id=appeal.assessment_id, changes={"appeal": appeal.id, "note": note})
        return False
    member.agreed = True
    session.flush()
    audit.record(session, actor=actor, action="appeal.agreed", object_type="assessment",
                 object_id=appeal.assessment_id, changes={"appeal": appeal.id})
    return _decide_if_all_agree(session, appeal, actor)


def _trail(proposal: dict) -> dict:
    return {key: proposal[key] for key in ("ruling", "reasons", "corrections") if key in proposal}


def _decide_if_all_agree(session: so.Session, appeal: Appeal, actor: User) -> bool:
    if not all(member.agreed for member in appeal.members):
        return False
    proposal = appeal.proposal
    outcome = AppealStatus(proposal["ruling"])
    before = {"outcome": appeal.assessment.outcome.value, "achieved_units": list(appeal.assessment.achieved_units)}
    if outcome is AppealStatus.OVERTURNED:
        _reopen(session, appeal.assessment, proposal["evidence"])
    appeal.status = outcome
    appeal.ruling_reasons = proposal["reasons"]
    appeal.decided_at = utcnow()
    session.flush()
    changes = {"appeal": appeal.id, **_trail(proposal), "before": before,
               "panel": [member.user.username for member in appeal.members]}
    if outcome is AppealStatus.OVERTURNED:
        changes["after"] = {"outcome": appeal.assessment.outcome.value,
                            "achieved_units": list(appeal.assessment.achieved_units)}
    audit.record(session, actor=actor, action=AUDIT_ACTIONS[outcome], object_type="assessment",
                 object_id=appeal.assessment_id, changes=changes)
    return True


def _reopen(session: so.Session, assessment: Assessment, evidence: dict) -> None:
    """Write the corrected evidence and send the assessment back to a certifying officer, with
    the decision the rule engine computes from it."""
    items = {item.code: item for item in assessments.checklist_items(session, assessment.session.standard)}
    results = {r.item_id: r for r in assessment.results}
    for code, value in evidence["items"].items():
        result = results.get(items[code].id)
        if result is None:
            result = ItemResult(item_id=items[code].id, satisfactory=None, note=None)
            result.item = items[code]
            assessment.results.append(result)
        result.satisfactory = value
    assessment.knowledge_percent = evidence["knowledge"]
    assessment.practical_points = dict(evidence["points"] or {})
    decision = assessments.current_decision(assessment)
    assessment.outcome = Outcome.COMPETENT if decision.competent else Outcome.NOT_YET_COMPETENT
    assessment.achieved_units = list(decision.achieved_units)
    assessment.reasons = assessments.reasons_to_json(decision.reasons)
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at = utcnow()
    assessment.return_reason = None
    session.flush()
