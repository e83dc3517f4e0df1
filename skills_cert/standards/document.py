"""Converting between a standard file's document and the database rows, both ways.

`document_of(standard)` builds exactly the structure a file holds, so export writes files that
import back unchanged, and comparing `canonical(doc)` tells whether a file changes anything.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import unicodedata

from skills_cert.standards.models import (
    Authority,
    ChecklistItem,
    Criterion,
    Element,
    Guideline,
    PracticalTask,
    Standard,
    StandardStatus,
    Unit,
)
from skills_cert.standards.schema import SCHEMA_ID


def _criterion_order(doc: dict) -> dict[str, int]:
    order = {}
    for unit in doc["units"]:
        for element in unit["elements"]:
            for criterion in element["criteria"]:
                order[f"{unit['code']}/{criterion['number']}"] = len(order)
    return order


def canonical(doc: dict) -> dict:
    """The document with defaults filled and unordered lists in a fixed order."""
    doc = json.loads(json.dumps(doc))
    order = _criterion_order(doc)
    for unit in doc["units"]:
        unit.setdefault("prerequisites", [])
    for task in doc["guideline"]["practical_tasks"]:
        for item in task["items"]:
            item["criteria"] = sorted(item["criteria"], key=lambda ref: order.get(ref, len(order)))
    return doc


def fingerprint(doc: dict, *, ignore_status: bool = False) -> str:
    doc = canonical(doc)
    if ignore_status:
        doc.pop("status", None)
    return hashlib.sha256(json.dumps(doc, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def document_of(standard: Standard) -> dict:
    guideline = standard.guideline
    doc = {
        "schema": SCHEMA_ID,
        "illustrative": standard.is_illustrative,
        "note": standard.note,
        "country": standard.country,
        "authority": {"code": standard.authority.code, "name": standard.authority.name},
        "code": standard.code,
        "version": standard.version,
        "status": standard.status.value,
        "effective_date": standard.effective_date.isoformat(),
        "sector": standard.sector,
        "title": standard.title,
        "occupation": {"isco": standard.occupation_isco, "title": standard.occupation_title},
        "level": standard.level,
        "nqf_level": standard.nqf_level,
        "aqrf_level": standard.aqrf_level,
        "certificate_validity_years": standard.certificate_validity_years,
        "packaging": {"core": "all", "electives": standard.packaging_electives},
        "units": [_unit_document(unit) for unit in standard.units],
        "guideline": {
            "version": guideline.version,
            "assessor_qualifications": guideline.assessor_qualifications,
            "knowledge_test": {
                "questions": guideline.knowledge_questions,
                "duration_minutes": guideline.knowledge_duration_minutes,
                "pass_mark": _number(guideline.knowledge_pass_mark),
                "gates_practical": guideline.knowledge_gates_practical,
            },
            "practical_tasks": [_task_document(task) for task in guideline.tasks],
        },
    }
    if guideline.scoring is not None:
        doc["guideline"]["scoring"] = guideline.scoring
    doc["guideline"]["decision_rules"] = [{"rule": rule} for rule in guideline.decision_rules]
    if guideline.appeal_days is not None:
        doc["guideline"]["appeal_days"] = guideline.appeal_days
    if guideline.rpl is not None:
        doc["guideline"]["rpl"] = guideline.rpl
    return doc


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _unit_document(unit: Unit) -> dict:
    return {
        "code": unit.code,
        "version": unit.version,
        "type": "core" if unit.is_core else "elective",
        "nominal_hours": unit.nominal_hours,
        "title": unit.title,
        "application": unit.application,
        "prerequisites": list(unit.prerequisites),
        "elements": [
            {
                "number": element.number,
                "title": element.title,
                "criteria": [
                    {"number": c.number, "critical": c.is_critical, "text": c.text}
                    for c in element.criteria
                ],
            }
            for element in unit.elements
        ],
        "knowledge_evidence": unit.knowledge_evidence,
        "assessment_conditions": unit.assessment_conditions,
        "tools_and_materials": unit.tools_and_materials,
    }


def _task_document(task: PracticalTask) -> dict:
    return {
        "code": task.code,
        "title": task.title,
        "description": task.description,
        "time_allowed_minutes": task.time_allowed_minutes,
        "tools": task.tools,
        "materials": task.materials,
        "safety_rules": task.safety_rules,
        "items": [
            {
                "code": item.code,
                "text": item.text,
                "criteria": [c.reference for c in item.criteria],
                "safety_critical": item.is_safety_critical,
            }
            for item in task.items
        ],
    }


def search_text(doc: dict) -> str:
    parts = [doc["code"], doc["occupation"]["isco"], *doc["title"].values(),
             *doc["occupation"]["title"].values(), *doc["authority"]["name"].values()]
    for unit in doc["units"]:
        parts += [unit["code"], *unit["title"].values()]
    return normalise_search(" | ".join(parts))


def normalise_search(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def apply_document(session, standard: Standard, doc: dict, authority: Authority) -> None:
    """Write *doc* (already validated) into *standard*, replacing its units and guideline."""
    if standard.id is not None:
        # Old rows go first, so that re-used codes do not collide with unique constraints.
        standard.units = []
        standard.guideline = None
        session.flush()
    standard.authority = authority
    standard.code = doc["code"]
    standard.version = doc["version"]
    standard.status = StandardStatus(doc["status"])
    standard.country = doc["country"]
    standard.sector = doc["sector"]
    standard.title = doc["title"]
    standard.occupation_isco = doc["occupation"]["isco"]
    standard.occupation_title = doc["occupation"]["title"]
    standard.level = doc["level"]
    standard.nqf_level = doc["nqf_level"]
    standard.aqrf_level = doc["aqrf_level"]
    standard.effective_date = dt.date.fromisoformat(doc["effective_date"])
    standard.certificate_validity_years = doc["certificate_validity_years"]
    standard.packaging_electives = doc["packaging"]["electives"]
    standard.is_illustrative = doc["illustrative"]
    standard.note = doc["note"]
    standard.search_text = search_text(doc)
    criteria: dict[str, Criterion] = {}
    standard.units = [_build_unit(position, unit, criteria) for position, unit in enumerate(doc["units"])]
    g = doc["guideline"]
    standard.guideline = Guideline(
        version=g["version"],
        assessor_qualifications=g["assessor_qualifications"],
        knowledge_questions=g["knowledge_test"]["questions"],
        knowledge_duration_minutes=g["knowledge_test"]["duration_minutes"],
        knowledge_pass_mark=g["knowledge_test"]["pass_mark"],
        knowledge_gates_practical=g["knowledge_test"]["gates_practical"],
        scoring=g.get("scoring"),
        decision_rules=[r["rule"] for r in g["decision_rules"]],
        appeal_days=g.get("appeal_days"),
        rpl=g.get("rpl"),
        tasks=[_build_task(position, task, criteria) for position, task in enumerate(g["practical_tasks"])],
    )


def _build_unit(position: int, data: dict, criteria: dict[str, Criterion]) -> Unit:
    unit = Unit(
        position=position, code=data["code"], version=data["version"],
        is_core=data["type"] == "core", nominal_hours=data["nominal_hours"], title=data["title"],
        application=data["application"], prerequisites=list(data.get("prerequisites", [])),
        knowledge_evidence=data["knowledge_evidence"],
        assessment_conditions=data["assessment_conditions"],
        tools_and_materials=data["tools_and_materials"],
    )
    for element_data in data["elements"]:
        element = Element(number=element_data["number"], title=element_data["title"])
        for cpos, c in enumerate(element_data["criteria"]):
            criterion = Criterion(position=cpos, number=c["number"], is_critical=c["critical"], text=c["text"])
            element.criteria.append(criterion)
            criteria[f"{data['code']}/{c['number']}"] = criterion
        unit.elements.append(element)
    return unit


def _build_task(position: int, data: dict, criteria: dict[str, Criterion]) -> PracticalTask:
    return PracticalTask(
        position=position, code=data["code"], title=data["title"], description=data["description"],
        time_allowed_minutes=data["time_allowed_minutes"], tools=data["tools"],
        materials=data["materials"], safety_rules=data["safety_rules"],
        items=[
            ChecklistItem(position=ipos, code=item["code"], text=item["text"],
                          is_safety_critical=item["safety_critical"],
                          criteria=[criteria[ref] for ref in item["criteria"]])
            for ipos, item in enumerate(data["items"])
        ],
    )
