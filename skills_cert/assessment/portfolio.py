"""The RPL evidence portfolio: items of evidence, the units and elements each supports, the
assessor's judgement, and their files (`evidence_files.py`).

The assessor recording the assessment adds and judges items while it can still be changed; only
accepted items count towards RPL credit (`crediting.py`). Files are read by the assessors of the
session, certifying officers and administrators, and every reading is in the audit trail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from skills_cert.accounts.models import User
from skills_cert.assessment import evidence_files
from skills_cert.assessment.models import Assessment, Pathway
from skills_cert.assessment.recording import require_recorder
from skills_cert.assessment.rpl_models import (
    EvidenceFile,
    EvidenceKind,
    Judgement,
    PortfolioItem,
)
from skills_cert.assessment.sessions import may_read
from skills_cert.audit import log as audit
from skills_cert.columns import utcnow
from skills_cert.errors import InvalidState, NotAllowed, ValidationFailed
from skills_cert.roles import Role
from skills_cert.standards.models import Standard

READERS = (Role.ADMINISTRATOR, Role.ASSESSOR, Role.CERTIFYING_OFFICER)
MAX_ITEMS = 50
MAX_FILES_PER_ITEM = 10


@dataclass(frozen=True)
class ItemData:
    kind: str
    title: str
    source: str | None = None
    place: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    description: str | None = None
    supports: tuple[str, ...] = ()


def targets(standard: Standard) -> list[tuple[str, dict, bool]]:
    """What evidence may support, in standard order: (key, title, is a unit) for each unit
    ("UNIT") and each of its elements ("UNIT/n")."""
    found = []
    for unit in standard.units:
        found.append((unit.code, unit.title, True))
        found += [(f"{unit.code}/{element.number}", element.title, False) for element in unit.elements]
    return found


def require_rpl_editable(assessment: Assessment) -> None:
    if assessment.pathway is not Pathway.RPL:
        raise InvalidState(_("Only a candidate on the recognition of prior learning (RPL) pathway has a "
                             "self-assessment and an evidence portfolio."))
    if not assessment.is_editable:
        raise InvalidState(_("This assessment has been submitted and can no longer be changed."))


def _check(data: ItemData, standard: Standard) -> None:
    reasons: dict[str, list[str]] = {}
    if data.kind not in {k.value for k in EvidenceKind}:
        reasons["kind"] = [_("Choose what kind of evidence this is.")]
    if data.date_from and data.date_to and data.date_to < data.date_from:
        reasons["date_to"] = [_("The end date is before the start date.")]
    known = {key for key, _title, _unit in targets(standard)}
    if not data.supports:
        reasons["supports"] = [_("Choose at least one unit or element that this evidence supports.")]
    elif set(data.supports) - known:
        reasons["supports"] = [_("Choose units and elements of this standard only.")]
    if reasons:
        raise ValidationFailed(reasons)


def add_item(session: so.Session, assessment: Assessment, data: ItemData, *, actor: User,
             today: dt.date) -> PortfolioItem:
    """A new item, numbered after the last, not judged yet."""
    require_recorder(session, assessment, actor, today)
    require_rpl_editable(assessment)
    _check(data, assessment.session.standard)
    last = session.scalar(sa.select(sa.func.max(PortfolioItem.number))
                          .where(PortfolioItem.assessment_id == assessment.id)) or 0
    if last >= MAX_ITEMS:
        raise InvalidState(_("A portfolio holds at most %(n)d items.", n=MAX_ITEMS))
    item = PortfolioItem(assessment_id=assessment.id, number=last + 1, kind=EvidenceKind(data.kind),
                         title=data.title, source=data.source, place=data.place, date_from=data.date_from,
                         date_to=data.date_to, description=data.description, supports=list(data.supports),
                         created_by_id=actor.id)
    session.add(item)
    session.flush()
    audit.record(session, actor=actor, action="portfolio.add", object_type="assessment",
                 object_id=assessment.id, changes={"item": item.number, "kind": data.kind,
                                                   "supports": list(data.supports)})
    return item


def judge_item(session: so.Session, item: PortfolioItem, judgement: str, note: str | None,
               supports: tuple[str, ...], *, actor: User, today: dt.date) -> PortfolioItem:
    """The assessor's judgement of an item (accepted, not accepted, needs confirmation), with
    the units and elements it supports, which may be corrected at the same time."""
    assessment = item.assessment
    require_recorder(session, assessment, actor, today)
    require_rpl_editable(assessment)
    try:
        verdict = Judgement(judgement)
    except ValueError:
        raise ValidationFailed.single("judgement", _("Choose accepted, not accepted or needs confirmation.")) from None
    if verdict is Judgement.NOT_ACCEPTED and not (note or "").strip():
        raise ValidationFailed.single("note", _("Say why the evidence is not accepted."))
    _check(ItemData(item.kind.value, item.title, supports=supports), assessment.session.standard)
    changes = {"item": item.number, "judgement": [item.judgement.value if item.judgement else None, verdict.value]}
    if list(supports) != list(item.supports):
        changes["supports"] = [list(item.supports), list(supports)]
    item.judgement, item.judgement_note, item.supports = verdict, (note or "").strip() or None, list(supports)
    item.judged_by_id, item.judged_at = actor.id, utcnow()
    assessment.updated_at = utcnow()  # the decision may change: the version moves on
    session.flush()
    audit.record(session, actor=actor, action="portfolio.judge", object_type="assessment",
                 object_id=assessment.id, changes=changes)
    return item


def add_file(session: so.Session, item: PortfolioItem, data: bytes | None, filename: str | None, *,
             actor: User, today: dt.date, folder: Path) -> EvidenceFile:
    """A photo or PDF of an item, cleaned (`evidence_files.clean_upload`: CheckFailed, translated,
    for anything refused) and stored under *folder*."""
    require_recorder(session, item.assessment, actor, today)
    require_rpl_editable(item.assessment)
    if len(item.files) >= MAX_FILES_PER_ITEM:
        raise InvalidState(_("An item holds at most %(n)d files.", n=MAX_FILES_PER_ITEM))
    clean = evidence_files.clean_upload(data)
    name, digest = evidence_files.store(folder, clean)
    row = EvidenceFile(item=item, stored_name=name, media_type=clean.media_type, size=len(clean.data),
                       pages=clean.pages, sha256=digest, original_name=evidence_files.safe_original_name(filename),
                       uploaded_by_id=actor.id)
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="portfolio.file_add", object_type="assessment",
                 object_id=item.assessment_id, changes={"item": item.number, "file": row.id,
                                                        "type": clean.media_type, "sha256": digest})
    return row


def require_reader(assessment: Assessment, actor: User) -> None:
    if actor.role not in READERS or (actor.role is Role.ASSESSOR and not may_read(assessment, actor)):
        raise NotAllowed(_("Only the session's assessors, certifying officers and administrators see "
                           "evidence files."))


def read_file(session: so.Session, row: EvidenceFile, *, actor: User, folder: Path) -> bytes:
    """The file's bytes, for someone allowed to see them; the view is written to the audit trail
    (the caller commits). FileMissing when the folder does not hold it."""
    assessment = row.item.assessment
    require_reader(assessment, actor)
    data = evidence_files.read(folder, row.stored_name)
    audit.record(session, actor=actor, action="portfolio.file_view", object_type="assessment",
                 object_id=assessment.id, changes={"item": row.item.number, "file": row.id})
    return data


def items_of(session: so.Session, assessment: Assessment) -> list[PortfolioItem]:
    return list(session.scalars(sa.select(PortfolioItem).where(PortfolioItem.assessment_id == assessment.id)
                                .options(so.selectinload(PortfolioItem.files)).order_by(PortfolioItem.number)))
