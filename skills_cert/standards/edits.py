"""Changes a standards officer makes to a draft, as pure functions on its document.

Each function changes the document in place and raises `EditRefused` when the change cannot be
made; the service validates the result before anything is written.
"""

from __future__ import annotations

from flask_babel import gettext as _


class EditRefused(Exception):
    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


def _unit(doc: dict, code: str) -> dict:
    for unit in doc["units"]:
        if unit["code"] == code:
            return unit
    raise EditRefused("", _("Unit %(code)s is not part of this standard.", code=code))


def _task(doc: dict, code: str) -> dict:
    for task in doc["guideline"]["practical_tasks"]:
        if task["code"] == code:
            return task
    raise EditRefused("", _("Task %(code)s is not part of this guideline.", code=code))


def _items(doc: dict):
    for task in doc["guideline"]["practical_tasks"]:
        yield from task["items"]


def set_overview(doc: dict, data: dict) -> None:
    """Titles, occupation, levels, dates and packaging."""
    doc["title"] = data["title"]
    doc["occupation"] = {"isco": data["isco"], "title": data["occupation_title"]}
    for key in ("level", "nqf_level", "aqrf_level", "certificate_validity_years", "effective_date",
                "sector"):
        doc[key] = data[key]
    doc["packaging"]["electives"] = data["electives"]
    doc["note"] = data["note"]


def set_unit(doc: dict, code: str, data: dict) -> None:
    """A unit's own fields and the text of its elements and criteria (numbers stay)."""
    unit = _unit(doc, code)
    for key in ("title", "application", "assessment_conditions", "nominal_hours"):
        unit[key] = data[key]
    unit["type"] = data["type"]
    for element, edited in zip(unit["elements"], data["elements"]):
        element["title"] = edited["title"]
        for criterion, edited_criterion in zip(element["criteria"], edited["criteria"]):
            criterion["text"] = edited_criterion["text"]
            criterion["critical"] = edited_criterion["critical"]


def add_unit(doc: dict, data: dict) -> None:
    if any(u["code"] == data["code"] for u in doc["units"]):
        raise EditRefused("code", _("Unit code %(code)s is already used.", code=data["code"]))
    doc["units"].append({
        "code": data["code"], "version": 1, "type": data["type"],
        "nominal_hours": data["nominal_hours"], "title": data["title"],
        "application": data["application"], "prerequisites": [],
        "elements": [{"number": 1, "title": data["element_title"], "criteria": [
            {"number": "1.1", "critical": data["critical"], "text": data["criterion_text"]}]}],
        "knowledge_evidence": [data["knowledge"]],
        "assessment_conditions": data["assessment_conditions"], "tools_and_materials": [],
    })


def remove_unit(doc: dict, code: str) -> None:
    unit = _unit(doc, code)
    if len(doc["units"]) == 1:
        raise EditRefused("", _("A standard needs at least one unit."))
    _drop_references(doc, {f"{code}/{c['number']}" for e in unit["elements"] for c in e["criteria"]})
    doc["units"].remove(unit)
    for other in doc["units"]:
        other["prerequisites"] = [p for p in other.get("prerequisites", []) if p != code]


def add_element(doc: dict, unit_code: str, title: dict, criterion_text: dict, critical: bool) -> None:
    unit = _unit(doc, unit_code)
    number = max(e["number"] for e in unit["elements"]) + 1
    unit["elements"].append({"number": number, "title": title, "criteria": [
        {"number": f"{number}.1", "critical": critical, "text": criterion_text}]})


def add_criterion(doc: dict, unit_code: str, element_number: int, text: dict, critical: bool) -> str:
    unit = _unit(doc, unit_code)
    for element in unit["elements"]:
        if element["number"] == element_number:
            last = max(int(c["number"].split(".")[1]) for c in element["criteria"])
            number = f"{element_number}.{last + 1}"
            element["criteria"].append({"number": number, "critical": critical, "text": text})
            return number
    raise EditRefused("element", _("Element %(n)d is not part of unit %(code)s.",
                                   n=element_number, code=unit_code))


def remove_criterion(doc: dict, unit_code: str, number: str) -> None:
    unit = _unit(doc, unit_code)
    for element in unit["elements"]:
        for criterion in element["criteria"]:
            if criterion["number"] == number:
                _drop_references(doc, {f"{unit_code}/{number}"})
                element["criteria"].remove(criterion)
                if not element["criteria"]:
                    if len(unit["elements"]) == 1:
                        raise EditRefused("", _("A unit needs at least one criterion."))
                    unit["elements"].remove(element)
                return
    raise EditRefused("", _("Criterion %(number)s is not part of unit %(code)s.", number=number,
                            code=unit_code))


def _drop_references(doc: dict, refs: set[str]) -> None:
    stranded = [item["code"] for item in _items(doc) if set(item["criteria"]) <= refs]
    if stranded:
        raise EditRefused("", _(
            "Checklist items %(items)s evidence nothing else. Link them to another criterion or "
            "remove them first.", items=", ".join(stranded)))
    for item in _items(doc):
        item["criteria"] = [ref for ref in item["criteria"] if ref not in refs]


def set_task(doc: dict, code: str, data: dict) -> None:
    """A practical task's own fields and its checklist items' text, criteria and safety flag."""
    task = _task(doc, code)
    for key in ("title", "description", "time_allowed_minutes"):
        task[key] = data[key]
    for item, edited in zip(task["items"], data["items"]):
        item["text"] = edited["text"]
        item["criteria"] = edited["criteria"]
        item["safety_critical"] = edited["safety_critical"]


def add_item(doc: dict, task_code: str, data: dict) -> str:
    task = _task(doc, task_code)
    existing = {item["code"] for item in _items(doc)}
    n = len(task["items"]) + 1
    while f"{task_code}.{n}" in existing:
        n += 1
    code = f"{task_code}.{n}"
    task["items"].append({"code": code, "text": data["text"], "criteria": data["criteria"],
                          "safety_critical": data["safety_critical"]})
    return code


def remove_item(doc: dict, task_code: str, item_code: str) -> None:
    task = _task(doc, task_code)
    if len(task["items"]) == 1:
        raise EditRefused("", _("A practical task needs at least one checklist item."))
    for item in task["items"]:
        if item["code"] == item_code:
            task["items"].remove(item)
            return
    raise EditRefused("", _("Checklist item %(code)s is not part of task %(task)s.",
                            code=item_code, task=task_code))
