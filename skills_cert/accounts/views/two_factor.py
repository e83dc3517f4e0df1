"""Two-factor authentication pages: the code asked at login, enrolment, and an administrator's reset."""

from __future__ import annotations

import time

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from skills_cert.accounts import lockout, totp
from skills_cert.accounts import users as user_service
from skills_cert.accounts.models import User
from skills_cert.accounts.views.forms import TwoFactorConfirmForm, TwoFactorForm, TwoFactorResetForm
from skills_cert.accounts.views.signin import PENDING_KEY, start_session
from skills_cert.columns import utcnow
from skills_cert.errors import NotAllowed, ValidationFailed
from skills_cert.extensions import db, limiter
from skills_cert.roles import Role
from skills_cert.web.access import public, roles_required, safe_next
from skills_cert.web.actions import act
from skills_cert.web.blueprints import auth as bp

PENDING_SECONDS = 300  # the code must follow the password within five minutes


def _pending_user() -> User | None:
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(User, pending.get("user"))
    if (user is None or not user.is_active or user.session_version != pending.get("version")
            or not user.is_totp_enabled):
        return None
    return user


def _key() -> bytes:
    return totp.encryption_key(current_app.config)


def _secret_unreadable(user: User, exc: totp.SecretUnreadable):
    """The key changed since the secret was stored: end the half login, name who can help."""
    current_app.logger.error("The TOTP secret of user %s does not decrypt: TOTP_ENCRYPTION_KEY or "
                             "SECRET_KEY changed since it was stored (see the README).", user.id)
    session.pop(PENDING_KEY, None)
    flash(str(exc), "error")
    return redirect(url_for("auth.login"))


@bp.route("/two-factor", methods=["GET", "POST"])
@public
@limiter.limit(lockout.login_rate_limit, methods=["POST"])
def two_factor():
    user = _pending_user()
    if user is None:
        session.pop(PENDING_KEY, None)
        flash(_("Please log in again."), "info")
        return redirect(url_for("auth.login"))
    form = TwoFactorForm()
    if form.validate_on_submit():
        rules, now = lockout.policy(), utcnow()
        try:
            if user_service.is_locked(user, now):
                form.form_errors.append(lockout.failure_message(True, rules))
            elif totp.check_code(db.session, user, form.code.data, key=_key(), now=now):
                user_service.record_login_success(db.session, user, now)
                db.session.commit()
                return start_session(user, session.get(PENDING_KEY, {}).get("next"))
            else:
                locked = user_service.record_login_failure(db.session, user, now, rules)
                db.session.commit()
                form.form_errors.append(lockout.failure_message(locked, rules) if locked else
                                        _("This code is not correct. Enter the 6-digit code your "
                                          "authenticator app shows now."))
        except totp.SecretUnreadable as exc:
            return _secret_unreadable(user, exc)
    return render_template("auth/two_factor.html", form=form)


@bp.route("/two-factor/setup", methods=["GET", "POST"])
@roles_required(*totp.TOTP_ROLES)
def two_factor_setup():
    user = current_user._get_current_object()
    if user.is_totp_enabled:
        return _no_store(render_template("auth/two_factor_setup.html", enabled=True))
    form = TwoFactorConfirmForm()
    if form.validate_on_submit() and user.totp_secret:
        done = act(lambda: totp.confirm_enrolment(db.session, user, form.code.data, key=_key()),
                   form=form, refusals=(ValidationFailed,),
                   success=_("Two-factor authentication is on. Log-in will ask for a code from now on."),
                   to=safe_next(request.args.get("next")) or url_for("auth.two_factor_setup"))
        if done:
            return done
    secret = totp.enrolment_secret(db.session, user, key=_key())
    db.session.commit()
    uri = totp.provisioning_uri(user, secret)
    qr = Markup(totp.qr_svg(uri))  # nosec B704 - an SVG path drawn here, holding no text
    return _no_store(render_template("auth/two_factor_setup.html", enabled=False, form=form,
                                     uri=uri, secret=secret, qr=qr))


@bp.route("/users/<int:user_id>/two-factor/reset", methods=["GET", "POST"])
@roles_required(Role.ADMINISTRATOR)
def two_factor_reset(user_id: int):
    user = db.get_or_404(User, user_id)
    form = TwoFactorResetForm()
    if form.validate_on_submit():
        try:
            totp.reset(db.session, user, actor=current_user._get_current_object())
        except NotAllowed as exc:
            db.session.rollback()
            abort(403, str(exc))
        db.session.commit()
        flash(_("Two-factor authentication of %(name)s was reset. They log in with their "
                "password alone until they set it up again.", name=user.username), "success")
        return redirect(url_for("admin.users"))
    return render_template("auth/two_factor_reset.html", form=form, user=user)


def _no_store(html: str):
    """The set-up page shows a secret: no cache may keep it."""
    from flask import make_response

    response = make_response(html)
    response.headers["Cache-Control"] = "no-store"
    return response
