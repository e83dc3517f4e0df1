"""Testing centres and assessor accreditation: the administrator's pages under /admin."""

import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from skills_cert.accounts.models import User
from skills_cert.assessment import centres as centre_service
from skills_cert.assessment import sessions as session_service
from skills_cert.assessment.models import Accreditation, TestingCentre
from skills_cert.assessment.views.forms import AccreditationForm, CentreForm
from skills_cert.errors import NotAllowed, ValidationFailed
from skills_cert.extensions import db
from skills_cert.i18n import localized
from skills_cert.provinces import PROVINCES
from skills_cert.roles import Role
from skills_cert.standards.models import Standard
from skills_cert.web.access import roles_required
from skills_cert.web.actions import act
from skills_cert.web.blueprints import admin as bp


@bp.route("/centres", methods=["GET", "POST"])
@roles_required(Role.ADMINISTRATOR)
def centres():
    form = CentreForm()
    locale = str(get_locale())
    form.province.choices = [SelectChoice(code, localized(names, locale)) for code, names in PROVINCES.items()]
    if form.validate_on_submit():
        done = act(lambda: centre_service.create_centre(db.session, code=form.code.data, name=form.name.data,
                                                        province=form.province.data, actor=current_user),
                   form=form, refusals=(ValidationFailed,),
                   success=_("The testing centre was created."), to=url_for("admin.centres"))
        if done:
            return done
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
        done = act(lambda: session_service.accredit(db.session, db.get_or_404(User, form.assessor.data),
                                                    form.standard_code.data, form.expires_on.data,
                                                    actor=current_user, today=dt.date.today()),
                   form=form, refusals=(ValidationFailed, NotAllowed),
                   success=_("The accreditation was saved."), to=url_for("admin.accreditations"))
        if done:
            return done
    rows = db.session.scalars(sa.select(Accreditation).options(so.joinedload(Accreditation.user))
                              .order_by(Accreditation.expires_on)).all()
    return render_template("admin/accreditations.html", form=form, accreditations=rows,
                           today=dt.date.today())
