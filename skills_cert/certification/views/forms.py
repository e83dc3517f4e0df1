from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    SearchField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from skills_cert.certification.models import AUTOMATIC_REVOCATION_REASONS, REVOCATION_REASONS
from skills_cert.web.forms import VisibleText


class LookupForm(FlaskForm):
    number = StringField(_l("Certificate number"), validators=[
        DataRequired(message=_l("Enter the certificate number.")), Length(max=24)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "placeholder": "LA-2026-000123"})
    date_of_birth = DateField(_l("Date of birth"), validators=[
        InputRequired(message=_l("Enter the date of birth."))])


class CertificateSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField(_l("Number or name"), validators=[Optional(), Length(max=100)])


class RevokeForm(FlaskForm):
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    reason = SelectField(_l("Reason"), choices=[
        SelectChoice(k, v) for k, v in REVOCATION_REASONS.items() if k not in AUTOMATIC_REVOCATION_REASONS])
    note = TextAreaField(_l("Note (optional)"), validators=[Length(max=500), VisibleText(multiline=True)],
                         render_kw={"rows": 2})
    confirm = StringField(_l("Type the certificate number to confirm"), validators=[
        DataRequired(message=_l("Type the certificate number to confirm."))])


class ReissueForm(FlaskForm):
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    name_lao = StringField(_l("Name in Lao script"), validators=[DataRequired(), Length(max=120)],
                           render_kw={"lang": "lo"})
    name_latin = StringField(_l("Romanised name"), validators=[DataRequired(), Length(max=120)])
    name_thai = StringField(_l("Name in Thai script"), validators=[Length(max=120)],
                            render_kw={"lang": "th"})


class DecisionForm(FlaskForm):
    """Approve or return; carries the version the officer looked at."""

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    reason = TextAreaField(_l("What must be corrected"), validators=[Length(max=1000), VisibleText(multiline=True)],
                           render_kw={"rows": 3})
