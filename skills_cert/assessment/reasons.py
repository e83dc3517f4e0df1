"""The reasons a decision gives, as codes with parameters, and their translated sentences.

`decisions.py` (the rule engine) and `crediting.py` (RPL credit) give reasons; pages render them
with `Reason.message()`, at request time, in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import gettext as _


def _fmt(value: object) -> object:
    """55.0 -> 55, 62.5 -> "62.5", 66.666 -> "66.67"; other values unchanged."""
    if isinstance(value, float):
        return int(value) if value.is_integer() else format(round(value, 2), "g")
    return value


def _critical_message(p: dict) -> str:
    if ", " in str(p["criterion"]):
        return _("Critical item %(item)s (criteria %(criterion)s) is not satisfactory.", **p)
    return _("Critical item %(item)s (criterion %(criterion)s) is not satisfactory.", **p)


def _numbers(values) -> str:
    """[2, 5] -> "2 and 5" in the reader's language ("2 ແລະ 5")."""
    words = [str(v) for v in (values if isinstance(values, (list, tuple)) else [values])]
    try:
        return format_list(words, locale=str(get_locale() or "en"))
    except (ValueError, LookupError):
        return ", ".join(words)


def _credited_message(p: dict) -> str:
    items = p["items"] if isinstance(p["items"], (list, tuple)) else [p["items"]]
    if len(items) == 1:
        return _("Unit %(unit)s credited on portfolio evidence item %(items)s.", unit=p["unit"],
                 items=_numbers(items))
    return _("Unit %(unit)s credited on portfolio evidence items %(items)s.", unit=p["unit"],
             items=_numbers(items))


_MESSAGES: dict[str, Callable[[dict], str]] = {
    "knowledge_not_recorded": lambda p: _("Knowledge test score not recorded."),
    "knowledge_below_pass_mark":
        lambda p: _("Knowledge test %(score)s%% is below the pass mark of %(pass_mark)s%%.", **p),
    "practical_not_counted": lambda p: _("Knowledge test not passed, so the practical test does not count."),
    "safety_item_not_satisfactory": lambda p: _(
        "Safety-critical item %(item)s is not satisfactory: the test is failed whatever the score.", **p),
    "item_not_recorded": lambda p: _("Item %(item)s not recorded.", **p),
    "practical_below_pass_mark":
        lambda p: _("Practical score %(score)s%% is below the pass mark of %(pass_mark)s%%.", **p),
    "points_not_recorded": lambda p: _("Points for scoring criterion %(criterion)s not recorded.", **p),
    "too_few_electives": lambda p: _("%(n)d elective unit(s) achieved; %(required)d required.", **p),
    "core_unit_not_competent": lambda p: _("Core unit %(unit)s is not yet competent.", **p),
    "critical_item_not_satisfactory": _critical_message,
    "criterion_not_evidenced": lambda p: _("Criterion %(criterion)s has no satisfactory checklist item.", **p),
    "knowledge_out_of_range":
        lambda p: _("Knowledge test score %(score)s is not a percentage between 0 and 100.", **p),
    "unknown_item": lambda p: _("Item %(item)s is not in the checklist of this guideline.", **p),
    "unknown_scoring_criterion": lambda p: _("Scoring criterion %(criterion)s is not in this guideline.", **p),
    "points_out_of_range": lambda p: _(
        "%(points)s points for scoring criterion %(criterion)s is outside 0 to %(max_points)s.", **p),
    # Recognition of prior learning (crediting.py)
    "unit_credited": _credited_message,
    "credit_too_few_items": lambda p: _(
        "Unit %(unit)s is not credited: %(n)d accepted portfolio item(s) support it; %(required)d "
        "needed.", **p),
    "credit_element_unsupported": lambda p: _(
        "Unit %(unit)s is not credited: no accepted portfolio item supports element %(element)s.", **p),
    "demonstration_item_not_satisfactory": lambda p: _(
        "Unit %(unit)s is not credited: demonstration item %(item)s is not satisfactory.", **p),
}
REASON_CODES: tuple[str, ...] = tuple(_MESSAGES)
# Reasons about RPL credit: they explain a unit credited or not, and are not reasons for "not yet
# competent" (the statistics of those leave them out).
CREDIT_CODES = ("unit_credited", "credit_too_few_items", "credit_element_unsupported",
                "demonstration_item_not_satisfactory")


@dataclass(frozen=True)
class Reason:
    code: str
    params: tuple[tuple[str, object], ...] = ()
    unit: str | None = None

    def message(self) -> str:
        """The reason as a translated sentence (English outside a request)."""
        render = _MESSAGES.get(self.code)
        return render({k: _fmt(v) for k, v in self.params}) if render else self.code
