"""Validation of standard files: the JSON Schema, then what a schema cannot express."""

from __future__ import annotations

from collections import Counter
from typing import Iterable

from flask_babel import gettext as _
from jsonschema import Draft202012Validator, FormatChecker

from skills_cert import visible_text
from skills_cert.standards.files import Problem
from skills_cert.standards.rpl_rules import rpl_problems
from skills_cert.standards.schema import LOCALES, STANDARD

_validator = Draft202012Validator(STANDARD, format_checker=FormatChecker())
LANGUAGE_NAMES = {"lo": "Lao (lo)", "th": "Thai (th)", "en": "English (en)"}
UNIT_RULES = {"critical_criteria_satisfactory", "all_criteria_evidenced"}


def _path(parts: Iterable) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _schema_message(error) -> str:
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in error.instance]
        if missing and all(name in LOCALES for name in missing):
            return _("missing translation: %(languages)s", languages=", ".join(LANGUAGE_NAMES[m] for m in missing))
        return _("missing field: %(fields)s", fields=", ".join(repr(m) for m in missing))
    if error.validator == "additionalProperties":
        return _("unknown field (%(detail)s)", detail=error.message.split("(")[-1].rstrip(")"))
    if error.validator == "pattern" and error.validator_value == r"\S":
        return _("must not be blank")
    if error.validator in ("minLength",) and error.validator_value == 1:
        return _("must not be empty")
    if error.validator == "enum":
        return _("must be one of %(allowed)s; got %(value)r", allowed=", ".join(map(str, error.validator_value)), value=error.instance)
    if error.validator == "const":
        return _("must be %(expected)r; got %(value)r", expected=error.validator_value, value=error.instance)
    if error.validator == "format":
        return _("%(value)r is not a valid date (use YYYY-MM-DD)", value=error.instance)
    return error.message


def schema_problems(document: object, label: str) -> list[Problem]:
    errors = sorted(_validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    return [Problem(label, _path(e.absolute_path), _schema_message(e)) for e in errors]


def text_problems(document: object, label: str, path: tuple = ()) -> list[Problem]:
    """Every text of the document that holds an invisible or direction-changing character (line
    breaks and tabs are allowed: texts may span lines)."""
    if isinstance(document, str):
        message = visible_text.problem(document, multiline=True)
        return [Problem(label, _path(path), message)] if message else []
    if isinstance(document, dict):
        items = document.items()
    elif isinstance(document, list):
        items = enumerate(document)
    else:
        return []
    return [problem for key, value in items for problem in text_problems(value, label, (*path, key))]


def _duplicates(values: Iterable) -> list:
    return [value for value, count in Counter(values).items() if count > 1]


def semantic_problems(doc: dict, label: str, *, complete: bool = True) -> list[Problem]:
    """Cross-references inside one file. Assumes the document passed the schema.

    With *complete* false (a draft being edited), a criterion without a checklist item is allowed;
    endorsement checks again with *complete* true.
    """
    problems: list[Problem] = []

    def add(path: str, message: str) -> None:
        problems.append(Problem(label, path, message))

    units = doc["units"]
    for code in _duplicates(u["code"] for u in units):
        add("units", _("unit code %(code)s is used more than once", code=code))
    criteria: dict[str, tuple[str, bool]] = {}
    for ui, unit in enumerate(units):
        for number in _duplicates(e["number"] for e in unit["elements"]):
            add(f"units[{ui}].elements", _("element number %(n)s is used more than once", n=number))
        for ei, element in enumerate(unit["elements"]):
            for ci, criterion in enumerate(element["criteria"]):
                path = f"units[{ui}].elements[{ei}].criteria[{ci}].number"
                number = criterion["number"]
                if number.split(".")[0] != str(element["number"]):
                    add(path, _("criterion %(number)s must be numbered %(element)s.n under element %(element)s",
                             number=number, element=element["number"]))
                ref = f"{unit['code']}/{number}"
                if ref in criteria:
                    add(path, _("criterion %(number)s appears twice in unit %(unit)s", number=number, unit=unit["code"]))
                criteria[ref] = (path, criterion["critical"])
        for pi, prerequisite in enumerate(unit.get("prerequisites", [])):
            if prerequisite not in {u["code"] for u in units} or prerequisite == unit["code"]:
                add(f"units[{ui}].prerequisites[{pi}]",
                    _("prerequisite %(code)s is not another unit of this standard", code=prerequisite))
    electives = sum(1 for u in units if u["type"] == "elective")
    if doc["packaging"]["electives"] > electives:
        add("packaging.electives", _("asks for %(wanted)d elective units but the standard has %(have)d",
                                     wanted=doc["packaging"]["electives"], have=electives))
    problems += _guideline_problems(doc["guideline"], criteria, label, complete)
    problems += rpl_problems(doc, label)
    return problems


def _guideline_problems(guideline: dict, criteria: dict, label: str, complete: bool) -> list[Problem]:
    problems: list[Problem] = []

    def add(path: str, message: str) -> None:
        problems.append(Problem(label, f"guideline.{path}", message))

    tasks = guideline["practical_tasks"]
    for code in _duplicates(t["code"] for t in tasks):
        add("practical_tasks", _("task code %(code)s is used more than once", code=code))
    items = [(ti, ii, item) for ti, task in enumerate(tasks) for ii, item in enumerate(task["items"])]
    for code in _duplicates(entry[2]["code"] for entry in items):
        add("practical_tasks", _("checklist item code %(code)s is used more than once", code=code))
    evidenced = set()
    for ti, ii, item in items:
        for ri, ref in enumerate(item["criteria"]):
            if ref not in criteria:
                add(f"practical_tasks[{ti}].items[{ii}].criteria[{ri}]",
                    _("%(ref)s is not a criterion of this standard (write UNIT-CODE/number, e.g. %(example)s)",
                      ref=ref, example=next(iter(criteria), "LA-CON-BRL-01/1.1")))
            evidenced.add(ref)
    rules = [r["rule"] for r in guideline["decision_rules"]]
    for rule in _duplicates(rules):
        add("decision_rules", _("rule %(rule)s is listed more than once", rule=rule))
    if complete and "all_criteria_evidenced" in rules:
        for ref, (path, _critical) in sorted(criteria.items()):
            if ref not in evidenced:
                problems.append(Problem(label, path, _(
                    "criterion %(ref)s has no checklist item, so the rule all_criteria_evidenced "
                    "could never be met", ref=ref)))
    if "practical_score" in rules and "scoring" not in guideline:
        add("decision_rules", _("rule practical_score needs a scoring section"))
    if "scoring" in guideline:
        if "practical_score" not in rules:
            add("scoring", _("scoring is given but no decision rule uses it (add practical_score)"))
        for code in _duplicates(c["code"] for c in guideline["scoring"]["criteria"]):
            add("scoring.criteria", _("scoring criterion code %(code)s is used more than once", code=code))
    return problems


def document_problems(document: object, label: str, *, complete: bool | None = None) -> list[Problem]:
    """Everything wrong with one document. Drafts need not be complete unless *complete* is set."""
    problems = schema_problems(document, label) or text_problems(document, label)
    if problems:
        return problems
    if complete is None:
        complete = document.get("status") != "draft"
    return semantic_problems(document, label, complete=complete)


def set_problems(documents: list[tuple[str, dict]]) -> list[Problem]:
    """Problems across files: a standard version twice, a unit code owned by two standards."""
    problems = []
    seen: dict[tuple[str, int], str] = {}
    unit_owner: dict[str, tuple[str, str]] = {}
    for label, doc in documents:
        key = (doc["code"], doc["version"])
        if key in seen:
            problems.append(Problem(label, "code", _("%(code)s version %(version)d is also defined in %(file)s",
                                                      code=doc["code"], version=doc["version"], file=seen[key])))
        seen.setdefault(key, label)
        for ui, unit in enumerate(doc["units"]):
            owner = unit_owner.setdefault(unit["code"], (doc["code"], label))
            if owner[0] != doc["code"]:
                problems.append(Problem(label, f"units[{ui}].code", _(
                    "unit code %(unit)s already belongs to standard %(standard)s (%(file)s)",
                    unit=unit["code"], standard=owner[0], file=owner[1])))
    return problems
