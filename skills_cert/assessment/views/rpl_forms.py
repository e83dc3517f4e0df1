"""Forms of the RPL pages: a portfolio item, an assessor's judgement of one, a file for one."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from skills_cert.assessment.rpl_models import EvidenceKind, Judgement
from skills_cert.web.forms import VisibleText, strip_filter

FILE_ACCEPT = "image/jpeg,image/png,image/webp,application/pdf,.pdf"


class TargetsField(SelectMultipleField):
    """Units and elements as check boxes; choices are set by the view from the standard version."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PortfolioItemForm(FlaskForm):
    kind = SelectField(_l("Kind of evidence"), choices=[SelectChoice(k.value, k.label) for k in EvidenceKind],
                       validators=[InputRequired(message=_l("Choose what kind of evidence this is."))])
    title = StringField(_l("What it is"), filters=[strip_filter], validators=[
        DataRequired(message=_l("Say what the evidence is, for example “Reference letter from the site "
                                "manager”.")), Length(max=200), VisibleText()])
    source = StringField(_l("From (employer, training provider)"), filters=[strip_filter],
                         validators=[Optional(), Length(max=200), VisibleText()])
    place = StringField(_l("Where (site, town, country)"), filters=[strip_filter],
                        validators=[Optional(), Length(max=200), VisibleText()])
    date_from = DateField(_l("From (date)"), validators=[Optional()])
    date_to = DateField(_l("Until (date)"), validators=[Optional()])
    description = TextAreaField(_l("Details"), filters=[strip_filter], render_kw={"rows": 3},
                                validators=[Optional(), Length(max=4000), VisibleText(multiline=True)])
    supports = TargetsField(_l("Units and elements it supports"))
    file = FileField(_l("File (optional): a photo (JPEG, PNG, WebP) or a PDF"), render_kw={"accept": FILE_ACCEPT})


class PortfolioJudgeForm(FlaskForm):
    judgement = RadioField(_l("Judgement"), choices=[SelectChoice(j.value, j.label) for j in Judgement],
                           validators=[InputRequired(message=_l("Choose a judgement."))])
    note = StringField(_l("Note (why, or what must be confirmed)"), filters=[strip_filter],
                       validators=[Optional(), Length(max=500), VisibleText()])
    supports = TargetsField(_l("Units and elements it supports"))


class EvidenceUploadForm(FlaskForm):
    file = FileField(_l("Add a file: a photo (JPEG, PNG, WebP) or a PDF"), render_kw={"accept": FILE_ACCEPT})
