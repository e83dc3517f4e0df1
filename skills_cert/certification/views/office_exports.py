"""The office's certificate search results as a CSV file and as an Excel workbook."""

import datetime as dt

from flask import Response, request
from flask_babel import get_locale
from flask_babel import gettext as _

from skills_cert import exports, workbooks
from skills_cert.certification.search_export import search_table
from skills_cert.certification.views.forms import CertificateSearchForm
from skills_cert.certification.views.office import OFFICE
from skills_cert.extensions import db
from skills_cert.web.access import roles_required
from skills_cert.web.blueprints import certificates as bp


def _table() -> exports.Table:
    form = CertificateSearchForm(request.args)
    query = form.q.data.strip() if form.validate() and form.q.data else ""
    return search_table(db.session, query, today=dt.date.today(), locale=str(get_locale()))


@bp.route("/certificates/search.csv")
@roles_required(*OFFICE)
def search_csv():
    return Response(exports.to_csv(_table()), mimetype=exports.CSV_TYPE,
                    headers=exports.attachment(f"certificates-{dt.date.today().isoformat()}.csv"))


@bp.route("/certificates/search.xlsx")
@roles_required(*OFFICE)
def search_xlsx():
    book = workbooks.workbook([_table()], locale=str(get_locale()), title=_("Certificates"))
    return Response(book, mimetype=workbooks.MEDIA_TYPE,
                    headers=exports.attachment(f"certificates-{dt.date.today().isoformat()}.xlsx"))
