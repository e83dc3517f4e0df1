"""The administrator's user pages: list, create, deactivate and unlock accounts (`admin.*`)."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from skills_cert.accounts import users as user_service
from skills_cert.accounts.models import User
from skills_cert.accounts.views.forms import UserCreateForm
from skills_cert.columns import utcnow
from skills_cert.errors import NotAllowed, ValidationFailed
from skills_cert.extensions import db
from skills_cert.roles import Role
from skills_cert.web.access import roles_required
from skills_cert.web.actions import act, attempt
from skills_cert.web.blueprints import admin as bp
from skills_cert.web.forms import ConfirmForm


@bp.route("/users")
@roles_required(Role.ADMINISTRATOR)
def users():
    page = db.paginate(user_service.users_select(), per_page=50, error_out=False)
    return render_template("admin/users.html", page=page, confirm=ConfirmForm(), now=utcnow())


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMINISTRATOR)
def create_user():
    form = UserCreateForm()
    if form.validate_on_submit():
        data = user_service.NewUser(
            username=form.username.data,
            full_name=form.full_name.data,
            email=form.email.data,
            role=Role(form.role.data),
            password=form.password.data,
        )
        done = act(lambda: user_service.create_user(
                       db.session, data, min_password_length=current_app.config["PASSWORD_MIN_LENGTH"],
                       actor=current_user),
                   form=form, refusals=(ValidationFailed,),
                   success=lambda user: _("User %(name)s was created.", name=user.username),
                   to=url_for("admin.users"))
        if done:
            return done
    return render_template("admin/user_new.html", form=form)


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@roles_required(Role.ADMINISTRATOR)
def set_active(user_id: int):
    user = db.get_or_404(User, user_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("The form expired. Please try again."), "error")
        return redirect(url_for("admin.users"))
    active = request.form.get("active") == "1"
    if attempt(lambda: user_service.set_active(db.session, user, active, actor=current_user),
               refusals=(NotAllowed,)):
        if active:
            flash(_("User %(name)s was reactivated.", name=user.username), "success")
        else:
            flash(_("User %(name)s was deactivated.", name=user.username), "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/unlock", methods=["POST"])
@roles_required(Role.ADMINISTRATOR)
def unlock_user(user_id: int):
    user = db.get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        flash(_("The form expired. Please try again."), "error")
        return redirect(url_for("admin.users"))
    user_service.unlock(db.session, user, actor=current_user)
    db.session.commit()
    flash(_("User %(name)s was unlocked: they can log in again.", name=user.username), "success")
    return redirect(url_for("admin.users"))
