"""The rule engine: a competency decision computed from recorded evidence, never typed in.

`rules_from_document` reads the rules of one exact guideline version, `validate_evidence` lists
input problems (it should return nothing before a decision is trusted) and `decide` applies the
rules. Only rules listed in the guideline's `decision_rules` are applied.

- Items not recorded (None or missing) count as not satisfactory. `complete` says whether recording
  is finished: knowledge recorded and every item and scoring criterion recorded, unless the
  knowledge test failed and gates the practical (the practical is then not held). An unrecorded
  item that makes a rule fail gets one `item_not_recorded` reason; rule reasons name False items.
- knowledge_pass: score >= pass mark; not recorded fails. It belongs to every unit: a fail leaves no
  unit achieved. If it gates the practical, practical results are ignored (no practical reasons;
  `practical_percent` is still reported).
- safety_items_satisfactory: a safety-critical item not satisfactory fails the whole test, whatever
  the score. Which units it takes with it is the guideline's choice, the rule's `scope`: "test"
  (the default) removes every unit, so no statement of attainment; "units" removes the units the
  item evidences and keeps the others, which a statement of attainment then lists.
- critical_criteria_satisfactory (per unit): every item evidencing a critical criterion of the unit
  is satisfactory. all_criteria_evidenced (per unit): each criterion has a satisfactory item.
- practical_score: sum(points) / sum(max_points) >= pass mark, missing points count 0. A fail makes
  the result not yet competent but keeps the units achieved (statement of attainment).
- Competent: every whole-test rule passes, every core unit is competent and at least
  `electives_required` electives are. Core-unit and elective reasons are given only when knowledge
  and safety did not already remove every unit.
- RPL credit (`crediting.py`, the guideline's `rpl:` rules): a unit the checklist fails is
  credited on accepted portfolio evidence and its shorter demonstration; its reasons are then
  dropped, the unit is achieved, and the items only it needed are not needed for `complete`.
  Knowledge and safety still apply. `credited` names the units and their portfolio items.
- Unknown codes are ignored and points clamped to 0..max. Items, units and criteria are visited in
  standard order, never evidence order, so the result is deterministic. Reasons come whole-test
  first (knowledge, safety, unrecorded items, score, electives), then per unit in standard order.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType

from skills_cert.assessment.crediting import (
    Credit,
    CreditSpec,
    credit_specs,
    credit_unit,
)
from skills_cert.assessment.reasons import REASON_CODES, Reason  # noqa: F401 - the engine's reasons

KNOWLEDGE, SAFETY = "knowledge_pass", "safety_items_satisfactory"
CRITICAL, EVIDENCED, SCORE = "critical_criteria_satisfactory", "all_criteria_evidenced", "practical_score"


def _frozen(mapping: Mapping) -> Mapping:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class CriterionSpec:
    ref: str
    critical: bool


@dataclass(frozen=True)
class UnitSpec:
    code: str
    is_core: bool
    criteria: tuple[CriterionSpec, ...]
    elements: tuple[int, ...] = ()


@dataclass(frozen=True)
class ItemSpec:
    code: str
    criteria: tuple[str, ...]
    safety_critical: bool


@dataclass(frozen=True)
class ScoringSpec:
    max_points: Mapping[str, int] = field(hash=False)
    pass_mark: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "max_points", _frozen(self.max_points))


@dataclass(frozen=True)
class GuidelineRules:
    knowledge_pass_mark: float
    knowledge_gates_practical: bool
    rules: tuple[str, ...]
    units: tuple[UnitSpec, ...]
    items: tuple[ItemSpec, ...]
    scoring: ScoringSpec | None
    electives_required: int
    credits: tuple[CreditSpec, ...] = ()  # RPL: units that accepted portfolio evidence may credit
    safety_scope: str = "test"  # the safety rule's `scope`: "test" (every unit) or "units" (its units)

    @cached_property
    def items_by_criterion(self) -> Mapping[str, tuple[str, ...]]:
        """Each criterion's checklist items, in checklist order (asked for on every decision)."""
        found: dict[str, list[str]] = {}
        for item in self.items:
            for ref in item.criteria:
                found.setdefault(ref, []).append(item.code)
        return _frozen({ref: tuple(codes) for ref, codes in found.items()})

    @cached_property
    def critical_items(self) -> Mapping[str, tuple[tuple[ItemSpec, str], ...]]:
        """Per unit, the items that evidence one of its critical criteria, with those criteria."""
        found = {}
        for unit in self.units:
            critical = {c.ref for c in unit.criteria if c.critical}
            found[unit.code] = tuple((item, ", ".join(r for r in item.criteria if r in critical))
                                     for item in self.items if critical.intersection(item.criteria))
        return _frozen(found)


def rules_from_document(doc: dict) -> GuidelineRules:
    """The decision rules of a validated standard document."""
    guideline = doc["guideline"]
    scoring = guideline.get("scoring")
    return GuidelineRules(
        knowledge_pass_mark=guideline["knowledge_test"]["pass_mark"],
        knowledge_gates_practical=guideline["knowledge_test"]["gates_practical"],
        rules=tuple(r["rule"] for r in guideline["decision_rules"]),
        safety_scope=next((r.get("scope", "test") for r in guideline["decision_rules"] if r["rule"] == SAFETY),
                          "test"),
        units=tuple(_unit_spec(u) for u in doc["units"]),
        items=tuple(ItemSpec(i["code"], tuple(i["criteria"]), bool(i.get("safety_critical", False)))
                    for task in guideline["practical_tasks"] for i in task["items"]),
        scoring=ScoringSpec({c["code"]: c["max_points"] for c in scoring["criteria"]},
                            scoring["pass_mark"]) if scoring else None,
        electives_required=doc["packaging"]["electives"],
        credits=credit_specs(guideline),
    )


def _unit_spec(unit: dict) -> UnitSpec:
    criteria = tuple(CriterionSpec(f"{unit['code']}/{c['number']}", bool(c["critical"]))
                     for element in unit["elements"] for c in element["criteria"])
    return UnitSpec(unit["code"], unit["type"] == "core", criteria, tuple(e["number"] for e in unit["elements"]))


@dataclass(frozen=True)
class Evidence:
    knowledge_percent: float | None
    items: Mapping[str, bool | None] = field(hash=False)
    practical_points: Mapping[str, float] = field(default_factory=dict, hash=False)
    # RPL: accepted portfolio item numbers per target, "UNIT" or "UNIT/element"
    portfolio: Mapping[str, tuple[int, ...]] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", _frozen(self.items))
        object.__setattr__(self, "practical_points", _frozen(self.practical_points))
        object.__setattr__(self, "portfolio", _frozen(self.portfolio))


@dataclass(frozen=True)
class Decision:
    competent: bool
    units: Mapping[str, bool] = field(hash=False)
    achieved_units: tuple[str, ...]
    reasons: tuple[Reason, ...]
    complete: bool
    recorded_items: int
    total_items: int
    knowledge_percent: float | None
    practical_percent: float | None
    credited: Mapping[str, tuple[int, ...]] = field(default_factory=dict, hash=False)  # unit: items
    # Why a unit is not yet competent when no reason of its own says so: the whole-test rule that
    # removed every unit ("knowledge" or "safety"), or, per unit, the safety items evidencing it.
    units_removed_by: str | None = None
    safety_units: Mapping[str, tuple[str, ...]] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class _Check:
    """The outcome of one rule: reasons given, unrecorded items that also make it fail."""

    reasons: tuple[Reason, ...] = ()
    unrecorded: frozenset[str] = frozenset()

    @property
    def failed(self) -> bool:
        return bool(self.reasons or self.unrecorded)


def _status(evidence: Evidence, code: str) -> bool | None:
    value = evidence.items.get(code)
    return value if isinstance(value, bool) else None


def _item_check(evidence: Evidence, items: Iterable[ItemSpec],
                reason: Callable[[ItemSpec], Reason]) -> _Check:
    items = list(items)
    failing = tuple(reason(i) for i in items if _status(evidence, i.code) is False)
    missing = frozenset(i.code for i in items if _status(evidence, i.code) is None)
    return _Check(failing, missing)


def _knowledge_check(rules: GuidelineRules, evidence: Evidence) -> _Check:
    score = evidence.knowledge_percent
    if KNOWLEDGE not in rules.rules:
        return _Check()
    if score is None:
        return _Check((Reason("knowledge_not_recorded"),))
    if not score >= rules.knowledge_pass_mark:
        params = (("score", score), ("pass_mark", rules.knowledge_pass_mark))
        return _Check((Reason("knowledge_below_pass_mark", params),))
    return _Check()


def _safety_check(rules: GuidelineRules, evidence: Evidence) -> _Check:
    if SAFETY not in rules.rules:
        return _Check()
    safety_items = (i for i in rules.items if i.safety_critical)
    return _item_check(evidence, safety_items,
                       lambda i: Reason("safety_item_not_satisfactory", (("item", i.code),)))


def _critical_check(rules: GuidelineRules, evidence: Evidence, unit: UnitSpec) -> _Check:
    found = rules.critical_items[unit.code]
    if CRITICAL not in rules.rules or not found:
        return _Check()
    refs = {item.code: criteria for item, criteria in found}

    def reason(item: ItemSpec) -> Reason:
        params = (("item", item.code), ("criterion", refs[item.code]))
        return Reason("critical_item_not_satisfactory", params, unit.code)
    return _item_check(evidence, (item for item, _criteria in found), reason)


def _evidenced_check(rules: GuidelineRules, evidence: Evidence, unit: UnitSpec) -> _Check:
    if EVIDENCED not in rules.rules:
        return _Check()
    reasons: list[Reason] = []
    missing: set[str] = set()
    for criterion in unit.criteria:
        items = rules.items_by_criterion.get(criterion.ref, ())
        if not any(_status(evidence, code) is True for code in items):
            reasons.append(Reason("criterion_not_evidenced", (("criterion", criterion.ref),), unit.code))
            missing.update(code for code in items if _status(evidence, code) is None)
    return _Check(tuple(reasons), frozenset(missing))


def _points(rules: GuidelineRules, evidence: Evidence) -> tuple[float, int] | None:
    """(points given, clamped to 0..max, NaN as 0; total max points), or None without scoring."""
    if rules.scoring is None:
        return None
    given = 0.0
    for code, most in rules.scoring.max_points.items():
        points = float(evidence.practical_points.get(code, 0))
        given += 0.0 if math.isnan(points) else min(max(points, 0.0), float(most))
    return given, sum(rules.scoring.max_points.values())


def _score_check(rules: GuidelineRules, evidence: Evidence) -> _Check:
    points = _points(rules, evidence)
    if SCORE not in rules.rules or points is None or rules.scoring is None:
        return _Check()
    given, total = points
    if given * 100 >= rules.scoring.pass_mark * total:
        return _Check()
    params = (("score", given * 100 / total), ("pass_mark", rules.scoring.pass_mark))
    missing = tuple(Reason("points_not_recorded", (("criterion", code),))
                    for code in rules.scoring.max_points if code not in evidence.practical_points)
    return _Check((Reason("practical_below_pass_mark", params), *missing))


def _not_recorded(rules: GuidelineRules, checks: Iterable[_Check]) -> tuple[Reason, ...]:
    missing = frozenset().union(*(c.unrecorded for c in checks))
    return tuple(Reason("item_not_recorded", (("item", i.code),)) for i in rules.items if i.code in missing)


def _packaging_reasons(rules: GuidelineRules, units: Mapping[str, bool]) -> list[Reason]:
    """Why the units achieved are not those the qualification needs (empty when they are)."""
    reasons = [Reason("core_unit_not_competent", (("unit", u.code),), u.code)
               for u in rules.units if u.is_core and not units[u.code]]
    electives = sum(1 for u in rules.units if not u.is_core and units[u.code])
    if electives < rules.electives_required:
        params = (("n", electives), ("required", rules.electives_required))
        reasons.append(Reason("too_few_electives", params))
    return reasons


def _ordered(rules: GuidelineRules, reasons: Iterable[Reason]) -> tuple[Reason, ...]:
    """Whole-test reasons first, then by unit, each unit's own summary before its details."""
    order = {u.code: n for n, u in enumerate(rules.units)}

    def key(reason: Reason) -> tuple[int, bool]:
        return order.get(reason.unit, -1), reason.code != "core_unit_not_competent"
    return tuple(sorted(reasons, key=key))


def _complete(rules: GuidelineRules, evidence: Evidence, gated: bool, excused: frozenset[str]) -> bool:
    if evidence.knowledge_percent is None:
        return False
    items = all(_status(evidence, i.code) is not None for i in rules.items if i.code not in excused)
    points = rules.scoring is None or all(c in evidence.practical_points for c in rules.scoring.max_points)
    return gated or (items and points)


def _credits(rules: GuidelineRules, evidence: Evidence, per_unit: Mapping) -> dict[str, Credit]:
    """RPL credit (crediting.py) for each unit the rules name that the checklist alone fails."""
    units = {u.code: u for u in rules.units}
    return {spec.unit: credit_unit(spec, units[spec.unit].elements, evidence.portfolio,
                                   lambda code: _status(evidence, code))
            for spec in rules.credits if spec.unit in units and any(c.failed for c in per_unit[spec.unit])}


def _excused(rules: GuidelineRules, credited: Mapping) -> frozenset[str]:
    """Items the shorter RPL demonstration leaves out: not safety-critical, and evidencing
    credited units only."""
    return frozenset(i.code for i in rules.items if not i.safety_critical
                     and all(ref.split("/")[0] in credited for ref in i.criteria))


def decide(rules: GuidelineRules, evidence: Evidence) -> Decision:
    """The competency decision the guideline's rules give for this evidence."""
    knowledge = _knowledge_check(rules, evidence)
    gated = knowledge.failed and rules.knowledge_gates_practical
    safety = _Check() if gated else _safety_check(rules, evidence)
    score = _Check() if gated else _score_check(rules, evidence)
    per_unit = {u.code: () if gated else (_critical_check(rules, evidence, u),
                                          _evidenced_check(rules, evidence, u)) for u in rules.units}
    removed_by = "knowledge" if knowledge.failed else "safety" if safety.failed and rules.safety_scope == "test" else None
    all_removed = removed_by is not None
    safety_units = {} if all_removed or not safety.failed else _units_of_failed_safety_items(rules, evidence)
    credits = {} if all_removed or safety.failed else _credits(rules, evidence, per_unit)
    credited = {code: credit.items for code, credit in credits.items() if credit.items}
    per_unit = {code: () if code in credited else checks for code, checks in per_unit.items()}
    units = {code: not all_removed and code not in safety_units and not any(c.failed for c in checks)
             for code, checks in per_unit.items()}
    packaging = [] if all_removed else _packaging_reasons(rules, units)
    checks = [check for unit_checks in per_unit.values() for check in unit_checks]
    reasons = [*knowledge.reasons, *([Reason("practical_not_counted")] if gated else []), *safety.reasons,
               *_not_recorded(rules, [safety, *checks]), *score.reasons,
               *(r for c in checks for r in c.reasons), *(r for c in credits.values() for r in c.reasons),
               *packaging]
    points = _points(rules, evidence)
    excused = _excused(rules, credited)
    recorded = {i.code for i in rules.items if _status(evidence, i.code) is not None}
    return Decision(
        competent=not (all_removed or safety.failed or score.failed or packaging),
        units=_frozen(units),
        achieved_units=tuple(code for code, ok in units.items() if ok),
        reasons=_ordered(rules, reasons),
        complete=_complete(rules, evidence, gated, excused),
        recorded_items=len(recorded),
        total_items=sum(1 for i in rules.items if i.code not in excused or i.code in recorded),
        knowledge_percent=evidence.knowledge_percent,
        practical_percent=None if points is None else points[0] * 100 / points[1],
        credited=_frozen(credited),
        units_removed_by=removed_by,
        safety_units=_frozen(safety_units),
    )


def _units_of_failed_safety_items(rules: GuidelineRules, evidence: Evidence) -> dict[str, tuple[str, ...]]:
    """Under `scope: units`: each unit evidenced by a safety-critical item not satisfactory (or not
    recorded), with those items."""
    found: dict[str, list[str]] = {}
    for item in rules.items:
        if item.safety_critical and _status(evidence, item.code) is not True:
            for unit in dict.fromkeys(ref.split("/")[0] for ref in item.criteria):
                found.setdefault(unit, []).append(item.code)
    return {unit: tuple(codes) for unit, codes in found.items()}


def validate_evidence(rules: GuidelineRules, evidence: Evidence) -> list[Reason]:
    """Problems with the evidence itself, to show the assessor before any decision is made."""
    problems: list[Reason] = []
    score = evidence.knowledge_percent
    if score is not None and not 0 <= score <= 100:
        problems.append(Reason("knowledge_out_of_range", (("score", score),)))
    known = {i.code for i in rules.items}
    problems += [Reason("unknown_item", (("item", code),)) for code in sorted(set(evidence.items) - known)]
    maxima = rules.scoring.max_points if rules.scoring else {}
    for code in sorted(evidence.practical_points):
        points = evidence.practical_points[code]
        if code not in maxima:
            problems.append(Reason("unknown_scoring_criterion", (("criterion", code),)))
        elif not 0 <= points <= maxima[code]:
            params = (("points", points), ("criterion", code), ("max_points", maxima[code]))
            problems.append(Reason("points_out_of_range", params))
    return problems
