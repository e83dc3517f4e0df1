"""The statistics dashboard for policy makers, and its CSV, Excel and PDF exports (aggregates only)."""

from __future__ import annotations

import datetime as dt

from flask import Response, abort, current_app, render_template, request
from flask_babel import get_locale

from skills_cert import exports, workbooks
from skills_cert.columns import utcnow
from skills_cert.extensions import db
from skills_cert.roles import STATISTICS_READERS
from skills_cert.statistics import charts as ch
from skills_cert.statistics import downloads
from skills_cert.statistics import report as report_service
from skills_cert.statistics.views.forms import StatisticsFilterForm
from skills_cert.web.access import roles_required
from skills_cert.web.blueprints import stats as bp

READERS = tuple(STATISTICS_READERS)


def _report(only: str | None = None):
    """The report for the filters in the query string (this year by default); with *only*, just
    that table."""
    locale = str(get_locale())
    today = dt.date.today()
    args = request.args.to_dict()
    if "date_from" not in args and "date_to" not in args:
        args.update(date_from=f"{today.year}-01", date_to=today.strftime("%Y-%m"))
    form = StatisticsFilterForm(formdata=_multidict(args))
    options = report_service.filter_options(db.session, locale)
    form.set_choices(options)
    form.validate()
    filters = form.filters()
    report = report_service.build(db.session, filters, today=today, locale=locale, only=only,
                                  max_age=current_app.config["STATISTICS_MAX_AGE"],
                                  inline_limit=current_app.config["STATISTICS_INLINE_REBUILD_SECONDS"])
    return form, report, report_service.describe(filters, options)


def _multidict(args: dict):
    from werkzeug.datastructures import MultiDict

    return MultiDict(args)


@bp.route("/")
@roles_required(*READERS)
def dashboard():
    form, report, described = _report()
    return render_template("stats/dashboard.html", form=form, report=report, described=described,
                           charts=ch.report_charts(report), note=report_service.suppression_note(),
                           query=request.query_string.decode())


@bp.route("/<key>.csv")
@roles_required(*READERS)
def table_csv(key: str):
    if key not in report_service.TABLE_KEYS:
        abort(404)
    _form, report, _described = _report(only=key)
    return Response(downloads.table_csv(report.table(key)), mimetype=exports.CSV_TYPE,
                    headers=exports.attachment(f"statistics-{key}.csv"))


@bp.route("/<key>.xlsx")
@roles_required(*READERS)
def table_xlsx(key: str):
    if key not in report_service.TABLE_KEYS:
        abort(404)
    _form, report, described = _report(only=key)
    return Response(downloads.workbook(report, described), mimetype=workbooks.MEDIA_TYPE,
                    headers=exports.attachment(f"statistics-{key}.xlsx"))


@bp.route("/report.xlsx")
@roles_required(*READERS)
def report_xlsx():
    """Every table of the dashboard, one sheet each."""
    _form, report, described = _report()
    return Response(downloads.workbook(report, described), mimetype=workbooks.MEDIA_TYPE,
                    headers=exports.attachment(f"statistics-{report.today.isoformat()}.xlsx"))


@bp.route("/report.pdf")
@roles_required(*READERS)
def report_pdf():
    _form, report, described = _report()
    pdf = report_service.report_pdf(report, subtitle=described, charts=ch.report_charts(report),
                                    generated=(report.as_at or utcnow()).strftime("%Y-%m-%d %H:%M UTC"))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="statistics-{report.today.isoformat()}.pdf"'})
