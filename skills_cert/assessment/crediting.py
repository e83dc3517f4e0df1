"""RPL credit: a unit of competency credited from accepted portfolio evidence and a shorter
practical demonstration, by the guideline's `rpl:` rules. Pure, like the rule engine that calls it.

A unit named in the rules is credited when the full checklist does not already make it competent
and all of these hold:
- at least `min_evidence` accepted portfolio items support the unit (linked to it or to one of
  its elements);
- with `all_elements`, every element has an accepted item linked to that element itself;
- every `demonstration` item is recorded satisfactory.
The unit's other checklist items are then not needed, unless they also evidence a unit that is
not credited, or are safety-critical (safety applies to the whole test). A unit with no accepted
item at all gets no credit reason: the candidate did not claim it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from skills_cert.assessment.reasons import Reason


@dataclass(frozen=True)
class CreditSpec:
    unit: str
    min_evidence: int
    all_elements: bool
    demonstration: tuple[str, ...]


def credit_specs(guideline: dict) -> tuple[CreditSpec, ...]:
    """The RPL rules of a validated guideline document (none without an `rpl:` section)."""
    rpl = guideline.get("rpl") or {}
    return tuple(CreditSpec(c["unit"], c["min_evidence"], c["all_elements"], tuple(c["demonstration"]))
                 for c in rpl.get("credit", ()))


@dataclass(frozen=True)
class Credit:
    """The outcome for one unit: the accepted items it was credited on (empty: not credited),
    and why not."""

    items: tuple[int, ...] = ()
    reasons: tuple[Reason, ...] = ()


def credit_unit(spec: CreditSpec, elements: tuple[int, ...], portfolio: Mapping[str, tuple[int, ...]],
                status: Callable[[str], bool | None]) -> Credit:
    """Whether unit *spec.unit* (with element numbers *elements*) is credited, given the accepted
    portfolio item numbers per target ("UNIT" or "UNIT/element") and each item's recorded status."""
    unit = spec.unit
    by_element = {n: set(portfolio.get(f"{unit}/{n}", ())) for n in elements}
    supporting = set(portfolio.get(unit, ())).union(*by_element.values())
    if not supporting:
        return Credit()
    reasons = []
    if len(supporting) < spec.min_evidence:
        reasons.append(Reason("credit_too_few_items", (("unit", unit), ("n", len(supporting)),
                                                       ("required", spec.min_evidence)), unit))
    if spec.all_elements:
        reasons += [Reason("credit_element_unsupported", (("unit", unit), ("element", n)), unit)
                    for n in elements if not by_element[n]]
    reasons += [Reason("demonstration_item_not_satisfactory", (("unit", unit), ("item", code)), unit)
                for code in spec.demonstration if status(code) is False]
    shown = all(status(code) is True for code in spec.demonstration)
    if reasons or not shown:
        return Credit((), tuple(reasons))
    numbers = tuple(sorted(supporting))
    return Credit(numbers, (Reason("unit_credited", (("unit", unit), ("items", numbers)), unit),))
