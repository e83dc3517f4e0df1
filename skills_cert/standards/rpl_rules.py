"""The `rpl:` section of a guideline: which units may be credited from accepted portfolio evidence,
and the shorter practical demonstration still asked for each. Checked beyond the schema here."""

from __future__ import annotations

from collections import Counter

from flask_babel import gettext as _

from skills_cert.standards.files import Problem


def rpl_problems(doc: dict, label: str) -> list[Problem]:
    """What the schema cannot say about `guideline.rpl`: each unit exists and is named once,
    each demonstration item is a checklist item that evidences a criterion of that unit."""
    rpl = doc["guideline"].get("rpl")
    if rpl is None:
        return []
    problems: list[Problem] = []
    units = {unit["code"]: unit for unit in doc["units"]}
    items = {item["code"]: item for task in doc["guideline"]["practical_tasks"] for item in task["items"]}
    named = Counter(entry["unit"] for entry in rpl["credit"])
    for index, entry in enumerate(rpl["credit"]):
        path = f"guideline.rpl.credit[{index}]"
        code = entry["unit"]
        if code not in units:
            problems.append(Problem(label, f"{path}.unit", _(
                "unit %(code)s is not a unit of this standard", code=code)))
            continue
        if named[code] > 1:
            problems.append(Problem(label, f"{path}.unit", _(
                "unit %(code)s is named more than once in the RPL rules", code=code)))
        problems += _demonstration_problems(entry, units[code], items, label, path)
    return problems


def _demonstration_problems(entry: dict, unit: dict, items: dict, label: str, path: str) -> list[Problem]:
    problems = []
    seen = set()
    for index, code in enumerate(entry["demonstration"]):
        where = f"{path}.demonstration[{index}]"
        if code in seen:
            problems.append(Problem(label, where, _("checklist item %(code)s is listed more than once",
                                                    code=code)))
        seen.add(code)
        item = items.get(code)
        if item is None:
            problems.append(Problem(label, where, _(
                "%(code)s is not a checklist item of this guideline", code=code)))
        elif not any(ref.split("/")[0] == unit["code"] for ref in item["criteria"]):
            problems.append(Problem(label, where, _(
                "checklist item %(item)s evidences no criterion of unit %(unit)s, so it cannot be "
                "part of that unit's demonstration", item=code, unit=unit["code"])))
    return problems
