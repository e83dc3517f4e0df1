from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    FormField,
    IntegerField,
    RadioField,
    SearchField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from skills_cert.provinces import PROVINCES
from skills_cert.web.forms import Text3Form, VisibleText

NATIONALITY_CHOICES = [
    SelectChoice("LA", _l("Lao national")), SelectChoice("TH", _l("Thai national")), SelectChoice("KH", _l("Cambodian")),
    SelectChoice("MM", _l("Myanmar")), SelectChoice("VN", _l("Vietnamese")), SelectChoice("CN", _l("Chinese")),
]


def nationality_label(code: str) -> str:
    """The nationality as a reader says it ("Lao national"), the code if it is not offered."""
    return next((str(choice.label) for choice in NATIONALITY_CHOICES if choice.value == code), code)


ID_TYPE_CHOICES = [SelectChoice("national_id", _l("National ID card")),
                   SelectChoice("passport", _l("Passport"))]


class CandidateForm(FlaskForm):
    name_lao = StringField(_l("Name in Lao script"), validators=[
        DataRequired(message=_l("Enter the name in Lao script.")), Length(max=120)],
        render_kw={"lang": "lo", "autocomplete": "off"})
    name_latin = StringField(_l("Romanised name"), validators=[Length(max=120)],
                             render_kw={"autocomplete": "off"})
    name_thai = StringField(_l("Name in Thai script"), validators=[Length(max=120)],
                            render_kw={"lang": "th", "autocomplete": "off"})
    sex = RadioField(_l("Sex"), choices=[SelectChoice("female", _l("Female")),
                                         SelectChoice("male", _l("Male"))],
                     validators=[InputRequired(message=_l("Choose the sex."))])
    date_of_birth = DateField(_l("Date of birth"), validators=[
        InputRequired(message=_l("Enter the date of birth."))])
    nationality = SelectField(_l("Nationality"), choices=NATIONALITY_CHOICES, default="LA")
    id_type = SelectField(_l("Identity document"), choices=ID_TYPE_CHOICES)
    id_number = StringField(_l("Document number"), validators=[
        DataRequired(message=_l("Enter the document number.")), Length(max=32)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters"})
    phone = StringField(_l("Phone (optional)"), validators=[Optional(), Length(max=24)],
                        render_kw={"type": "tel", "autocomplete": "off"})
    photo = FileField(_l("Photo (optional)"), render_kw={"accept": "image/jpeg,image/png,image/webp"})
    pathway = RadioField(_l("Pathway"), choices=[
        SelectChoice("regular", _l("Regular test")),
        SelectChoice("rpl", _l("Recognition of prior learning (RPL)"))],
        default="regular", validators=[InputRequired(message=_l("Choose the pathway."))])
    rpl_work_history = TextAreaField(_l("Work history (RPL)"),
                                     validators=[Length(max=4000), VisibleText(multiline=True)],
                                     render_kw={"rows": 3})
    rpl_portfolio = TextAreaField(_l("Portfolio of evidence (RPL)"),
                                  validators=[Length(max=4000), VisibleText(multiline=True)],
                                  render_kw={"rows": 3})
    confirm_similar = BooleanField(_l("This is a different person; register anyway"))


class CandidateThaiNameForm(FlaskForm):
    """Add or correct a registered candidate's name in Thai script."""

    name_thai = StringField(_l("Name in Thai script"), validators=[Length(max=120)],
                            render_kw={"lang": "th", "autocomplete": "off"})


class CandidateSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField(_l("Search by name or document number"), validators=[Optional(), Length(max=100)])


class SessionForm(FlaskForm):
    centre = SelectField(_l("Testing centre"), coerce=int)
    standard = SelectField(_l("Standard"), coerce=int)
    test_date = DateField(_l("Test date"), validators=[InputRequired(message=_l("Enter the test date."))])
    assessors = SelectMultipleField(_l("Assessors"), coerce=int, validators=[
        DataRequired(message=_l("Assign at least one assessor."))])


class EnrolForm(FlaskForm):
    candidate = IntegerField(_l("Candidate"), validators=[InputRequired()])


class SessionEnrolForm(FlaskForm):
    """Enrol from the candidate's page: the choices are the sessions the user may enrol into."""

    session = SelectField(_l("Test session"), coerce=int,
                          validators=[InputRequired(message=_l("Choose a test session."))])


class ImportForm(FlaskForm):
    file = FileField(_l("Results file (CSV, UTF-8)"), validators=[
        FileRequired(message=_l("Choose the CSV file to import."))],
        render_kw={"accept": ".csv,text/csv"})
    good_only = BooleanField(_l("If some rows are bad, import the good rows anyway"))


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
