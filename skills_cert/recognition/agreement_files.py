"""MRS agreement files, format `skills_cert/mrs-agreement@1`: schema, checks, and conversion.

An agreement file names standard versions and unit codes; the checks need to see those standards,
which may come from the standard files read alongside or from the database. `StandardFacts` is what
the checks need to know about one standard version, whichever the source.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Callable

from flask_babel import gettext as _
from jsonschema import Draft202012Validator, FormatChecker

from skills_cert.standards.files import Problem
from skills_cert.standards.schema import CODE, DATE, POSITIVE, TEXT
from skills_cert.standards.validate import _duplicates, _path, _schema_message, text_problems

AGREEMENT_SCHEMA_ID = "skills_cert/mrs-agreement@1"
STATUSES = ("draft", "in_force", "suspended", "withdrawn")
RELATIONS = ("equivalent", "partial", "none")
COUNTRY = {"type": "string", "pattern": r"^[A-Z]{2}$"}
STANDARD_REF = {
    "type": "object",
    "properties": {"standard": CODE, "version": POSITIVE},
    "required": ["standard", "version"],
    "additionalProperties": False,
}
UNIT_MAPPING = {
    "type": "object",
    "properties": {
        "origin": {"type": "array", "items": CODE, "minItems": 1},
        "destination": {"type": "array", "items": CODE},
        "relation": {"enum": list(RELATIONS)},
        "compared": {"type": "array", "items": {"type": "string", "pattern": r"^[A-Z0-9-]+/[0-9]+(\.[0-9]+)?$"}},
        "by": {"type": "string", "maxLength": 300},
        "justification": TEXT,
        "gap": TEXT,
    },
    "required": ["origin", "destination", "relation", "justification"],
    "additionalProperties": False,
}
STANDARD_MAPPING = {
    "type": "object",
    "properties": {
        "origin": STANDARD_REF,
        "destination": STANDARD_REF,
        "compared_by": {"type": "string", "maxLength": 300},
        "compared_on": DATE,
        "units": {"type": "array", "items": UNIT_MAPPING},
        "bridging": {"type": "object", "additionalProperties": TEXT},
    },
    "required": ["origin", "destination", "units"],
    "additionalProperties": False,
}
AGREEMENT = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "schema": {"const": AGREEMENT_SCHEMA_ID},
        "illustrative": {"type": "boolean"},
        "note": TEXT,
        "code": CODE,
        "version": POSITIVE,
        "origin_country": COUNTRY,
        "destination_country": COUNTRY,
        "sector": {"type": "string", "pattern": r"^[a-z][a-z_]{1,39}$"},
        "title": TEXT,
        "reference": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": r"\S"},
        "signed_on": DATE,
        "effective_from": DATE,
        "effective_until": DATE,
        "status": {"enum": list(STATUSES)},
        "status_since": DATE,
        "mappings": {"type": "array", "items": STANDARD_MAPPING},
    },
    "required": ["schema", "code", "version", "origin_country", "destination_country", "sector",
                 "title", "reference", "effective_from", "status", "mappings"],
    "additionalProperties": False,
}
_validator = Draft202012Validator(AGREEMENT, format_checker=FormatChecker())


@dataclass
class StandardFacts:
    """What the agreement checks need to know about one standard version."""

    code: str
    version: int
    country: str
    sector: str
    status: str
    units: dict[str, bool] = field(default_factory=dict)  # unit code -> is core
    parts: set[str] = field(default_factory=set)  # "UNIT/1" (elements) and "UNIT/1.2" (criteria)

    @classmethod
    def from_document(cls, doc: dict) -> StandardFacts:
        facts = cls(doc["code"], doc["version"], doc["country"], doc["sector"], doc["status"])
        for unit in doc["units"]:
            facts.units[unit["code"]] = unit["type"] == "core"
            for element in unit["elements"]:
                facts.parts.add(f"{unit['code']}/{element['number']}")
                facts.parts.update(f"{unit['code']}/{c['number']}" for c in element["criteria"])
        return facts

    @classmethod
    def from_model(cls, standard) -> StandardFacts:
        facts = cls(standard.code, standard.version, standard.country, standard.sector, standard.status.value)
        for unit in standard.units:
            facts.units[unit.code] = unit.is_core
            for element in unit.elements:
                facts.parts.add(f"{unit.code}/{element.number}")
                facts.parts.update(f"{unit.code}/{c.number}" for c in element.criteria)
        return facts


Lookup = Callable[[str, int], "StandardFacts | None"]


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def active_window(doc: dict) -> tuple[dt.date, dt.date] | None:
    """The days on which the agreement can be in force (None for a draft)."""
    if doc["status"] == "draft":
        return None
    start = _date(doc["effective_from"])
    end = _date(doc.get("effective_until")) or dt.date.max
    if doc["status"] == "withdrawn" and doc.get("status_since"):
        end = min(end, _date(doc["status_since"]) - dt.timedelta(days=1))
    return (start, end) if start <= end else None


def agreement_problems(doc: object, label: str, lookup: Lookup) -> list[Problem]:
    """Everything wrong with one agreement document, on its own and against the standards."""
    errors = sorted(_validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        return [Problem(label, _path(e.absolute_path), _schema_message(e)) for e in errors]
    problems: list[Problem] = text_problems(doc, label)

    def add(path: str, message: str) -> None:
        problems.append(Problem(label, path, message))

    if doc["origin_country"] == doc["destination_country"]:
        add("destination_country", _("the destination country must differ from the origin country"))
    if doc.get("effective_until") and doc["effective_until"] < doc["effective_from"]:
        add("effective_until", _("ends before it starts (%(start)s)", start=doc["effective_from"]))
    if doc["status"] != "draft" and not doc.get("status_since"):
        add("status_since", _("say from which day the status %(status)s applies", status=doc["status"]))
    in_force = doc["status"] != "draft"
    pairs = [(m["origin"]["standard"], m["origin"]["version"], m["destination"]["standard"],
              m["destination"]["version"]) for m in doc["mappings"]]
    for pair in _duplicates(pairs):
        add("mappings", _("%(origin)s v%(ov)d is mapped to %(destination)s v%(dv)d more than once",
                          origin=pair[0], ov=pair[1], destination=pair[2], dv=pair[3]))
    if in_force and not doc["mappings"]:
        add("mappings", _("an agreement in force needs at least one standard mapping"))
    for mi, mapping in enumerate(doc["mappings"]):
        problems += _mapping_problems(doc, mapping, f"mappings[{mi}]", label, lookup, in_force)
    return problems


def _standard(ref: dict, side: str, country: str, doc: dict, path: str, lookup: Lookup,
              add, in_force: bool) -> StandardFacts | None:
    facts = lookup(ref["standard"], ref["version"])
    if facts is None:
        add(f"{path}.{side}", _("standard %(code)s version %(version)d does not exist (neither in the "
                                "standard files nor in the database)", code=ref["standard"], version=ref["version"]))
        return None
    if facts.country != country:
        add(f"{path}.{side}", _("%(code)s is a standard of %(country)s, but the agreement's %(side)s country "
                                "is %(expected)s", code=facts.code, country=facts.country,
                                side=_("origin") if side == "origin" else _("destination"), expected=country))
    if facts.sector != doc["sector"]:
        add(f"{path}.{side}", _("%(code)s is in the %(sector)s sector, but the agreement covers %(expected)s: "
                                "a mapping cannot cross sectors", code=facts.code, sector=facts.sector,
                                expected=doc["sector"]))
    if in_force and facts.status == "draft":
        add(f"{path}.{side}", _("%(code)s v%(version)d is still a draft; only endorsed standards can be "
                                "mapped in an agreement that is not a draft", code=facts.code, version=facts.version))
    return facts


def _mapping_problems(doc: dict, mapping: dict, path: str, label: str, lookup: Lookup,
                      in_force: bool) -> list[Problem]:
    problems: list[Problem] = []

    def add(where: str, message: str) -> None:
        problems.append(Problem(label, where, message))

    origin = _standard(mapping["origin"], "origin", doc["origin_country"], doc, path, lookup, add, in_force)
    destination = _standard(mapping["destination"], "destination", doc["destination_country"], doc, path,
                            lookup, add, in_force)
    if origin is None or destination is None:
        return problems
    seen = set()
    mapped_origin: set[str] = set()
    for ui, entry in enumerate(mapping["units"]):
        where = f"{path}.units[{ui}]"
        for i, code in enumerate(entry["origin"]):
            if code not in origin.units:
                add(f"{where}.origin[{i}]", _("%(unit)s is not a unit of %(code)s v%(version)d", unit=code,
                                              code=origin.code, version=origin.version))
        for i, code in enumerate(entry["destination"]):
            if code not in destination.units:
                add(f"{where}.destination[{i}]", _("%(unit)s is not a unit of %(code)s v%(version)d", unit=code,
                                                   code=destination.code, version=destination.version))
        for code in _duplicates(entry["origin"]) + _duplicates(entry["destination"]):
            add(where, _("unit %(unit)s is listed twice", unit=code))
        mapped_origin.update(entry["origin"])
        relation = entry["relation"]
        if relation == "none" and entry["destination"]:
            add(f"{where}.destination", _("a unit with no equivalent lists no destination units"))
        if relation != "none" and not entry["destination"]:
            add(f"{where}.destination", _("name the destination unit(s) this unit is %(relation)s to",
                                          relation=relation))
        if relation == "partial" and "gap" not in entry:
            add(f"{where}.gap", _("a partial mapping must describe the gap in three languages"))
        if relation == "equivalent" and "gap" in entry:
            add(f"{where}.gap", _("an equivalent mapping has no gap; use relation partial"))
        for i, ref in enumerate(entry.get("compared", [])):
            if ref not in origin.parts and ref not in destination.parts:
                add(f"{where}.compared[{i}]", _(
                    "%(ref)s is not an element (UNIT/n) or criterion (UNIT/n.n) of either standard", ref=ref))
        key = (tuple(sorted(entry["origin"])), tuple(sorted(entry["destination"])))
        if key in seen:
            add(where, _("the same units are mapped twice"))
        seen.add(key)
    if in_force:
        for code in origin.units:
            if code not in mapped_origin:
                add(f"{path}.units", _("origin unit %(unit)s is not mapped; map it, with relation none if "
                                       "nothing corresponds", unit=code))
    for code in mapping.get("bridging", {}):
        if code not in destination.units:
            add(f"{path}.bridging.{code}", _("%(unit)s is not a unit of %(code)s v%(version)d", unit=code,
                                             code=destination.code, version=destination.version))
    return problems


def overlap_problems(agreements: list[tuple[str, dict]]) -> list[Problem]:
    """Two agreements that can be in force on the same day for the same pair of standard versions."""
    problems = []
    windows: dict[tuple, list[tuple[tuple[dt.date, dt.date], str, str]]] = {}
    for label, doc in agreements:
        window = active_window(doc)
        if window is None:
            continue
        for mapping in doc["mappings"]:
            pair = (mapping["origin"]["standard"], mapping["origin"]["version"],
                    mapping["destination"]["standard"], mapping["destination"]["version"])
            name = f"{doc['code']} v{doc['version']}"
            for other_window, other_name, other_label in windows.get(pair, []):
                if other_name != name and window[0] <= other_window[1] and other_window[0] <= window[1]:
                    problems.append(Problem(label, "effective_from", _(
                        "%(name)s and %(other)s (%(file)s) would both be in force between %(start)s and "
                        "%(end)s for %(origin)s v%(ov)d → %(destination)s v%(dv)d; end one before the "
                        "other starts, or withdraw it", name=name, other=other_name, file=other_label,
                        start=max(window[0], other_window[0]).isoformat(),
                        end=_end_text(min(window[1], other_window[1])), origin=pair[0], ov=pair[1],
                        destination=pair[2], dv=pair[3])))
            windows.setdefault(pair, []).append((window, name, label))
    return problems


def _end_text(day: dt.date) -> str:
    return _("open-ended") if day == dt.date.max else day.isoformat()


def canonical(doc: dict) -> dict:
    doc = json.loads(json.dumps(doc))
    for mapping in doc["mappings"]:
        mapping.setdefault("bridging", {})
        for entry in mapping["units"]:
            entry.setdefault("compared", [])
    return doc


def fingerprint(doc: dict, *, ignore_status: bool = False) -> str:
    doc = canonical(doc)
    doc.pop("illustrative", None)
    doc.pop("note", None)
    if ignore_status:
        doc.pop("status", None)
        doc.pop("status_since", None)
    return hashlib.sha256(json.dumps(doc, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def document_of(agreement) -> dict:
    """The agreement as a file document, as `flask standards export` writes it."""
    doc: dict = {"schema": AGREEMENT_SCHEMA_ID, "illustrative": agreement.is_illustrative}
    if agreement.note:
        doc["note"] = agreement.note
    doc.update(code=agreement.code, version=agreement.version, origin_country=agreement.origin_country,
               destination_country=agreement.destination_country, sector=agreement.sector,
               title=agreement.title, reference=agreement.reference)
    if agreement.signed_on:
        doc["signed_on"] = agreement.signed_on.isoformat()
    doc["effective_from"] = agreement.effective_from.isoformat()
    if agreement.effective_until:
        doc["effective_until"] = agreement.effective_until.isoformat()
    doc["status"] = agreement.status.value
    if agreement.status_since():
        doc["status_since"] = agreement.status_since().isoformat()
    doc["mappings"] = [_mapping_document(m) for m in agreement.mappings]
    return doc


def _mapping_document(mapping) -> dict:
    doc: dict = {
        "origin": {"standard": mapping.origin.code, "version": mapping.origin.version},
        "destination": {"standard": mapping.destination.code, "version": mapping.destination.version},
    }
    if mapping.compared_by:
        doc["compared_by"] = mapping.compared_by
    if mapping.compared_on:
        doc["compared_on"] = mapping.compared_on.isoformat()
    doc["units"] = []
    for entry in mapping.units:
        item = {"origin": list(entry.origin_units), "destination": list(entry.destination_units),
                "relation": entry.relation.value}
        if entry.compared:
            item["compared"] = list(entry.compared)
        if entry.compared_by:
            item["by"] = entry.compared_by
        item["justification"] = entry.justification
        if entry.gap:
            item["gap"] = entry.gap
        doc["units"].append(item)
    if mapping.bridging:
        doc["bridging"] = mapping.bridging
    return doc
