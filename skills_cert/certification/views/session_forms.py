"""The form that approves a whole test session: the results the officer saw, as "id.version"."""

from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import Length


class SessionApproveForm(FlaskForm):
    seen = HiddenField(validators=[Length(max=100_000)])
