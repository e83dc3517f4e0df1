import datetime as dt

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from skills_cert.assessment import recording as service
from skills_cert.assessment.access import VIEWERS, load_assessment
from skills_cert.assessment.trail import readable_trail
from skills_cert.certification import issuing as certificates
from skills_cert.certification.keys import key_settings
from skills_cert.certification.views.forms import DecisionForm
from skills_cert.errors import InvalidState, NotAllowed, ValidationFailed
from skills_cert.extensions import db
from skills_cert.roles import Role
from skills_cert.web.access import roles_required
from skills_cert.web.actions import flash_with_link
from skills_cert.web.blueprints import assessments as bp


@bp.route("/approvals/")
@roles_required(Role.CERTIFYING_OFFICER)
def approvals():
    page = db.paginate(service.pending_approval_select(), per_page=30, error_out=False)
    return render_template("assessments/approvals.html", page=page)


@bp.route("/assessments/<int:assessment_id>")
@roles_required(*VIEWERS)
def view(assessment_id: int):
    assessment = load_assessment(assessment_id, read_only=True)
    form = DecisionForm(data={"version": assessment.version})
    return _render_view(assessment, form)


def _render_view(assessment, form, status=200):
    decision = service.current_decision(assessment)
    stored = service.reasons_from_json(assessment.reasons)
    can_decide = (current_user.role is Role.CERTIFYING_OFFICER
                  and current_user.id not in service.recorders(db.session, assessment))
    return render_template(
        "assessments/view.html", assessment=assessment, decision=decision, stored_reasons=stored,
        form=form, can_decide=can_decide, items=service.checklist_items(db.session, assessment.session.standard),
        results={r.item_id: r for r in assessment.results},
        trail=readable_trail(db.session, assessment.id)), status


def _decide(assessment_id: int, action):
    assessment = load_assessment(assessment_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        return _render_view(assessment, form, 400)
    try:
        action(assessment, form)
        db.session.commit()
    except (ValidationFailed, InvalidState, NotAllowed, service.Conflict, StaleDataError) as exc:
        db.session.rollback()
        if isinstance(exc, ValidationFailed):
            form.reason.errors = exc.messages
        else:
            form.form_errors.append(str(service.Conflict()) if isinstance(exc, StaleDataError) else str(exc))
        return _render_view(load_assessment(assessment_id), form, 409 if isinstance(
            exc, (service.Conflict, StaleDataError)) else 422)
    return None


@bp.route("/assessments/<int:assessment_id>/approve", methods=["POST"])
@roles_required(Role.CERTIFYING_OFFICER)
def approve(assessment_id: int):
    issued = []
    failed = _decide(assessment_id, lambda a, f: issued.append(certificates.approve_and_issue(
        db.session, a, actor=current_user, expected_version=f.version.data, today=dt.date.today(),
        **key_settings(current_app.config))))
    if failed:
        return failed
    if issued and issued[0] is not None:
        flash_with_link(_("The assessment was approved and %(kind)s %(number)s was issued.",
                          kind=issued[0].kind.label.lower(), number=issued[0].number),
                        url_for("certificates.detail", certificate_id=issued[0].id), _("Open it"))
    else:
        flash(_("The assessment was approved."), "success")
    return redirect(url_for("assessments.approvals"))


@bp.route("/assessments/<int:assessment_id>/return", methods=["POST"])
@roles_required(Role.CERTIFYING_OFFICER)
def return_assessment(assessment_id: int):
    failed = _decide(assessment_id, lambda a, f: service.return_for_correction(
        db.session, a, actor=current_user, reason=f.reason.data or "",
        expected_version=f.version.data))
    if failed:
        return failed
    flash(_("The assessment was returned to the assessor."), "success")
    return redirect(url_for("assessments.approvals"))
