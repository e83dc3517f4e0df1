"""The appeal forms, and reading the corrected marks of an overturn."""

from __future__ import annotations

import math

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length
from wtforms.widgets import HiddenInput

from skills_cert.appeals.deciding import Evidence
from skills_cert.appeals.lodging import MAX_GROUNDS
from skills_cert.appeals.models import AppealStatus
from skills_cert.web.forms import VisibleText, strip_filter

RULING_CHOICES = [
    SelectChoice(AppealStatus.UPHELD.value, _l("Uphold the decision: it stands")),
    SelectChoice(AppealStatus.OVERTURNED.value, _l("Overturn the decision: correct the marks below")),
    SelectChoice(AppealStatus.REASSESSMENT.value, _l("Order a reassessment")),
]


def _text(label, message):
    return TextAreaField(label, filters=[strip_filter], render_kw={"rows": 4}, validators=[
        DataRequired(message=message), Length(max=MAX_GROUNDS, message=_l("Use at most %(max)d characters.")),
        VisibleText(multiline=True)])


class Versioned(FlaskForm):
    version = IntegerField(widget=HiddenInput(), validators=[
        InputRequired(message=_l("The form is incomplete. Reload the page and try again."))])


class AppealLodgeForm(FlaskForm):
    grounds = _text(_l("Grounds of the appeal, in the candidate's words"),
                    _l("Write the grounds of the appeal."))


class AppealAssignForm(Versioned):
    members = SelectMultipleField(_l("Assessor, or panel of up to three"), coerce=int,
                                  render_kw={"size": 5})


class AppealDecideForm(Versioned):
    ruling = RadioField(_l("Decision"), choices=RULING_CHOICES,
                        validators=[InputRequired(message=_l("Choose a decision."))])
    reasons = _text(_l("Reasons for the decision"), _l("Write the reasons for the decision."))


class AppealConcurForm(Versioned):
    answer = RadioField(_l("Your answer"), choices=[SelectChoice("agree", _l("I agree with the proposed decision")),
                                                    SelectChoice("disagree", _l("I disagree"))],
                        validators=[InputRequired(message=_l("Say whether you agree."))])
    note = TextAreaField(_l("Why you disagree"), filters=[strip_filter], render_kw={"rows": 3},
                         validators=[Length(max=MAX_GROUNDS), VisibleText(multiline=True)])


class AppealReassessForm(Versioned):
    session = SelectField(_l("Test session for the reassessment"), coerce=int)


ITEM_VALUES = {"s": True, "n": False}


def _number(raw: str, errors: list[str], message: str) -> float | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        errors.append(message)
        return None
    return value


def parse_evidence(form, items, scoring) -> tuple[Evidence | None, list[str]]:
    """The corrected marks and scores posted with an overturn; or the problems found."""
    errors: list[str] = []
    values = {}
    for item in items:
        raw = form.get(f"item-{item.code}", "")
        if raw not in ITEM_VALUES:
            errors.append(_("Item %(code)s: choose satisfactory or not yet satisfactory.", code=item.code))
        else:
            values[item.code] = ITEM_VALUES[raw]
    knowledge = _number(form.get("knowledge", ""), errors,
                        _("Enter the knowledge score as a number from 0 to 100."))
    points = {}
    for criterion in (scoring or {}).get("criteria", []):
        value = _number(form.get(f"points-{criterion['code']}", ""), errors,
                        _("Enter the points for %(code)s as a number.", code=criterion["code"]))
        if value is not None:
            points[criterion["code"]] = value
    if errors:
        return None, errors
    return Evidence(items=values, knowledge_percent=knowledge, practical_points=points), []
