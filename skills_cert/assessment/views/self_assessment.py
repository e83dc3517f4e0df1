"""The RPL candidate's self-assessment page (`assessments.self_assessment`), filled in with the
assessor or at a migrant resource centre desk (an administrator)."""

from __future__ import annotations

import datetime as dt

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from skills_cert.assessment.access import VIEWERS, load_assessment
from skills_cert.assessment.models import Assessment, Pathway
from skills_cert.assessment.portfolio import targets
from skills_cert.assessment.rpl_models import Frequency
from skills_cert.assessment.self_assessment import ratings_of, record_self_assessment
from skills_cert.assessment.sessions import is_assigned
from skills_cert.extensions import db
from skills_cert.roles import Role
from skills_cert.web.access import roles_required
from skills_cert.web.actions import act
from skills_cert.web.blueprints import assessments as bp
from skills_cert.web.forms import ConfirmForm

PREFIX = "rate-"


def _can_rate(assessment: Assessment) -> bool:
    helper = current_user.role is Role.ADMINISTRATOR or (
        current_user.role is Role.ASSESSOR and is_assigned(assessment.session, current_user))
    return assessment.pathway is Pathway.RPL and assessment.is_editable and helper


def _render(assessment: Assessment, form: ConfirmForm, posted=None, status: int = 200):
    return render_template(
        "assessments/self_assessment.html", assessment=assessment, standard=assessment.session.standard,
        targets=targets(assessment.session.standard), ratings=ratings_of(db.session, assessment),
        frequencies=list(Frequency), form=form, posted=posted, can_rate=_can_rate(assessment)), status


@bp.route("/assessments/<int:assessment_id>/self-assessment")
@roles_required(*VIEWERS)
def self_assessment(assessment_id: int):
    return _render(load_assessment(assessment_id, read_only=True), ConfirmForm())


@bp.route("/assessments/<int:assessment_id>/self-assessment", methods=["POST"])
@roles_required(Role.ASSESSOR, Role.ADMINISTRATOR)
def self_assessment_save(assessment_id: int):
    assessment = load_assessment(assessment_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    ratings = {key[len(PREFIX):]: value for key, value in request.form.items()
               if key.startswith(PREFIX) and value}
    done = act(lambda: record_self_assessment(db.session, assessment, ratings, actor=current_user,
                                              today=dt.date.today()),
               form=form, success=_("The self-assessment was saved."),
               to=url_for("assessments.self_assessment", assessment_id=assessment_id))
    return done or _render(load_assessment(assessment_id), form, posted=request.form, status=422)
