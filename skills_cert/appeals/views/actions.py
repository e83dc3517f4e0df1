"""Acting on appeals: lodge, name the deciders, decide (or agree in a panel), enrol for a
reassessment. Each loads its object, checks access, validates its form and calls one service."""

from __future__ import annotations

from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from skills_cert.accounts.models import User
from skills_cert.appeals import deciding, lodging, panel, reassessment
from skills_cert.appeals.lodging import OFFICE
from skills_cert.appeals.models import AppealStatus
from skills_cert.appeals.views.forms import (
    AppealAssignForm,
    AppealConcurForm,
    AppealDecideForm,
    AppealLodgeForm,
    AppealReassessForm,
    parse_evidence,
)
from skills_cert.appeals.views.pages import (
    decider_choices,
    load_appeal,
    reassessment_sessions,
    render_detail,
    render_lodge,
    today,
)
from skills_cert.assessment import recording
from skills_cert.assessment.access import load_assessment
from skills_cert.assessment.models import TestSession
from skills_cert.extensions import db
from skills_cert.roles import Role
from skills_cert.web.access import roles_required
from skills_cert.web.actions import act
from skills_cert.web.blueprints import appeals as bp


def _to(appeal_id: int) -> str:
    return url_for("appeals.detail", appeal_id=appeal_id)


@bp.route("/new/<int:assessment_id>", methods=["GET", "POST"])
@roles_required(*OFFICE)
def lodge(assessment_id: int):
    assessment = load_assessment(assessment_id)
    form = AppealLodgeForm()
    if form.validate_on_submit():
        done = act(lambda: lodging.lodge(db.session, assessment, grounds=form.grounds.data, actor=current_user,
                                         today=today()),
                   form=form, success=_("The appeal was lodged."), to=lambda appeal: _to(appeal.id))
        if done:
            return done
    return render_lodge(assessment, form, 422 if request.method == "POST" else 200)


@bp.route("/<int:appeal_id>/panel", methods=["POST"])
@roles_required(*OFFICE)
def assign(appeal_id: int):
    appeal = load_appeal(appeal_id)
    form = AppealAssignForm()
    form.members.choices = decider_choices(appeal)
    if form.validate_on_submit():
        members = [db.session.get(User, user_id) for user_id in form.members.data]
        done = act(lambda: panel.assign(db.session, appeal, members, actor=current_user, today=today()),
                   form=form, success=_("The appeal was given to the assessor or panel."), to=_to(appeal_id))
        if done:
            return done
    return render_detail(load_appeal(appeal_id), 422, assign=form)


@bp.route("/<int:appeal_id>/decide", methods=["POST"])
@roles_required(Role.ASSESSOR)
def decide(appeal_id: int):
    appeal = load_appeal(appeal_id)
    form = AppealDecideForm()
    if form.validate_on_submit():
        evidence, errors = None, []
        if form.ruling.data == AppealStatus.OVERTURNED.value:
            standard = appeal.assessment.session.standard
            evidence, errors = parse_evidence(request.form, recording.checklist_items(db.session, standard),
                                              standard.guideline.scoring)
        form.form_errors.extend(errors)
        ruling = deciding.Ruling(AppealStatus(form.ruling.data), form.reasons.data, evidence)
        done = not errors and act(
            lambda: deciding.propose(db.session, appeal, ruling, actor=current_user, today=today(),
                                     expected_version=form.version.data),
            form=form, success=_decided, to=_to(appeal_id))
        if done:
            return done
    return render_detail(load_appeal(appeal_id), 422, decide=form)


def _decided(decided: bool) -> str:
    return _("The appeal was decided.") if decided else _(
        "Your proposed decision was recorded. It takes effect when every panel member has agreed.")


def _concurred(decided: bool, agreed: bool) -> str:
    if decided:
        return _("The appeal was decided.")
    if agreed:
        return _("You agreed. The decision takes effect when every panel member has agreed.")
    return _("You disagreed, so the proposed decision was withdrawn.")


@bp.route("/<int:appeal_id>/concur", methods=["POST"])
@roles_required(Role.ASSESSOR)
def concur(appeal_id: int):
    appeal = load_appeal(appeal_id)
    form = AppealConcurForm()
    if form.validate_on_submit():
        done = act(lambda: deciding.concur(db.session, appeal, agree=form.answer.data == "agree",
                                           note=form.note.data, actor=current_user, today=today(),
                                           expected_version=form.version.data),
                   form=form, success=lambda decided: _concurred(decided, form.answer.data == "agree"),
                   to=_to(appeal_id))
        if done:
            return done
    return render_detail(load_appeal(appeal_id), 422, concur=form)


@bp.route("/<int:appeal_id>/reassessment", methods=["POST"])
@roles_required(Role.ADMINISTRATOR)
def reassess(appeal_id: int):
    appeal = load_appeal(appeal_id)
    form = AppealReassessForm()
    form.session.choices = reassessment_sessions(appeal)
    if form.validate_on_submit():
        test_session = db.session.get(TestSession, form.session.data)
        done = act(lambda: reassessment.enrol_reassessment(db.session, appeal, test_session, actor=current_user),
                   form=form, success=_("The candidate was enrolled for the reassessment."), to=_to(appeal_id))
        if done:
            return done
    return render_detail(load_appeal(appeal_id), 422, reassess=form)
