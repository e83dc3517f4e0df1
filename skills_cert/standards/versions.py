"""Importing, versioning and endorsing competency standards.

An endorsed (or superseded) version is frozen: its text never changes, because assessments and
certificates point at it. Changes go into a new draft version, which is endorsed in its turn.

One exception: two parts of the assessor guideline came after the first versions were endorsed,
the appeal period (`appeal_days`) and the RPL rules (`rpl:`). A frozen version that has neither
may gain them once from its file, if they are the file's only difference; once there, they are
frozen like the rest. Its units, criteria, checklist and decision rules never change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from skills_cert.accounts.models import User
from skills_cert.audit import log as audit
from skills_cert.columns import utcnow
from skills_cert.database import contains
from skills_cert.errors import InvalidState, NotAllowed, ValidationFailed
from skills_cert.roles import Role
from skills_cert.standards.document import apply_document, document_of, fingerprint, normalise_search
from skills_cert.standards.edits import EditRefused
from skills_cert.standards.files import Problem, load_yaml, standard_files
from skills_cert.standards.models import Authority, Standard, StandardStatus
from skills_cert.standards.schema import SCHEMA_ID
from skills_cert.standards.validate import document_problems, set_problems

STANDARDS_EDITORS = (Role.STANDARDS_OFFICER,)
ADDABLE_GUIDELINE_PARTS = ("appeal_days", "rpl")
STATUS_ORDER = {StandardStatus.DRAFT: 0, StandardStatus.ENDORSED: 1, StandardStatus.SUPERSEDED: 2}


class ImportRefused(Exception):
    """Nothing was imported; `problems` says why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s)")


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    status_changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.status_changed)


def read_standard_files(path: Path, base: Path | None = None) -> tuple[list[tuple[str, dict]], list[Problem]]:
    """Load and validate every standard file at *path*. Files of other schemas are skipped."""
    documents, problems = [], []
    for file in standard_files(path):
        label = str(file.relative_to(base)) if base and file.is_relative_to(base) else str(file)
        document, load_problems = load_yaml(file, label)
        if load_problems:
            problems += load_problems
            continue
        if isinstance(document, dict) and not _is_standard_schema(document.get("schema")):
            continue  # another kind of data file, such as an MRS agreement
        file_problems = document_problems(document, label)
        problems += file_problems
        if not file_problems:
            documents.append((label, document))
    problems += set_problems(documents)
    return documents, problems


def _is_standard_schema(schema: object) -> bool:
    """Files without a schema, or of any standard@ version, are validated as standards."""
    return schema is None or str(schema).startswith(SCHEMA_ID.split("@")[0] + "@")


def find_standard(session: so.Session, code: str, version: int) -> Standard | None:
    return session.scalar(sa.select(Standard).where(Standard.code == code, Standard.version == version))


def import_documents(session: so.Session, documents: list[tuple[str, dict]]) -> ImportReport:
    """Import validated documents. Raises ImportRefused, leaving the session to be rolled back."""
    report = ImportReport()
    problems: list[Problem] = []
    for label, doc in documents:
        name = f"{doc['code']} v{doc['version']}"
        authority = _authority(session, doc, label, problems)
        existing = find_standard(session, doc["code"], doc["version"])
        if existing is None:
            standard = Standard()
            apply_document(session, standard, doc, authority)
            session.add(standard)
            session.flush()
            if standard.status is StandardStatus.ENDORSED:
                standard.endorsed_at = utcnow()
                _supersede_older(session, standard)
            report.created.append(name)
            continue
        current = document_of(existing)
        if fingerprint(current) == fingerprint(doc):
            report.unchanged.append(name)
            continue
        wanted = StandardStatus(doc["status"])
        if existing.status is StandardStatus.DRAFT:
            apply_document(session, existing, doc, authority)
            if wanted is StandardStatus.ENDORSED:
                existing.endorsed_at = utcnow()
                _supersede_older(session, existing)
            report.updated.append(name)
        elif added := _guideline_additions(current, doc):
            for part, value in added.items():
                setattr(existing.guideline, part, value)
            report.updated.append(f"{name} (guideline: {', '.join(added)} added)")
        elif fingerprint(current, ignore_status=True) != fingerprint(doc, ignore_status=True):
            problems.append(Problem(label, "", _(
                "%(name)s is %(status)s and frozen: its text cannot change. Add version %(next)d "
                "with the changes instead.", name=name, status=existing.status.value,
                next=_next_version(session, doc["code"]))))
        elif STATUS_ORDER[wanted] > STATUS_ORDER[existing.status]:
            existing.status = wanted
            report.status_changed.append(f"{name}: {wanted.value}")
        elif wanted is StandardStatus.DRAFT:
            problems.append(Problem(label, "status", _(
                "%(name)s is %(status)s; it cannot go back to draft", name=name,
                status=existing.status.value)))
        else:
            report.unchanged.append(f"{name} (kept {existing.status.value})")
    if problems:
        raise ImportRefused(problems)
    session.flush()
    return report


def _guideline_additions(current: dict, doc: dict) -> dict:
    """The guideline parts *doc* adds to a frozen version that lacks them, when they are its only
    difference from *current* (status aside); else nothing."""
    stored, wanted = current.get("guideline") or {}, doc.get("guideline") or {}
    added = {part: wanted[part] for part in ADDABLE_GUIDELINE_PARTS if part in wanted and part not in stored}
    if not added:
        return {}
    without = {**doc, "guideline": {key: value for key, value in wanted.items() if key not in added}}
    same = fingerprint(current, ignore_status=True) == fingerprint(without, ignore_status=True)
    return added if same else {}


def _authority(session: so.Session, doc: dict, label: str, problems: list[Problem]) -> Authority:
    data = doc["authority"]
    authority = session.scalar(sa.select(Authority).where(Authority.code == data["code"]))
    if authority is None:
        authority = Authority(code=data["code"], country=doc["country"], name=data["name"])
        session.add(authority)
        session.flush()
    elif authority.country != doc["country"]:
        problems.append(Problem(label, "authority.code", _(
            "authority %(code)s belongs to country %(country)s, not %(other)s", code=data["code"],
            country=authority.country, other=doc["country"])))
    elif authority.name != data["name"]:
        authority.name = data["name"]
    return authority


def _next_version(session: so.Session, code: str) -> int:
    return (session.scalar(sa.select(sa.func.max(Standard.version)).where(Standard.code == code)) or 0) + 1


def _supersede_older(session: so.Session, standard: Standard) -> None:
    older = session.scalars(sa.select(Standard).where(
        Standard.code == standard.code, Standard.version < standard.version,
        Standard.status == StandardStatus.ENDORSED))
    for previous in older:
        previous.status = StandardStatus.SUPERSEDED


def endorse(session: so.Session, standard: Standard, *, actor: User) -> None:
    """Freeze a draft. Older endorsed versions of the same standard become superseded."""
    if standard.status is not StandardStatus.DRAFT:
        raise InvalidState(_("Only a draft can be endorsed."))
    if not actor.has_role(*STANDARDS_EDITORS):
        raise NotAllowed(_("Only a standards officer can endorse a standard."))
    doc = document_of(standard)
    doc["status"] = StandardStatus.ENDORSED.value
    problems = document_problems(doc, f"{standard.code} v{standard.version}", complete=True)
    if problems:
        raise InvalidState(_("The draft cannot be endorsed yet: %(problems)s",
                             problems="; ".join(f"{p.path}: {p.message}" for p in problems[:5])))
    standard.status = StandardStatus.ENDORSED
    standard.endorsed_at = utcnow()
    standard.endorsed_by_id = actor.id
    _supersede_older(session, standard)
    session.flush()
    audit.record(session, actor=actor, action="standard.endorse", object_type="standard",
                 object_id=standard.id, changes={"code": standard.code, "version": standard.version})


def new_version(session: so.Session, source: Standard, *, actor: User) -> Standard:
    """Copy *source* into a new draft version, the next number for its code."""
    if not actor.has_role(*STANDARDS_EDITORS):
        raise NotAllowed(_("Only a standards officer can draft a standard."))
    existing_draft = session.scalar(sa.select(Standard).where(
        Standard.code == source.code, Standard.status == StandardStatus.DRAFT))
    if existing_draft is not None:
        raise InvalidState(_("Version %(v)d of this standard is already a draft. Edit that one.",
                             v=existing_draft.version))
    doc = document_of(source)
    doc["version"] = _next_version(session, source.code)
    doc["status"] = StandardStatus.DRAFT.value
    doc["guideline"]["version"] = source.guideline.version + 1
    draft = Standard()
    apply_document(session, draft, doc, source.authority)
    session.add(draft)
    session.flush()
    audit.record(session, actor=actor, action="standard.draft", object_type="standard",
                 object_id=draft.id, changes={"code": draft.code, "version": draft.version,
                                              "copied_from": source.version})
    return draft


def require_draft(standard: Standard) -> None:
    if standard.is_frozen:
        raise InvalidState(_("This version is %(status)s and cannot be changed. Draft a new "
                             "version instead.", status=standard.status.label))


def search_select(*, query: str = "", country: str = "", sector: str = "", level: int | None = None,
                  isco: str = "", include_superseded: bool = False) -> sa.Select:
    stmt = sa.select(Standard).options(so.joinedload(Standard.authority))
    if query.strip():
        stmt = stmt.where(contains(Standard.search_text, normalise_search(query.strip())))
    if country:
        stmt = stmt.where(Standard.country == country)
    if sector:
        stmt = stmt.where(Standard.sector == sector)
    if level:
        stmt = stmt.where(Standard.level == level)
    if isco:
        stmt = stmt.where(Standard.occupation_isco == isco)
    if not include_superseded:
        stmt = stmt.where(Standard.status != StandardStatus.SUPERSEDED)
    return stmt.order_by(Standard.country, Standard.code, Standard.version.desc())


def edit_draft(session: so.Session, standard: Standard, change, *, actor: User) -> None:
    """Apply *change* (a function of the document, see standards/edits.py) to a draft.

    The changed document is validated as a draft before anything is written; problems are raised
    as ValidationFailed keyed by their place in the document.
    """
    if not actor.has_role(*STANDARDS_EDITORS):
        raise NotAllowed(_("Only a standards officer can edit a standard."))
    require_draft(standard)
    doc = document_of(standard)
    before = fingerprint(doc)
    try:
        change(doc)
    except EditRefused as exc:
        raise ValidationFailed.single(exc.field, str(exc)) from exc
    problems = document_problems(doc, f"{standard.code} v{standard.version}", complete=False)
    if problems:
        reasons: dict[str, list[str]] = {}
        for problem in problems:
            reasons.setdefault("", []).append(f"{problem.path}: {problem.message}")
        raise ValidationFailed(reasons)
    apply_document(session, standard, doc, standard.authority)
    session.flush()
    audit.record(session, actor=actor, action="standard.edit", object_type="standard",
                 object_id=standard.id, changes={"before": before, "after": fingerprint(doc)})
