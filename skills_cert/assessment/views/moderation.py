"""The moderation review of a flagged result, item by item (`assessments.moderation_review`),
and what the approval pages show of moderation (template globals)."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from skills_cert import visible_text
from skills_cert.assessment import moderation
from skills_cert.assessment import moderation_review as service
from skills_cert.assessment.access import load_assessment
from skills_cert.assessment.models import ModerationStatus
from skills_cert.assessment.recording import Conflict, checklist_items
from skills_cert.assessment.views.moderation_forms import ModerationReviewForm
from skills_cert.errors import InvalidState, NotAllowed, ValidationFailed
from skills_cert.extensions import db
from skills_cert.roles import Role
from skills_cert.web.access import roles_required
from skills_cert.web.actions import attempt
from skills_cert.web.blueprints import assessments as bp

VERDICTS = {"agree": True, "disagree": False, "": None}


@bp.app_template_global()
def moderation_flags(assessments) -> dict:
    """Each listed result's current moderation flag, by assessment id (staff pages only)."""
    return moderation.current_flags(db.session, [a.id for a in assessments])


@bp.app_template_global()
def moderation_reason(reason: dict) -> str:
    return moderation.reason_message(reason)


def parse_review(form, items) -> tuple[dict, list[str]]:
    verdicts, problems = {}, []
    for item in items:
        raw = form.get(f"agree-{item.code}", "")
        note = form.get(f"note-{item.code}", "")[:2000]
        hidden = visible_text.problem(note)
        if raw not in VERDICTS:
            problems.append(_("Item %(code)s: choose whether you confirm the assessor's mark or disagree "
                              "with it.", code=item.code))
            continue
        if hidden:
            problems.append(_("Item %(code)s: %(problem)s", code=item.code, problem=hidden))
            continue
        verdicts[item.code] = (VERDICTS[raw], note)
    return verdicts, problems


def _render(assessment, form, status=200, posted=None):
    items = checklist_items(db.session, assessment.session.standard)
    return render_template(
        "assessments/moderation_review.html", assessment=assessment, form=form, items=items,
        flag=moderation.current_flag(db.session, assessment), posted=posted or {},
        results={r.item_id: r for r in assessment.results}), status


@bp.route("/assessments/<int:assessment_id>/moderation", methods=["GET", "POST"])
@roles_required(Role.CERTIFYING_OFFICER)
def moderation_review(assessment_id: int):
    assessment = load_assessment(assessment_id)
    form = ModerationReviewForm(data={"version": assessment.version} if request.method == "GET" else None)
    if not form.validate_on_submit():
        return _render(assessment, form, 400 if request.method == "POST" else 200, request.form)
    verdicts, problems = parse_review(request.form, checklist_items(db.session, assessment.session.standard))
    if problems:
        form.form_errors.extend(problems)
        return _render(assessment, form, 422, request.form)
    done = attempt(lambda: service.review_result(db.session, assessment, service.Review(
        verdicts, form.note.data or "", form.version.data), actor=current_user), form=form,
        refusals=(ValidationFailed, InvalidState, NotAllowed, Conflict))
    if done is None:
        return _render(load_assessment(assessment_id), form, 422, request.form)
    flash(_("Your moderation review was saved: the marks are confirmed, and the result can be approved.")
          if done.value.status is ModerationStatus.CONFIRMED else
          _("Your moderation review was saved. You disagree with some marks: return the result to the "
            "assessor for correction."), "success")
    return redirect(url_for("assessments.view", assessment_id=assessment_id))


@bp.app_template_global()
def moderation_refusal(assessment) -> str | None:
    """Why the result may not be approved yet because of moderation; None when it may."""
    return moderation.refusal(moderation.current_flag(db.session, assessment))
