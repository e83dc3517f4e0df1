"""The MRS workbench: agreements, their life cycle, and unit-by-unit mapping of two standards."""

from __future__ import annotations

import re

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from skills_cert import exports, workbooks
from skills_cert.extensions import db
from skills_cert.i18n import localized
from skills_cert.recognition import agreements as service
from skills_cert.recognition import mapping_report as benchmarking
from skills_cert.recognition import mappings, report_tables, similarity
from skills_cert.recognition.agreement_files import document_of
from skills_cert.recognition.models import (
    AGREEMENT_STATUS_LABELS,
    Agreement,
    AgreementStatus,
    Relation,
    StandardMapping,
    UnitMapping,
)
from skills_cert.recognition.views import forms as f
from skills_cert.roles import STAFF_ROLES
from skills_cert.standards.files import dump_yaml
from skills_cert.standards.labels import COUNTRY_NAMES, SECTOR_NAMES
from skills_cert.standards.models import Element, Standard, StandardStatus, Unit
from skills_cert.web.access import roles_required
from skills_cert.web.actions import act, attempt
from skills_cert.web.blueprints import mrs as bp
from skills_cert.web.forms import ConfirmForm, flash_form_errors

READERS = tuple(STAFF_ROLES)  # not analysts: they see statistics only
EDITORS = service.EDITORS


def _agreement(agreement_id: int) -> Agreement:
    agreement = db.session.scalar(sa.select(Agreement).where(Agreement.id == agreement_id).options(
        so.selectinload(Agreement.events),
        so.selectinload(Agreement.mappings).selectinload(StandardMapping.units),
        so.selectinload(Agreement.mappings).joinedload(StandardMapping.origin),
        so.selectinload(Agreement.mappings).joinedload(StandardMapping.destination)))
    if agreement is None:
        abort(404)
    return agreement


def _mapping(mapping_id: int) -> StandardMapping:
    units = (so.selectinload(Standard.units).selectinload(Unit.elements).selectinload(Element.criteria))
    mapping = db.session.scalar(sa.select(StandardMapping).where(StandardMapping.id == mapping_id).options(
        so.joinedload(StandardMapping.agreement), so.selectinload(StandardMapping.units),
        so.joinedload(StandardMapping.origin).options(units, so.joinedload(Standard.authority)),
        so.joinedload(StandardMapping.destination).options(units, so.joinedload(Standard.authority))))
    if mapping is None:
        abort(404)
    return mapping


def _tr(text: dict) -> str:
    return localized(text, str(get_locale()))


def _country_choices() -> list[SelectChoice]:
    return [SelectChoice(code, str(name)) for code, name in COUNTRY_NAMES.items()]


@bp.route("/")
@roles_required(*READERS)
def index():
    agreements = db.session.scalars(sa.select(Agreement).options(
        so.selectinload(Agreement.mappings), so.selectinload(Agreement.events))
        .order_by(Agreement.origin_country, Agreement.destination_country, Agreement.code,
                  Agreement.version.desc())).all()
    return render_template("mrs/index.html", agreements=agreements, form=_agreement_form(),
                           can_edit=current_user.has_role(*EDITORS))


def _agreement_form() -> f.AgreementForm:
    form = f.AgreementForm()
    form.origin_country.choices = _country_choices()
    form.destination_country.choices = _country_choices()
    sectors = db.session.scalars(sa.select(Standard.sector).distinct().order_by(Standard.sector)).all()
    form.sector.choices = [SelectChoice(s, str(SECTOR_NAMES.get(s, s))) for s in sectors]
    return form


@bp.route("/new", methods=["POST"])
@roles_required(*EDITORS)
def create():
    form = _agreement_form()
    if form.validate_on_submit():
        data = {name: getattr(form, name).data for name in (
            "code", "origin_country", "destination_country", "sector", "title", "reference", "signed_on",
            "effective_from", "effective_until")}
        done = act(lambda: service.create_agreement(db.session, data, actor=current_user), form=form,
                   success=lambda agreement: _("Agreement %(name)s was created as a draft. Add the standard "
                                               "mappings next.", name=agreement.name),
                   to=lambda agreement: url_for("mrs.agreement", agreement_id=agreement.id))
        if done:
            return done
    agreements = db.session.scalars(sa.select(Agreement).order_by(Agreement.code)).all()
    return render_template("mrs/index.html", agreements=agreements, form=form, can_edit=True), 400


@bp.route("/<int:agreement_id>")
@roles_required(*READERS)
def agreement(agreement_id: int):
    item = _agreement(agreement_id)
    return _agreement_page(item, _status_form(item), _mapping_form(item))


def _agreement_page(item: Agreement, status_form, mapping_form, code: int = 200):
    coverage = {m.id: benchmarking.coverage_figures(m) for m in item.mappings}
    versions = db.session.scalars(sa.select(Agreement).where(Agreement.code == item.code)
                                  .order_by(Agreement.version.desc())).all()
    return render_template("mrs/agreement.html", agreement=item, coverage=coverage, versions=versions,
                           status_form=status_form, mapping_form=mapping_form, confirm=ConfirmForm(),
                           can_edit=current_user.has_role(*EDITORS)), code


def _status_form(item: Agreement) -> f.StatusForm:
    form = f.StatusForm()
    form.status.choices = [SelectChoice(s.value, str(AGREEMENT_STATUS_LABELS[s]))
                           for s in service.TRANSITIONS[item.status]]
    return form


def _mapping_form(item: Agreement) -> f.MappingAddForm:
    form = f.MappingAddForm()
    usable = db.session.scalars(sa.select(Standard).where(
        Standard.sector == item.sector, Standard.status != StandardStatus.DRAFT,
        Standard.country.in_([item.origin_country, item.destination_country]))
        .order_by(Standard.code, Standard.version)).all()

    def choices(country):
        return [SelectChoice(s.id, f"{s.code} v{s.version} — {_tr(s.title)}") for s in usable
                if s.country == country]

    form.origin.choices = choices(item.origin_country)
    form.destination.choices = choices(item.destination_country)
    return form


@bp.route("/<int:agreement_id>/status", methods=["POST"])
@roles_required(*EDITORS)
def change_status(agreement_id: int):
    item = _agreement(agreement_id)
    form = _status_form(item)
    if form.validate_on_submit():
        target = AgreementStatus(form.status.data)
        if attempt(lambda: service.change_status(db.session, item, target, on=form.effective_on.data,
                                                 reason=form.reason.data or "", actor=current_user),
                   form=form):
            flash(_("%(name)s is %(status)s from %(date)s.", name=item.name, status=target.label,
                    date=form.effective_on.data.isoformat()), "success")
            return redirect(url_for("mrs.agreement", agreement_id=item.id))
    return _agreement_page(_agreement(agreement_id), form, _mapping_form(item), 400)


@bp.route("/<int:agreement_id>/mappings", methods=["POST"])
@roles_required(*EDITORS)
def add_mapping(agreement_id: int):
    item = _agreement(agreement_id)
    form = _mapping_form(item)
    if form.validate_on_submit():
        done = act(lambda: mappings.add_mapping(
                       db.session, item, db.session.get(Standard, form.origin.data),
                       db.session.get(Standard, form.destination.data), actor=current_user),
                   form=form, success=_("Mapping created. Map each unit below."),
                   to=lambda mapping: url_for("mrs.workbench", mapping_id=mapping.id))
        if done:
            return done
    return _agreement_page(_agreement(agreement_id), _status_form(item), form, 400)


@bp.route("/<int:agreement_id>/versions", methods=["POST"])
@roles_required(*EDITORS)
def new_version(agreement_id: int):
    item = _agreement(agreement_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    done = act(lambda: service.new_version(db.session, item, actor=current_user),
               success=lambda draft: _("Version %(v)d was created as a draft. Revise its mappings, then put it "
                                       "in force.", v=draft.version),
               to=lambda draft: url_for("mrs.agreement", agreement_id=draft.id))
    return done or redirect(url_for("mrs.agreement", agreement_id=item.id))


@bp.route("/<int:agreement_id>/export")
@roles_required(*EDITORS)
def export(agreement_id: int):
    item = _agreement(agreement_id)
    return Response(dump_yaml(document_of(item)), mimetype="application/yaml", headers={
        "Content-Disposition": f'attachment; filename="{item.code}-v{item.version}.yaml"'})


# ---------------------------------------------------------------- the side-by-side workbench

@bp.route("/mappings/<int:mapping_id>")
@roles_required(*READERS)
def workbench(mapping_id: int):
    mapping = _mapping(mapping_id)
    return _workbench_page(mapping)


def _unit_form(mapping: StandardMapping, entry: UnitMapping | None = None, origin: str | None = None,
               formdata=None) -> f.UnitMappingForm:
    if entry is not None:
        data = {"entry_id": str(entry.id), "origin_units": entry.origin_units,
                "destination_units": entry.destination_units, "relation": entry.relation.value,
                "justification": entry.justification, "gap": entry.gap or {},
                "compared": " ".join(entry.compared), "compared_by": entry.compared_by}
        form = f.UnitMappingForm(formdata=formdata, data=data, prefix=f"e{entry.id}")
    else:
        form = f.UnitMappingForm(formdata=formdata, prefix=f"new-{origin or 'x'}",
                                 data={"origin_units": [origin] if origin else [],
                                       "compared_by": current_user.full_name})
    form.origin_units.choices = [SelectChoice(u.code, f"{u.code} {_tr(u.title)}") for u in mapping.origin.units]
    form.destination_units.choices = [SelectChoice(u.code, f"{u.code} {_tr(u.title)}")
                                      for u in mapping.destination.units]
    return form


def _workbench_page(mapping: StandardMapping, failed: tuple[str, f.UnitMappingForm] | None = None, code: int = 200):
    editable = mapping.agreement.status is AgreementStatus.DRAFT and current_user.has_role(*EDITORS)
    forms = {}
    if editable:
        for entry in mapping.units:
            forms[f"e{entry.id}"] = _unit_form(mapping, entry)
        for unit in mapping.origin.units:
            forms[f"new-{unit.code}"] = _unit_form(mapping, origin=unit.code)
        if failed:
            forms[failed[0]] = failed[1]
    suggestions = similarity.suggest(mapping.origin.units, mapping.destination.units)
    scores = similarity.scores(mapping.origin.units, mapping.destination.units)
    also_like = {o.code: [f"{d.code} ({scores[o.code, d.code]})" for d in mapping.destination.units
                          if d.code != suggestions[o.code].destination
                          and scores[o.code, d.code] >= similarity.PARTIAL_FROM]
                 for o in mapping.origin.units}
    return render_template(
        "mrs/workbench.html", mapping=mapping, agreement=mapping.agreement, forms=forms, editable=editable,
        suggestions=suggestions, also_like=also_like, partial_from=similarity.PARTIAL_FROM,
        entries_by_origin={u.code: [e for e in mapping.units if u.code in e.origin_units]
                           for u in mapping.origin.units},
        destination_units={u.code: u for u in mapping.destination.units},
        figures=benchmarking.coverage_figures(mapping), rows=benchmarking.unit_rows(mapping),
        state_label=benchmarking.state_label, confirm=ConfirmForm()), code


@bp.route("/mappings/<int:mapping_id>/units", methods=["POST"])
@roles_required(*EDITORS)
def save_unit(mapping_id: int):
    mapping = _mapping(mapping_id)
    entry_id = request.form.get("entry_id_field") or ""
    entry = None
    if entry_id:
        entry = next((e for e in mapping.units if str(e.id) == entry_id), None)
        if entry is None:
            abort(404)
        key = f"e{entry.id}"
        form = _unit_form(mapping, entry, formdata=request.form)
    else:
        origin = request.form.get("origin_field", "")
        key = f"new-{origin}"
        form = _unit_form(mapping, origin=origin, formdata=request.form)
    if form.validate_on_submit():
        data = mappings.UnitMappingInput(
            origin_units=form.origin_units.data or [], destination_units=form.destination_units.data or [],
            relation=Relation(form.relation.data), justification=form.justification.data,
            gap=form.gap.form.value(), compared=re.findall(r"[A-Z0-9-]+/[0-9]+(?:\.[0-9]+)?", form.compared.data or ""),
            compared_by=form.compared_by.data or "")
        done = act(lambda: mappings.save_unit_mapping(db.session, mapping, data, entry=entry, actor=current_user),
                   form=form, success=lambda saved: _("The mapping of %(units)s was saved.",
                                                      units=", ".join(saved.origin_units)),
                   to=lambda saved: (url_for("mrs.workbench", mapping_id=mapping.id)
                                     + f"#origin-{saved.origin_units[0]}"))
        if done:
            return done
    flash_form_errors(form)
    return _workbench_page(_mapping(mapping_id), (key, form), 400)


@bp.route("/mappings/<int:mapping_id>/units/<int:entry_id>/delete", methods=["POST"])
@roles_required(*EDITORS)
def delete_unit(mapping_id: int, entry_id: int):
    mapping = _mapping(mapping_id)
    entry = next((e for e in mapping.units if e.id == entry_id), None)
    if entry is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if attempt(lambda: mappings.delete_unit_mapping(db.session, entry, actor=current_user)):
        flash(_("The unit mapping was removed."), "success")
    return redirect(url_for("mrs.workbench", mapping_id=mapping.id))


@bp.route("/mappings/<int:mapping_id>/report-<part>.csv")
@roles_required(*READERS)
def report_csv(mapping_id: int, part: str):
    """One table of the report: its summary, its unit mappings or its coverage."""
    if part not in report_tables.PARTS:
        abort(404)
    mapping = _mapping(mapping_id)
    return Response(report_tables.report_part_csv(mapping, part), mimetype=exports.CSV_TYPE,
                    headers=exports.attachment(f"{benchmarking.report_name(mapping)}-{part}.csv"))


@bp.route("/mappings/<int:mapping_id>/report.zip")
@roles_required(*READERS)
def report_zip(mapping_id: int):
    """The report's three tables, one CSV file each."""
    mapping = _mapping(mapping_id)
    name = benchmarking.report_name(mapping)
    return Response(exports.to_zip(name, report_tables.report_tables(mapping)), mimetype=exports.ZIP_TYPE,
                    headers=exports.attachment(f"{name}.zip"))


@bp.route("/mappings/<int:mapping_id>/report.xlsx")
@roles_required(*READERS)
def report_xlsx(mapping_id: int):
    mapping = _mapping(mapping_id)
    book = workbooks.workbook(report_tables.report_tables(mapping), locale=str(get_locale()),
                              title=_("Benchmarking report"))
    return Response(book, mimetype=workbooks.MEDIA_TYPE,
                    headers=exports.attachment(f"{benchmarking.report_name(mapping)}.xlsx"))


@bp.route("/mappings/<int:mapping_id>/report.pdf")
@roles_required(*READERS)
def report_pdf(mapping_id: int):
    mapping = _mapping(mapping_id)
    return Response(benchmarking.report_pdf(mapping), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{benchmarking.report_name(mapping)}.pdf"'})
