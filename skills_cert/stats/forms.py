"""The dashboard's filters: a GET form, so that a filtered view is a link that can be shared."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import Optional

from skills_cert.services.statistics import Filters


class StatisticsFilterForm(FlaskForm):
    class Meta:
        csrf = False

    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
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
