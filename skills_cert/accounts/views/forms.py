from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from skills_cert.roles import ROLE_LABELS
from skills_cert.web.forms import VisibleText


class LoginForm(FlaskForm):
    username = StringField(
        _l("Username"),
        validators=[DataRequired(message=_l("Enter your username.")), Length(max=64)],
        render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=_l("Enter your password.")), Length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField(_l("Log in"))


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Enter your current password."))],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(message=_l("Enter a new password.")), Length(max=256)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            DataRequired(message=_l("Repeat the new password.")),
            EqualTo("new_password", message=_l("The two new passwords do not match.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Change password"))


class TwoFactorForm(FlaskForm):
    code = StringField(
        _l("Code from your authenticator app"),
        validators=[DataRequired(message=_l("Enter the 6-digit code.")), Length(max=16)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric",
                   "autocapitalize": "none", "spellcheck": "false"},
    )
    submit = SubmitField(_l("Continue"))


class TwoFactorConfirmForm(TwoFactorForm):
    submit = SubmitField(_l("Turn on two-factor authentication"))


class TwoFactorResetForm(FlaskForm):
    submit = SubmitField(_l("Reset two-factor authentication"))


class UserCreateForm(FlaskForm):
    username = StringField(
        _l("Username"),
        validators=[DataRequired(message=_l("Enter a username.")), Length(max=64)],
        render_kw={"autocapitalize": "none", "spellcheck": "false"},
    )
    full_name = StringField(
        _l("Full name"),
        validators=[DataRequired(message=_l("Enter the full name.")), Length(max=200), VisibleText(name=True)]
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
