"""Translated labels for the parts of a guideline shown to people."""

from flask_babel import lazy_gettext as _l

RULE_LABELS = {
    "knowledge_pass": _l("Knowledge test at or above the pass mark"),
    "safety_items_satisfactory": _l("Every safety-critical checklist item satisfactory"),
    "critical_criteria_satisfactory": _l("Every checklist item for a critical aspect satisfactory"),
    "all_criteria_evidenced": _l("Every performance criterion evidenced by a satisfactory item"),
    "practical_score": _l("Practical score at or above the pass mark"),
}
COUNTRY_NAMES = {
    "LA": _l("Lao PDR"),
    "TH": _l("Thailand"),
    "KH": _l("Cambodia"),
    "MM": _l("Myanmar"),
    "VN": _l("Viet Nam"),
}
SECTOR_NAMES = {
    "construction": _l("Construction"),
    "electrical": _l("Electrical"),
}


def country_name(code: str) -> str:
    return str(COUNTRY_NAMES.get(code, code))


def sector_name(code: str) -> str:
    return str(SECTOR_NAMES.get(code, code))
