"""The statistics dashboard for policy makers, and its CSV and PDF exports (aggregates only)."""

from __future__ import annotations

import datetime as dt

from flask import Response, abort, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _

from skills_cert.auth.access import roles_required
from skills_cert.extensions import db
from skills_cert.models.types import utcnow
from skills_cert.navigation import STATISTICS_READERS
from skills_cert.services import statistics_report as report_service
from skills_cert.stats import bp
from skills_cert.stats import charts as ch
from skills_cert.stats.forms import StatisticsFilterForm

READERS = tuple(STATISTICS_READERS)


def _report():
    """The report for the filters in the query string (this year by default)."""
    locale = str(get_locale())
    today = dt.date.today()
    args = request.args.to_dict()
    if "date_from" not in args and "date_to" not in args:
        args.update(date_from=today.replace(month=1, day=1).isoformat(), date_to=today.isoformat())
    form = StatisticsFilterForm(formdata=_multidict(args))
    options = report_service.filter_options(db.session, locale)
    form.set_choices(options)
    form.validate()
    filters = form.filters()
    report = report_service.build(db.session, filters, today=today, locale=locale)
    return form, report, report_service.describe(filters, options)


def _multidict(args: dict):
    from werkzeug.datastructures import MultiDict

    return MultiDict(args)


def _charts(report) -> dict[str, ch.Chart]:
    month = report.table("testing_by_month")
    return {
        "testing_by_month": ch.column_chart(month, [(0, _("Candidates tested")), (2, _("Competent"))],
                                            _("Candidates tested and competent, by month")),
        "testing_by_sex": ch.bar_chart(report.table("testing_by_sex"), 4, _("Pass rate (%) by sex"), maximum=100),
        "testing_by_standard": ch.bar_chart(report.table("testing_by_standard"), 4,
                                            _("Pass rate (%) by occupation"), maximum=100),
        "testing_by_province": ch.bar_chart(report.table("testing_by_province"), 0,
                                            _("Candidates tested by province")),
        "verifications": ch.column_chart(report.table("verifications"),
                                         [(0, _("QR code")), (1, _("By number")), (2, _("API"))],
                                         _("Verifications per month, by channel")),
    }


@bp.route("/")
@roles_required(*READERS)
def dashboard():
    form, report, described = _report()
    return render_template("stats/dashboard.html", form=form, report=report, described=described,
                           charts=_charts(report), note=report_service.suppression_note(),
                           query=request.query_string.decode())


@bp.route("/<key>.csv")
@roles_required(*READERS)
def table_csv(key: str):
    _form, report, _described = _report()
    if key not in {t.key for t in report.tables}:
        abort(404)
    return Response(report_service.table_csv(report.table(key)), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="statistics-{key}.csv"'})


@bp.route("/report.pdf")
@roles_required(*READERS)
def report_pdf():
    _form, report, described = _report()
    pdf = report_service.report_pdf(report, subtitle=described,
                                    generated=utcnow().strftime("%Y-%m-%d %H:%M UTC"))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="statistics-{report.today.isoformat()}.pdf"'})
