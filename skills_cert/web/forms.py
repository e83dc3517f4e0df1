"""Helpers shared by the forms of every area."""

from __future__ import annotations

from flask import flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form, FormField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from skills_cert import visible_text
from skills_cert.errors import ValidationFailed
from skills_cert.i18n import LANGUAGE_TITLES


def apply_errors(form: FlaskForm, exc: ValidationFailed) -> None:
    """Copy a service's validation reasons onto the form's fields (or the form itself)."""
    for field_name, messages in exc.reasons.items():
        field = getattr(form, field_name, None) if field_name else None
        if field is not None and not isinstance(field, FormField) and hasattr(field, "errors"):
            field.errors = list(field.errors) + list(messages)
        else:  # the form, or a group of fields (a FormField's errors are its subfields')
            form.form_errors.extend(messages)


class ConfirmForm(FlaskForm):
    """An empty form: only its CSRF token matters, for POST-only buttons."""


def flash_form_errors(form: FlaskForm) -> None:
    """Show a form's errors as flash messages, for forms posted from another page."""

    def walk(errors):
        if isinstance(errors, dict):
            for value in errors.values():
                yield from walk(value)
        elif isinstance(errors, (list, tuple)):
            for value in errors:
                yield from walk(value)
        elif errors:
            yield str(errors)

    for message in dict.fromkeys(walk(form.errors)):
        flash(message, "error")


def strip_filter(value):
    return value.strip() if isinstance(value, str) else value


class VisibleText:
    """Refuses invisible and direction-changing characters (see visible_text.py), naming them.
    Multi-line text (a TextAreaField) may hold line breaks and tabs; a name is checked strictly."""

    def __init__(self, *, multiline: bool = False, name: bool = False):
        self.multiline, self.name = multiline, name

    def __call__(self, form, field) -> None:
        if isinstance(field.data, str):
            message = visible_text.problem(field.data, multiline=self.multiline, name=self.name)
            if message:
                raise ValidationError(message)


def _text_field(locale: str) -> TextAreaField:
    return TextAreaField(
        LANGUAGE_TITLES[locale],
        filters=[strip_filter],
        validators=[DataRequired(message=_l("Enter the text in every language.")),
                    Length(max=2000, message=_l("Use at most %(max)d characters.")),
                    VisibleText(multiline=True)],
        render_kw={"lang": locale, "rows": 2},
    )


class Text3Form(Form):
    """The same text in Lao, Thai and English; all three are required."""

    lo = _text_field("lo")
    th = _text_field("th")
    en = _text_field("en")


def text3(label) -> FormField:
    return FormField(Text3Form, label=label)
