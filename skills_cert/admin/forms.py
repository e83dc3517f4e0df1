from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    FormField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from skills_cert.forms import Text3Form
from skills_cert.models import ROLE_LABELS
from skills_cert.provinces import PROVINCES


class UserCreateForm(FlaskForm):
    username = StringField(
        _l("Username"),
        validators=[DataRequired(message=_l("Enter a username.")), Length(max=64)],
        render_kw={"autocapitalize": "none", "spellcheck": "false"},
    )
    full_name = StringField(
        _l("Full name"), validators=[DataRequired(message=_l("Enter the full name.")), Length(max=200)]
    )
    email = EmailField(_l("E-mail (optional)"), validators=[Optional(), Length(max=254)])
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()],
        validators=[DataRequired(message=_l("Choose a role."))],
    )
    password = PasswordField(
        _l("Initial password"),
        validators=[DataRequired(message=_l("Enter an initial password.")), Length(max=256)],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Create user"))


class CentreForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(message=_l("Enter a code.")), Length(max=20)],
                       render_kw={"autocapitalize": "characters"})
    name = FormField(Text3Form, label=_l("Name"))
    province = SelectField(_l("Province"), choices=[SelectChoice(code, code) for code in PROVINCES])
    submit = SubmitField(_l("Create testing centre"))


class AccreditationForm(FlaskForm):
    assessor = SelectField(_l("Assessor"), coerce=int)
    standard_code = SelectField(_l("Standard"))
    expires_on = DateField(_l("Valid until"), validators=[InputRequired(message=_l("Enter a date."))])
    submit = SubmitField(_l("Accredit"))
