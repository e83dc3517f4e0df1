import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from skills_cert.admin import bp
from skills_cert.admin.forms import AccreditationForm, CentreForm, UserCreateForm
from skills_cert.auth.access import roles_required
from skills_cert.extensions import db
from skills_cert.forms import ConfirmForm, apply_errors
from skills_cert.i18n import localized
from skills_cert.models import Accreditation, Role, Standard, TestingCentre, User
from skills_cert.models.types import utcnow
from skills_cert.provinces import PROVINCES
from skills_cert.services import centres as centre_service
from skills_cert.services import sessions as session_service
from skills_cert.services import users as user_service
from skills_cert.services.errors import NotAllowed, ValidationFailed


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
        try:
            user = user_service.create_user(
                db.session, data, min_password_length=current_app.config["PASSWORD_MIN_LENGTH"],
                actor=current_user,
            )
        except ValidationFailed as exc:
            db.session.rollback()
            apply_errors(form, exc)
        else:
            db.session.commit()
            flash(_("User %(name)s was created.", name=user.username), "success")
            return redirect(url_for("admin.users"))
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
    try:
        user_service.set_active(db.session, user, active, actor=current_user)
    except NotAllowed as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
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


@bp.route("/centres", methods=["GET", "POST"])
@roles_required(Role.ADMINISTRATOR)
def centres():
    form = CentreForm()
    locale = str(get_locale())
    form.province.choices = [SelectChoice(code, localized(names, locale)) for code, names in PROVINCES.items()]
    if form.validate_on_submit():
        try:
            centre_service.create_centre(db.session, code=form.code.data, name=form.name.data,
                                         province=form.province.data, actor=current_user)
        except ValidationFailed as exc:
            db.session.rollback()
            apply_errors(form, exc)
        else:
            db.session.commit()
            flash(_("The testing centre was created."), "success")
            return redirect(url_for("admin.centres"))
    all_centres = db.session.scalars(sa.select(TestingCentre).order_by(TestingCentre.code)).all()
    return render_template("admin/centres.html", form=form, centres=all_centres, provinces=PROVINCES)


@bp.route("/accreditations", methods=["GET", "POST"])
@roles_required(Role.ADMINISTRATOR)
def accreditations():
    form = AccreditationForm()
    assessors = db.session.scalars(sa.select(User).where(User.role == Role.ASSESSOR, User.is_active.is_(True))
                                   .order_by(User.full_name)).all()
    form.assessor.choices = [SelectChoice(a.id, f"{a.full_name} ({a.username})") for a in assessors]
    codes = db.session.scalars(sa.select(Standard.code).distinct().order_by(Standard.code)).all()
    form.standard_code.choices = [SelectChoice(code, code) for code in codes]
    if form.validate_on_submit():
        try:
            session_service.accredit(db.session, db.get_or_404(User, form.assessor.data),
                                     form.standard_code.data, form.expires_on.data,
                                     actor=current_user, today=dt.date.today())
        except (ValidationFailed, NotAllowed) as exc:
            db.session.rollback()
            if isinstance(exc, ValidationFailed):
                apply_errors(form, exc)
            else:
                form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("The accreditation was saved."), "success")
            return redirect(url_for("admin.accreditations"))
    rows = db.session.scalars(sa.select(Accreditation).options(so.joinedload(Accreditation.user))
                              .order_by(Accreditation.expires_on)).all()
    return render_template("admin/accreditations.html", form=form, accreditations=rows,
                           today=dt.date.today())
