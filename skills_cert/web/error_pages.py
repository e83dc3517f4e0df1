"""Error pages in the user's language; JSON for API clients. No stack trace reaches a user."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from skills_cert.extensions import db

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please go back and try again.")),
    403: (_l("Not allowed"), _l("Your account does not have permission to open this page.")),
    404: (_l("Page not found"), _l("There is no page at this address. Check the link and try again.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    413: (_l("Too large"), _l("What you sent is larger than the system accepts. Send a smaller file.")),
    409: (_l("Changed by someone else"), _l("Someone else changed this record at the same moment. Nothing of "
                                            "yours was saved. Reload the page to see the change, then try again.")),
    415: (_l("Unsupported format"), _l("The request is not in a format this address accepts.")),
    429: (_l("Too many requests"), _l("Too many attempts in a short time. Please wait a minute and try again.")),
    500: (_l("Something went wrong"), _l("The system could not complete your request. Nothing was saved. Please try again later.")),
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def render_error(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500] if code >= 500 else MESSAGES[400])
    if wants_json():
        return {"error": {"code": code, "title": str(title), "message": detail or str(message)}}, code
    return render_template("errors/error.html", code=code, title=title, message=detail or message), code


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return render_error(
            400, str(_l("The form expired or was sent from another page. Reload the page and try again."))
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code is None or exc.code < 400:
            return exc
        return render_error(exc.code)

    @app.errorhandler(StaleDataError)
    def lost_race(exc: StaleDataError):
        """Two people changed the same versioned row at once; the later one is told so."""
        db.session.rollback()
        return render_error(409)

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return render_error(500)
