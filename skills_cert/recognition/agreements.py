"""MRS agreements: importing the files, and the life cycle (`mappings.py` edits their mappings).

An agreement version that is not a draft is frozen, like an endorsed standard: its mappings never
change, because recognition shown to employers is derived from them. Its status can still change
(suspended, reinstated, withdrawn), each change taking effect from a day, so recognition can be
computed for any day. A revision of the mappings is a new version of the agreement.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from skills_cert.accounts.models import User
from skills_cert.audit import log as audit
from skills_cert.errors import InvalidState, NotAllowed, ValidationFailed
from skills_cert.recognition.agreement_files import (
    StandardFacts,
    agreement_problems,
    document_of,
    fingerprint,
    overlap_problems,
)
from skills_cert.recognition.models import (
    Agreement,
    AgreementEvent,
    AgreementStatus,
    Relation,
    StandardMapping,
    UnitMapping,
)
from skills_cert.roles import Role
from skills_cert.standards.files import Problem
from skills_cert.standards.versions import ImportRefused, ImportReport, find_standard

EDITORS = (Role.STANDARDS_OFFICER,)
# The status changes an officer may make, from -> allowed targets.
TRANSITIONS = {
    AgreementStatus.DRAFT: (AgreementStatus.IN_FORCE,),
    AgreementStatus.IN_FORCE: (AgreementStatus.SUSPENDED, AgreementStatus.WITHDRAWN),
    AgreementStatus.SUSPENDED: (AgreementStatus.IN_FORCE, AgreementStatus.WITHDRAWN),
    AgreementStatus.WITHDRAWN: (),
}


def standard_lookup(session: so.Session | None, documents: list[tuple[str, dict]] = ()):
    """Facts about standard versions: from *documents* first, then from the database."""
    from_files = {(doc["code"], doc["version"]): StandardFacts.from_document(doc) for _label, doc in documents}
    cache: dict[tuple[str, int], StandardFacts | None] = {}

    def lookup(code: str, version: int) -> StandardFacts | None:
        key = (code, version)
        if key in from_files:
            return from_files[key]
        if session is None:
            return None
        if key not in cache:
            standard = find_standard(session, code, version)
            cache[key] = StandardFacts.from_model(standard) if standard else None
        return cache[key]

    return lookup


def check_documents(session: so.Session | None, agreements: list[tuple[str, dict]],
                    standards: list[tuple[str, dict]]) -> list[Problem]:
    """Problems in agreement documents, against the standards and against each other (and, with a
    session, against the agreements already in the database that the files do not replace)."""
    lookup = standard_lookup(session, standards)
    problems = []
    valid = []
    for label, doc in agreements:
        found = agreement_problems(doc, label, lookup)
        problems += found
        if not found:
            valid.append((label, doc))
    names = {(doc["code"], doc["version"]): label for label, doc in valid}
    for key in [k for k, count in _counts(agreements).items() if count > 1]:
        problems.append(Problem(names.get(key, ""), "code", _("%(code)s version %(version)d is defined in more "
                                                               "than one file", code=key[0], version=key[1])))
    others = []
    if session is not None:
        for agreement in session.scalars(sa.select(Agreement)):
            if (agreement.code, agreement.version) not in names:
                others.append((_("database"), document_of(agreement)))
    # The database's agreements go first, so a clash is reported against the file.
    problems += [p for p in overlap_problems(others + valid) if p.file != _("database")]
    return problems


def _counts(documents) -> dict:
    counts: dict = {}
    for _label, doc in documents:
        if isinstance(doc, dict) and "code" in doc and "version" in doc:
            key = (doc["code"], doc["version"])
            counts[key] = counts.get(key, 0) + 1
    return counts


def find_agreement(session: so.Session, code: str, version: int) -> Agreement | None:
    return session.scalar(sa.select(Agreement).where(Agreement.code == code, Agreement.version == version))


def import_agreements(session: so.Session, documents: list[tuple[str, dict]]) -> ImportReport:
    """Import checked agreement documents (after the standards). Raises ImportRefused."""
    problems = check_documents(session, documents, [])
    if problems:
        raise ImportRefused(problems)
    report = ImportReport()
    for label, doc in documents:
        existing = find_agreement(session, doc["code"], doc["version"])
        name = f"{doc['code']} v{doc['version']}"
        if existing is None:
            agreement = Agreement()
            apply_document(session, agreement, doc)
            session.add(agreement)
            report.created.append(name)
            continue
        current = document_of(existing)
        if fingerprint(current) == fingerprint(doc):
            report.unchanged.append(name)
        elif existing.status is AgreementStatus.DRAFT:
            apply_document(session, existing, doc)
            report.updated.append(name)
        elif fingerprint({**current, "reference": ""}) == fingerprint({**doc, "reference": ""}):
            # The reference names the signed text; correcting it changes no mapping.
            existing.reference = doc["reference"]
            report.updated.append(f"{name}: reference {doc['reference']}")
        elif fingerprint(current, ignore_status=True) != fingerprint(doc, ignore_status=True):
            problems.append(Problem(label, "", _(
                "%(name)s is %(status)s and frozen: its mappings cannot change. Add version %(next)d "
                "with the changes instead.", name=name, status=existing.status.label,
                next=next_version(session, doc["code"]))))
        elif doc["status"] == "draft":
            problems.append(Problem(label, "status", _("%(name)s is %(status)s; it cannot go back to draft",
                                                       name=name, status=existing.status.label)))
        elif dt.date.fromisoformat(doc["status_since"]) > (existing.status_since() or dt.date.min):
            _add_event(existing, AgreementStatus(doc["status"]), dt.date.fromisoformat(doc["status_since"]),
                       reason=_("from the agreement file %(file)s", file=label), actor=None)
            report.status_changed.append(f"{name}: {doc['status']}")
        else:
            report.unchanged.append(f"{name} (kept {existing.status.value} since {existing.status_since()})")
    if problems:
        raise ImportRefused(problems)
    session.flush()
    return report


def apply_document(session: so.Session, agreement: Agreement, doc: dict) -> None:
    """Write a checked document into *agreement* (new, or a draft being replaced)."""
    if agreement.id is not None:  # replacing: the old rows go first, or the unique pairs clash
        agreement.mappings.clear()
        agreement.events.clear()
        session.flush()
    agreement.code = doc["code"]
    agreement.version = doc["version"]
    agreement.origin_country = doc["origin_country"]
    agreement.destination_country = doc["destination_country"]
    agreement.sector = doc["sector"]
    agreement.title = doc["title"]
    agreement.reference = doc["reference"]
    agreement.signed_on = _date(doc.get("signed_on"))
    agreement.effective_from = dt.date.fromisoformat(doc["effective_from"])
    agreement.effective_until = _date(doc.get("effective_until"))
    agreement.is_illustrative = doc.get("illustrative", False)
    agreement.note = doc.get("note")
    agreement.mappings = [
        StandardMapping(
            position=mi,
            origin=find_standard(session, m["origin"]["standard"], m["origin"]["version"]),
            destination=find_standard(session, m["destination"]["standard"], m["destination"]["version"]),
            compared_by=m.get("compared_by", ""),
            compared_on=_date(m.get("compared_on")),
            bridging=m.get("bridging", {}),
            units=[UnitMapping(position=ui, origin_units=u["origin"], destination_units=u["destination"],
                               relation=Relation(u["relation"]), gap=u.get("gap"),
                               justification=u["justification"], compared=u.get("compared", []),
                               compared_by=u.get("by", "")) for ui, u in enumerate(m["units"])],
        )
        for mi, m in enumerate(doc["mappings"])
    ]
    agreement.status = AgreementStatus(doc["status"])
    agreement.events = []
    if doc["status"] != "draft":
        since = dt.date.fromisoformat(doc["status_since"])
        if doc["status"] != "in_force":
            # A file that starts suspended or withdrawn was in force from its effective date.
            start = min(agreement.effective_from, since)
            agreement.events.append(AgreementEvent(status=AgreementStatus.IN_FORCE, effective_on=start,
                                                   reason=_("from the agreement file")))
        agreement.events.append(AgreementEvent(status=AgreementStatus(doc["status"]), effective_on=since,
                                               reason=_("from the agreement file")))


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def next_version(session: so.Session, code: str) -> int:
    return (session.scalar(sa.select(sa.func.max(Agreement.version)).where(Agreement.code == code)) or 0) + 1


def require_editor(actor: User) -> None:
    if not actor.has_role(*EDITORS):
        raise NotAllowed(_("Only a standards officer can change MRS agreements."))


def _add_event(agreement: Agreement, status: AgreementStatus, on: dt.date, *, reason: str,
               actor: User | None) -> None:
    agreement.events.append(AgreementEvent(status=status, effective_on=on, reason=reason,
                                           recorded_by_id=getattr(actor, "id", None)))
    agreement.status = status


def change_status(session: so.Session, agreement: Agreement, status: AgreementStatus, *, on: dt.date,
                  reason: str, actor: User) -> None:
    """Put in force, suspend, reinstate or withdraw, from the day *on*. Audited."""
    require_editor(actor)
    if status not in TRANSITIONS[agreement.status]:
        raise InvalidState(_("An agreement that is %(status)s cannot become %(target)s.",
                             status=agreement.status.label, target=status.label))
    since = agreement.status_since()
    if since and on < since:
        raise ValidationFailed.single("effective_on", _(
            "The last change took effect on %(day)s; a new one cannot take effect earlier.", day=since.isoformat()))
    if status is not AgreementStatus.IN_FORCE and not reason.strip():
        raise ValidationFailed.single("reason", _("Give the reason for this change."))
    if status is AgreementStatus.IN_FORCE:
        problems = check_documents(session, [(agreement.name, _as_status(agreement, status, on))], [])
        if problems:
            raise ValidationFailed({"": [f"{p.path}: {p.message}" if p.path else p.message for p in problems]})
    _add_event(agreement, status, on, reason=reason.strip(), actor=actor)
    session.flush()
    audit.record(session, actor=actor, action=f"mrs_agreement.{status.value}", object_type="mrs_agreement",
                 object_id=agreement.id, changes={"code": agreement.code, "version": agreement.version,
                                                  "effective_on": on.isoformat(), "reason": reason.strip()})


def _as_status(agreement: Agreement, status: AgreementStatus, on: dt.date) -> dict:
    doc = document_of(agreement)
    doc["status"] = status.value
    doc["status_since"] = on.isoformat()
    return doc


def create_agreement(session: so.Session, data: dict, *, actor: User) -> Agreement:
    """A new draft agreement (version 1 of a new code) from the workbench form."""
    require_editor(actor)
    if session.scalar(sa.select(Agreement.id).where(Agreement.code == data["code"]).limit(1)):
        raise ValidationFailed.single("code", _("An agreement with code %(code)s exists; draft a new version of "
                                                "it instead.", code=data["code"]))
    if data["origin_country"] == data["destination_country"]:
        raise ValidationFailed.single("destination_country",
                                      _("The destination country must differ from the origin country."))
    if data.get("effective_until") and data["effective_until"] < data["effective_from"]:
        raise ValidationFailed.single("effective_until", _("The agreement cannot end before it starts."))
    agreement = Agreement(version=1, status=AgreementStatus.DRAFT, is_illustrative=False, **data)
    session.add(agreement)
    session.flush()
    audit.record(session, actor=actor, action="mrs_agreement.create", object_type="mrs_agreement",
                 object_id=agreement.id, changes={"code": agreement.code, "version": 1})
    return agreement


def new_version(session: so.Session, source: Agreement, *, actor: User) -> Agreement:
    """Copy *source* into the next draft version, to revise its mappings."""
    require_editor(actor)
    draft = session.scalar(sa.select(Agreement).where(Agreement.code == source.code,
                                                      Agreement.status == AgreementStatus.DRAFT))
    if draft is not None:
        raise InvalidState(_("Version %(v)d of this agreement is already a draft. Edit that one.", v=draft.version))
    doc = document_of(source)
    doc.update(version=next_version(session, source.code), status="draft")
    doc.pop("status_since", None)
    copy = Agreement()
    apply_document(session, copy, doc)
    session.add(copy)
    session.flush()
    audit.record(session, actor=actor, action="mrs_agreement.draft", object_type="mrs_agreement",
                 object_id=copy.id, changes={"code": copy.code, "version": copy.version,
                                             "copied_from": source.version})
    return copy


def require_draft(agreement: Agreement) -> None:
    if agreement.status is not AgreementStatus.DRAFT:
        raise InvalidState(_("This agreement version is %(status)s and its mappings are frozen. Draft a new "
                             "version to revise them.", status=agreement.status.label))
