import datetime as dt

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from skills_cert.assessment import recording as service
from skills_cert.assessment.access import VIEWERS, load_assessment
from skills_cert.assessment.candidate_checks import CheckFailed
from skills_cert.assessment.models import Assessment, EvidencePhoto
from skills_cert.assessment.photos import process_photo
from skills_cert.assessment.sessions import is_assigned
from skills_cert.audit import log as audit
from skills_cert.errors import InvalidState, NotAllowed, ValidationFailed
from skills_cert.extensions import db
from skills_cert.roles import Role
from skills_cert.web.access import roles_required
from skills_cert.web.blueprints import assessments as bp
from skills_cert.web.forms import ConfirmForm

ITEM_VALUES = {"s": True, "n": False, "": None}


def _number(raw: str, errors: list[str], message: str) -> float | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    value = service.parse_number(raw)
    if value is None:
        errors.append(message)
    return value


def parse_recording(form, items, scoring) -> tuple[service.Recording | None, list[str]]:
    """Read the generated checklist form. Returns the recording, or the problems found."""
    errors: list[str] = []
    values = {}
    for item in items:
        raw = form.get(f"item-{item.code}", "")
        if raw not in ITEM_VALUES:
            errors.append(_("Item %(code)s: choose satisfactory or not yet satisfactory.", code=item.code))
            continue
        values[item.code] = (ITEM_VALUES[raw], form.get(f"note-{item.code}", "")[:500])
    knowledge = _number(form.get("knowledge", ""), errors,
                        _("Enter the knowledge score as a number from 0 to 100."))
    points = {}
    for criterion in (scoring or {}).get("criteria", []):
        value = _number(form.get(f"points-{criterion['code']}", ""), errors,
                        _("Enter the points for %(code)s as a number.", code=criterion["code"]))
        if value is not None:
            points[criterion["code"]] = value
    try:
        version = int(form.get("version", ""))
    except ValueError:
        errors.append(_("The form is incomplete. Reload the page and try again."))
        version = -1
    if errors:
        return None, errors
    return service.Recording(items=values, knowledge_percent=knowledge, practical_points=points,
                             expected_version=version), []


def _render(assessment: Assessment, errors=(), posted=None, status=200):
    standard = assessment.session.standard
    items = service.checklist_items(db.session, standard)
    by_item = {r.item_id: r for r in assessment.results}
    decision = service.current_decision(assessment)
    return render_template(
        "assessments/record.html", assessment=assessment, standard=standard,
        tasks=standard.guideline.tasks, results=by_item, decision=decision, errors=errors,
        posted=posted, confirm=ConfirmForm(), total_items=len(items),
        can_record=assessment.is_editable and current_user.role is Role.ASSESSOR
        and is_assigned(assessment.session, current_user)), status


@bp.route("/assessments/<int:assessment_id>/record", methods=["GET", "POST"])
@roles_required(Role.ASSESSOR)
def record(assessment_id: int):
    assessment = load_assessment(assessment_id)
    if request.method == "GET":
        return _render(assessment)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    standard = assessment.session.standard
    recording, errors = parse_recording(request.form, service.checklist_items(db.session, standard),
                                        standard.guideline.scoring)
    if errors:
        return _render(assessment, errors, posted=request.form, status=422)
    today = dt.date.today()
    try:
        service.save(db.session, assessment, recording, actor=current_user, today=today)
        db.session.commit()
    except (ValidationFailed, InvalidState, NotAllowed, service.Conflict, StaleDataError) as exc:
        db.session.rollback()
        return _render(load_assessment(assessment_id), _messages(exc), posted=request.form,
                       status=409 if isinstance(exc, (service.Conflict, StaleDataError)) else 422)
    if request.form.get("action") != "submit":
        flash(_("Saved. The decision below is computed from what is recorded so far."), "success")
        return redirect(url_for("assessments.record", assessment_id=assessment.id))
    try:
        service.submit(db.session, assessment, actor=current_user, today=today,
                       expected_version=assessment.version)
        db.session.commit()
    except (InvalidState, NotAllowed, service.Conflict, StaleDataError) as exc:
        db.session.rollback()
        flash(_("Saved, but not submitted:") + " " + " ".join(_messages(exc)), "error")
        return redirect(url_for("assessments.record", assessment_id=assessment.id))
    flash(_("Submitted for approval."), "success")
    return redirect(url_for("assessments.view", assessment_id=assessment.id))


def _messages(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationFailed):
        return exc.messages
    if isinstance(exc, StaleDataError):
        return [str(service.Conflict())]
    return [str(exc)]


@bp.route("/assessments/<int:assessment_id>/photos", methods=["POST"])
@roles_required(Role.ASSESSOR)
def add_photo(assessment_id: int):
    assessment = load_assessment(assessment_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    back = redirect(url_for("assessments.record", assessment_id=assessment.id) + "#photos")
    try:
        service.require_recorder(db.session, assessment, current_user, dt.date.today())
        if not assessment.is_editable:
            raise InvalidState(_("This assessment has been submitted and can no longer be changed."))
        upload = request.files.get("photo")
        if upload is None or not upload.filename:
            raise CheckFailed(_("Choose a photo to upload."))
        image = process_photo(upload.read(5 * 1024 * 1024 + 1))
    except (CheckFailed, NotAllowed, InvalidState) as exc:
        flash(str(exc), "error")
        return back
    photo = EvidencePhoto(assessment=assessment, image=image, uploaded_by_id=current_user.id)
    db.session.add(photo)
    db.session.flush()
    audit.record(db.session, actor=current_user, action="assessment.photo", object_type="assessment",
                 object_id=assessment.id, changes={"photo": photo.id})
    db.session.commit()
    flash(_("The photo was added."), "success")
    return back


@bp.route("/assessments/<int:assessment_id>/photos/<int:photo_id>")
@roles_required(*VIEWERS)
def photo(assessment_id: int, photo_id: int):
    assessment = load_assessment(assessment_id)
    image = db.session.scalar(sa.select(EvidencePhoto.image).where(
        EvidencePhoto.id == photo_id, EvidencePhoto.assessment_id == assessment.id))
    if image is None:
        abort(404)
    return Response(image, mimetype="image/jpeg", headers={"Cache-Control": "private, no-store"})
