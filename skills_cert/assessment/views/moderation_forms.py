"""The moderation review form. Its per-item verdicts (`agree-<item code>`, `note-<item code>`) are
generated from the checklist and read by `views/moderation.py: parse_review`, as the recording
page reads its items."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length
from wtforms.widgets import HiddenInput

from skills_cert.web.forms import VisibleText


class ModerationReviewForm(FlaskForm):
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    note = TextAreaField(_l("Note on the whole result (optional)"),
                         validators=[Length(max=1000), VisibleText(multiline=True)], render_kw={"rows": 3})
