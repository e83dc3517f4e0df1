"""Helpers shared by the forms of every area."""

from __future__ import annotations

from flask_wtf import FlaskForm

from skills_cert.services.errors import ValidationFailed


def apply_errors(form: FlaskForm, exc: ValidationFailed) -> None:
    """Copy a service's validation reasons onto the form's fields (or the form itself)."""
    for field_name, messages in exc.reasons.items():
        field = getattr(form, field_name, None) if field_name else None
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + list(messages)
        else:
            form.form_errors.extend(messages)
