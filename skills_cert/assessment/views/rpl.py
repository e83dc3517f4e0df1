"""The RPL evidence portfolio (`assessments.portfolio*`, `assessments.evidence_file`), and the RPL
panel the recording and approval pages show beside the checklist (`rpl_panel`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa
from flask import Response, abort, current_app, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from skills_cert.assessment import portfolio as service
from skills_cert.assessment import recording
from skills_cert.assessment.access import VIEWERS, load_assessment
from skills_cert.assessment.candidate_checks import CheckFailed
from skills_cert.assessment.evidence_files import MAX_EVIDENCE_BYTES, FileMissing
from skills_cert.assessment.models import Assessment, Pathway
from skills_cert.assessment.rpl_models import EvidenceFile, Judgement, PortfolioItem
from skills_cert.assessment.self_assessment import ratings_of
from skills_cert.assessment.sessions import is_assigned
from skills_cert.assessment.views.rpl_forms import (
    EvidenceUploadForm,
    PortfolioItemForm,
    PortfolioJudgeForm,
)
from skills_cert.errors import NotAllowed
from skills_cert.extensions import db
from skills_cert.i18n import localized
from skills_cert.roles import Role
from skills_cert.web.access import roles_required
from skills_cert.web.actions import REFUSALS, act
from skills_cert.web.blueprints import assessments as bp
from skills_cert.web.forms import flash_form_errors

REFUSED = (*REFUSALS, CheckFailed)


def _folder() -> Path:
    return Path(current_app.config["EVIDENCE_DIR"])


def _choices(assessment: Assessment) -> list[tuple[str, str]]:
    locale = str(get_locale() or "en")
    return [(key, f"{key} {localized(title, locale)}") for key, title, _unit in service.targets(assessment.session.standard)]


def can_edit_portfolio(assessment: Assessment) -> bool:
    return (assessment.pathway is Pathway.RPL and assessment.is_editable and current_user.role is Role.ASSESSOR
            and is_assigned(assessment.session, current_user))


def _judge_form(item: PortfolioItem, choices) -> PortfolioJudgeForm:
    form = PortfolioJudgeForm(prefix=f"item{item.number}", data={
        "judgement": item.judgement.value if item.judgement else None, "note": item.judgement_note,
        "supports": list(item.supports)})
    form.supports.choices = choices
    return form


def _render(assessment: Assessment, add_form: PortfolioItemForm | None = None, status: int = 200):
    choices = _choices(assessment)
    if add_form is None:
        add_form = PortfolioItemForm()
    add_form.supports.choices = choices
    items = service.items_of(db.session, assessment)
    return render_template(
        "assessments/portfolio.html", assessment=assessment, standard=assessment.session.standard,
        items=items, add_form=add_form, judge_forms={i.number: _judge_form(i, choices) for i in items},
        upload_form=EvidenceUploadForm(), titles=dict(choices), can_edit=can_edit_portfolio(assessment),
        decision=recording.current_decision(assessment), max_mb=MAX_EVIDENCE_BYTES // (1024 * 1024)), status


def _item(assessment: Assessment, number: int) -> PortfolioItem:
    item = db.session.scalar(sa.select(PortfolioItem).where(
        PortfolioItem.assessment_id == assessment.id, PortfolioItem.number == number))
    if item is None:
        abort(404)
    return item


def _back(assessment: Assessment, number: int | None = None) -> str:
    anchor = f"#item-{number}" if number else ""
    return url_for("assessments.portfolio", assessment_id=assessment.id) + anchor


def _upload(field) -> tuple[bytes | None, str | None]:
    upload = field.data
    if upload is None or not getattr(upload, "filename", None):
        return None, None
    return upload.read(MAX_EVIDENCE_BYTES + 1), upload.filename


@bp.route("/assessments/<int:assessment_id>/portfolio")
@roles_required(*VIEWERS)
def portfolio(assessment_id: int):
    return _render(load_assessment(assessment_id, read_only=True))


@bp.route("/assessments/<int:assessment_id>/portfolio/items", methods=["POST"])
@roles_required(Role.ASSESSOR)
def portfolio_add(assessment_id: int):
    assessment = load_assessment(assessment_id)
    form = PortfolioItemForm()
    form.supports.choices = _choices(assessment)
    if form.validate_on_submit():
        data = service.ItemData(form.kind.data, form.title.data, form.source.data or None, form.place.data or None,
                                form.date_from.data, form.date_to.data, form.description.data or None,
                                tuple(form.supports.data or ()))
        raw, name = _upload(form.file)
        today = dt.date.today()

        def add():
            item = service.add_item(db.session, assessment, data, actor=current_user, today=today)
            if raw is not None:
                service.add_file(db.session, item, raw, name, actor=current_user, today=today, folder=_folder())
            return item
        done = act(add, form=form, refusals=REFUSED, to=lambda item: _back(assessment, item.number),
                   success=lambda item: _("Evidence item %(n)d was added.", n=item.number))
        if done:
            return done
        if raw is not None:
            form.file.errors = [*form.file.errors, _("Choose the file again.")]
    return _render(load_assessment(assessment_id), form, status=422)


@bp.route("/assessments/<int:assessment_id>/portfolio/items/<int:number>/judge", methods=["POST"])
@roles_required(Role.ASSESSOR)
def portfolio_judge(assessment_id: int, number: int):
    assessment = load_assessment(assessment_id)
    item = _item(assessment, number)
    form = _judge_form(item, _choices(assessment))
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(_back(assessment, number))
    act(lambda: service.judge_item(db.session, item, form.judgement.data, form.note.data,
                                   tuple(form.supports.data or ()), actor=current_user, today=dt.date.today()),
        refusals=REFUSED, to=_back(assessment, number),
        success=_("Evidence item %(n)d: %(judgement)s.", n=number, judgement=Judgement(form.judgement.data).label))
    return redirect(_back(assessment, number))


@bp.route("/assessments/<int:assessment_id>/portfolio/items/<int:number>/files", methods=["POST"])
@roles_required(Role.ASSESSOR)
def portfolio_upload(assessment_id: int, number: int):
    assessment = load_assessment(assessment_id)
    item = _item(assessment, number)
    form = EvidenceUploadForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(_back(assessment, number))
    raw, name = _upload(form.file)
    act(lambda: service.add_file(db.session, item, raw, name, actor=current_user, today=dt.date.today(),
                                 folder=_folder()),
        refusals=REFUSED, to=_back(assessment, number), success=_("The file was added."))
    return redirect(_back(assessment, number))


@bp.route("/assessments/<int:assessment_id>/portfolio/files/<int:file_id>")
@roles_required(*VIEWERS)
def evidence_file(assessment_id: int, file_id: int):
    assessment = load_assessment(assessment_id, read_only=True)
    row = db.session.scalar(sa.select(EvidenceFile).join(PortfolioItem).where(
        EvidenceFile.id == file_id, PortfolioItem.assessment_id == assessment.id))
    if row is None:
        abort(404)
    try:
        data = service.read_file(db.session, row, actor=current_user, folder=_folder())
    except FileMissing:
        abort(404)
    except NotAllowed:  # the page's check and the service's agree; this is the service's word
        abort(403)
    db.session.commit()  # the audit entry of this view
    extension = "pdf" if row.media_type == "application/pdf" else "jpg"
    disposition = "attachment" if extension == "pdf" else "inline"
    return Response(data, mimetype=row.media_type, headers={
        "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox; default-src 'none'",
        "Content-Disposition": f'{disposition}; filename="evidence-{assessment.id}-{row.item.number}-{row.id}.{extension}"'})


@bp.app_template_global("rpl_panel")
def rpl_panel(assessment: Assessment) -> dict | None:
    """What the recording and approval pages show of an RPL candidate's self-assessment and
    portfolio beside the checklist; None for a regular candidate."""
    if assessment.pathway is not Pathway.RPL:
        return None
    standard = assessment.session.standard
    items = service.items_of(db.session, assessment)
    return {"ratings": ratings_of(db.session, assessment), "targets": service.targets(standard),
            "rules": (standard.guideline.rpl or {}).get("credit", []), "items": len(items),
            "accepted": sum(1 for i in items if i.judgement is Judgement.ACCEPTED)}
