"""A test session's results as a CSV file and as an Excel workbook, for the staff who see the session."""

from flask import Response
from flask_babel import get_locale
from flask_babel import gettext as _

from skills_cert import exports, workbooks
from skills_cert.assessment.results_export import results_table
from skills_cert.assessment.views.sessions import SESSION_VIEWERS, _load
from skills_cert.web.access import roles_required
from skills_cert.web.blueprints import assessments as bp


@bp.route("/sessions/<int:session_id>/results.csv")
@roles_required(*SESSION_VIEWERS)
def results_csv(session_id: int):
    table = results_table(_load(session_id), str(get_locale()))
    return Response(exports.to_csv(table), mimetype=exports.CSV_TYPE,
                    headers=exports.attachment(f"results-session-{session_id}.csv"))


@bp.route("/sessions/<int:session_id>/results.xlsx")
@roles_required(*SESSION_VIEWERS)
def results_xlsx(session_id: int):
    table = results_table(_load(session_id), str(get_locale()))
    book = workbooks.workbook([table], locale=str(get_locale()), title=_("Results of the test session"))
    return Response(book, mimetype=workbooks.MEDIA_TYPE,
                    headers=exports.attachment(f"results-session-{session_id}.xlsx"))
