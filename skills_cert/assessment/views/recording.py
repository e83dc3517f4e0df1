import datetime as dt

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from skills_cert import visible_text
from skills_cert.assessment import recording as service
from skills_cert.assessment.access import VIEWERS, load_assessment
from skills_cert.assessment.candidate_checks import CheckFailed
from skills_cert.assessment.models import Assessment, EvidencePhoto
from skills_cert.assessment.photos import MAX_PHOTO_BYTES
from skills_cert.assessment.sessions import is_assigned
from skills_cert.errors import InvalidState, NotAllowed, ValidationFailed
from skills_cert.extensions import db
from skills_cert.roles import Role
from skills_cert.web.access import roles_required
from skills_cert.web.actions import attempt
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
        note = form.get(f"note-{item.code}", "")[:500]
        if hidden := visible_text.problem(note):
            errors.append(_("Item %(code)s: %(problem)s", code=item.code, problem=hidden))
            continue
        values[item.code] = (ITEM_VALUES[raw], note)
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


def _shown(value) -> str:
    """A stored score as the form shows it: 70.0 -> "70", 62.5 -> "62.5", None -> ""."""
    if value is None:
        return ""
    return str(int(value) if float(value).is_integer() else value)


def form_values(assessment: Assessment, items, scoring) -> dict[str, str]:
    """What is saved, as the recording form's fields hold it. The page fills its form with it,
    and after a refused save (409) shows it next to what the assessor sent, to choose from."""
    by_item = {r.item_id: r for r in assessment.results}
    values = {"knowledge": _shown(assessment.knowledge_percent)}
    for item in items:
        result = by_item.get(item.id)
        mark = None if result is None else result.satisfactory
        values[f"item-{item.code}"] = "" if mark is None else ("s" if mark else "n")
        values[f"note-{item.code}"] = (result.note or "") if result is not None else ""
    points = assessment.practical_points or {}
    for criterion in (scoring or {}).get("criteria", []):
        values[f"points-{criterion['code']}"] = _shown(points.get(criterion["code"]))
    return values


def _render(assessment: Assessment, errors=(), posted=None, status=200):
    standard = assessment.session.standard
    items = service.checklist_items(db.session, standard)
    decision = service.current_decision(assessment)
    saved = form_values(assessment, items, standard.guideline.scoring)
    return render_template(
        "assessments/record.html", assessment=assessment, standard=standard,
        tasks=standard.guideline.tasks, decision=decision, errors=errors,
        shown=posted or saved, server_values=saved if status == 409 else None,
        confirm=ConfirmForm(), total_items=len(items),
        can_record=assessment.is_editable and current_user.role is Role.ASSESSOR
        and is_assigned(assessment.session, current_user)), status


def _wants_json() -> bool:
    """The offline sync (static/js/offline.js) asks for JSON; a browser's form post does not."""
    return request.accept_mimetypes.best == "application/json"


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
        return ({"errors": errors}, 422) if _wants_json() else _render(
            assessment, errors, posted=request.form, status=422)
    today = dt.date.today()
    try:
        service.save(db.session, assessment, recording, actor=current_user, today=today)
    except (ValidationFailed, InvalidState, NotAllowed, service.Conflict, StaleDataError) as exc:
        db.session.rollback()
        status = 409 if isinstance(exc, (service.Conflict, StaleDataError)) else 422
        if _wants_json():
            return {"errors": _messages(exc), "conflict": status == 409}, status
        return _render(load_assessment(assessment_id), _messages(exc), posted=request.form, status=status)
    if request.form.get("action") != "submit":
        db.session.commit()
        if _wants_json():
            return {"saved": True, "version": assessment.version}
        flash(_("Saved. The decision below is computed from what is recorded so far."), "success")
        return redirect(url_for("assessments.record", assessment_id=assessment.id))
    try:
        with db.session.begin_nested():  # a refused submission keeps what was saved
            service.submit(db.session, assessment, actor=current_user, today=today,
                           expected_version=assessment.version)
    except (InvalidState, NotAllowed, service.Conflict, StaleDataError) as exc:
        db.session.commit()
        flash(_("Saved, but not submitted:") + " " + " ".join(_messages(exc)), "error")
        return redirect(url_for("assessments.record", assessment_id=assessment.id))
    db.session.commit()
    flash(_("Submitted for approval."), "success")
    return redirect(url_for("assessments.view", assessment_id=assessment.id))


@bp.route("/assessments/<int:assessment_id>/record/preview", methods=["POST"])
@roles_required(Role.ASSESSOR)
def record_preview(assessment_id: int):
    """The decision the form on the page would give once saved, for the live decision panel.
    It saves nothing, and computes with the same code as the save (`recording.preview`)."""
    assessment = load_assessment(assessment_id)
    standard = assessment.session.standard
    recording, errors = parse_recording(request.form, service.checklist_items(db.session, standard),
                                        standard.guideline.scoring)
    if recording is not None:
        try:
            decision = service.preview(assessment, recording)
        except ValidationFailed as exc:
            errors = exc.messages
    db.session.rollback()
    if errors:
        return {"errors": errors}, 422
    return {"html": render_template("assessments/_decision.html", decision=decision),
            "recorded": decision.recorded_items, "total": decision.total_items,
            "complete": decision.complete}


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
    upload = request.files.get("photo")
    data = upload.read(MAX_PHOTO_BYTES + 1) if upload is not None and upload.filename else None
    if attempt(lambda: service.add_evidence_photo(db.session, assessment, data, actor=current_user,
                                                  today=dt.date.today()),
               refusals=(CheckFailed, NotAllowed, InvalidState)):
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
