"""Editing an agreement's mappings in the workbench: which standards it maps, and unit by unit
how each origin unit relates to the destination's. Only a draft agreement's mappings change."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy.orm as so
from flask_babel import gettext as _

from skills_cert.accounts.models import User
from skills_cert.audit import log as audit
from skills_cert.errors import ValidationFailed
from skills_cert.recognition.agreement_files import StandardFacts
from skills_cert.recognition.agreements import require_draft, require_editor
from skills_cert.recognition.models import Agreement, Relation, StandardMapping, UnitMapping
from skills_cert.standards.models import Standard, StandardStatus


def add_mapping(session: so.Session, agreement: Agreement, origin: Standard, destination: Standard, *,
                actor: User) -> StandardMapping:
    require_editor(actor)
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
    require_editor(actor)
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
    require_editor(actor)
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

