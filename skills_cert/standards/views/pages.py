import datetime as dt

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from skills_cert.errors import InvalidState, NotAllowed
from skills_cert.extensions import db
from skills_cert.i18n import localized
from skills_cert.roles import STAFF_ROLES
from skills_cert.standards import edits
from skills_cert.standards import versions as service
from skills_cert.standards.document import document_of
from skills_cert.standards.files import dump_yaml
from skills_cert.standards.labels import COUNTRY_NAMES, RULE_LABELS, SECTOR_NAMES
from skills_cert.standards.models import (
    ChecklistItem,
    Criterion,
    Element,
    Guideline,
    PracticalTask,
    Standard,
    Unit,
)
from skills_cert.standards.views import forms as f
from skills_cert.web.access import roles_required
from skills_cert.web.actions import attempt
from skills_cert.web.blueprints import standards as bp
from skills_cert.web.forms import ConfirmForm, flash_form_errors

EDITORS = service.STANDARDS_EDITORS
READERS = tuple(STAFF_ROLES)  # not analysts: they see statistics only


def _load(standard_id: int) -> Standard:
    standard = db.session.scalar(
        sa.select(Standard).where(Standard.id == standard_id).options(
            so.selectinload(Standard.units).selectinload(Unit.elements).selectinload(Element.criteria)
            .joinedload(Criterion.element).joinedload(Element.unit),
            so.selectinload(Standard.guideline).selectinload(Guideline.tasks)
            .selectinload(PracticalTask.items).selectinload(ChecklistItem.criteria),
            so.joinedload(Standard.authority),
        ))
    if standard is None:
        abort(404)
    return standard


def _detail(standard: Standard, anchor: str = ""):
    return redirect(url_for("standards.detail", standard_id=standard.id) + (f"#{anchor}" if anchor else ""))


def _commit_edit(standard: Standard, form, change, success: str):
    """Run one draft edit; on success commit and go back to the standard, else show the form."""
    if not attempt(lambda: service.edit_draft(db.session, standard, change, actor=current_user), form=form):
        return None
    flash(success, "success")
    return _detail(standard)


@bp.route("/")
@roles_required(*READERS)
def index():
    form = f.StandardSearchForm(request.args)
    countries = db.session.scalars(sa.select(Standard.country).distinct().order_by(Standard.country))
    sectors = db.session.scalars(sa.select(Standard.sector).distinct().order_by(Standard.sector))
    levels = db.session.scalars(sa.select(Standard.level).distinct().order_by(Standard.level))
    occupations = db.session.execute(sa.select(Standard.occupation_isco, Standard.occupation_title)
                                     .order_by(Standard.occupation_isco, Standard.id))
    form.country.choices = [SelectChoice("", _("All countries"))] + [SelectChoice(c, str(COUNTRY_NAMES.get(c, c))) for c in countries]
    form.sector.choices = [SelectChoice("", _("All sectors"))] + [SelectChoice(s, str(SECTOR_NAMES.get(s, s))) for s in sectors]
    form.level.choices = [SelectChoice("", _("All levels"))] + [SelectChoice(str(n), str(n)) for n in levels]
    titles = {}
    for isco, title in occupations:
        titles.setdefault(isco, title)
    form.occupation.choices = [SelectChoice("", _("All occupations"))] + [
        SelectChoice(isco, f"{isco} {localized(title, str(get_locale()))}") for isco, title in titles.items()]
    page = None
    if form.validate():
        stmt = service.search_select(
            query=form.q.data or "", country=form.country.data or "",
            sector=form.sector.data or "", isco=form.occupation.data or "", level=int(form.level.data) if form.level.data else None,
            include_superseded=bool(form.superseded.data),
        )
        page = db.paginate(stmt, per_page=25, error_out=False)
    return render_template("standards/index.html", form=form, page=page)


@bp.route("/<int:standard_id>")
@roles_required(*READERS)
def detail(standard_id: int):
    standard = _load(standard_id)
    versions = db.session.scalars(sa.select(Standard).where(Standard.code == standard.code)
                                  .order_by(Standard.version.desc())).all()
    return render_template("standards/detail.html", standard=standard, versions=versions,
                           confirm=ConfirmForm(), rule_labels=RULE_LABELS,
                           can_edit=current_user.has_role(*EDITORS))


@bp.route("/<int:standard_id>/checklist")
@roles_required(*READERS)
def checklist(standard_id: int):
    standard = _load(standard_id)
    return render_template("standards/checklist.html", standard=standard)


@bp.route("/<int:standard_id>/export")
@roles_required(*EDITORS)
def export(standard_id: int):
    standard = _load(standard_id)
    body = dump_yaml(document_of(standard))
    filename = f"{standard.code}-v{standard.version}.yaml"
    return Response(body, mimetype="application/yaml",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/<int:standard_id>/versions", methods=["POST"])
@roles_required(*EDITORS)
def new_version(standard_id: int):
    standard = _load(standard_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    done = attempt(lambda: service.new_version(db.session, standard, actor=current_user),
                   refusals=(InvalidState, NotAllowed))
    if done is None:
        return _detail(standard)
    flash(_("Version %(v)d was created as a draft. Edit it, then endorse it.", v=done.value.version), "success")
    return _detail(done.value)


@bp.route("/<int:standard_id>/endorse", methods=["POST"])
@roles_required(*EDITORS)
def endorse(standard_id: int):
    standard = _load(standard_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if attempt(lambda: service.endorse(db.session, standard, actor=current_user),
               refusals=(InvalidState, NotAllowed)):
        flash(_("Version %(v)d is endorsed and can no longer be changed.", v=standard.version), "success")
    return _detail(standard)


@bp.route("/<int:standard_id>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit(standard_id: int):
    standard = _load(standard_id)
    doc = document_of(standard)
    form = f.StandardOverviewForm(data=_overview_data(doc) if request.method == "GET" else None)
    if form.validate_on_submit():
        data = {**form.data, "effective_date": form.effective_date.data.isoformat()}
        done = _commit_edit(standard, form, lambda d: edits.set_overview(d, data), _("Saved."))
        if done:
            return done
    return render_template("standards/edit.html", standard=standard, form=form)


def _overview_data(doc: dict) -> dict:
    return {**doc, "isco": doc["occupation"]["isco"], "occupation_title": doc["occupation"]["title"],
            "electives": doc["packaging"]["electives"],
            "effective_date": dt.date.fromisoformat(doc["effective_date"])}


@bp.route("/<int:standard_id>/units/<code>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_unit(standard_id: int, code: str):
    standard = _load(standard_id)
    unit = next((u for u in document_of(standard)["units"] if u["code"] == code), None)
    if unit is None:
        abort(404)
    form = f.UnitEditForm(data=unit if request.method == "GET" else None)
    if form.validate_on_submit():
        data = form.data
        done = _commit_edit(standard, form, lambda d: edits.set_unit(d, code, data),
                            _("Unit %(code)s was saved.", code=code))
        if done:
            return done
    return render_template("standards/unit_edit.html", standard=standard, unit=unit, form=form,
                           element_form=f.ElementAddForm(prefix="element"),
                           criterion_form=f.CriterionAddForm(prefix="criterion"),
                           confirm=ConfirmForm())


@bp.route("/<int:standard_id>/units/new", methods=["GET", "POST"])
@roles_required(*EDITORS)
def add_unit(standard_id: int):
    standard = _load(standard_id)
    form = f.UnitAddForm()
    if form.validate_on_submit():
        data = form.data
        done = _commit_edit(standard, form, lambda d: edits.add_unit(d, data),
                            _("Unit %(code)s was added.", code=data["code"]))
        if done:
            return done
    return render_template("standards/unit_new.html", standard=standard, form=form)


@bp.route("/<int:standard_id>/units/<code>/delete", methods=["POST"])
@roles_required(*EDITORS)
def remove_unit(standard_id: int, code: str):
    standard = _load(standard_id)
    return _simple_edit(standard, lambda d: edits.remove_unit(d, code),
                        _("Unit %(code)s was removed.", code=code))


@bp.route("/<int:standard_id>/units/<code>/elements", methods=["POST"])
@roles_required(*EDITORS)
def add_element(standard_id: int, code: str):
    standard = _load(standard_id)
    return _posted_edit(standard, f.ElementAddForm(prefix="element"), lambda d, data: edits.add_element(
        d, code, data["title"], data["criterion_text"], data["critical"]), _("The element was added."),
        back=url_for("standards.edit_unit", standard_id=standard.id, code=code))


@bp.route("/<int:standard_id>/units/<code>/criteria", methods=["POST"])
@roles_required(*EDITORS)
def add_criterion(standard_id: int, code: str):
    standard = _load(standard_id)
    return _posted_edit(standard, f.CriterionAddForm(prefix="criterion"), lambda d, data: edits.add_criterion(
        d, code, data["element"], data["text"], data["critical"]), _("The criterion was added."),
        back=url_for("standards.edit_unit", standard_id=standard.id, code=code))


@bp.route("/<int:standard_id>/units/<code>/criteria/<number>/delete", methods=["POST"])
@roles_required(*EDITORS)
def remove_criterion(standard_id: int, code: str, number: str):
    standard = _load(standard_id)
    return _simple_edit(standard, lambda d: edits.remove_criterion(d, code, number),
                        _("Criterion %(number)s was removed.", number=number),
                        back=url_for("standards.edit_unit", standard_id=standard.id, code=code))


def _posted_edit(standard: Standard, form, change, success: str, back: str):
    """An edit posted from a small form on another page; its errors come back as flash messages."""
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(back)
    data = form.data
    return _simple_edit(standard, lambda d: change(d, data), success, back=back)


def _simple_edit(standard: Standard, change, success: str, back: str | None = None):
    """An edit from a button (no form of its own): errors come back as a flash message."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if attempt(lambda: service.edit_draft(db.session, standard, change, actor=current_user)):
        flash(success, "success")
    return redirect(back or url_for("standards.detail", standard_id=standard.id))


def _criterion_choices(standard: Standard) -> list:
    return [SelectChoice(f"{u.code}/{c.number}", f"{u.code}/{c.number}")
            for u in standard.units for e in u.elements for c in e.criteria]


@bp.route("/<int:standard_id>/tasks/<code>/edit", methods=["GET", "POST"])
@roles_required(*EDITORS)
def edit_task(standard_id: int, code: str):
    standard = _load(standard_id)
    task = next((t for t in document_of(standard)["guideline"]["practical_tasks"] if t["code"] == code), None)
    if task is None:
        abort(404)
    form = f.TaskEditForm(data=task if request.method == "GET" else None)
    choices = _criterion_choices(standard)
    for entry in form.items:
        entry.form.criteria.choices = choices
    if form.validate_on_submit():
        data = form.data
        done = _commit_edit(standard, form, lambda d: edits.set_task(d, code, data),
                            _("Task %(code)s was saved.", code=code))
        if done:
            return done
    add_form = f.ItemAddForm(prefix="item")
    add_form.criteria.choices = choices
    return render_template("standards/task_edit.html", standard=standard, task=task, form=form,
                           add_form=add_form, confirm=ConfirmForm())


@bp.route("/<int:standard_id>/tasks/<code>/items", methods=["POST"])
@roles_required(*EDITORS)
def add_item(standard_id: int, code: str):
    standard = _load(standard_id)
    form = f.ItemAddForm(prefix="item")
    form.criteria.choices = _criterion_choices(standard)
    return _posted_edit(standard, form, lambda d, data: edits.add_item(d, code, data),
                        _("The checklist item was added."),
                        back=url_for("standards.edit_task", standard_id=standard.id, code=code))


@bp.route("/<int:standard_id>/tasks/<code>/items/<item_code>/delete", methods=["POST"])
@roles_required(*EDITORS)
def remove_item(standard_id: int, code: str, item_code: str):
    standard = _load(standard_id)
    return _simple_edit(standard, lambda d: edits.remove_item(d, code, item_code),
                        _("Checklist item %(code)s was removed.", code=item_code),
                        back=url_for("standards.edit_task", standard_id=standard.id, code=code))
