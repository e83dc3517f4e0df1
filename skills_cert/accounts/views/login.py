"""Log-in, log-out and the password change (`auth.*`)."""

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from skills_cert.accounts import lockout
from skills_cert.accounts import users as user_service
from skills_cert.accounts.views.forms import LoginForm, PasswordChangeForm
from skills_cert.accounts.views.signin import ask_for_code, fresh_session, start_session
from skills_cert.errors import ValidationFailed
from skills_cert.extensions import db, limiter
from skills_cert.web.access import public
from skills_cert.web.actions import attempt
from skills_cert.web.blueprints import auth as bp


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(lockout.login_rate_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        rules = lockout.policy()
        result = user_service.authenticate(db.session, form.username.data, form.password.data,
                                           policy=rules)
        locked = result.locked or (result.unknown_username
                                   and lockout.unknown_name_failed(db.session, form.username.data, rules))
        db.session.commit()  # failures are counted even though the login is refused
        if result.user is not None and result.user.is_totp_enabled:
            return ask_for_code(result.user, request.args.get("next"))
        if result.user is not None:
            return start_session(result.user, request.args.get("next"))
        form.form_errors.append(lockout.failure_message(locked, rules))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    fresh_session()
    flash(_("You have been logged out."), "info")
    response = redirect(url_for("auth.login"))
    # Whatever this browser kept for use without a connection (pages, recorded results: see
    # assessment/views/offline.py) goes with the log-out. Cookies stay: the language is in one.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        changed = attempt(lambda: user_service.change_password(
                              db.session, user, form.current_password.data, form.new_password.data,
                              min_password_length=current_app.config["PASSWORD_MIN_LENGTH"]),
                          form=form, refusals=(ValidationFailed,))
        if changed:
            login_user(user)  # keep this session; the bumped version ends the others
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("main.index"))
    return render_template("auth/password.html", form=form)
