"""Moderation: which submitted results a certifying officer must review before approving them.

At every submission (`recording.submit`, the CSV import) a result is checked:
- **sample**: a share of results (MODERATION_SAMPLE_PERCENT) is drawn at random. A fresh random
  seed is drawn for the submission and the draw is HMAC-SHA256(seed, "skills-cert moderation
  sample|assessment <id>"); its first 8 bytes, read as a fraction of 2**64, select the result when
  below the share. The seed and the share are written in the submission's audit entry
  (`changes["moderation"]`), so anyone holding the log can re-derive which results were sampled
  (`rederive`), and nobody could know it before the submission.
- **borderline**: the knowledge score, or the practical score, within MODERATION_MARGIN percentage
  points of the guideline's pass mark (only for rules the guideline applies);
- **changed**: a checklist item whose mark differs from the first mark saved for it
  (MODERATION_CHANGED_ITEMS).
A flagged result gets a `ModerationFlag`; approving it is refused until an officer has reviewed it
item by item and confirmed the marks (moderation_review.py). A new submission supersedes the
flags of the previous one (their item reviews stay, and the audit log keeps each verdict).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app, has_app_context
from flask_babel import gettext as _

from skills_cert.assessment import decisions
from skills_cert.assessment.models import Assessment, ModerationFlag, ModerationStatus
from skills_cert.audit.models import AuditEntry
from skills_cert.errors import InvalidState

SUBMISSION_ACTIONS = ("assessment.submit", "assessment.import")


@dataclass(frozen=True)
class Settings:
    sample_percent: float = 10.0
    margin: float = 5.0
    changed_items: bool = True


def current_settings() -> Settings:
    """The app's MODERATION_* settings (the defaults outside an app)."""
    if not has_app_context():
        return Settings()
    config = current_app.config
    return Settings(float(config.get("MODERATION_SAMPLE_PERCENT", 10.0)),
                    float(config.get("MODERATION_MARGIN", 5.0)),
                    bool(config.get("MODERATION_CHANGED_ITEMS", True)))


def draw(seed: str, assessment_id: int) -> float:
    """The sampling draw for a submission, in [0, 1): re-derivable from the seed in the log."""
    message = f"skills-cert moderation sample|assessment {assessment_id}".encode("ascii")
    digest = hmac.new(bytes.fromhex(seed), message, hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def is_sampled(seed: str, assessment_id: int, percent: float) -> bool:
    return draw(seed, assessment_id) * 100 < percent


def borderline(rules: decisions.GuidelineRules, decision: decisions.Decision, margin: float) -> list[dict]:
    """Scores within *margin* points of a pass mark the guideline applies."""
    found = []
    if margin <= 0:
        return found
    knowledge = decision.knowledge_percent
    if decisions.KNOWLEDGE in rules.rules and knowledge is not None \
            and abs(knowledge - rules.knowledge_pass_mark) <= margin:
        found.append({"code": "knowledge_margin", "params": {
            "score": round(knowledge, 2), "pass_mark": rules.knowledge_pass_mark, "margin": margin}})
    practical = decision.practical_percent
    gated = rules.knowledge_gates_practical and any(r.code == "practical_not_counted" for r in decision.reasons)
    if decisions.SCORE in rules.rules and rules.scoring is not None and practical is not None and not gated \
            and abs(practical - rules.scoring.pass_mark) <= margin:
        found.append({"code": "practical_margin", "params": {
            "score": round(practical, 2), "pass_mark": rules.scoring.pass_mark, "margin": margin}})
    return found


def changed_items(assessment: Assessment) -> list[dict]:
    """Items whose mark differs from the first mark saved for them."""
    return [{"code": "item_changed", "params": {"item": r.item.code, "first": r.first_satisfactory,
                                                "now": r.satisfactory}}
            for r in assessment.results
            if r.first_satisfactory is not None and r.satisfactory is not None
            and r.satisfactory != r.first_satisfactory]


def _check(assessment_id: int, found: list[dict], settings: Settings) -> tuple[dict, list[dict]]:
    """(what the audit entry records, the flag's reasons) for one submission."""
    seed = secrets.token_hex(16)
    sampled = is_sampled(seed, assessment_id, settings.sample_percent)
    reasons = ([{"code": "sample", "params": {"percent": settings.sample_percent}}] if sampled else []) + found
    trail = {"seed": seed, "sample_percent": settings.sample_percent, "sampled": sampled,
             "flags": [r["code"] for r in reasons]}
    return trail, reasons


def _supersede(session: so.Session, assessment_ids: list[int]) -> None:
    session.execute(sa.update(ModerationFlag).where(
        ModerationFlag.assessment_id.in_(assessment_ids), ModerationFlag.status != ModerationStatus.SUPERSEDED)
        .values(status=ModerationStatus.SUPERSEDED).execution_options(synchronize_session=False))


def check_submission(session: so.Session, assessment: Assessment, rules: decisions.GuidelineRules,
                     decision: decisions.Decision, settings: Settings | None = None) -> dict:
    """Check a result being submitted; flag it if needed. Returns what its audit entry records."""
    settings = settings or current_settings()
    found = borderline(rules, decision, settings.margin)
    if settings.changed_items:
        found += changed_items(assessment)
    trail, reasons = _check(assessment.id, found, settings)
    _supersede(session, [assessment.id])
    if reasons:
        session.add(ModerationFlag(assessment_id=assessment.id, reasons=reasons, status=ModerationStatus.OPEN))
    return trail


def check_imported(session: so.Session, rows: Iterable[tuple[int, decisions.GuidelineRules, decisions.Decision]],
                   settings: Settings | None = None) -> dict[int, dict]:
    """`check_submission` for a batch of imported results (their items are new: none changed).
    Returns each one's audit record, by assessment id."""
    settings = settings or current_settings()
    trails, flags = {}, []
    for assessment_id, rules, decision in rows:
        trails[assessment_id], reasons = _check(assessment_id, borderline(rules, decision, settings.margin), settings)
        if reasons:
            flags.append({"assessment_id": assessment_id, "reasons": reasons, "status": ModerationStatus.OPEN})
    if trails:
        _supersede(session, list(trails))
    if flags:
        session.execute(sa.insert(ModerationFlag), flags)
    return trails


def current_flags(session: so.Session, assessment_ids: Iterable[int]) -> dict[int, ModerationFlag]:
    """The latest submission's flag of each assessment that has one (none: not flagged)."""
    ids = list(assessment_ids)
    if not ids:
        return {}
    flags = session.scalars(sa.select(ModerationFlag).where(
        ModerationFlag.assessment_id.in_(ids), ModerationFlag.status != ModerationStatus.SUPERSEDED)
        .order_by(ModerationFlag.id))
    return {flag.assessment_id: flag for flag in flags}


def current_flag(session: so.Session, assessment: Assessment) -> ModerationFlag | None:
    return current_flags(session, [assessment.id]).get(assessment.id)


def refusal(flag: ModerationFlag | None) -> str | None:
    """Why a result with this flag may not be approved yet; None when it may."""
    if flag is None or flag.status is ModerationStatus.CONFIRMED:
        return None
    if flag.status is ModerationStatus.DISAGREED:
        return _("The moderation review disagrees with the assessor's marks: return the result for "
                 "correction instead of approving it.")
    return _("This result was selected for moderation. Review it item by item before approving it.")


def require_cleared(session: so.Session, assessment: Assessment) -> None:
    problem = refusal(current_flag(session, assessment))
    if problem:
        raise InvalidState(problem)


def reason_message(reason: dict) -> str:
    """A flag's reason as a translated sentence."""
    p = reason.get("params", {})
    code = reason.get("code")
    if code == "sample":
        return _("Drawn at random: %(percent)s%% of results are moderated.", percent=_num(p["percent"]))
    if code == "knowledge_margin":
        return _("The knowledge score %(score)s%% is within %(margin)s points of the pass mark of "
                 "%(pass_mark)s%%.", score=_num(p["score"]), margin=_num(p["margin"]),
                 pass_mark=_num(p["pass_mark"]))
    if code == "practical_margin":
        return _("The practical score %(score)s%% is within %(margin)s points of the pass mark of "
                 "%(pass_mark)s%%.", score=_num(p["score"]), margin=_num(p["margin"]),
                 pass_mark=_num(p["pass_mark"]))
    if code == "item_changed":
        return _("Item %(item)s was first saved as “%(first)s” and later changed to “%(now)s”.",
                 item=p["item"], first=_mark(p["first"]), now=_mark(p["now"]))
    return str(code)


def _num(value) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() else format(round(value, 2), "g")


def _mark(value: bool | None) -> str:
    return {True: _("Satisfactory"), False: _("Not yet"), None: _("Not recorded")}[value]


@dataclass(frozen=True)
class Rederived:
    checked: int
    mismatches: list[int]  # audit entry ids whose recorded "sampled" the seed does not give


def rederive(session: so.Session) -> Rederived:
    """Draw every recorded submission again from its seed in the audit log."""
    checked, mismatches = 0, []
    entries = session.execute(sa.select(AuditEntry.id, AuditEntry.object_id, AuditEntry.changes).where(
        AuditEntry.action.in_(SUBMISSION_ACTIONS)).order_by(AuditEntry.id).execution_options(yield_per=1000))
    for entry_id, object_id, changes in entries:
        recorded = (changes or {}).get("moderation")
        if not recorded:
            continue
        checked += 1
        if is_sampled(recorded["seed"], int(object_id), recorded["sample_percent"]) != recorded["sampled"]:
            mismatches.append(entry_id)
    return Rederived(checked, mismatches)
