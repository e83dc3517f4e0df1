"""Running a service from a page: the one shape every form post takes.

A view loads its object, checks access and validates its form, then hands the service call to
`attempt`. A refusal rolls the session back and is shown where the user will read it: a
`ValidationFailed`'s reasons on their fields and any other refusal on the form, or as flash
messages when there is no form to show again. Success commits, once, and returns the service's
result. `act` adds the usual ending of a post: flash what was done and redirect.

    if form.validate_on_submit():
        done = act(lambda: centres.create_centre(db.session, ..., actor=current_user), form=form,
                   success=_("The testing centre was created."), to=url_for("admin.centres"))
        if done:
            return done
    return render_template(...)   # with the refusal on the form
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import flash, redirect
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from skills_cert.errors import InvalidState, NotAllowed, ServiceError, ValidationFailed
from skills_cert.extensions import db
from skills_cert.web.forms import apply_errors

T = TypeVar("T")

# What a service refuses with; anything else is a bug and reaches the error page.
REFUSALS: tuple[type[ServiceError], ...] = (ValidationFailed, NotAllowed, InvalidState)


@dataclass(frozen=True)
class Done(Generic[T]):
    """The service ran and the request's work is committed; `value` is what it returned."""

    value: T


def refusal_messages(exc: Exception) -> list[str]:
    """A refusal as the messages to show."""
    return exc.messages if isinstance(exc, ValidationFailed) else [str(exc)]


def show_refusal(exc: Exception, form: FlaskForm | None = None, *, flash_too: bool = False) -> None:
    """Show a refusal on *form* (reasons on their fields, the rest on the form), or flash it.
    *flash_too* flashes a refusal that is not about a field as well, for a form the page may no
    longer show (a certificate revoked meanwhile loses its revoke and reissue forms)."""
    if form is None:
        for message in refusal_messages(exc):
            flash(message, "error")
    elif isinstance(exc, ValidationFailed):
        apply_errors(form, exc)
    else:
        form.form_errors.append(str(exc))
        if flash_too:
            flash(str(exc), "error")


def attempt(action: Callable[[], T], *, form: FlaskForm | None = None,
            refusals: tuple[type[Exception], ...] = REFUSALS, flash_too: bool = False) -> Done[T] | None:
    """Run *action* (service calls, which flush). On one of *refusals*: roll back, show it, and
    return None. Otherwise commit and return `Done` with the action's result."""
    try:
        value = action()
    except refusals as exc:
        db.session.rollback()
        show_refusal(exc, form, flash_too=flash_too)
        return None
    db.session.commit()
    return Done(value)


def flash_with_link(message: str, link: str, label: str, category: str = "success") -> None:
    """A flash message that leads on: *label* links to *link*, after the text."""
    flash({"text": message, "link": link, "label": label}, category)


def act(action: Callable[[], T], *, success: str | Callable[[T], str], to: str | Callable[[T], str],
        form: FlaskForm | None = None, refusals: tuple[type[Exception], ...] = REFUSALS,
        flash_too: bool = False) -> Response | None:
    """`attempt`, then on success flash *success* and redirect to *to*; each is a value or a
    function of the action's result. None when refused: the view shows its page again."""
    done = attempt(action, form=form, refusals=refusals, flash_too=flash_too)
    if done is None:
        return None
    flash(success(done.value) if callable(success) else success, "success")
    return redirect(to(done.value) if callable(to) else to)
