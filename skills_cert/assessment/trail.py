"""An assessment's audit trail as a person reads it: who acted, what they did, and what changed,
in the reader's language. The hash-chained log keeps its codes and JSON; this only words them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from skills_cert.accounts.models import User
from skills_cert.assessment.models import AssessmentStatus, Outcome
from skills_cert.assessment.rpl_models import EvidenceKind, Frequency, Judgement
from skills_cert.audit import log as audit

ACTIONS = {
    "assessment.enrol": _l("Enrolled in the test session"),
    "assessment.self_assessment": _l("Self-assessment recorded"),
    "assessment.record": _l("Results recorded"),
    "assessment.import": _l("Results imported from a file"),
    "assessment.photo": _l("Evidence photo added"),
    "assessment.submit": _l("Submitted for approval"),
    "assessment.approve": _l("Approved"),
    "assessment.return": _l("Returned to the assessor"),
    "portfolio.add": _l("Portfolio evidence added"),
    "portfolio.judge": _l("Portfolio evidence judged"),
    "portfolio.file_add": _l("File added to the portfolio"),
    "portfolio.file_view": _l("Portfolio file opened"),
    "moderation.review": _l("Reviewed in moderation"),
    "appeal.lodged": _l("Appeal lodged"),
    "appeal.panel_assigned": _l("Appeal given to an assessor or panel"),
    "appeal.proposed": _l("Appeal decision proposed"),
    "appeal.proposal_rejected": _l("Proposed appeal decision rejected"),
    "appeal.agreed": _l("Panel member agreed"),
    "appeal.upheld": _l("Appeal decided: the decision is upheld"),
    "appeal.overturned": _l("Appeal decided: the decision is overturned"),
    "appeal.reassessment_ordered": _l("Appeal decided: a reassessment is ordered"),
    "appeal.reassessment_enrolled": _l("Enrolled for the reassessment"),
}
# Keys that say nothing more to a reader: ids of rows shown elsewhere on the page (the session,
# the appeal), file digests, the moderation draw's seed, what the action's name already says.
SILENT = {"candidate", "session", "appeal", "reassessment", "photo", "file", "sha256", "seed", "flag", "type",
          "panel", "before", "after", "corrections", "sample_percent", "ruling"}


@dataclass(frozen=True)
class Step:
    at: dt.datetime
    who: str
    what: str
    details: list[str]


def readable_trail(session: so.Session, assessment_id: int) -> list[Step]:
    entries = audit.trail_for(session, "assessment", assessment_id)
    ids = {entry.actor_id for entry in entries if entry.actor_id is not None}
    names = {user_id: name for user_id, name in session.execute(
        sa.select(User.id, User.full_name).where(User.id.in_(ids)))} if ids else {}
    return [Step(entry.at, names.get(entry.actor_id) or _("the system"),
                 str(ACTIONS.get(entry.action, entry.action)), details(entry.action, entry.changes or {}))
            for entry in entries]


def details(action: str, changes: dict) -> list[str]:
    lines = []
    for key, value in changes.items():
        if key in SILENT:
            continue
        line = _detail(action, key, value)
        if line:
            lines.append(line)
    return lines


def _detail(action: str, key: str, value) -> str | None:
    if action == "assessment.self_assessment" and isinstance(value, list):
        return f"{key}: {_label(Frequency, value[0])} → {_label(Frequency, value[1])}"
    if key == "knowledge":
        return _("Knowledge score: %(old)s → %(new)s", old=_percent(value[0]), new=_percent(value[1]))
    if key == "points":
        return _("Practical scores changed.")
    if key == "status":
        return _("Status: %(old)s → %(new)s", old=_label(AssessmentStatus, value[0]),
                 new=_label(AssessmentStatus, value[1]))
    if key == "outcome":
        return _("Decision: %(outcome)s", outcome=_label(Outcome, value))
    if key == "achieved_units":
        return _("Units achieved: %(units)s", units=", ".join(value) or "—")
    if key == "moderation":
        return (_("Selected for moderation.") if value.get("flags") else _("Not selected for moderation."))
    if key in ("reason", "note", "grounds", "reasons"):
        return _("Reason: %(text)s", text=value) if value else None
    if key == "deadline":
        return _("Appeal deadline: %(date)s", date=value)
    if key == "members":
        return _("Decided by: %(names)s", names=", ".join(value))
    if key == "item":
        return _("Evidence item %(number)s", number=value)
    if key == "kind":
        return _label(EvidenceKind, value)
    if key == "supports":
        old, new = value if value and isinstance(value[0], list) else ([], value)
        return _("Supports: %(units)s", units=", ".join(new) or "—") if old != new else None
    if key == "judgement":
        return _("Judgement: %(old)s → %(new)s", old=_label(Judgement, value[0]), new=_label(Judgement, value[1]))
    if key == "items":
        return _("Items reviewed: %(n)s", n=value)
    if key == "disagreed":
        return _("Marks the officer disagrees with: %(items)s", items=", ".join(value)) if value else None
    if isinstance(value, list) and len(value) == 2 and all(v is None or isinstance(v, bool) for v in value):
        return _("Item %(code)s: %(old)s → %(new)s", code=key, old=_mark(value[0]), new=_mark(value[1]))
    if value == ["note"]:
        return _("Item %(code)s: note changed", code=key)
    return f"{key}: {value}"


def _label(enum_type, value) -> str:
    if value is None:
        return "—"
    try:
        return enum_type(value).label
    except ValueError:
        return str(value)


def _mark(value: bool | None) -> str:
    return {True: _("satisfactory"), False: _("not yet satisfactory"), None: _("not recorded")}[value]


def _percent(value) -> str:
    if value is None:
        return "—"
    value = float(value)
    return f"{int(value) if value.is_integer() else round(value, 1)}%"
