"""Approving a whole test session in one action, in batches that each commit whole.

`start` records which submitted results the officer saw (id and version) as a `SessionApproval`;
`proceed` approves them in batches of BATCH. Each result goes through `issuing.approve_and_issue`
(the rule engine, the two-person rule and moderation apply to each); a refusal skips that result
only. A batch's approvals, certificates, audit entries and the run's position commit together: a
crash loses that batch at most, never leaves half a certificate, and `proceed` goes on from where
the last commit left the run. The foreseeable refusals (changed,
flagged, recorded by this officer) are found for a whole batch first; should `approve_and_issue`
still refuse one, the batch is rolled back and done again with a savepoint per result.

Skipped results are kept as [assessment id, reason code] (`SKIP_REASONS` in the views): awaiting
moderation review, moderation disagreed, recorded by this officer, changed since the page was
opened; or [id, "refused", the refusal's message] for any other refusal (no usable signing key).
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from skills_cert.accounts.models import User
from skills_cert.assessment import moderation
from skills_cert.assessment.models import Assessment, AssessmentStatus, ItemResult, ModerationStatus, TestSession
from skills_cert.assessment.recording import RECORDING_ACTIONS, Conflict
from skills_cert.audit import log as audit
from skills_cert.audit.models import AuditEntry
from skills_cert.certification.issuing import approve_and_issue
from skills_cert.certification.models import CertificateKind, SessionApproval
from skills_cert.columns import utcnow
from skills_cert.errors import InvalidState, NotAllowed, ValidationFailed
from skills_cert.roles import Role

BATCH = 50
MAX_RESULTS = 5000
_SEEN_RE = re.compile(r"[0-9]{1,9}\.[0-9]{1,9}")


@dataclass
class Overview:
    """A session's submitted results as one officer may approve them."""

    ready: list[Assessment] = field(default_factory=list)
    flagged: list[tuple[Assessment, object]] = field(default_factory=list)
    yours: list[Assessment] = field(default_factory=list)
    run: SessionApproval | None = None

    @property
    def seen(self) -> str:
        """What the page shows, as the form sends it back: "id.version id.version ..."."""
        every = [*self.ready, *(a for a, _flag in self.flagged), *self.yours]
        return " ".join(f"{a.id}.{a.version}" for a in sorted(every, key=lambda a: a.id))


def _recorded_by(session: so.Session, assessments: list[Assessment]) -> dict[int, set[int]]:
    """Who recorded each result (for the page only: `recording.approve` enforces the rule)."""
    found = {a.id: {a.recorded_by_id} for a in assessments}
    if assessments:
        for object_id, actor_id in session.execute(sa.select(AuditEntry.object_id, AuditEntry.actor_id).where(
                AuditEntry.object_type == "assessment", AuditEntry.action.in_(RECORDING_ACTIONS),
                AuditEntry.object_id.in_([str(a.id) for a in assessments]))):
            found[int(object_id)].add(actor_id)
    return found


def unfinished_run(session: so.Session, test_session: TestSession, actor: User) -> SessionApproval | None:
    return session.scalar(sa.select(SessionApproval).where(
        SessionApproval.session_id == test_session.id, SessionApproval.officer_id == actor.id,
        SessionApproval.finished_at.is_(None)).order_by(SessionApproval.id.desc()).limit(1))


def overview(session: so.Session, test_session: TestSession, actor: User) -> Overview:
    submitted = [a for a in test_session.assessments if a.status is AssessmentStatus.SUBMITTED]
    flags = moderation.current_flags(session, [a.id for a in submitted])
    recorded = _recorded_by(session, submitted)
    result = Overview(run=unfinished_run(session, test_session, actor))
    for assessment in submitted:
        flag = flags.get(assessment.id)
        if actor.id in recorded[assessment.id]:
            result.yours.append(assessment)
        elif moderation.refusal(flag):
            result.flagged.append((assessment, flag))
        else:
            result.ready.append(assessment)
    return result


def parse_seen(raw: str) -> list[tuple[int, int]]:
    tokens = (raw or "").split()
    if len(tokens) > MAX_RESULTS or not all(_SEEN_RE.fullmatch(t) for t in tokens):
        raise ValidationFailed.single("seen", _("The list of results on the page was damaged. Reload the "
                                                "session page and try again."))
    return list(dict.fromkeys(tuple(int(part) for part in t.split(".")) for t in tokens))


def start(session: so.Session, test_session: TestSession, seen: list[tuple[int, int]], *,
          actor: User) -> SessionApproval:
    """Begin approving the submitted results of the session that the officer saw; an unfinished
    run of the same officer is carried on instead."""
    if actor.role is not Role.CERTIFYING_OFFICER:
        raise NotAllowed(_("Only a certifying officer can approve or return assessments."))
    existing = unfinished_run(session, test_session, actor)
    if existing is not None:
        return existing
    ids = set(session.scalars(sa.select(Assessment.id).where(
        Assessment.session_id == test_session.id, Assessment.status == AssessmentStatus.SUBMITTED)))
    queue = [[aid, version] for aid, version in seen if aid in ids]
    if not queue:
        raise InvalidState(_("There is no submitted result to approve in this session."))
    run = SessionApproval(session_id=test_session.id, officer_id=actor.id, queue=queue, position=0,
                          certificates=0, attainments=0, without_certificate=0, skipped=[])
    session.add(run)
    session.flush()
    audit.record(session, actor=actor, action="session.approval_start", object_type="test_session",
                 object_id=test_session.id, changes={"run": run.id, "results": len(queue)})
    return run


def _skip_reason(assessment: Assessment | None, version: int, flag) -> str | None:
    if assessment is None or assessment.status is not AssessmentStatus.SUBMITTED or assessment.version != version:
        return "changed"
    if moderation.refusal(flag):
        return "moderation_disagreed" if flag.status is ModerationStatus.DISAGREED else "moderation"
    return None


REFUSALS = (NotAllowed, InvalidState, Conflict, StaleDataError)


def _approve_one(session, assessment, version, *, actor, settings, careful: bool) -> tuple[str, list | None]:
    """("certificate" | "attainment" | "approved", None) or ("skipped", [reason code, message?]).
    Careful, each result has its own savepoint, so a refusal undoes that result only; otherwise a
    refusal propagates (and `proceed` does the batch again, carefully)."""
    if not careful:
        return _kind(approve_and_issue(session, assessment, actor=actor, expected_version=version, **settings))
    try:
        with session.begin_nested():
            certificate = approve_and_issue(session, assessment, actor=actor, expected_version=version, **settings)
    except NotAllowed:
        return "skipped", ["recorded_by_you"]
    except (Conflict, StaleDataError):
        return "skipped", ["changed"]
    except InvalidState as exc:  # e.g. no usable signing key: the refusal's own words
        return "skipped", ["refused", str(exc)]
    return _kind(certificate)


def _kind(certificate) -> tuple[str, None]:
    if certificate is None:
        return "approved", None
    return ("certificate" if certificate.kind is CertificateKind.CERTIFICATE else "attainment"), None


def _batch(session: so.Session, run: SessionApproval, *, actor: User, settings: dict, careful: bool) -> None:
    chunk = run.queue[run.position:run.position + BATCH]
    ids = [aid for aid, _version in chunk]
    loaded = {a.id: a for a in session.scalars(sa.select(Assessment).where(Assessment.id.in_(ids)).options(
        so.joinedload(Assessment.candidate),
        so.selectinload(Assessment.results).selectinload(ItemResult.item)))}  # each item read once
    flags = moderation.current_flags(session, ids)
    recorded = _recorded_by(session, list(loaded.values()))
    counts = {"certificate": 0, "attainment": 0, "approved": 0}
    skipped = list(run.skipped)
    for aid, version in chunk:
        assessment = loaded.get(aid)
        code = _skip_reason(assessment, version, flags.get(aid))
        if code is None and actor.id in recorded[aid]:
            code = "recorded_by_you"
        reason = None if code is None else [code]
        if reason is None:
            done, reason = _approve_one(session, assessment, version, actor=actor, settings=settings,
                                        careful=careful)
            if reason is None:
                counts[done] += 1
        if reason is not None:
            skipped.append([aid, *reason])
    run.certificates += counts["certificate"]
    run.attainments += counts["attainment"]
    run.without_certificate += counts["approved"]
    run.skipped = skipped
    run.position += len(chunk)


def _finish(session: so.Session, run: SessionApproval, actor: User) -> None:
    run.finished_at = utcnow()
    session.flush()
    audit.record(session, actor=actor, action="session.approval_finish", object_type="test_session",
                 object_id=run.session_id, changes={
                     "run": run.id, "certificates": run.certificates, "attainments": run.attainments,
                     "without_certificate": run.without_certificate,
                     "skipped": {str(aid): reason for aid, reason, *_message in run.skipped}})


def _lock(session: so.Session, run: SessionApproval) -> None:
    """Begin the batch's transaction with a write that locks the run's row (PostgreSQL), so one
    worker carries a run on at a time, and read where the last commit left it. On SQLite the write
    also makes the driver open the transaction, so the savepoints below nest inside it and the
    batch commits whole."""
    session.execute(sa.update(SessionApproval).where(SessionApproval.id == run.id)
                    .values(position=SessionApproval.position).execution_options(synchronize_session=False))
    session.refresh(run)


def proceed(session: so.Session, run: SessionApproval, *, actor: User, today: dt.date, key_dir: Path,
            allow_key_generation: bool, commit: Callable[[], None], seconds: float | None = None) -> SessionApproval:
    """Approve the run's next results, committing after each batch, until the run is finished or
    *seconds* have passed (at a batch's end)."""
    if run.officer_id != actor.id:
        raise NotAllowed(_("Another certifying officer started this approval; only they can carry it on."))
    settings = {"today": today, "key_dir": key_dir, "allow_key_generation": allow_key_generation}
    deadline = None if seconds is None else time.monotonic() + seconds
    commit()  # the run as started: a batch rolled back below must not take it along
    while run.finished_at is None:
        _lock(session, run)
        if run.finished_at is not None:
            break
        if run.position < len(run.queue):
            try:
                _batch(session, run, actor=actor, settings=settings, careful=False)
            except REFUSALS:  # a refusal the checks did not foresee: the batch again, result by result
                session.rollback()
                _lock(session, run)
                _batch(session, run, actor=actor, settings=settings, careful=True)
        if run.position >= len(run.queue):
            _finish(session, run, actor)
        session.flush()
        commit()
        if deadline is not None and time.monotonic() >= deadline:
            break
    return run
