from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    Form,
    FormField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from skills_cert.i18n import LANGUAGE_TITLES
from skills_cert.recognition.models import RELATION_LABELS, Relation
from skills_cert.web.forms import VisibleText
from skills_cert.web.forms import strip_filter as _strip
from skills_cert.web.forms import text3

CODE_RE = Regexp(r"^[A-Z0-9][A-Z0-9-]{0,39}$", message=_l("Use capital letters, digits and dashes, e.g. MRS-LA-TH-CON."))
REF_RE = Regexp(r"^([A-Z0-9-]+/[0-9]+(\.[0-9]+)?[\s,]*)*$",
                message=_l("Write element and criterion references as UNIT-CODE/1 or UNIT-CODE/1.2, separated by spaces."))


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AgreementForm(FlaskForm):
    code = StringField(_l("Code"), filters=[_strip], validators=[
        DataRequired(message=_l("Enter a code.")), CODE_RE])
    origin_country = SelectField(_l("Origin country"), validators=[InputRequired()])
    destination_country = SelectField(_l("Destination country"), validators=[InputRequired()])
    sector = SelectField(_l("Sector"), validators=[InputRequired()])
    title = text3(_l("Title"))
    reference = StringField(_l("Reference"), filters=[_strip], validators=[
        DataRequired(message=_l("Enter the agreement's reference.")), Length(max=200), VisibleText()])
    signed_on = DateField(_l("Signed on"), validators=[Optional()])
    effective_from = DateField(_l("In force from"), validators=[
        InputRequired(message=_l("Enter the date from which the agreement applies (YYYY-MM-DD)."))])
    effective_until = DateField(_l("In force until (optional)"), validators=[Optional()])


class StatusForm(FlaskForm):
    status = SelectField(_l("New status"), validators=[InputRequired()])
    effective_on = DateField(_l("With effect from"), validators=[
        InputRequired(message=_l("Enter the date the change takes effect (YYYY-MM-DD)."))])
    reason = StringField(_l("Reason"), filters=[_strip], validators=[Length(max=500), VisibleText()])


class MappingAddForm(FlaskForm):
    origin = SelectField(_l("Origin standard"), coerce=int, validators=[InputRequired()])
    destination = SelectField(_l("Destination standard"), coerce=int, validators=[InputRequired()])


def _optional_text(locale: str) -> TextAreaField:
    return TextAreaField(LANGUAGE_TITLES[locale], filters=[_strip],
                         validators=[Optional(), Length(max=2000, message=_l("Use at most %(max)d characters.")),
                                     VisibleText(multiline=True)],
                         render_kw={"lang": locale, "rows": 2})


class OptionalText3Form(Form):
    """Lao, Thai and English: all three or none (the service checks which is needed)."""

    lo = _optional_text("lo")
    th = _optional_text("th")
    en = _optional_text("en")

    def value(self) -> dict[str, str] | None:
        data = {lang: (getattr(self, lang).data or "").strip() for lang in ("lo", "th", "en")}
        return data if any(data.values()) else None


class UnitMappingForm(FlaskForm):
    entry_id = HiddenField()
    origin_units = CheckboxesField(_l("Origin unit(s), achieved together"))
    destination_units = CheckboxesField(_l("Destination unit(s)"))
    relation = SelectField(_l("Relation"), choices=[SelectChoice(r.value, RELATION_LABELS[r]) for r in Relation],
                           validators=[InputRequired()])
    justification = text3(_l("Justification: what was compared and why the outcome is the same or differs"))
    gap = FormField(OptionalText3Form, label=_l("Gap (for a partial mapping)"))
    compared = TextAreaField(_l("Elements and criteria compared"), filters=[_strip],
                             validators=[Optional(), Length(max=2000), VisibleText(multiline=True), REF_RE],
                             render_kw={"rows": 2})
    compared_by = StringField(_l("Compared by"), filters=[_strip], validators=[Length(max=300), VisibleText()])
