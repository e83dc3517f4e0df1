"""The dashboard's filters: a GET form, so that a filtered view is a link that can be shared."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, SelectField
from wtforms.validators import Optional
from wtforms.widgets import MonthInput

from skills_cert.statistics.figures import Filters


class MonthField(Field):
    """A calendar month, YYYY-MM (a date YYYY-MM-DD, as older links carry, means its month).
    The data is the first day of the month."""

    widget = MonthInput()

    def _value(self) -> str:
        if self.data:
            return self.data.strftime("%Y-%m")
        return " ".join(self.raw_data) if self.raw_data else ""

    def process_formdata(self, valuelist: list[str]) -> None:
        text = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not text:
            return
        try:
            self.data = dt.date.fromisoformat(f"{text}-01" if len(text) == 7 else text).replace(day=1)
        except ValueError as exc:
            raise ValueError(_("Not a valid month: use the form YYYY-MM, e.g. 2026-01.")) from exc


class StatisticsFilterForm(FlaskForm):
    class Meta:
        csrf = False

    date_from = MonthField(_l("From month"), validators=[Optional()])
    date_to = MonthField(_l("To month"), validators=[Optional()])
    province = SelectField(_l("Province"), validators=[Optional()])
    centre = SelectField(_l("Testing centre"), validators=[Optional()])
    standard = SelectField(_l("Standard"), validators=[Optional()])
    level = SelectField(_l("Level"), validators=[Optional()])
    pathway = SelectField(_l("Pathway"), validators=[Optional()])
    sex = SelectField(_l("Sex"), validators=[Optional()])

    def set_choices(self, options: dict[str, list[tuple[str, str]]]) -> None:
        for name in ("province", "centre", "standard", "level", "pathway", "sex"):
            getattr(self, name).choices = [("", _l("All"))] + list(options[name])

    def filters(self) -> Filters:
        """The valid filters; a value that is not one of the choices is ignored."""
        def chosen(name: str) -> str | None:
            field = getattr(self, name)
            return field.data if field.data and field.data in dict(field.choices) else None

        centre, level = chosen("centre"), chosen("level")
        return Filters(date_from=self.date_from.data if not self.date_from.errors else None,
                       date_to=self.date_to.data if not self.date_to.errors else None,
                       province=chosen("province"), centre_id=int(centre) if centre else None,
                       standard_code=chosen("standard"), level=int(level) if level else None,
                       pathway=chosen("pathway"), sex=chosen("sex"))
