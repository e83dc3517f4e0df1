"""MRS agreements: importing the files, the life cycle, and editing mappings in the workbench.

An agreement version that is not a draft is frozen, like an endorsed standard: its mappings never
change, because recognition shown to employers is derived from them. Its status can still change
(suspended, reinstated, withdrawn), each change taking effect from a day, so recognition can be
computed for any day. A revision of the mappings is a new version of the agreement.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from skills_cert.models import (
    Agreement,
    AgreementEvent,
    AgreementStatus,
    Relation,
    Role,
    Standard,
    StandardMapping,
    StandardStatus,
    UnitMapping,
    User,
)
from skills_cert.services import audit
from skills_cert.services.errors import InvalidState, NotAllowed, ValidationFailed
from skills_cert.services.standards import ImportRefused, ImportReport, find_standard
from skills_cert.standards_data.agreements import (
    StandardFacts,
    agreement_problems,
    document_of,
    fingerprint,
    overlap_problems,
)
from skills_cert.standards_data.files import Problem

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


def _require_editor(actor: User) -> None:
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
    _require_editor(actor)
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
    _require_editor(actor)
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
    _require_editor(actor)
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


def add_mapping(session: so.Session, agreement: Agreement, origin: Standard, destination: Standard, *,
                actor: User) -> StandardMapping:
    _require_editor(actor)
    require_draft(agreement)
    reasons: dict[str, list[str]] = {}
    for name, standard, country in (("origin", origin, agreement.origin_country),
                                    ("destination", destination, agreement.destination_country)):
        if standard.country != country:
            reasons.setdefault(name, []).append(_("Choose a standard of %(country)s.", country=country))
        if standard.sector != agreement.sector:
            reasons.setdefault(name, []).append(_("A mapping cannot cross sectors: this standard is in %(sector)s.",
                                                  sector=standard.sector))
        if standard.status is StandardStatus.DRAFT:
            reasons.setdefault(name, []).append(_("Only an endorsed standard can be mapped."))
    if any(m.origin_standard_id == origin.id and m.destination_standard_id == destination.id
           for m in agreement.mappings):
        reasons.setdefault("", []).append(_("These two standards are already mapped in this agreement."))
    if reasons:
        raise ValidationFailed(reasons)
    mapping = StandardMapping(position=len(agreement.mappings), origin=origin, destination=destination,
                              compared_by=actor.full_name, compared_on=dt.date.today(), bridging={})
    agreement.mappings.append(mapping)
    session.flush()
    audit.record(session, actor=actor, action="mrs_mapping.create", object_type="mrs_mapping",
                 object_id=mapping.id, changes={"agreement": agreement.name, "origin": f"{origin.code} v{origin.version}",
                                                "destination": f"{destination.code} v{destination.version}"})
    return mapping


@dataclass
class UnitMappingInput:
    origin_units: list[str]
    destination_units: list[str]
    relation: Relation
    justification: dict[str, str]
    gap: dict[str, str] | None
    compared: list[str]
    compared_by: str


def save_unit_mapping(session: so.Session, mapping: StandardMapping, data: UnitMappingInput, *,
                      entry: UnitMapping | None, actor: User) -> UnitMapping:
    """Create or change one unit mapping of a draft agreement, checked like a file would be."""
    _require_editor(actor)
    require_draft(mapping.agreement)
    origin = StandardFacts.from_model(mapping.origin)
    destination = StandardFacts.from_model(mapping.destination)
    reasons: dict[str, list[str]] = {}

    def refuse(field_name: str, message: str) -> None:
        reasons.setdefault(field_name, []).append(message)

    if not data.origin_units:
        refuse("origin_units", _("Choose at least one origin unit."))
    for code in data.origin_units:
        if code not in origin.units:
            refuse("origin_units", _("%(unit)s is not a unit of %(code)s.", unit=code, code=origin.code))
    for code in data.destination_units:
        if code not in destination.units:
            refuse("destination_units", _("%(unit)s is not a unit of %(code)s.", unit=code, code=destination.code))
    if data.relation is Relation.NONE and data.destination_units:
        refuse("destination_units", _("A unit with no equivalent lists no destination units."))
    if data.relation is not Relation.NONE and not data.destination_units:
        refuse("destination_units", _("Choose the destination unit(s) it corresponds to."))
    if data.relation is Relation.PARTIAL and not data.gap:
        refuse("gap", _("Describe the gap in Lao, Thai and English."))
    for ref in data.compared:
        if ref not in origin.parts and ref not in destination.parts:
            refuse("compared", _("%(ref)s is not an element (UNIT/n) or criterion (UNIT/n.n) of either standard.",
                                 ref=ref))
    key = (sorted(data.origin_units), sorted(data.destination_units))
    if any((sorted(e.origin_units), sorted(e.destination_units)) == key for e in mapping.units if e is not entry):
        refuse("", _("These units are already mapped to each other; edit that mapping instead."))
    if reasons:
        raise ValidationFailed(reasons)
    created = entry is None
    if entry is None:
        entry = UnitMapping(position=max((e.position for e in mapping.units), default=-1) + 1)
        mapping.units.append(entry)
    before = _entry_changes(entry) if not created else None
    entry.origin_units = list(data.origin_units)
    entry.destination_units = list(data.destination_units)
    entry.relation = data.relation
    entry.justification = data.justification
    entry.gap = data.gap if data.relation is not Relation.EQUIVALENT else None
    entry.compared = list(data.compared)
    entry.compared_by = data.compared_by
    entry.updated_by_id = actor.id
    session.flush()
    audit.record(session, actor=actor, action="mrs_unit_mapping.create" if created else "mrs_unit_mapping.edit",
                 object_type="mrs_unit_mapping", object_id=entry.id,
                 changes={"mapping": mapping.id, "before": before, "after": _entry_changes(entry)})
    return entry


def delete_unit_mapping(session: so.Session, entry: UnitMapping, *, actor: User) -> None:
    _require_editor(actor)
    require_draft(entry.mapping.agreement)
    changes = {"mapping": entry.mapping_id, "before": _entry_changes(entry)}
    entry_id = entry.id
    entry.mapping.units.remove(entry)
    session.flush()
    audit.record(session, actor=actor, action="mrs_unit_mapping.delete", object_type="mrs_unit_mapping",
                 object_id=entry_id, changes=changes)


def _entry_changes(entry: UnitMapping) -> dict:
    return {"origin": entry.origin_units, "destination": entry.destination_units,
            "relation": entry.relation.value}

