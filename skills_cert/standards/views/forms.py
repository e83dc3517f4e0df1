from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SearchField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from skills_cert.web.forms import strip_filter as _strip
from skills_cert.web.forms import text3

UNIT_TYPES = [SelectChoice("core", _l("Core")), SelectChoice("elective", _l("Elective"))]
CODE_RE = Regexp(r"^[A-Z0-9][A-Z0-9-]{0,39}$",
                 message=_l("Use capital letters, digits and dashes, e.g. LA-CON-BRL-06."))


class StandardSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField(_l("Search"), filters=[_strip], validators=[Optional(), Length(max=100)])
    country = SelectField(_l("Country"), validators=[Optional()])
    sector = SelectField(_l("Sector"), validators=[Optional()])
    occupation = SelectField(_l("Occupation"), validators=[Optional()])
    level = SelectField(_l("Level"), validators=[Optional()])
    superseded = BooleanField(_l("Include superseded versions"))


class StandardOverviewForm(FlaskForm):
    title = text3(_l("Title"))
    occupation_title = text3(_l("Occupation"))
    isco = StringField(_l("ISCO-08 code"), filters=[_strip], validators=[
        DataRequired(message=_l("Enter the ISCO-08 code.")),
        Regexp(r"^[0-9]{4}$", message=_l("An ISCO-08 unit group code has 4 digits."))])
    sector = StringField(_l("Sector"), filters=[_strip], validators=[
        DataRequired(message=_l("Enter the sector.")),
        Regexp(r"^[a-z][a-z_-]{1,39}$", message=_l("Use lower-case letters, e.g. construction."))])
    level = IntegerField(_l("Level"), validators=[
        InputRequired(message=_l("Enter a whole number.")), NumberRange(1, 8)])
    nqf_level = IntegerField(_l("National framework level"), validators=[
        InputRequired(message=_l("Enter a whole number.")), NumberRange(1, 10)])
    aqrf_level = IntegerField(_l("AQRF level"), validators=[
        InputRequired(message=_l("Enter a whole number.")), NumberRange(1, 8)])
    certificate_validity_years = IntegerField(_l("Certificate validity (years)"), validators=[
        InputRequired(message=_l("Enter a whole number.")), NumberRange(1, 50)])
    electives = IntegerField(_l("Elective units required"), validators=[
        InputRequired(message=_l("Enter a whole number.")), NumberRange(0, 50)])
    effective_date = DateField(_l("Effective date"), validators=[
        InputRequired(message=_l("Enter a date."))])
    note = text3(_l("Note on the text"))


class CriterionForm(Form):
    text = text3(_l("Performance criterion"))
    critical = BooleanField(_l("Critical aspect"))


class ElementForm(Form):
    title = text3(_l("Element"))
    criteria = FieldList(FormField(CriterionForm))


class UnitEditForm(FlaskForm):
    type = SelectField(_l("Type"), choices=UNIT_TYPES)
    nominal_hours = IntegerField(_l("Nominal hours"), validators=[
        InputRequired(message=_l("Enter a whole number.")), NumberRange(0, 2000)])
    title = text3(_l("Title"))
    application = text3(_l("Application"))
    assessment_conditions = text3(_l("Assessment conditions"))
    elements = FieldList(FormField(ElementForm))


class UnitAddForm(FlaskForm):
    code = StringField(_l("Unit code"), filters=[_strip], validators=[
        DataRequired(message=_l("Enter a unit code.")), CODE_RE])
    type = SelectField(_l("Type"), choices=UNIT_TYPES)
    nominal_hours = IntegerField(_l("Nominal hours"), validators=[
        InputRequired(message=_l("Enter a whole number.")), NumberRange(0, 2000)])
    title = text3(_l("Title"))
    application = text3(_l("Application"))
    assessment_conditions = text3(_l("Assessment conditions"))
    knowledge = text3(_l("Knowledge evidence"))
    element_title = text3(_l("First element"))
    criterion_text = text3(_l("First performance criterion"))
    critical = BooleanField(_l("Critical aspect"))


class ElementAddForm(FlaskForm):
    title = text3(_l("Element"))
    criterion_text = text3(_l("First performance criterion"))
    critical = BooleanField(_l("Critical aspect"))


class CriterionAddForm(FlaskForm):
    element = IntegerField(_l("Element number"), validators=[
        InputRequired(message=_l("Enter a whole number.")), NumberRange(1, 99)])
    text = text3(_l("Performance criterion"))
    critical = BooleanField(_l("Critical aspect"))


class ItemForm(Form):
    text = text3(_l("Checklist item"))
    criteria = SelectMultipleField(_l("Criteria it evidences"), validate_choice=True, validators=[
        DataRequired(message=_l("Choose at least one performance criterion."))])
    safety_critical = BooleanField(_l("Safety-critical: a fail fails the test"))


class TaskEditForm(FlaskForm):
    title = text3(_l("Title"))
    description = text3(_l("Description"))
    time_allowed_minutes = IntegerField(_l("Time allowed (minutes)"), validators=[
        InputRequired(message=_l("Enter a whole number.")), NumberRange(1, 1440)])
    items = FieldList(FormField(ItemForm))


class ItemAddForm(FlaskForm):
    text = text3(_l("Checklist item"))
    criteria = SelectMultipleField(_l("Criteria it evidences"), validators=[
        DataRequired(message=_l("Choose at least one performance criterion."))])
    safety_critical = BooleanField(_l("Safety-critical: a fail fails the test"))
