"""The home page, the language switch and the health check (`main.*`)."""

import sqlalchemy as sa
from flask import abort, jsonify, render_template, request, session
from flask_login import current_user

from skills_cert.extensions import db
from skills_cert.i18n import LANGUAGES
from skills_cert.web.access import public, redirect_to_next
from skills_cert.web.blueprints import main as bp


@bp.route("/")
@public
def index():
    return render_template("main/index.html")


@bp.route("/lang/<code>")
@public
def set_language(code: str):
    if code not in LANGUAGES:
        abort(404)
    session["lang"] = code
    if current_user.is_authenticated and current_user.locale != code:
        current_user.locale = code
        db.session.commit()
    return redirect_to_next(request.args.get("next"))


@bp.route("/healthz")
@public
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unavailable"), 503
    return jsonify(status="ok", database="ok")
